"""Commitments benchmark: "my commitments", an organisation board and the subtree summary, beside the
framework floor, with ~5 commitments per member.

    bench/with_postgres.sh .venv/bin/python bench/commitments_bench.py [--size province] [--per-member 5] [-n 20]

Seeds the deterministic data set (core only: organisations and people) into an empty database
(DATABASE_URL), then adds `per-member` commitments per person (`bench/seed.py`: resumable, in chunks of
people; on PostgreSQL INSERT … SELECT over generate_series) with deadlines spread over the year and a spread
of completion dates, extensions and returned reports. Prints p50/p95, ratio to the floor (goal ≤ 3) and the
query count of each page.
"""

import argparse

from common import report, setup_django
from seed import seed_commitments, seed_core


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", default="province")
    parser.add_argument("--per-member", type=int, default=5)
    parser.add_argument("-n", type=int, default=20)
    args = parser.parse_args()
    setup_django()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    from neuguong.access.models import Role, RoleAssignment
    from neuguong.commitments.models import Commitment
    from neuguong.organizations.models import Organization, OrgKind
    from neuguong.people.models import Person

    print(f"database: {connection.vendor}")
    seed_core(args.size)
    seed_commitments(args.per_member)  # only what is missing: a seeded database is reused (bench/seed.py)
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
