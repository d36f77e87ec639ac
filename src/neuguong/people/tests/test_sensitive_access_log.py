"""Staff review who saw members' CCCD, for their subtree only (issue 19.4)."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from neuguong.people.services import citizen_id_reveal

URL = reverse("people:sensitive_access")


@pytest.fixture
def reveals(tree):
    for person in (tree.person_a, tree.person_b):
        person.citizen_id = "040000000123"
        person.save()
    citizen_id_reveal(actor=tree.secretary_a, person=tree.person_a, purpose="Xem trên trang hồ sơ")
    citizen_id_reveal(actor=tree.staff, person=tree.person_b, purpose="Xem trên trang hồ sơ")


def test_staff_see_every_reveal_of_the_bloc_with_who_whose_and_why(tree, login, reveals):
    page = login(tree.staff).get(URL).content.decode()
    assert "Nguyễn Nam Đình" in page and "Nguyễn Văn Bình" in page
    assert "secretary_a" in page and "Xem trên trang hồ sơ" in page
    assert "040000000123" not in page


def test_a_secretary_sees_only_reveals_of_members_of_her_subtree(tree, login, reveals):
    page = login(tree.secretary_b).get(URL).content.decode()
    assert "Nguyễn Văn Bình" in page and "Nguyễn Nam Đình" not in page


@pytest.mark.parametrize("who", ["member_a", "outsider"])
def test_people_without_an_organisation_role_get_404(tree, login, reveals, who):
    assert login(getattr(tree, who)).get(URL).status_code == 404


def test_the_log_is_filtered_by_name_and_exported_as_shown(tree, login, reveals):
    client = login(tree.staff)
    page = client.get(URL, {"q": "binh"}).content.decode()
    assert "Nguyễn Văn Bình" in page and "Nguyễn Nam Đình" not in page
    response = client.get(URL, {"q": "binh", "format": "xlsx"})
    rows = list(
        load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.iter_rows(values_only=True)
    )
    assert len(rows) == 2 and rows[1][2] == "Nguyễn Văn Bình"


def test_the_log_page_does_not_query_per_row(tree, login, reveals, django_assert_max_num_queries):
    client = login(tree.staff)
    for _ in range(20):
        citizen_id_reveal(actor=tree.staff, person=tree.person_a, purpose="Xem")
    with django_assert_max_num_queries(12):
        assert client.get(URL).status_code == 200
