"""A small tree used across apps' tests.

root (DUK) ─┬─ org_a (grassroots committee A) ── branch_a (branch under A)
            └─ org_b (grassroots branch B)
Users: staff (root), secretary_a (org_a), secretary_b (org_b), inspector_a (org_a), member_a (a person in
branch_a), outsider (logged in, no role).
"""

from dataclasses import dataclass

import pytest

from neuguong.organizations.models import OrgKind

from .factories import OrganizationFactory, PersonFactory, Role, UserFactory, grant


@dataclass
class Tree:
    root: object
    org_a: object
    branch_a: object
    org_b: object
    staff: object
    secretary_a: object
    secretary_b: object
    inspector_a: object
    member_a: object
    person_a: object
    person_a2: object
    person_b: object
    outsider: object


@pytest.fixture
def tree(db) -> Tree:
    root = OrganizationFactory(
        code="DUK",
        name="Đảng bộ Khối Các cơ quan tỉnh",
        abbreviation="ĐUK",
        superior_body="ĐẢNG BỘ TỈNH NGHỆ AN",
    )
    org_a = OrganizationFactory(
        code="A",
        name="Đảng bộ Sở Tài chính",
        kind=OrgKind.GRASSROOTS_COMMITTEE,
        parent=root,
        abbreviation="ĐU",
    )
    branch_a = OrganizationFactory(
        code="A1", name="Chi bộ Phòng Ngân sách", kind=OrgKind.BRANCH, parent=org_a
    )
    org_b = OrganizationFactory(
        code="B", name="Chi bộ Sở Tư pháp", kind=OrgKind.GRASSROOTS_BRANCH, parent=root
    )
    person_a = PersonFactory(full_name="Nguyễn Nam Đình", organization=branch_a, card_number="11110001")
    person_a2 = PersonFactory(full_name="Nguyễn Văn An", organization=branch_a, card_number="11110002")
    person_b = PersonFactory(full_name="Nguyễn Văn Bình", organization=org_b, card_number="22220001")
    staff = UserFactory(username="staff")
    grant(staff, Role.STAFF, root)
    secretary_a = UserFactory(username="secretary_a")
    grant(secretary_a, Role.SECRETARY, org_a)
    secretary_b = UserFactory(username="secretary_b")
    grant(secretary_b, Role.SECRETARY, org_b)
    inspector_a = UserFactory(username="inspector_a")
    grant(inspector_a, Role.INSPECTOR, org_a)
    member_a = UserFactory(username="member_a")
    grant(member_a, Role.MEMBER, branch_a)
    person_a.user = member_a
    person_a.save()
    outsider = UserFactory(username="outsider")
    return Tree(
        root,
        org_a,
        branch_a,
        org_b,
        staff,
        secretary_a,
        secretary_b,
        inspector_a,
        member_a,
        person_a,
        person_a2,
        person_b,
        outsider,
    )


@pytest.fixture
def login(client):
    """Log a user into the test client and return the client."""

    def _login(user):
        client.force_login(user)
        return client

    return _login
