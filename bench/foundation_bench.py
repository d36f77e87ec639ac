"""Foundation benchmark: people list, search and member page at province size, beside the framework floor.

    bench/with_postgres.sh .venv/bin/python bench/foundation_bench.py [--size province] [-n 40]

Seeds the deterministic `province` data set (≈1,500 grassroots organisations, 200,000 people) into an empty
PostgreSQL database (DATABASE_URL), then prints p50/p95 and their ratio to the floor. Goal: every ratio ≤ 3.
"""

import argparse
import time

from common import report, setup_django

# Broad queries (a million matches at national size), narrow ones, one typed with diacritics that no name
# has (the exact-diacritics tier finds nothing), one inside a word, and the organisation searches.
SEARCHES = [
    ("people search 'thi'", "/dang-vien/?q=thi"),
    ("people search 'tran thi'", "/dang-vien/?q=tran+thi"),
    ("people search 'cao minh long' (narrow)", "/dang-vien/?q=cao+minh+long"),
    ("people search 'Hường' (diacritics)", "/dang-vien/?q=H%C6%B0%E1%BB%9Dng"),
    ("people search 'guyen' (inside a word)", "/dang-vien/?q=guyen"),
    ("people search, page 3 of 'nguyen van'", "/dang-vien/?q=nguyen+van&page=3"),
    ("global search 'thi'", "/tim-kiem/?q=thi"),
    ("global search 'nguyen van'", "/tim-kiem/?q=nguyen+van"),
    ("global search 'cao minh long' (narrow)", "/tim-kiem/?q=cao+minh+long"),
    ("organisations search 'chi bo phong'", "/to-chuc/?q=chi+bo+phong"),
    ("organisations search 'so y te'", "/to-chuc/?q=so+y+te"),
]

# Every search-as-you-type picker (`/chon/<kind>/`), with a broad query, a narrow one and one that matches
# nothing (a LIKE without an index reads every row for it).
PICKERS = [
    ("picker person 'nguyen van'", "/chon/person/?q=nguyen+van"),
    ("picker person 'Hường'", "/chon/person/?q=H%C6%B0%E1%BB%9Dng"),
    ("picker organization 'chi bo'", "/chon/organization/?q=chi+bo"),
    ("picker organization 'so y te'", "/chon/organization/?q=so+y+te"),
    ("picker account 'nguyen'", "/chon/account/?q=nguyen"),
    ("picker commitment 'nhiem vu' (broad)", "/chon/commitment/?q=nhiem+vu"),
    ("picker commitment 'guong so 3'", "/chon/commitment/?q=guong+so+3"),
    ("picker commitment, no match", "/chon/commitment/?q=khong+co+gi+ca"),
    ("picker document 'ke hoach'", "/chon/document/?q=ke+hoach"),
    ("picker plan 'ke hoach'", "/chon/plan/?q=ke+hoach"),
    ("picker plan_item 'nguoi dung dau'", "/chon/plan_item/?q=nguoi+dung+dau"),
    ("picker plan_document 'nghi quyet'", "/chon/plan_document/?q=nghi+quyet"),
    ("picker study_campaign 'hoc tap'", "/chon/study_campaign/?q=hoc+tap"),
    ("picker annual_target 'chi tieu'", "/chon/annual_target/?q=chi+tieu"),
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", default="province")
    parser.add_argument("-n", type=int, default=40)
    parser.add_argument("--short", action="store_true", help="only the four pages measured before issue 18")
    args = parser.parse_args()
    setup_django()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from neuguong.access.models import Role, RoleAssignment
    from neuguong.organizations.models import Organization, OrgKind
    from neuguong.people.models import Person

    print(f"database: {connection.vendor}")
    call_command("migrate", verbosity=0)
    if not Organization.objects.exists():
        start = time.perf_counter()
        call_command("seed_demo", size=args.size, no_accounts=True, core_only=True)
        print(f"seeded {args.size} in {time.perf_counter() - start:.0f} s")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    root = Organization.objects.get(parent__isnull=True)
    committee = Organization.objects.filter(kind=OrgKind.GRASSROOTS_COMMITTEE).order_by("code").first()
    users = get_user_model().objects
    staff, _ = users.get_or_create(username="bench_staff")
    secretary, _ = users.get_or_create(username="bench_secretary")
    RoleAssignment.objects.get_or_create(user=staff, role=Role.STAFF, organization=root)
    RoleAssignment.objects.get_or_create(user=secretary, role=Role.SECRETARY, organization=committee)
    people = Person.objects.count()
    in_committee = Person.objects.filter(organization__path__startswith=committee.path).count()
    member = Person.objects.filter(organization__path__startswith=committee.path).order_by("id").first()
    print(f"{people} people; secretary's subtree {committee.code}: {in_committee} people")

    for label, user in (("staff, whole province", staff), ("secretary, one grassroots committee", secretary)):
        client = Client()
        client.force_login(user)
        print(f"\n-- {label}")
        report(
            [
                ("people list (page 1, by name)", "/dang-vien/"),
                ("people search 'nguyen van'", "/dang-vien/?q=nguyen+van"),
                ("global search 'tran thi'", "/tim-kiem/?q=tran+thi"),
                ("member page", f"/dang-vien/{member.pk}/"),
                *([] if args.short else SEARCHES + PICKERS),
            ],
            client,
            n=args.n,
        )


if __name__ == "__main__":
    main()
