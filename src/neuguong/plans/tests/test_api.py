"""/api/v1/plans: the issue's endpoints, field names, codes and status codes; the same scope as pages;
progress per status equal to listing /api/v1/commitments?plan=ID&status=…"""

import datetime as dt

import pytest

from neuguong.access.services import api_token_create
from neuguong.commitments import tally
from neuguong.commitments.status import STATUS_CODES
from neuguong.commitments.tests.factories import CommitmentFactory
from neuguong.core.dates import local_today
from neuguong.plans import services
from neuguong.plans.api import MSG_YEAR
from neuguong.plans.models import Plan

from .factories import document, make_item, make_plan

pytestmark = pytest.mark.django_db


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


def test_create_a_plan_and_its_items(tree, api):
    doc = document(tree.root, number=165)
    staff = api(tree.staff)
    response = staff.post(
        "/api/v1/plans",
        {
            "document": doc.pk,
            "title": "Kế hoạch 165",
            "organization": "DUK",
            "starts_on": "2026-01-01",
            "ends_on": "2026-12-31",
        },
    )
    assert response.status_code == 201, response.content
    plan = response.json()
    assert plan["number"] == "165-KH/ĐUK" and plan["state"] == "drafting" and plan["applies_to"] == "DUK"
    item = staff.post(
        f"/api/v1/plans/{plan['id']}/items",
        {"title": "Người đứng đầu nêu gương", "lead_unit": "A", "deadline": "2026-09-30", "number": "II.3"},
    )
    assert item.status_code == 201, item.content
    sub = staff.post(
        f"/api/v1/plans/{plan['id']}/items",
        {"title": "Đối thoại", "lead_unit": "A1", "deadline": "2026-06-30", "parent": item.json()["id"]},
    )
    assert sub.status_code == 201 and sub.json()["number"] == "II.3.1"
    listed = staff.get(f"/api/v1/plans/{plan['id']}/items").json()
    assert [i["number"] for i in listed] == ["II.3", "II.3.1"]
    assert staff.get(f"/api/v1/plans/{plan['id']}").json()["document"] == doc.pk
    assert staff.post(f"/api/v1/plans/{plan['id']}/in-force", {}).json()["state"] == "in_force"


@pytest.mark.parametrize(
    "payload, status, message",
    [
        ({}, 400, services.MSG_NO_DOCUMENT),
        ({"document": 999999}, 400, services.MSG_DOCUMENT_UNKNOWN),
        ({"document": 2**70}, 422, "Dữ liệu không hợp lệ."),  # outside `Id`
        ({"ends_on": "2025-01-01"}, 400, services.MSG_PERIOD),
        ({"parent": 999999}, 400, "Không tìm thấy kế hoạch có mã 999999 trong phạm vi của bạn."),
        ({"organization": "NOPE"}, 400, "Không tìm thấy tổ chức «NOPE»."),
        ({"starts_on": "hôm qua"}, 422, "Dữ liệu không hợp lệ."),
    ],
)
def test_bad_plan_input_is_a_clear_error(tree, api, payload, status, message):
    doc = document(tree.root)
    body = {
        "document": doc.pk,
        "title": "X",
        "organization": "DUK",
        "starts_on": "2026-01-01",
        "ends_on": "2026-12-31",
    }
    if not payload:  # no document at all
        body.pop("document")
    body |= payload
    response = api(tree.staff).post("/api/v1/plans", body)
    assert response.status_code == status
    assert response.json()["detail"] == message
    assert not Plan.objects.exists()


def test_bad_item_input_is_a_clear_error(tree, api):
    plan = make_plan(tree, applies_to=tree.org_a)
    staff = api(tree.staff)
    response = staff.post(
        f"/api/v1/plans/{plan.pk}/items", {"title": "X", "lead_unit": "B", "deadline": "2026-06-30"}
    )
    assert response.status_code == 400
    assert response.json() == {
        "detail": services.MSG_UNIT_OUTSIDE.format(org=tree.org_a.name),
        "field": "lead_unit",
    }
    response = staff.post(
        f"/api/v1/plans/{plan.pk}/items", {"title": "X", "lead_unit": "A", "deadline": "2027-06-30"}
    )
    assert response.status_code == 400 and response.json()["field"] == "deadline_reason"
    response = staff.post(
        f"/api/v1/plans/{plan.pk}/items",
        {"title": "X", "lead_unit": "A", "deadline": "2026-06-30", "parent": 123456},
    )
    assert response.status_code == 400 and response.json()["field"] == "parent"


@pytest.mark.parametrize(
    "role, expected",
    [
        ("staff", 200),
        ("secretary_a", 200),
        ("inspector_a", 200),
        ("member_a", 200),
        ("secretary_b", 404),
        ("outsider", 404),
    ],
)
def test_a_plan_of_another_organisation_is_a_404(tree, api, role, expected):
    plan = make_plan(tree, organization=tree.org_a, document=document(tree.org_a))
    client = api(getattr(tree, role))
    for url in (
        f"/api/v1/plans/{plan.pk}",
        f"/api/v1/plans/{plan.pk}/items",
        f"/api/v1/plans/{plan.pk}/progress",
    ):
        assert client.get(url).status_code == expected, url
    listed = client.get("/api/v1/plans").json()
    assert (plan.pk in [p["id"] for p in listed["items"]]) == (expected == 200)


def test_a_secretary_cannot_add_items_to_the_blocs_plan(tree, api):
    plan = make_plan(tree)
    response = api(tree.secretary_a).post(
        f"/api/v1/plans/{plan.pk}/items", {"title": "X", "lead_unit": "A", "deadline": "2026-06-30"}
    )
    assert response.status_code == 404
    assert plan.items.count() == 1


def test_commitments_are_created_for_an_item_and_listed_by_plan(tree, api):
    plan = make_plan(tree)
    item = plan.items.get()
    staff = api(tree.staff)
    deadline = (local_today() + dt.timedelta(days=20)).isoformat()
    response = staff.post(
        "/api/v1/commitments",
        {
            "title": "Việc",
            "organization": "A",
            "deadline": deadline,
            "responsible_person": tree.person_a.pk,
            "plan_item": item.pk,
        },
    )
    assert response.status_code == 201, response.content
    assert response.json()["plan_item"] == item.pk
    assert response.json()["source_kind"] == "document"
    for query in (f"plan={plan.pk}", f"plan_item={item.pk}"):
        assert staff.get(f"/api/v1/commitments?{query}").json()["count"] == 1
    response = staff.post(
        "/api/v1/commitments",
        {
            "title": "Việc",
            "organization": "A",
            "deadline": deadline,
            "responsible_person": tree.person_a.pk,
            "plan_item": 987654,
        },
    )
    assert response.status_code == 400 and response.json()["field"] == "plan_item"
    assert staff.get("/api/v1/commitments?plan=0").status_code == 422  # ids are bounded in their type


@pytest.mark.parametrize("role", ["staff", "secretary_a", "secretary_b", "inspector_a", "member_a"])
def test_progress_per_status_equals_listing_the_commitments(tree, api, role):
    plan = make_plan(tree)
    items = [plan.items.get(), make_item(tree, plan)]
    today = local_today()
    orgs = [tree.root, tree.org_a, tree.branch_a, tree.org_b]
    people = [tree.person_b, tree.person_a, tree.person_a, tree.person_b]
    for i in range(24):
        deadline = today + dt.timedelta(days=(i * 37) % 400 - 250)
        CommitmentFactory(
            organization=orgs[i % 4],
            responsible_person=people[i % 4],
            plan_item=items[i % 2],
            deadline=deadline,
            completed_on=deadline + dt.timedelta(days=(i % 5) - 2) if i % 3 == 0 else None,
            is_returned=i % 7 == 0,
            halt="cancelled" if i % 11 == 0 else "",
            halt_reason="Lý do" if i % 11 == 0 else "",
            halted_by=tree.staff if i % 11 == 0 else None,
        )
    tally.rebuild(today)
    client = api(getattr(tree, role))
    for year in (None, today.year, today.year - 1):
        suffix = f"&year={year}" if year else ""
        progress = client.get(f"/api/v1/plans/{plan.pk}/progress" + (f"?year={year}" if year else "")).json()
        for code in STATUS_CODES:
            listed = client.get(f"/api/v1/commitments?plan={plan.pk}&status={code}{suffix}").json()["count"]
            assert progress["by_status"][code] == listed, (role, year, code)
        assert progress["total"] == client.get(f"/api/v1/commitments?plan={plan.pk}{suffix}").json()["count"]
        for row in progress["items"]:
            listed = client.get(f"/api/v1/commitments?plan_item={row['id']}{suffix}").json()["count"]
            assert row["total"] == listed


def test_progress_refuses_a_bad_period(tree, api):
    plan = make_plan(tree)
    client = api(tree.staff)
    assert client.get(f"/api/v1/plans/{plan.pk}/progress?year=1800").status_code == 422  # outside `Year`
    assert client.get(f"/api/v1/plans/{plan.pk}/progress?year=1950").json()["detail"] == MSG_YEAR
    assert client.get(f"/api/v1/plans/{plan.pk}/progress?start=2026-05-01").status_code == 400
    assert client.get(f"/api/v1/plans/{plan.pk}/progress?start=2026-05-01&end=2026-04-01").status_code == 400
    assert client.get(f"/api/v1/plans/{2**70}/progress").status_code in (400, 422)
