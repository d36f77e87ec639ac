"""Commitments benchmark: "my commitments", an organisation board and the subtree summary, beside the
framework floor, with ~5 commitments per member.

    bench/with_postgres.sh .venv/bin/python bench/commitments_bench.py [--size province] [--per-member 5] [-n 20]

Seeds the deterministic data set (core only: organisations and people) into an empty database
(DATABASE_URL), then adds `per-member` commitments per person — on PostgreSQL with one INSERT … SELECT
over generate_series, elsewhere with bulk_create — with deadlines spread over the year and a spread of
completion dates, extensions and returned reports. Prints p50/p95, ratio to the floor (goal ≤ 3) and the
query count of each page.
"""

import argparse
import time

from common import report, setup_django

INSERT_SQL = """
INSERT INTO commitments_commitment (
    created_at, updated_at, title, title_folded, expected_result, organization_id, responsible_person_id,
    start_on, deadline, original_deadline, category, source_kind, source_note, batch, completed_on,
    completion_note, extension_pending, is_returned, halt, halt_reason, progress, created_reason)
SELECT now(), now(), 'Nhiệm vụ nêu gương số ' || g, 'nhiem vu neu guong so ' || g, '', organization_id, id,
    NULL, deadline, deadline, 'exemplary', 'pledge', '', 'bench',
    CASE WHEN (id + g) %% 10 < 4 THEN deadline + (((id + g) %% 9) - 6)::int END,
    '', (id + g) %% 17 = 0, (id + g) %% 23 = 0, '', '', (id * g) %% 101, ''
FROM (
    SELECT p.id, p.organization_id, g, date %s + ((p.id * 7 + g * 53) %% 365)::int AS deadline
    FROM people_person p CROSS JOIN generate_series(1, %s) AS g
) AS source
"""


def seed_commitments(per_member: int, year: int) -> int:
    import datetime as dt

    from django.db import connection, transaction

    from neuguong.commitments.models import Commitment
    from neuguong.core.text import fold
    from neuguong.people.models import Person

    if connection.vendor == "postgresql":
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(INSERT_SQL, [dt.date(year, 1, 1), per_member])
            return cursor.rowcount
    rows = []
    for pid, org_id in Person.objects.values_list("id", "organization_id").iterator(chunk_size=5000):
        for g in range(1, per_member + 1):
            deadline = dt.date(year, 1, 1) + dt.timedelta(days=(pid * 7 + g * 53) % 365)
            title = f"Nhiệm vụ nêu gương số {g}"
            rows.append(
                Commitment(
                    title=title,
                    title_folded=fold(title),
                    organization_id=org_id,
                    responsible_person_id=pid,
                    deadline=deadline,
                    original_deadline=deadline,
                    category="exemplary",
                    source_kind="pledge",
                    batch="bench",
                    completed_on=deadline + dt.timedelta(days=(pid + g) % 9 - 6)
                    if (pid + g) % 10 < 4
                    else None,
                    extension_pending=(pid + g) % 17 == 0,
                    is_returned=(pid + g) % 23 == 0,
                    progress=(pid * g) % 101,
                )
            )
    Commitment.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", default="province")
    parser.add_argument("--per-member", type=int, default=5)
    parser.add_argument("-n", type=int, default=20)
    args = parser.parse_args()
    setup_django()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from neuguong.access.models import Role, RoleAssignment
    from neuguong.commitments.models import Commitment
    from neuguong.core.dates import local_today
    from neuguong.organizations.models import Organization, OrgKind
    from neuguong.people.models import Person

    print(f"database: {connection.vendor}")
    call_command("migrate", verbosity=0)
    if not Organization.objects.exists():
        start = time.perf_counter()
        call_command("seed_demo", size=args.size, no_accounts=True, core_only=True)
        print(f"seeded {args.size} people in {time.perf_counter() - start:.0f} s")
    if not Commitment.objects.filter(batch="bench").exists():
        start = time.perf_counter()
        made = seed_commitments(args.per_member, local_today().year)
        print(f"inserted {made} commitments in {time.perf_counter() - start:.0f} s")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    root = Organization.objects.get(parent__isnull=True)
    committee = Organization.objects.filter(kind=OrgKind.GRASSROOTS_COMMITTEE).order_by("code").first()
    users = get_user_model().objects
    staff, _ = users.get_or_create(username="bench_staff")
    secretary, _ = users.get_or_create(username="bench_secretary")
    member_user, _ = users.get_or_create(username="bench_member")
    RoleAssignment.objects.get_or_create(user=staff, role=Role.STAFF, organization=root)
    RoleAssignment.objects.get_or_create(user=secretary, role=Role.SECRETARY, organization=committee)
    member = Person.objects.filter(organization__path__startswith=committee.path).order_by("id").first()
    if member.user_id is None:
        Person.objects.filter(pk=member.pk).update(user=member_user)
        RoleAssignment.objects.get_or_create(
            user=member_user, role=Role.MEMBER, organization=member.organization
        )
    total = Commitment.objects.count()
    in_committee = Commitment.objects.filter(organization__path__startswith=committee.path).count()
    print(
        f"{Person.objects.count()} people, {total} commitments; {committee.code}: {in_committee} commitments"
    )

    runs = [
        ("member", member_user, [("my commitments (Việc của tôi)", "/cam-ket/")]),
        (
            "secretary, one grassroots committee",
            secretary,
            [
                ("organisation board (own subtree)", "/cam-ket/bang/"),
                ("board, filter overdue", "/cam-ket/bang/?status=open_overdue"),
                ("subtree summary (own committee)", f"/cam-ket/tong-hop/?org={committee.code}"),
            ],
        ),
        (
            "staff, whole tree",
            staff,
            [
                ("organisation board of one committee", f"/cam-ket/bang/?org={committee.code}"),
                ("subtree summary at the root", "/cam-ket/tong-hop/"),
                ("board of the whole tree", "/cam-ket/bang/"),
            ],
        ),
    ]
    for label, user, pages in runs:
        client = Client()
        client.force_login(user)
        print(f"\n-- {label}")
        report(pages, client, n=args.n)


if __name__ == "__main__":
    main()
