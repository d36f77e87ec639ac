"""The CCCD is never printed in full on the edit form or in the history; a change is logged (issue 19.4)."""

import pytest
from django.urls import reverse

from neuguong.audit.models import SensitiveAccess
from neuguong.people.services import PURPOSE_CITIZEN_ID_CHANGED

FULL = "040000000123"


@pytest.fixture
def person(tree):
    tree.person_a.citizen_id = FULL
    tree.person_a.save()
    return tree.person_a


def _form_data(client, url) -> dict:
    form = client.get(url).context["form"]
    data = {k: ("" if v is None else v) for k, v in form.initial.items()}
    data.update({"date_of_birth": "17/05/1980", "admitted_on": "03/03/2005", "official_on": "03/03/2006"})
    return data


def test_the_edit_form_shows_the_citizen_id_masked_and_logs_nothing(tree, login, person):
    page = login(tree.secretary_a).get(reverse("people:edit", args=[person.pk])).content.decode()
    assert FULL not in page
    assert "********0123" in page
    assert not SensitiveAccess.objects.exists()


def test_saving_the_form_without_a_new_number_keeps_the_citizen_id(tree, login, person):
    client = login(tree.secretary_a)
    url = reverse("people:edit", args=[person.pk])
    data = _form_data(client, url) | {"phone": "0988000111"}
    assert client.post(url, data).status_code == 302
    person.refresh_from_db()
    assert (person.citizen_id, person.phone) == (FULL, "0988000111")
    assert not SensitiveAccess.objects.exists()


def test_a_new_citizen_id_is_saved_and_the_change_is_in_the_sensitive_access_log(tree, login, person):
    client = login(tree.secretary_a)
    url = reverse("people:edit", args=[person.pk])
    assert client.post(url, _form_data(client, url) | {"citizen_id": "040000000999"}).status_code == 302
    person.refresh_from_db()
    assert person.citizen_id == "040000000999"
    log = SensitiveAccess.objects.get()
    assert (log.user, log.person, log.field_name, log.purpose) == (
        tree.secretary_a,
        person,
        "citizen_id",
        PURPOSE_CITIZEN_ID_CHANGED,
    )


def test_the_citizen_id_can_be_removed_on_purpose(tree, login, person):
    client = login(tree.secretary_a)
    url = reverse("people:edit", args=[person.pk])
    assert client.post(url, _form_data(client, url) | {"citizen_id_clear": "on"}).status_code == 302
    person.refresh_from_db()
    assert person.citizen_id == ""
    assert SensitiveAccess.objects.filter(purpose=PURPOSE_CITIZEN_ID_CHANGED).count() == 1


def test_the_history_shows_a_changed_citizen_id_masked(tree, login, person):
    client = login(tree.secretary_a)
    url = reverse("people:edit", args=[person.pk])
    client.post(url, _form_data(client, url) | {"citizen_id": "040000000999"})
    detail = client.get(reverse("people:detail", args=[person.pk])).content.decode()
    assert "Lịch sử thay đổi" in detail
    assert FULL not in detail and "040000000999" not in detail
    assert "********0123" in detail and "********0999" in detail
