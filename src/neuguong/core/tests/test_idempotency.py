"""A POST delivered twice (the load balancer resending it to another app server) is carried out once."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from neuguong.commitments import services
from neuguong.commitments.models import ProgressReport
from neuguong.core.dates import local_today
from neuguong.core.models import IdempotencyKey
from neuguong.core.tasks import purge_idempotency_keys

KEY = "3f2a9c1e-8b7d-4e6f-a5b4-c3d2e1f0a9b8"


@pytest.fixture
def commitment(tree):
    return services.commitment_create(
        actor=tree.staff,
        organization=tree.org_a,
        title="Nhiệm vụ của A",
        deadline=local_today() + dt.timedelta(days=10),
        responsible_person=tree.person_a,
    )


def _report(client, commitment, *, key=KEY, header=True, percent=40):
    data = {"percent": percent, "text": "Đã làm xong phần 1"}
    url = reverse("commitments:report", args=[commitment.pk])
    if header:
        return client.post(url, data, headers={"Idempotency-Key": key})
    return client.post(f"{url}?idempotency_key={key}", data)


def test_a_post_sent_twice_with_the_same_key_reports_once(tree, commitment, login):
    client = login(tree.member_a)
    first = _report(client, commitment)
    second = _report(client, commitment)
    assert first.status_code == 302
    assert (second.status_code, second["Location"]) == (302, first["Location"])
    assert ProgressReport.objects.filter(commitment=commitment).count() == 1
    assert IdempotencyKey.objects.get().location == first["Location"]


def test_the_key_may_come_in_the_address_the_form_is_sent_to(tree, commitment, login):
    client = login(tree.member_a)
    assert _report(client, commitment, header=False).status_code == 302
    assert _report(client, commitment, header=False).status_code == 302
    assert ProgressReport.objects.count() == 1


def test_different_keys_are_different_reports(tree, commitment, login):
    client = login(tree.member_a)
    _report(client, commitment)
    _report(client, commitment, key=KEY.replace("3f", "40"))
    assert ProgressReport.objects.count() == 2


def test_a_form_sent_back_with_errors_keeps_no_key(tree, commitment, login):
    client = login(tree.member_a)
    assert _report(client, commitment, percent=140).status_code == 200
    assert not IdempotencyKey.objects.exists()
    assert _report(client, commitment).status_code == 302
    assert ProgressReport.objects.count() == 1


def test_the_same_key_from_another_user_is_their_own_request(tree, commitment, login):
    _report(login(tree.member_a), commitment)
    response = _report(login(tree.secretary_a), commitment, percent=50)
    assert response.status_code == 302
    assert sorted(ProgressReport.objects.values_list("percent", flat=True)) == [40, 50]


def test_a_server_error_rolls_the_whole_request_back(tree, commitment, login, client, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("the server fails after the service wrote")

    monkeypatch.setattr("neuguong.commitments.views.messages.success", broken)
    client = login(tree.member_a)
    client.raise_request_exception = False
    assert _report(client, commitment).status_code == 500
    assert not ProgressReport.objects.exists()
    assert not IdempotencyKey.objects.exists()


def test_a_post_without_a_key_or_with_a_malformed_one_is_not_recorded(tree, commitment, login):
    client = login(tree.member_a)
    client.post(reverse("commitments:report", args=[commitment.pk]), {"percent": 10, "text": "Một"})
    _report(client, commitment, key="short")
    _report(client, commitment, key="short")
    assert ProgressReport.objects.count() == 3
    assert not IdempotencyKey.objects.exists()


def test_a_login_is_not_recorded(tree, client):
    tree.member_a.set_password("Mat-khau-dai-2026")
    tree.member_a.save()
    data = {"username": "member_a", "password": "Mat-khau-dai-2026"}
    assert client.post(f"{reverse('access:login')}?idempotency_key={KEY}", data).status_code == 302
    assert not IdempotencyKey.objects.exists()


def test_keys_older_than_a_day_are_purged(tree, commitment, login):
    client = login(tree.member_a)
    _report(client, commitment)
    _report(client, commitment, key=KEY.replace("3f", "41"))
    IdempotencyKey.objects.filter(key=KEY).update(created_at=timezone.now() - dt.timedelta(days=2))
    assert purge_idempotency_keys.call() == {"deleted": 1}
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == [KEY.replace("3f", "41")]


def test_an_oversized_form_reaches_the_view_with_its_error(tree, commitment, login, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    client = login(tree.member_a)
    url = reverse("commitments:report", args=[commitment.pk])
    response = client.post(f"{url}?idempotency_key={KEY}", {"percent": 10, "text": "x" * 5000})
    assert response.status_code == 400  # Django's answer to RequestDataTooBig, raised in the view
    assert not ProgressReport.objects.exists()
