"""What grows with the nation, measured: table sizes, the rows one commitment's life writes, and the load
a bulk assignment puts on the status tallies.

    DATABASE_URL=postgres://postgres@127.0.0.1:55432/bench_national \\
        .venv/bin/python bench/growth_bench.py [--sample 1000] [--assign 100000]

PostgreSQL only; the database is seeded by `bench/seed.py`. Nothing is left behind: the sample's
services and the bulk assignment run inside transactions that are rolled back at the end (VACUUM then
returns the pages to the tables).

1. Rows and bytes of the largest tables as they are.
2. A commitment's life through the services, for `--sample` open commitments of one grassroots
   committee: a progress report, its acceptance, the completion. Rows written per table and their
   average size (heap tuple, without indexes).
3. `commitment_assign_many` of `--assign` commitments at once from the root (one per person): time,
   tally rows appended, audit rows, WAL written, and the compaction that folds the tally rows after.
"""

import argparse
import time

from common import setup_django

TABLES = [
    "commitments_commitment",
    "commitments_progressreport",
    "commitments_reminder",
    "notifications_notification",
    "notifications_emaildelivery",
    "audit_auditevent",
    "commitments_statustally",
    "commitments_leadunittally",
    "commitments_orgtally",
    "people_person",
    "people_person_terms",
    "organizations_organization",
    "django_tasks_database_dbtaskresult",
]


def _one(sql: str, params=None):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def sizes() -> None:
    print(f"{'table':40s} {'rows':>14s} {'table+indexes':>14s} {'bytes/row':>10s}")
    for table in TABLES:
        found = _one("SELECT to_regclass(%s) IS NOT NULL", [table])[0]
        if not found:
            continue
        rows, total = _one(
            "SELECT GREATEST(reltuples, 0)::bigint, pg_total_relation_size(oid) FROM pg_class WHERE oid = %s::regclass",
            [table],
        )
        if rows < 100_000:  # small tables: the estimate may be stale, count them
            rows = _one(f"SELECT count(*) FROM {table}")[0]
        per_row = f"{total / rows:10.0f}" if rows else f"{'–':>10s}"
        print(f"{table:40s} {rows:14,d} {total / 1e6:11.0f} MB {per_row}")


def _counts() -> dict[str, int]:
    return {
        table: _one(f"SELECT COALESCE(MAX(id), 0) FROM {table}")[0]
        for table in TABLES
        if table not in ("people_person_terms", "django_tasks_database_dbtaskresult")
        and _one("SELECT to_regclass(%s) IS NOT NULL", [table])[0]
    }


def _added(before: dict[str, int]) -> dict[str, tuple[int, float]]:
    """Rows with an id above the one noted before, and their average heap tuple size."""
    added = {}
    for table, last in before.items():
        n, size = _one(f"SELECT count(*), avg(pg_column_size(t.*)) FROM {table} t WHERE id > %s", [last])
        if n:
            added[table] = (n, float(size))
    return added


class Rollback(Exception):
    pass


def lifecycle(sample: int) -> None:
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from neuguong.access.models import Role, RoleAssignment
    from neuguong.commitments import services
    from neuguong.commitments.models import Commitment
    from neuguong.core.dates import local_today
    from neuguong.organizations.models import Organization, OrgKind

    today = local_today()
    committee = Organization.objects.filter(kind=OrgKind.GRASSROOTS_COMMITTEE).order_by("code").first()
    secretary, _ = get_user_model().objects.get_or_create(username="bench_growth_secretary")
    RoleAssignment.objects.get_or_create(user=secretary, role=Role.SECRETARY, organization=committee)
    commitments = list(
        Commitment.objects.filter(
            organization__path__startswith=committee.path,
            completed_on__isnull=True,
            halt="",
            deadline__lte=today,
        ).order_by("id")[:sample]
    )
    before = _counts()
    start = time.perf_counter()
    try:
        with transaction.atomic():
            for commitment in commitments:
                report = services.progress_report_submit(
                    actor=secretary,
                    commitment=commitment,
                    percent=60,
                    text="Đã thực hiện phần lớn nội dung đăng ký.",
                )
                services.report_accept(actor=secretary, report=report, note="Đồng ý.")
                services.commitment_complete(actor=secretary, commitment=commitment, completed_on=today)
            elapsed = time.perf_counter() - start
            added = _added(before)
            raise Rollback
    except Rollback:
        pass
    n = len(commitments)
    print(f"\n{n} commitments reported, accepted and completed by their secretary in {elapsed:.1f} s")
    print(f"{'table':40s} {'rows':>8s} {'per commitment':>15s} {'avg tuple bytes':>16s}")
    for table, (rows, size) in added.items():
        print(f"{table:40s} {rows:8d} {rows / n:15.2f} {size:16.0f}")


def bulk_assignment(count: int) -> None:
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from neuguong.access.models import Role, RoleAssignment
    from neuguong.commitments import services
    from neuguong.commitments.tally import compact
    from neuguong.core.dates import local_today
    from neuguong.organizations.models import Organization
    from neuguong.people.models import Person

    root = Organization.objects.get(parent__isnull=True)
    staff, _ = get_user_model().objects.get_or_create(username="bench_staff")
    RoleAssignment.objects.get_or_create(user=staff, role=Role.STAFF, organization=root)
    # People spread over the tree (every n-th), as an assignment to every head of agency would be.
    step = max(1, Person.objects.count() // count)
    people = list(Person.objects.filter(id__in=range(1, step * count + 1, step)).order_by("id")[:count])
    before = _counts()
    lsn = _one("SELECT pg_current_wal_lsn()")[0]
    try:
        with transaction.atomic():
            start = time.perf_counter()
            services.commitment_assign_many(
                actor=staff,
                organization=root,
                people=people,
                title="Nghiên cứu, quán triệt Nghị quyết Đại hội",
                deadline=local_today().replace(month=12, day=31),
                category="political",
            )
            elapsed = time.perf_counter() - start
            wal = float(_one("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), %s)", [lsn])[0])
            added = _added(before)
            start = time.perf_counter()
            compact()
            compacted = time.perf_counter() - start
            after_compact = {
                table: _one(f"SELECT count(*) FROM {table} WHERE id > %s", [before[table]])[0]
                for table in ("commitments_statustally", "commitments_leadunittally", "commitments_orgtally")
            }
            raise Rollback
    except Rollback:
        pass
    print(f"\ncommitment_assign_many of {len(people):,} commitments from the root: {elapsed:.1f} s")
    print(f"  WAL written: {wal / 1e6:.0f} MB")
    for table, (rows, size) in added.items():
        print(f"  {table:40s} {rows:10,d} rows ({rows / len(people):.2f} per commitment, {size:.0f} B each)")
    print(f"  compaction after: {compacted:.1f} s; tally rows left from the assignment: {after_compact}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sample", type=int, default=1000)
    parser.add_argument("--assign", type=int, default=100_000)
    parser.add_argument("--skip", nargs="*", default=[], choices=["sizes", "lifecycle", "assign"])
    args = parser.parse_args()
    setup_django()
    from django.db import connection

    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    if "sizes" not in args.skip:
        sizes()
    if "lifecycle" not in args.skip:
        lifecycle(args.sample)
    if "assign" not in args.skip:
        bulk_assignment(args.assign)
    with connection.cursor() as cursor:
        for table in TABLES[:9]:
            cursor.execute(f"VACUUM {table}")  # the rolled-back rows' pages


if __name__ == "__main__":
    main()
