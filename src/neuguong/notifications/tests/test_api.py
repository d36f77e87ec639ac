"""GET /api/v1/notifications and /api/v1/me/queue: the caller's own, nobody else's, whatever their role
and wherever in the tree."""

import datetime as dt

import pytest

from neuguong.access.services import api_token_create
from neuguong.commitments import services as commitments
from neuguong.core.dates import local_today
from neuguong.notifications import services
from neuguong.notifications.models import Notification
from neuguong.portal.api import api as ninja_api

from .kinds import SampleNotice

pytestmark = pytest.mark.django_db
ROLES = ["staff", "secretary_a", "secretary_b", "inspector_a", "member_a", "outsider"]


@pytest.fixture
def api(client):
    def _api(user):
        token = api_token_create(user=user)
        token = token[1] if isinstance(token, tuple) else token
        headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}

        class Client:
            def get(self, url, data=None):
                return client.get(url, data or {}, **headers)

            def post(self, url):
                return client.post(url, {}, content_type="application/json", **headers)

        return Client()

    return _api


@pytest.fixture
def everyone_told(tree):
    """Two notifications for each role, each naming its recipient, about an organisation of the tree."""
    for role in ROLES:
        user = getattr(tree, role)
        for n in range(2):
            services.notify(
                kind=SampleNotice.PING,
                recipients=[user],
                actor=tree.staff if role != "staff" else tree.secretary_a,
                target=tree.org_a if n == 0 else tree.org_b,
                title=f"Cho {role} số {n}",
                url="/to-chuc/",
            )
    return tree


@pytest.mark.parametrize("role", ROLES)
def test_each_caller_reads_only_their_own_notifications_newest_first(api, everyone_told, role):
    body = api(getattr(everyone_told, role)).get("/api/v1/notifications").json()
    assert body["count"] == 2 and body["unread"] == 2
    assert [item["title"] for item in body["items"]] == [f"Cho {role} số 1", f"Cho {role} số 0"]
    item = body["items"][1]
    assert item["object"] == {
        "type": "organizations.organization",
        "id": everyone_told.org_a.pk,
        "title": str(everyone_told.org_a),
        "url": "/to-chuc/",
    }
    assert item["kind"] == "tests.ping" and item["kind_label"] == "Thông báo thử"
    assert item["read_at"] is None


@pytest.mark.parametrize("role", ROLES)
def test_nobody_can_read_or_mark_anothers_notification(api, everyone_told, role):
    user = getattr(everyone_told, role)
    others = Notification.objects.exclude(recipient=user)
    client = api(user)
    for other in others:
        assert client.post(f"/api/v1/notifications/{other.pk}/read").status_code == 404
    assert not Notification.objects.exclude(recipient=user).filter(read_at__isnull=False).exists()
    own = Notification.objects.filter(recipient=user).first()
    response = client.post(f"/api/v1/notifications/{own.pk}/read")
    assert response.status_code == 200 and response.json()["read_at"] is not None
    body = client.get("/api/v1/notifications", {"unread": "true"}).json()
    assert (body["count"], body["unread"]) == (1, 1)


def test_paging_and_the_actor_is_named(api, everyone_told):
    body = api(everyone_told.member_a).get("/api/v1/notifications", {"page_size": 1, "page": 2}).json()
    assert body["count"] == 2 and len(body["items"]) == 1
    assert body["items"][0]["actor"] == "staff"
    assert api(everyone_told.member_a).get("/api/v1/notifications", {"page_size": 0}).status_code == 422


def test_the_api_needs_a_token(client):
    assert client.get("/api/v1/notifications").status_code == 401
    assert client.get("/api/v1/me/queue").status_code == 401


def test_the_queue_gives_what_waits_for_the_caller_only(api, tree):
    commitment = commitments.commitment_create(
        actor=tree.staff,
        organization=tree.branch_a,
        title="Đối thoại với cán bộ",
        deadline=local_today() + dt.timedelta(days=9),
        responsible_person=tree.person_a,
    )
    commitments.progress_report_submit(
        actor=tree.member_a, commitment=commitment, percent=90, text="Gần xong"
    )
    body = api(tree.secretary_a).get("/api/v1/me/queue").json()
    assert body["count"] == 1 and body["truncated"] is False
    (item,) = body["items"]
    assert item["kind"] == "commitments.report_to_review"
    assert item["title"] == "Nguyễn Nam Đình báo cáo 90 % — Đối thoại với cán bộ"
    assert item["object"]["type"] == "commitments.commitment" and item["object"]["id"] == commitment.pk
    assert item["object"]["url"] == f"/cam-ket/{commitment.pk}/"
    for role in ("staff", "secretary_b", "inspector_a", "member_a", "outsider"):
        assert api(getattr(tree, role)).get("/api/v1/me/queue").json()["count"] == 0, role


def test_both_endpoints_are_documented_in_the_openapi_schema():
    paths = ninja_api.get_openapi_schema()["paths"]
    assert "get" in paths["/api/v1/notifications"]
    assert "post" in paths["/api/v1/notifications/{notification_id}/read"]
    assert "get" in paths["/api/v1/me/queue"]
    schemas = ninja_api.get_openapi_schema()["components"]["schemas"]
    assert {"items", "count", "unread"} <= set(schemas["NotificationPage"]["properties"])
    assert {"type", "id", "title", "url"} <= set(schemas["ObjectRef"]["properties"])
