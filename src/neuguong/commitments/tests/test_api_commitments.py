import datetime as dt

import pytest

from neuguong.access.services import api_token_create
from neuguong.commitments import services
from neuguong.commitments.api import MSG_PERSON_UNKNOWN
from neuguong.commitments.models import Commitment
from neuguong.core.dates import local_today


@pytest.fixture
def api(client):
    def _api(user):
        token = api_token_create(user=user)
        token = token[1] if isinstance(token, tuple) else token
        headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}

        class Client:
            def get(self, url, data=None):
                return client.get(url, data or {}, **headers)

            def post(self, url, payload):
                return client.post(url, payload, content_type="application/json", **headers)

        return Client()

    return _api


@pytest.fixture
def commitment(tree):
    return services.commitment_create(
        actor=tree.staff,
        organization=tree.org_a,
        title="Nhiệm vụ A",
        deadline=local_today() + dt.timedelta(days=5),
        responsible_person=tree.person_a,
    )


@pytest.mark.parametrize(
    ("user", "count"),
    [
        ("staff", 1),
        ("secretary_a", 1),
        ("inspector_a", 1),
        ("member_a", 1),
        ("secretary_b", 0),
        ("outsider", 0),
    ],
)
def test_list_is_scoped(tree, commitment, api, user, count):
    response = api(getattr(tree, user)).get("/api/v1/commitments")
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == count
    if count:
        item = data["items"][0]
        assert {k: item[k] for k in ("id", "title", "organization", "responsible_person", "status")} == {
            "id": commitment.pk,
            "title": "Nhiệm vụ A",
            "organization": "A",
            "responsible_person": tree.person_a.pk,
            "status": "open_on_time",
        }


def test_list_filters(tree, commitment, api):
    client = api(tree.staff)
    assert client.get("/api/v1/commitments", {"status": "open_overdue"}).json()["count"] == 0
    assert client.get("/api/v1/commitments", {"person": tree.person_a.pk}).json()["count"] == 1
    assert client.get("/api/v1/commitments", {"year": commitment.deadline.year}).json()["count"] == 1
    assert client.get("/api/v1/commitments", {"org": "B"}).json()["count"] == 0
    assert client.get("/api/v1/commitments", {"status": "nope"}).status_code == 400


@pytest.mark.parametrize(("user", "status"), [("secretary_a", 200), ("member_a", 200), ("secretary_b", 404)])
def test_get_is_scoped(tree, commitment, api, user, status):
    assert api(getattr(tree, user)).get(f"/api/v1/commitments/{commitment.pk}").status_code == status


def test_create_and_past_deadline_needs_reason(tree, api):
    client = api(tree.secretary_a)
    payload = {
        "title": "Qua API",
        "organization": "A",
        "responsible_person": tree.person_a.pk,
        "deadline": "2020-01-31",
    }
    response = client.post("/api/v1/commitments", payload)
    assert response.status_code == 400
    assert response.json()["detail"] == services.MSG_DEADLINE_PAST
    response = client.post("/api/v1/commitments", payload | {"reason": "Nhập lại số liệu cũ"})
    assert response.status_code == 201
    assert response.json()["status"] == "open_overdue"


def test_forged_person_is_refused_and_nothing_written(tree, api):
    response = api(tree.secretary_a).post(
        "/api/v1/commitments",
        {"title": "x", "organization": "A", "responsible_person": tree.person_b.pk, "deadline": "2099-01-01"},
    )
    assert response.status_code == 400
    assert response.json()["detail"] == MSG_PERSON_UNKNOWN.format(id=tree.person_b.pk)
    assert not Commitment.objects.exists()


def test_secretary_cannot_create_outside_her_subtree(tree, api):
    response = api(tree.secretary_b).post(
        "/api/v1/commitments",
        {"title": "x", "organization": "A", "responsible_person": None, "deadline": "2099-01-01"},
    )
    assert response.status_code == 400
    assert not Commitment.objects.exists()


def test_report_and_complete(tree, commitment, api):
    member = api(tree.member_a)
    response = member.post(f"/api/v1/commitments/{commitment.pk}/reports", {"percent": 140, "text": "x"})
    assert response.status_code == 400
    assert response.json()["detail"] == services.MSG_PERCENT
    response = member.post(f"/api/v1/commitments/{commitment.pk}/reports", {"percent": 50, "text": "Một nửa"})
    assert response.status_code == 201
    assert (
        api(tree.secretary_b)
        .post(f"/api/v1/commitments/{commitment.pk}/reports", {"percent": 5, "text": "x"})
        .status_code
        == 404
    )
    today = local_today().isoformat()
    response = member.post(f"/api/v1/commitments/{commitment.pk}/complete", {"completed_on": today})
    assert response.status_code == 200
    # The member's own completion waits for the reviewer (the default), then is on time by its date.
    assert response.json()["status"] == "awaiting_confirmation"
    assert member.post(f"/api/v1/commitments/{commitment.pk}/confirm", {}).status_code == 404
    assert api(tree.secretary_b).post(f"/api/v1/commitments/{commitment.pk}/confirm", {}).status_code == 404
    response = api(tree.secretary_a).post(f"/api/v1/commitments/{commitment.pk}/confirm", {"note": "Đạt"})
    assert response.status_code == 200
    assert response.json()["status"] == "done_on_time"
    again = api(tree.secretary_a).post(f"/api/v1/commitments/{commitment.pk}/confirm", {})
    assert (again.status_code, again.json()["detail"]) == (400, services.MSG_NOTHING_TO_CONFIRM)
