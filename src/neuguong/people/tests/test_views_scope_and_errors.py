"""People's pages: 404 for what is not the user's (GET and POST), business errors next to their fields, no
500 for bad input, the history in Vietnamese (names, labels, dates, the CCCD masked)."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from neuguong.audit.models import SensitiveAccess
from neuguong.organizations.forms import MSG_ORGANIZATION_NOT_FOUND
from neuguong.people import services
from neuguong.people.models import Person


def _person_form(person, **overrides) -> dict:
    data = {
        "full_name": person.full_name,
        "status": person.status,
        "theory_level": person.theory_level,
        "admitted_on": "",
        "official_on": "",
    }
    return data | overrides


def _routes(tree) -> dict:
    person = tree.person_a
    return {
        "detail": ("get", reverse("people:detail", args=[person.pk]), {}),
        "edit_page": ("get", reverse("people:edit", args=[person.pk]), {}),
        "edit": ("post", reverse("people:edit", args=[person.pk]), _person_form(person, phone="0911")),
        "transfer_page": ("get", reverse("people:transfer", args=[person.pk]), {}),
        "transfer": (
            "post",
            reverse("people:transfer", args=[person.pk]),
            {"target": "A", "moved_on": "01/02/2026"},
        ),
        "reveal": ("post", reverse("people:reveal_citizen_id", args=[person.pk]), {}),
        "list_of_a": ("get", reverse("people:list"), {"org": "A"}),
    }


@pytest.mark.parametrize(
    "route", ["detail", "edit_page", "edit", "transfer_page", "transfer", "reveal", "list_of_a"]
)
@pytest.mark.parametrize("user", ["secretary_b", "outsider"])
def test_nothing_of_another_subtree_exists(tree, login, user, route):
    method, url, data = _routes(tree)[route]
    assert getattr(login(getattr(tree, user)), method)(url, data).status_code == 404, route
    tree.person_a.refresh_from_db()
    assert tree.person_a.organization == tree.branch_a and tree.person_a.phone != "0911"


@pytest.mark.parametrize(
    ("user", "route"),
    [
        ("inspector_a", "edit_page"),
        ("inspector_a", "edit"),
        ("inspector_a", "transfer_page"),
        ("inspector_a", "transfer"),
        ("inspector_a", "reveal"),
        ("member_a", "edit"),
        ("member_a", "transfer"),
        ("member_a", "reveal"),
    ],
)
def test_a_reader_of_the_record_may_not_change_it(tree, login, user, route):
    method, url, data = _routes(tree)[route]
    assert getattr(login(getattr(tree, user)), method)(url, data).status_code == 404
    assert not SensitiveAccess.objects.exists()


def test_the_create_page_is_404_without_a_right_to_write(tree, login):
    for user in (tree.inspector_a, tree.member_a, tree.outsider):
        client = login(user)
        assert client.get(reverse("people:create")).status_code == 404
        assert (
            client.post(reverse("people:create"), {"organization": "A", "full_name": "X"}).status_code == 404
        )


def test_a_transfer_to_an_organisation_one_may_only_read_is_a_form_error(tree, login):
    from neuguong.core.tests.factories import Role, grant

    grant(tree.secretary_a, Role.INSPECTOR, tree.org_b)
    response = login(tree.secretary_a).post(
        reverse("people:transfer", args=[tree.person_a.pk]), {"target": "B", "moved_on": "01/02/2026"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {"target": [MSG_ORGANIZATION_NOT_FOUND]}


@pytest.mark.parametrize(
    ("route", "data", "field", "message"),
    [
        ("edit", {"card_number": "22220001"}, "card_number", services.MSG_CARD_TAKEN.format(card="22220001")),
        ("edit", {"citizen_id": "12345"}, "citizen_id", services.MSG_CITIZEN_ID),
        (
            "edit",
            {"admitted_on": "03/03/2010", "official_on": "01/01/2009"},
            "official_on",
            services.MSG_OFFICIAL_BEFORE_ADMISSION,
        ),
        ("edit", {"date_of_birth": "01/01/1800"}, "date_of_birth", services.MSG_BIRTH_IN_FUTURE),
        ("transfer", {"target": "A1", "moved_on": "01/02/2026"}, "target", services.MSG_SAME_ORG),
    ],
)
def test_a_business_error_is_shown_next_to_its_field(tree, login, route, data, field, message):
    _, url, base = _routes(tree)[route]
    response = login(tree.secretary_a).post(url, base | data)
    assert response.status_code == 200
    assert {name: list(errors) for name, errors in response.context["form"].errors.items()} == {
        field: [message]
    }
    assert message in response.content.decode()


def test_creating_with_a_card_number_already_taken_says_so_next_to_it(tree, login):
    response = login(tree.secretary_a).post(
        reverse("people:create"),
        {
            "organization": "A1",
            "full_name": "Người Mới",
            "status": "official",
            "theory_level": "none",
            "card_number": "11110001",
        },
    )
    assert response.context["form"].errors == {
        "card_number": [services.MSG_CARD_TAKEN.format(card="11110001")]
    }
    assert not Person.objects.filter(full_name="Người Mới").exists()


def test_the_messages_name_the_person(tree, login):
    client = login(tree.secretary_a)
    response = client.post(
        reverse("people:create"),
        {"organization": "A1", "full_name": "Người Mới", "status": "official", "theory_level": "none"},
        follow=True,
    )
    assert f"Đã thêm Người Mới vào {tree.branch_a.name}." in response.content.decode()
    response = client.post(
        reverse("people:transfer", args=[tree.person_a2.pk]),
        {"target": "A", "moved_on": "01/02/2026"},
        follow=True,
    )
    assert (
        f"Đã chuyển sinh hoạt {tree.person_a2.full_name} đến {tree.org_a.name}." in response.content.decode()
    )


@pytest.mark.parametrize(
    "data",
    [
        {"full_name": "", "status": "nope", "theory_level": "x"},
        {
            "full_name": "x" * 5000,
            "status": "official",
            "theory_level": "none",
            "date_of_birth": "31/02/2020",
        },
        {"full_name": "A", "status": "official", "theory_level": "none", "email": "không phải thư"},
    ],
)
def test_malformed_edits_are_answered_with_the_form(tree, login, data):
    response = login(tree.secretary_a).post(reverse("people:edit", args=[tree.person_a.pk]), data)
    assert response.status_code == 200 and response.context["form"].errors


def test_out_of_range_ids_are_404(tree, login):
    client = login(tree.staff)
    for object_id in (0, 2**63 - 1, 10**20):
        assert client.get(reverse("people:detail", args=[object_id])).status_code == 404
        assert client.post(reverse("people:edit", args=[object_id]), {}).status_code == 404
        assert client.post(reverse("people:reveal_citizen_id", args=[object_id])).status_code == 404


def test_the_history_reads_in_vietnamese_and_masks_the_citizen_id(tree, login):
    person = tree.person_a
    services.person_update(
        actor=tree.secretary_a, person=person, citizen_id="001234567890", status="probationary"
    )
    services.person_transfer(
        actor=tree.secretary_a, person=person, target=tree.org_a, moved_on=dt.date(2026, 2, 1)
    )
    page = login(tree.inspector_a).get(reverse("people:detail", args=[person.pk])).content.decode()
    history = page[page.index('id="history-title"') :]
    assert "Sửa hồ sơ" in history and "Chuyển sinh hoạt" in history
    assert "Số CCCD" in history and "********7890" in history and "001234567890" not in history
    assert "Dự bị" in history  # the status's label, not "probationary"
    assert f"<td>{tree.branch_a.name}</td><td>{tree.org_a.name}</td>" in history
    assert "people." not in history and not re.search(r"\d{4}-\d{2}-\d{2}", history)
    assert not re.search(r">\s*(True|False)\s*<", history)
