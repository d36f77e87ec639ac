import io

import openpyxl
import pytest

from neuguong.core.tests.factories import OrganizationFactory, PersonFactory
from neuguong.dataio import quality
from neuguong.organizations.models import OrgKind
from neuguong.people.models import PersonStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def flawed(tree):
    PersonFactory(organization=tree.branch_a, card_number="")
    PersonFactory(organization=tree.org_b, status=PersonStatus.OFFICIAL, official_on=None)
    PersonFactory(organization=tree.org_b, citizen_id=tree.person_b.citizen_id)
    big = OrganizationFactory(code="A2", kind=OrgKind.BRANCH, parent=tree.org_a)
    for _ in range(9):
        PersonFactory(organization=big)
    small = OrganizationFactory(code="A3", kind=OrgKind.BRANCH, parent=tree.org_a)
    PersonFactory(organization=small)
    PersonFactory(organization=small, status=PersonStatus.PROBATIONARY, official_on=None)
    huge = OrganizationFactory(
        code="C", kind=OrgKind.GRASSROOTS_BRANCH, parent=tree.root, has_branch_committee=True
    )
    for _ in range(30):
        PersonFactory(organization=huge)
    return tree


def totals(user, root=None):
    return {
        item["check"].key: item["total"] for item in quality.quality_summary(user=user, root=root)["checks"]
    }


def test_each_check_counts_what_it_should(flawed):
    assert totals(flawed.staff) == {
        "no_card": 1,
        "duplicate_card": 0,
        "duplicate_citizen_id": 2,
        "duplicate_person": 0,
        "official_without_date": 1,
        "small_branch": 1,  # A3: one official, one probationary
        "branch_without_committee": 1,
        "large_grassroots_branch": 1,
    }


def test_counts_per_organisation_and_scope(flawed):
    summary = quality.quality_summary(user=flawed.staff)
    by_code = {row["organization"].code: row["counts"] for row in summary["rows"]}
    assert by_code["A"][0] == 1  # the person without card, grouped under grassroots A
    assert "A" not in {
        row["organization"].code for row in quality.quality_summary(user=flawed.secretary_b)["rows"]
    }
    assert totals(flawed.secretary_a)["duplicate_citizen_id"] == 0


def test_pages_drill_down_and_xlsx(flawed, login, django_assert_max_num_queries):
    client = login(flawed.staff)
    page = client.get("/du-lieu/chat-luong/").content.decode()
    assert "Đảng viên chưa có số thẻ" in page
    with django_assert_max_num_queries(12):
        detail = client.get("/du-lieu/chat-luong/branch_without_committee/")
    assert "A2" in detail.content.decode()
    assert client.get("/du-lieu/chat-luong/khong-co/").status_code == 404
    data = b"".join(client.get("/du-lieu/chat-luong/xlsx/").streaming_content)
    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    assert workbook.sheetnames[0] == "Tổng hợp"
    assert len(workbook.sheetnames) == 1 + len(quality.CHECKS)


@pytest.mark.parametrize(
    ("user", "status"), [("staff", 200), ("inspector_a", 200), ("member_a", 404), ("outsider", 404)]
)
def test_quality_pages_by_role(flawed, login, user, status):
    client = login(getattr(flawed, user))
    assert client.get("/du-lieu/chat-luong/").status_code == status
    assert client.get("/du-lieu/chat-luong/xlsx/").status_code == status


def test_secretary_cannot_drill_into_another_organisation(flawed, login):
    assert login(flawed.secretary_a).get("/du-lieu/chat-luong/", {"org": "B"}).status_code == 404
