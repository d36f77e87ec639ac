import datetime as dt

import pytest
from django.utils import timezone

from neuguong.access.services import api_token_create
from neuguong.commitments.models import Commitment
from neuguong.meetings import services
from neuguong.meetings.models import Meeting

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(client):
    def call(user, method: str, path: str, body=None):
        headers = {"Authorization": f"Bearer {api_token_create(user=user)}"}
        if method == "get":
            return client.get(f"/api/v1{path}", headers=headers)
        return client.post(
            f"/api/v1{path}", data=body or {}, content_type="application/json", headers=headers
        )

    return call


def test_a_meeting_goes_from_plan_to_resolution_through_the_api(tree, api):
    start = (
        (timezone.now() + dt.timedelta(days=5))
        .astimezone(dt.timezone(dt.timedelta(hours=7)))
        .replace(microsecond=0)
    )
    response = api(
        tree.secretary_a,
        "post",
        "/meetings",
        {
            "organization": "A1",
            "kind": "regular",
            "starts_at": start.isoformat(),
            "topic": "Kiểm điểm tháng",
            "place": "P.2",
        },
    )
    assert response.status_code == 201, response.content
    meeting_id = response.json()["id"]
    assert response.json()["state"] == "planned" and response.json()["organization"] == "A1"
    response = api(tree.secretary_a, "post", f"/meetings/{meeting_id}/announce")
    assert response.json()["state"] == "announced"
    # It took place three hours ago (moved back for the test).
    Meeting.objects.filter(pk=meeting_id).update(starts_at=timezone.now() - dt.timedelta(hours=3))
    response = api(
        tree.secretary_a,
        "post",
        f"/meetings/{meeting_id}/held",
        {"ended_at": (timezone.now() - dt.timedelta(minutes=60)).isoformat()},
    )
    assert response.status_code == 200 and response.json()["state"] == "held"
    response = api(
        tree.secretary_a,
        "post",
        f"/meetings/{meeting_id}/attendance",
        {
            "items": [
                {"person": tree.person_a.pk, "present": True},
                {"person": tree.person_a2.pk, "present": False, "reason": "Đi công tác"},
            ]
        },
    )
    assert response.json() == {
        "changed": 2,
        "attendance": {
            "invited": 2,
            "expected": 2,
            "present": 1,
            "excused": 1,
            "absent": 0,
            "unmarked": 0,
            "rate": 50.0,
        },
    }
    deadline = (timezone.localdate() + dt.timedelta(days=20)).isoformat()
    response = api(
        tree.secretary_a,
        "post",
        f"/meetings/{meeting_id}/resolution",
        {"items": [{"title": "Số hóa hồ sơ", "responsible_person": tree.person_a.pk, "deadline": deadline}]},
    )
    assert response.status_code == 201
    item = response.json()["items"][0]
    assert (
        item["status"] == "open_on_time"
        and Commitment.objects.get(pk=item["commitment_id"]).source_kind == "meeting"
    )
    detail = api(tree.member_a, "get", f"/meetings/{meeting_id}").json()
    assert detail["resolution_items"][0]["title"] == "Số hóa hồ sơ" and detail["attendance"] is None


@pytest.mark.parametrize(
    ("body", "status", "detail"),
    [
        (
            {"kind": "regular", "starts_at": "2026-03-05T14:00:00", "topic": "x", "place": "P"},
            400,
            services.MSG_NAIVE_TIME,
        ),
        (
            {"kind": "party", "starts_at": "2026-03-05T14:00:00+07:00", "topic": "x", "place": "P"},
            400,
            services.MSG_KIND,
        ),
        ({"kind": "regular", "starts_at": "không phải ngày", "topic": "x"}, 422, "Dữ liệu không hợp lệ."),
    ],
)
def test_bad_input_is_a_vietnamese_error_and_writes_nothing(tree, api, body, status, detail):
    response = api(tree.secretary_a, "post", "/meetings", {"organization": "A1", **body})
    assert response.status_code == status and response.json()["detail"] == detail
    assert not Meeting.objects.exists()


def test_two_regular_meetings_in_a_month_and_a_future_held_time_are_400(tree, api, announced):
    month_start = timezone.localtime(announced.starts_at).replace(day=1, hour=8)
    response = api(
        tree.secretary_a,
        "post",
        "/meetings",
        {
            "organization": "A1",
            "kind": "regular",
            "starts_at": (month_start + dt.timedelta(days=27)).isoformat(),
            "topic": "x",
            "place": "P",
        },
    )
    assert response.status_code == 400 and response.json()["field"] == "starts_at"
    response = api(
        tree.secretary_a,
        "post",
        f"/meetings/{announced.pk}/held",
        {"ended_at": (timezone.now() + dt.timedelta(hours=2)).isoformat()},
    )
    assert response.status_code == 400 and response.json()["detail"] == services.MSG_HELD_FUTURE
    response = api(
        tree.secretary_a,
        "post",
        f"/meetings/{announced.pk}/attendance",
        {"items": [{"person": tree.person_b.pk, "present": True}]},
    )
    assert response.status_code == 400
    assert response.json()["detail"] == services.MSG_NOT_INVITEE.format(name=f"#{tree.person_b.pk}")


def test_a_meeting_of_another_organisation_is_404_for_reads_and_writes(tree, api, announced):
    for user in (tree.secretary_b, tree.outsider):
        assert api(user, "get", f"/meetings/{announced.pk}").status_code == 404
        assert api(user, "post", f"/meetings/{announced.pk}/announce").status_code == 404
        assert api(user, "get", "/meetings").json()["count"] == 0
    response = api(
        tree.secretary_b,
        "post",
        "/meetings",
        {
            "organization": "A1",
            "kind": "regular",
            "starts_at": "2026-03-05T14:00:00+07:00",
            "topic": "x",
            "place": "P",
        },
    )
    assert response.status_code == 404
    # A member invited reads it, but may not act on it.
    assert api(tree.member_a, "get", f"/meetings/{announced.pk}").status_code == 200
    assert (
        api(
            tree.member_a, "post", f"/meetings/{announced.pk}/held", {"ended_at": timezone.now().isoformat()}
        ).status_code
        == 404
    )
    assert api(tree.secretary_b, "get", "/meetings/compliance?org=A").status_code == 404


def test_out_of_range_integers_are_422_never_a_database_error(tree, api):
    assert api(tree.secretary_a, "get", "/meetings?month=13").status_code == 422
    assert api(tree.secretary_a, "get", "/meetings/compliance?org=A&year=99999").status_code == 422
    assert api(tree.secretary_a, "get", f"/meetings/{2**63}").status_code == 422
