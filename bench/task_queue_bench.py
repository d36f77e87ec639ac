"""The database task queue and the reminder outbox through several db_workers, directly and through pgbouncer.

1. Queue: N small tasks (`core.purge_idempotency_keys`) enqueued, then drained by W workers
   (`manage.py db_worker --batch`): tasks/s, and every task run exactly once.
2. Reminders: R reminder rows (outbox, ready, due today) and enough `send_commitment_reminders` tasks to
   send them (each task sends one batch of commitments.outbox.BATCH rows), drained by W workers: rows/s,
   and every row sent exactly once (one notification each).

Run on a seeded PostgreSQL database (bloc or province; data is added and removed again):

    DATABASE_URL=postgres://postgres@127.0.0.1:18401/neuguong .venv/bin/python bench/task_queue_bench.py \\
        [--tasks 2000] [--reminders 20000] [--workers 2] [--pgbouncer] [--server-side-cursors]

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

from django.contrib.auth import get_user_model  # noqa: E402
from django.db.models import Max, Min  # noqa: E402
from django_tasks_db.models import DBTaskResult  # noqa: E402
from neuguong.commitments.outbox import BATCH  # noqa: E402

from neuguong.commitments.models import Commitment, Notification, Reminder, ReminderKind  # noqa: E402
from neuguong.commitments.tasks import send_commitment_reminders  # noqa: E402
from neuguong.core.dates import local_today  # noqa: E402
from neuguong.core.tasks import purge_idempotency_keys  # noqa: E402

BENCH_USER_PREFIX = "bench_reminder_"


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
    users_needed = math.ceil(rows / per_user)
    user_model.objects.bulk_create(
        [user_model(username=f"{BENCH_USER_PREFIX}{n:05d}", password="!") for n in range(users_needed)],
        ignore_conflicts=True,
    )
    users = list(
        user_model.objects.filter(username__startswith=BENCH_USER_PREFIX).values_list("id", flat=True)
    )
    # Escalations to these users: "still relevant" needs no person link, so every row is really delivered.
    batch = [
        Reminder(
            recipient_id=users[n // per_user],
            commitment_id=commitments[n % per_user][0],
            kind=ReminderKind.ESCALATION,
            due_on=today,
            deadline=commitments[n % per_user][1],
        )
        for n in range(rows)
    ]
    Reminder.objects.bulk_create(batch, batch_size=5000, ignore_conflicts=True)
    mine = Reminder.objects.filter(recipient_id__in=users)
    ready = mine.filter(status="ready").count()
    DBTaskResult.objects.all().delete()
    tasks = math.ceil(ready / BATCH) + workers
    for _ in range(tasks):
        send_commitment_reminders.enqueue()
    wall = run_workers(workers, env)
    sent = mine.filter(status="sent").count()
    notified = Notification.objects.filter(recipient_id__in=users).count()
    failed_tasks = DBTaskResult.objects.filter(status="FAILED").count()
    busy = span(DBTaskResult.objects.all())
    for failure in DBTaskResult.objects.filter(status="FAILED")[:3]:
        print(f"  failed task: {failure.exception_class_path}: {failure.traceback.strip().splitlines()[-1]}")
    print(
        f"reminders: {ready} ready rows, {tasks} send tasks, {workers} workers: {sent} sent, {notified} "
        f"notifications ({notified - sent} more than rows sent), {failed_tasks} failed tasks; "
        f"{busy:.1f} s = {sent / busy:.0f} rows/s (wall {wall:.1f} s)"
    )
    Notification.objects.filter(recipient_id__in=users).delete()
    mine.delete()
    user_model.objects.filter(id__in=users).delete()
    DBTaskResult.objects.all().delete()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=2000)
    parser.add_argument("--reminders", type=int, default=20000)
    parser.add_argument("--workers", type=int, default=2)
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
    finally:
        if bouncer is not None:
            bouncer.terminate()
            bouncer.wait()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
