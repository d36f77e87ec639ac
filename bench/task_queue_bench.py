"""The database task queue and the reminder outbox through several db_workers, directly and through pgbouncer.

1. Queue: N small tasks (`core.purge_idempotency_keys`) enqueued, then drained by W workers
   (`manage.py db_worker --batch`): tasks/s, and every task run exactly once.
2. Reminders: R reminder rows (outbox, ready, due today) to existing accounts, and the sending tasks the
   day's planning enqueues (`send_due_commitment_reminders`, no planning: one chain per worker, each
   enqueuing its next batch of notifications.outbox.BATCH rows while batches come back full), drained by
   W workers: rows/s, every row sent exactly once (one notification each), and how many e-mail tasks
   (`send_notification_emails`) the notifications enqueued (one per batch, not one per reminder).
3. With --plan: the daily planning task (`plan_commitment_reminders`) run twice over the database's open
   commitments: the first plans, the second finds the day planned. The reminders it wrote are removed.
   With --count-planning (read only): how many commitments the planning would read, per kind of reminder.

Run on a seeded PostgreSQL database (bloc or province; data is added and removed again; only reminder,
notification, e-mail outbox and task rows are written, plus --plan's marker row):

    DATABASE_URL=postgres://postgres@127.0.0.1:18401/neuguong .venv/bin/python bench/task_queue_bench.py \\
        [--tasks 2000] [--reminders 20000] [--workers 2] [--plan] [--pgbouncer] [--server-side-cursors]

--pgbouncer starts PgBouncer (Debian's, transaction pooling) on loopback in front of DATABASE_URL and points
the workers at it. Django then needs DB_DISABLE_SERVER_SIDE_CURSORS=true (`.iterator()` would otherwise hold a
cursor across transactions, which transaction pooling cannot keep); --server-side-cursors leaves them on, to
see what happens.
"""

import argparse
import math
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
os.environ["DJANGO_SETTINGS_MODULE"] = "neuguong.settings.production"
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.dummy.EmailBackend"

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db.models import Count, Max, Min  # noqa: E402
from django_tasks_db.models import DBTaskResult  # noqa: E402

from neuguong.commitments.models import Commitment, Reminder, ReminderKind, ReminderPlanning  # noqa: E402
from neuguong.commitments.tasks import (  # noqa: E402
    SENDING_CHAINS,
    plan_commitment_reminders,
    send_due_commitment_reminders,
)
from neuguong.core.dates import local_today  # noqa: E402
from neuguong.core.tasks import purge_idempotency_keys  # noqa: E402
from neuguong.notifications.models import EmailDelivery, Notification  # noqa: E402
from neuguong.notifications.outbox import BATCH  # noqa: E402

EMAIL_TASK = "neuguong.notifications.tasks.send_notification_emails"


def start_pgbouncer(url: str, workdir: Path) -> tuple[subprocess.Popen, str]:
    parts = urllib.parse.urlparse(url)
    port = 18430
    database = parts.path.lstrip("/")
    (workdir / "users.txt").write_text('"postgres" ""\n')
    (workdir / "pgbouncer.ini").write_text(
        f"""[databases]
{database} = host={parts.hostname} port={parts.port or 5432} dbname={database}
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {port}
unix_socket_dir =
auth_type = trust
auth_file = {workdir}/users.txt
pool_mode = transaction
default_pool_size = 10
max_client_conn = 200
; Django sends "-c jit=off" as a startup option, which PgBouncer does not pass on: set jit off on the
; database instead (ALTER DATABASE … SET jit = off).
ignore_startup_parameters = extra_float_digits,options
logfile = {workdir}/pgbouncer.log
"""
    )
    if os.geteuid() == 0:  # PgBouncer refuses to run as root
        for path in (workdir, workdir / "users.txt", workdir / "pgbouncer.ini"):
            shutil.chown(path, "postgres")
    command = ["pgbouncer", str(workdir / "pgbouncer.ini")]
    if os.geteuid() == 0:
        command = ["runuser", "-u", "postgres", "--", *command]
    process = subprocess.Popen(command)
    time.sleep(1.5)
    if process.poll() is not None:
        raise SystemExit(f"pgbouncer did not start; see {workdir}/pgbouncer.log")
    return process, f"postgres://{parts.username or 'postgres'}@127.0.0.1:{port}/{database}"


def run_workers(count: int, env: dict[str, str]) -> float:
    started = time.perf_counter()
    workers = [
        subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "db_worker",
                "--queue-name",
                "*",
                "--batch",
                "--no-startup-delay",
                "--interval",
                "0.1",
                "--worker-id",
                f"bench-{n}",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(count)
    ]
    errors = []
    for worker in workers:
        _, stderr = worker.communicate()
        if worker.returncode:
            errors.append(stderr.strip().splitlines()[-1] if stderr.strip() else f"exit {worker.returncode}")
    if errors:
        print(f"  worker errors: {errors}")
    return time.perf_counter() - started


def span(results) -> float:
    bounds = results.aggregate(first=Min("started_at"), last=Max("finished_at"))
    if not bounds["first"] or not bounds["last"]:
        return float("nan")
    return (bounds["last"] - bounds["first"]).total_seconds()


def bench_queue(tasks: int, workers: int, env: dict[str, str]) -> None:
    DBTaskResult.objects.all().delete()
    started = time.perf_counter()
    for _ in range(tasks):
        purge_idempotency_keys.enqueue()
    enqueue_s = time.perf_counter() - started
    wall = run_workers(workers, env)
    results = DBTaskResult.objects.all()
    succeeded = results.filter(status="SUCCESSFUL").count()
    failed = results.filter(status="FAILED").count()
    workers_used = results.values("worker_ids").distinct().count()
    busy = span(results)
    print(
        f"queue: {tasks} tasks enqueued in {enqueue_s:.1f} s ({tasks / enqueue_s:.0f}/s); {workers} workers: "
        f"{succeeded} succeeded, {failed} failed, run by {workers_used} worker ids; "
        f"{busy:.1f} s from first start to last finish = {succeeded / busy:.0f} tasks/s (wall {wall:.1f} s)"
    )
    DBTaskResult.objects.all().delete()


def bench_reminders(rows: int, workers: int, env: dict[str, str]) -> None:
    user_model = get_user_model()
    today = local_today()
    commitments = list(
        Commitment.objects.filter(halt="", completed_on__isnull=True, organization__parent__isnull=False)
        .order_by("id")
        .values_list("id", "deadline")[:5000]
    )
    per_user = len(commitments)
    # Existing active accounts (no account is created): escalations to them need no person link to stay
    # "still relevant", so every row is really delivered. What the bench writes is removed afterwards:
    # rows with ids above those that existed.
    users = list(
        user_model.objects.filter(is_active=True)
        .order_by("id")
        .values_list("id", flat=True)[: math.ceil(rows / per_user)]
    )
    last_reminder = Reminder.objects.aggregate(last=Max("id"))["last"] or 0
    last_notification = Notification.objects.aggregate(last=Max("id"))["last"] or 0
    others = Reminder.objects.filter(status="ready", due_on__lte=today).count()
    if others:
        print(f"  note: {others} other reminders are due in this database and will be sent too")
    mine = Reminder.objects.filter(pk__gt=last_reminder, recipient_id__in=users)
    notified = Notification.objects.filter(pk__gt=last_notification, recipient_id__in=users)
    try:
        Reminder.objects.bulk_create(
            [
                Reminder(
                    recipient_id=users[n // per_user],
                    commitment_id=commitments[n % per_user][0],
                    kind=ReminderKind.ESCALATION,
                    due_on=today,
                    deadline=commitments[n % per_user][1],
                )
                for n in range(rows)
            ],
            batch_size=5000,
            ignore_conflicts=True,
        )
        ready = mine.filter(status="ready").count()
        DBTaskResult.objects.all().delete()
        chains = getattr(settings, "COMMITMENT_REMINDER_SENDERS", SENDING_CHAINS)
        tasks = max(1, min(chains, math.ceil(ready / BATCH)))  # what the day's planning enqueues
        for _ in range(tasks):
            send_due_commitment_reminders.enqueue()
        wall = run_workers(workers, env)
        sent = mine.filter(status="sent").count()
        notifications = notified.count()
        emails = EmailDelivery.objects.filter(notification__in=notified)
        # Accounts without an address have their e-mail cancelled by the sender: handled all the same.
        email_states = dict(emails.values_list("status").annotate(n=Count("id")).order_by())
        results = DBTaskResult.objects.all()
        send_tasks = results.exclude(task_path=EMAIL_TASK).count()
        email_tasks = results.filter(task_path=EMAIL_TASK).count()
        failed_tasks = results.filter(status="FAILED").count()
        busy = span(results)
        for failure in results.filter(status="FAILED")[:3]:
            print(
                f"  failed task: {failure.exception_class_path}: {failure.traceback.strip().splitlines()[-1]}"
            )
        print(
            f"reminders: {ready} ready rows, {tasks} sending chains ({send_tasks} send tasks in all), {workers} "
            f"workers: {sent} sent, {notifications} notifications (a secretary's escalations of one claim "
            f"are one), {email_tasks} e-mail tasks for {emails.count()} e-mails ({email_states}), "
            f"{failed_tasks} failed tasks; {busy:.1f} s = {sent / busy:.0f} rows/s (wall {wall:.1f} s)"
        )
    finally:
        notified.delete()  # their e-mail outbox rows go with them
        mine.delete()
        DBTaskResult.objects.all().delete()


def count_planning() -> None:
    """Read only: the rows each part of the daily planning reads (its querysets, counted)."""
    import datetime as dt

    from neuguong.commitments import reminders

    today = local_today()
    open_ = reminders._open_commitments()
    with_person = open_.filter(responsible_person__user__isnull=False)
    after = int(reminders.policy()["escalate_after_days"])
    for label, queryset in (
        (
            "due within 7 days, with an account",
            with_person.filter(deadline__gte=today, deadline__lte=today + dt.timedelta(days=7)),
        ),
        ("overdue, with an account", with_person.filter(deadline__lt=today)),
        (
            f"overdue {after} days or more, with a parent",
            open_.filter(deadline__lte=today - dt.timedelta(days=after), organization__parent__isnull=False),
        ),
    ):
        started = time.perf_counter()
        rows = queryset.count()
        print(
            f"planning reads: {label}: {rows} commitments (counted in {time.perf_counter() - started:.1f} s)"
        )


def _add_secretaries(count: int) -> list[int]:
    """An account with the secretary's role for each of the first `count` organisations that have children
    (escalations go to the secretaries of the organisation above): the accounts' ids, to remove after."""
    from neuguong.access.models import Role, RoleAssignment
    from neuguong.organizations.models import Organization

    parents = list(
        Organization.objects.filter(children__isnull=False)
        .distinct()
        .order_by("pk")
        .values_list("pk", flat=True)[:count]
    )
    users = get_user_model().objects.bulk_create(
        [get_user_model()(username=f"bench_secretary_{pk}", is_active=True) for pk in parents],
        batch_size=5000,
    )
    RoleAssignment.objects.bulk_create(
        [
            RoleAssignment(user=user, role=Role.SECRETARY, organization_id=pk)
            for user, pk in zip(users, parents, strict=True)
        ],
        batch_size=5000,
    )
    print(f"secretaries: {len(parents):,} accounts, one per organisation with children")
    return [user.pk for user in users]


def _watch_reminders(stop, every: float = 10.0) -> None:
    """From another connection: the reminder rows visible while planning runs (committed batches)."""
    from django.db import connection

    started = time.perf_counter()
    try:
        while not stop.wait(every):
            print(
                f"  {time.perf_counter() - started:6.0f} s: {Reminder.objects.count():,} reminder rows visible"
            )
    finally:
        connection.close()


def bench_planning(secretaries: int = 0) -> None:
    """The daily planning task twice, in this process: the first plans, the second is one UPDATE. With
    `secretaries`, that many secretaries' accounts get escalations (the bench data has one)."""
    import resource
    import threading

    last_reminder = Reminder.objects.aggregate(last=Max("id"))["last"] or 0
    state = ReminderPlanning.objects.filter(pk=1).values("planned_on", "planned_at").first()
    ReminderPlanning.objects.filter(pk=1).update(planned_on=None, running_on=None, running_since=None)
    added = _add_secretaries(secretaries) if secretaries else []
    try:
        for label in ("first run of the day", "second run"):
            stop = threading.Event()
            watcher = threading.Thread(target=_watch_reminders, args=(stop,), daemon=True)
            watcher.start()
            started = time.perf_counter()
            result = plan_commitment_reminders.call()
            elapsed = time.perf_counter() - started
            stop.set()
            watcher.join()
            rate = f", {result['planned'] / elapsed:,.0f} rows/s" if result["planned"] else ""
            print(
                f"planning, {label}: {elapsed:.2f} s{rate}, {result}, process peak RSS "
                f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB"
            )
    finally:
        DBTaskResult.objects.all().delete()  # the sending it enqueued is not measured here
        started = time.perf_counter()
        Reminder.objects.filter(pk__gt=last_reminder)._raw_delete(Reminder.objects.db)
        print(f"(the reminders written removed in {time.perf_counter() - started:.0f} s)")
        if added:
            from neuguong.access.models import RoleAssignment

            RoleAssignment.objects.filter(user_id__in=added).delete()
            get_user_model().objects.filter(pk__in=added).delete()
        if state is None:
            ReminderPlanning.objects.filter(pk=1).delete()
        else:
            ReminderPlanning.objects.filter(pk=1).update(**state)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=2000)
    parser.add_argument("--reminders", type=int, default=20000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--plan", action="store_true", help="time the daily planning task (writes reminders)")
    parser.add_argument("--count-planning", action="store_true", help="count what planning reads (read only)")
    parser.add_argument(
        "--secretaries",
        type=int,
        default=0,
        help="with --plan: accounts for this many secretaries (escalations)",
    )
    parser.add_argument("--pgbouncer", action="store_true")
    parser.add_argument("--server-side-cursors", action="store_true")
    args = parser.parse_args()
    url = os.environ["DATABASE_URL"]
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "neuguong.settings.production"}
    bouncer = None
    workdir = Path(tempfile.mkdtemp(prefix="neuguong-bench-tasks."))
    workdir.chmod(0o755)
    try:
        if args.pgbouncer:
            bouncer, env["DATABASE_URL"] = start_pgbouncer(url, workdir)
            env["DB_CONN_MAX_AGE"] = "0"
            if not args.server_side_cursors:
                env["DB_DISABLE_SERVER_SIDE_CURSORS"] = "true"
        print(
            f"workers' database: {env['DATABASE_URL']}"
            + (" (pgbouncer, transaction pooling)" if bouncer else " (direct)")
            + (f", server-side cursors {'on' if args.server_side_cursors or not bouncer else 'off'}")
        )
        if args.tasks:
            bench_queue(args.tasks, args.workers, env)
        if args.reminders:
            bench_reminders(args.reminders, args.workers, env)
        if args.count_planning:
            count_planning()
        if args.plan:
            bench_planning(args.secretaries)
    finally:
        if bouncer is not None:
            bouncer.terminate()
            bouncer.wait()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
