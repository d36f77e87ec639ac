"""/api/v1/evaluation: periods (create with organisation code, year and a published rule set code), reviews
of a period, self-assessment, proposal (answering the level the rules allow and the year's facts), the
decision (400 naming the rule), the summary (equal to the page and the XLSX); scope: 404 outside."""

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from neuguong.access.services import api_token_create
from neuguong.evaluation import services
from neuguong.evaluation.models import Review

from .factories import YEAR, commitment, scores


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


def _open(api, tree, **extra):
    response = api(tree.secretary_a).post(
        "/api/v1/evaluation/periods",
        {
            "organization": "A",
            "year": dt.date.today().year,
            "rule_set": "366",
            "includes_organizations": False,
            **extra,
        },
    )
    assert response.status_code == 201, response.content
    return response.json()


@pytest.mark.django_db
def test_a_period_is_opened_listed_and_hidden_from_other_subtrees(tree, api):
    period = _open(api, tree)
    assert period["rule_set"] == "366" and period["organization"] == "A" and period["state"] == "open"
    assert api(tree.secretary_a).get("/api/v1/evaluation/periods").json()["count"] == 1
    assert api(tree.secretary_b).get("/api/v1/evaluation/periods").json()["count"] == 0
    assert api(tree.secretary_b).get(f"/api/v1/evaluation/periods/{period['id']}").status_code == 404
    # Someone else's organisation: 404, like a missing one.
    response = api(tree.secretary_b).post(
        "/api/v1/evaluation/periods", {"organization": "A", "year": YEAR, "rule_set": "366"}
    )
    assert response.status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("payload", "status", "detail"),
    [
        ({"rule_set": "999"}, 400, services.MSG_RULE_SET_UNKNOWN.format(code="999")),
        ({"year": 2024}, 400, services.MSG_RULE_SET_YEAR.format(code="366", year_from=2025, year=2024)),
        ({"year": "năm nay"}, 422, None),
    ],
)
def test_bad_periods_get_a_clear_answer(tree, api, payload, status, detail):
    response = api(tree.secretary_a).post(
        "/api/v1/evaluation/periods", {"organization": "A", "year": YEAR, "rule_set": "366", **payload}
    )
    assert response.status_code == status
    if detail:
        assert response.json()["detail"] == detail


@pytest.mark.django_db
def test_self_propose_decide_and_summary_through_the_api(tree, api):
    year = dt.date.today().year
    for month in range(1, 11):  # all on time, 3 of 10 exceeding
        for person in (tree.person_a, tree.person_a2):
            commitment(
                person,
                deadline=dt.date(year, month, 10),
                completed_on=dt.date(year, month, 5),
                outcome="exceeded" if month <= 3 else "met",
            )
    period = _open(api, tree)
    listed = api(tree.secretary_a).get("/api/v1/evaluation/reviews", {"period": period["id"]}).json()
    assert listed["count"] == 2
    mine = next(r for r in listed["items"] if r["subject"] == tree.person_a.pk)
    assert mine["state"] == "not_started" and mine["subject_type"] == "person"
    member = api(tree.member_a)
    response = member.post(
        f"/api/v1/evaluation/reviews/{mine['id']}/self", {"text": "Bản tự kiểm điểm", "scores": scores()}
    )
    assert response.status_code == 200, response.content
    assert response.json()["self_score"] == "100.00" and response.json()["state"] == "self_assessed"
    # The member cannot propose; another subtree cannot see.
    assert (
        member.post(f"/api/v1/evaluation/reviews/{mine['id']}/propose", {"scores": scores()}).status_code
        == 404
    )
    assert (
        api(tree.secretary_b)
        .post(f"/api/v1/evaluation/reviews/{mine['id']}/propose", {"score": 90})
        .status_code
        == 404
    )
    secretary = api(tree.secretary_a)
    bad = secretary.post(
        f"/api/v1/evaluation/reviews/{mine['id']}/propose", {"scores": scores(), "score": "99"}
    )
    assert bad.status_code == 400 and bad.json()["detail"] == services.MSG_TOTAL_MISMATCH.format(
        total="100", score="99"
    )
    answer = secretary.post(f"/api/v1/evaluation/reviews/{mine['id']}/propose", {"scores": scores()}).json()
    assert (
        answer["proposed_level"] == "htxs"
        and answer["allowed_level"] == "htxs"
        and answer["base_level"] == "htxs"
    )
    assert answer["facts"]["tasks"]["on_time_rate"] == "100.00" and answer["facts"]["tasks"]["exceeded"] == 3
    assert answer["task_results_proposal"]["4.1"] == "15.00"
    other = next(r for r in listed["items"] if r["subject"] == tree.person_a2.pk)
    # Only a score: 89.99 is HTTNV.
    secretary.post(f"/api/v1/evaluation/reviews/{other['id']}/self", {"text": "Nhập thay", "score": "89.99"})
    answer = secretary.post(f"/api/v1/evaluation/reviews/{other['id']}/propose", {"score": "89,99"}).json()
    assert answer["proposed_level"] == "htt"
    # 1 HTXSNV for 1 HTTNV breaks the 20 % quota: refused naming the rule, nothing decided.
    refused = secretary.post(f"/api/v1/evaluation/periods/{period['id']}/decide", {})
    assert refused.status_code == 400
    assert (
        "Vượt tỷ lệ Hoàn thành xuất sắc nhiệm vụ" in refused.json()["detail"]
        and "Quy định 366-QĐ/TW" in refused.json()["detail"]
    )
    assert not Review.objects.exclude(decided_level="").exists()
    decided = secretary.post(
        f"/api/v1/evaluation/periods/{period['id']}/decide", {"levels": {str(mine["id"]): "htt"}}
    )
    assert decided.status_code == 200, decided.content
    summary = secretary.get(f"/api/v1/evaluation/periods/{period['id']}/summary").json()
    assert summary["levels"] == {"htxs": 0, "htt": 2, "ht": 0, "khtnv": 0}
    assert summary["members"]["levels"]["htt"] == 2 and summary["quota"][0]["ok"]
    # The page's XLSX says the same.
    page = secretary_page(tree, period["id"])
    assert page["htt"] == 2 and page["htxs"] == 0
    # The member sees their own result only once published.
    seen = member.get(f"/api/v1/evaluation/reviews/{mine['id']}").json()
    assert seen["decided_level"] is None
    assert member.get(f"/api/v1/evaluation/reviews/{other['id']}").status_code == 404


def secretary_page(tree, period_id):
    from django.test import Client

    browser = Client()
    browser.force_login(tree.secretary_a)
    data = browser.get(f"/danh-gia/ky/{period_id}/?format=summary").content
    rows = [[cell.value for cell in row] for row in load_workbook(io.BytesIO(data)).active.iter_rows()]
    at = next(i for i, row in enumerate(rows) if "HTXSNV" in row)
    header, first = rows[at], rows[at + 1]
    return {"htxs": first[header.index("HTXSNV")], "htt": first[header.index("HTTNV")]}
