"""The API answers exactly what the pages show, per role and subtree."""

import datetime as dt

import pytest

from neuguong.access.services import api_token_create
from neuguong.core.dates import local_today
from neuguong.inspections import services
from neuguong.inspections.models import InspectionState

from .factories import advance, make_inspection

pytestmark = pytest.mark.django_db

DRAFT = "Nội dung dự thảo kết luận"


def _auth(user):
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(user=user)}"}


@pytest.fixture
def drafted(tree):
    inspection = make_inspection(tree)
    advance(tree, inspection, InspectionState.EXAMINING)
    services.recommendation_add(
        actor=tree.staff,
        inspection=inspection,
        text="Bổ sung kế hoạch",
        deadline=local_today() + dt.timedelta(days=20),
        lead_unit=tree.org_a,
    )
    advance(tree, inspection, InspectionState.DRAFT_CONCLUSION)
    return inspection


@pytest.mark.parametrize(
    ("name", "listed", "detail", "conclusion", "recommendations"),
    [
        ("staff", True, 200, DRAFT, 1),
        ("secretary_a", True, 200, None, 0),
        ("inspector_a", True, 200, None, 0),
        ("secretary_b", False, 404, None, None),
        ("member_a", False, 404, None, None),
        ("outsider", False, 404, None, None),
    ],
)
def test_the_api_is_scoped_like_the_pages(
    tree, client, drafted, name, listed, detail, conclusion, recommendations
):
    headers = _auth(getattr(tree, name))
    listing = client.get("/api/v1/inspections", **headers)
    assert listing.status_code == 200
    assert (drafted.pk in [item["id"] for item in listing.json()["items"]]) is listed
    response = client.get(f"/api/v1/inspections/{drafted.pk}", **headers)
    assert response.status_code == detail
    recs = client.get(f"/api/v1/inspections/{drafted.pk}/recommendations", **headers)
    if detail == 404:
        assert response.json() == {"detail": "Không tìm thấy."}
        assert recs.status_code == 404
        return
    assert response.json()["conclusion"] == conclusion
    assert response.json()["subjects"] == [{"organization": "A", "person": None}]
    assert len(recs.json()) == recommendations


def test_the_subject_gets_the_recommendations_once_notified_of_the_conclusion(tree, client, drafted):
    advance(tree, drafted, InspectionState.NOTICE_ISSUED)
    headers = _auth(tree.secretary_a)
    body = client.get(f"/api/v1/inspections/{drafted.pk}", **headers).json()
    assert body["level"] == "subject" and body["conclusion"] is None
    recs = client.get(f"/api/v1/inspections/{drafted.pk}/recommendations", **headers).json()
    assert [(r["text"], r["status"]) for r in recs] == [("Bổ sung kế hoạch", "open_on_time")]
    assert recs[0]["commitment_id"] is not None


def test_bad_filters_and_ids_answer_cleanly(tree, client, drafted):
    headers = _auth(tree.staff)
    assert client.get("/api/v1/inspections?org=NOPE", **headers).status_code == 404
    assert client.get("/api/v1/inspections?page=0", **headers).status_code == 422
    assert client.get("/api/v1/inspections/999999", **headers).status_code == 404
    assert client.get("/api/v1/inspections/abc", **headers).status_code == 422
    assert client.get("/api/v1/inspections").status_code == 401
