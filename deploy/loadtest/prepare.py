"""Accounts for the load test, made on the database named by DATABASE_URL (the cluster's primary).

Members with open commitments of their own (annual pledges from `seed_demo`), the secretaries of their
grassroots organisations, office staff at the root. Run again on the same database, it reuses the same
accounts. Writes JSON for deploy/loadtest/locustfile.py:

    python deploy/loadtest/prepare.py --members 12 --secretaries 4 --office 4 --out accounts.json
"""

import argparse
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "neuguong.settings.production")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import transaction  # noqa: E402
from django.db.models import Q  # noqa: E402

from neuguong.access.models import Role, RoleAssignment  # noqa: E402
from neuguong.commitments.models import Commitment  # noqa: E402
from neuguong.organizations.models import Organization  # noqa: E402
from neuguong.people.models import ACTIVE_MEMBER_STATUSES, Person  # noqa: E402
from neuguong.portal.demo import DEMO_PASSWORD  # noqa: E402

# Broad and narrow searches an office and a secretary type (diacritics-blind).
SEARCH_TERMS = ["nguyen van", "tran thi", "thi", "hương", "le", "pham minh", "hoang"]


def _user(username: str, *, role: str, organization: Organization):
    user_model = get_user_model()
    user = user_model.objects.filter(username=username).first()
    if user is None:
        user = user_model.objects.create_user(username=username, password=DEMO_PASSWORD)
    RoleAssignment.objects.get_or_create(user=user, role=role, organization=organization)
    return user


def _open_commitments(person_ids, organization: Organization) -> dict[int, list[int]]:
    """Open commitments of these people on the boards of `organization`'s subtree (so its secretary
    reviews them; a head of agency's commitments under the bloc's plan sit on the root's board)."""
    mine: dict[int, list[int]] = {}
    rows = Commitment.objects.filter(
        responsible_person_id__in=person_ids,
        organization__path__startswith=organization.path,
        completed_on__isnull=True,
        halt="",
    ).values_list("responsible_person_id", "id")
    for person_id, commitment_id in rows:
        mine.setdefault(person_id, []).append(commitment_id)
    return mine


@transaction.atomic
def prepare(*, members: int, secretaries: int, office: int) -> dict:
    root = Organization.objects.get(parent__isnull=True, code="DUK")
    grassroots = list(Organization.objects.filter(parent=root).order_by("code"))
    chosen: list[tuple[Organization, list[tuple[Person, list[int]]]]] = []
    for organization in grassroots:
        if len(chosen) == secretaries:
            break
        # People without an account, or with one this script made before.
        people = list(
            Person.objects.filter(
                Q(user__isnull=True) | Q(user__username__startswith="lt_member_"),
                organization__path__startswith=organization.path,
                status__in=ACTIVE_MEMBER_STATUSES,
            ).select_related("user")
        )
        open_by_person = _open_commitments([p.pk for p in people], organization)
        with_work = [
            (p, open_by_person[p.pk]) for p in sorted(people, key=lambda p: p.pk) if p.pk in open_by_person
        ]
        if with_work:
            chosen.append((organization, with_work))
    if len(chosen) < secretaries:
        raise SystemExit(f"Only {len(chosen)} grassroots organisations have members with open commitments.")

    out: dict = {"password": DEMO_PASSWORD, "root": root.code, "search_terms": SEARCH_TERMS}
    out["office"] = [
        {"username": _user(f"lt_office_{n:02d}", role=Role.STAFF, organization=root).username}
        for n in range(1, office + 1)
    ]
    out["members"], out["secretaries"] = [], []
    for index in range(members):
        organization, people = chosen[index % len(chosen)]
        person, commitment_ids = people[(index // len(chosen)) % len(people)]
        username = f"lt_member_{index + 1:03d}"
        if person.user_id is None:
            person.user = _user(username, role=Role.MEMBER, organization=person.organization)
            person.save(update_fields=["user"])
        out["members"].append(
            {"username": person.user.username, "org": organization.code, "commitments": commitment_ids}
        )
    for index, (organization, _people) in enumerate(chosen, start=1):
        username = f"lt_secretary_{index:02d}"
        _user(username, role=Role.SECRETARY, organization=organization)
        commitments = [c for m in out["members"] if m["org"] == organization.code for c in m["commitments"]]
        out["secretaries"].append(
            {"username": username, "org": organization.code, "commitments": commitments}
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=12)
    parser.add_argument("--secretaries", type=int, default=4)
    parser.add_argument("--office", type=int, default=4)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    accounts = prepare(members=args.members, secretaries=args.secretaries, office=args.office)
    Path(args.out).write_text(json.dumps(accounts, ensure_ascii=False, indent=1), encoding="utf-8")
    print(
        f"{len(accounts['members'])} đảng viên, {len(accounts['secretaries'])} bí thư, "
        f"{len(accounts['office'])} cán bộ văn phòng → {args.out}"
    )


if __name__ == "__main__":
    main()
