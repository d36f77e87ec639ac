"""Scoring pages and API through the test client: a full yearly cycle for three agencies, the role × scope
matrix, appraisal hidden until finalised, bad input shown next to the field, query counts."""

import datetime as dt
import json

import pytest
from django.urls import reverse

from neuguong.access.services import api_token_create
from neuguong.core.dates import local_today
from neuguong.targets import services
from neuguong.targets.models import (
    AgencyAssessment,
    AssessmentStatus,
    Component,
    ComponentScore,
    ScoringCycle,
    ScoringSet,
)
from neuguong.targets.services import MSG_LOCKED, MSG_SCORE_ABOVE_MAX

from .factories import SET_ROWS, agencies_for, open_cycle, pdf, xlsx

CODES = ["1.1.1", "1.1.2", "1.2.1", "2.1.1", "2.1.2"]


def api_get(client, user, url):
    token = api_token_create(user=user)
    return client.get(url, HTTP_AUTHORIZATION=f"Bearer {token}")


def comps(cycle):
    return {c.code: c for c in Component.objects.filter(criterion__area__scoring_set=cycle.scoring_set)}


def post_self_scores(client, assessment, values):
    components = comps(assessment.cycle)
    for code, value in zip(CODES, values, strict=True):
        url = reverse("targets:self_score", args=[assessment.pk, components[code].pk])
        data = {"score": value, "explanation": "" if code == "1.1.1" else f"Thuyết minh {code}"}
        if code == "1.1.1":
            data["files"] = pdf()
        response = client.post(url, data)
        assert response.status_code == 302, response.content.decode()[:2000]


def post_appraisals(client, assessment, values):
    components = comps(assessment.cycle)
    for code, value in zip(CODES, values, strict=True):
        url = reverse("targets:appraise", args=[assessment.pk, components[code].pk])
        response = client.post(url, {"score": value, "comment": f"Nhận xét {code} APPRAISAL-MARK"})
        assert response.status_code == 302, response.content.decode()[:2000]


def action(client, assessment, name, data=None):
    return client.post(reverse("targets:assessment_action", args=[assessment.pk, name]), data or {})


@pytest.mark.django_db
def test_full_yearly_cycle_through_the_pages(tree, client):
    agencies_for(tree)
    today = local_today()
    # The bloc's office imports, publishes the set and opens the cycle.
    client.force_login(tree.staff)
    response = client.post(
        reverse("targets:set_import"),
        {"organization": "DUK", "name": "Bộ chỉ số CCHC", "year": today.year, "file": xlsx(SET_ROWS)},
    )
    scoring_set = ScoringSet.objects.get()
    assert response.status_code == 302
    assert client.post(reverse("targets:set_publish", args=[scoring_set.pk])).status_code == 302
    response = client.post(
        reverse("targets:cycle_create"),
        {
            "organization": "DUK",
            "scoring_set": scoring_set.pk,
            "name": "Chấm điểm CCHC",
            "year": today.year,
            "self_deadline": (today + dt.timedelta(days=10)).isoformat(),
            "survey_max_points": "10",
            "team": tree.staff.pk,
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    cycle = ScoringCycle.objects.get()
    get = lambda code: AgencyAssessment.objects.get(cycle=cycle, agency__code=code)  # noqa: E731
    a, a1, b = get("CQA"), get("CQA1"), get("CQB")

    client.force_login(tree.secretary_a)
    post_self_scores(client, a, ["4", "2", "6", "9,5", "8"])
    assert action(client, a, "nop", {"difficulties": "Thiếu biên chế"}).status_code == 302
    client.force_login(tree.member_a)  # head of agency A1
    post_self_scores(client, a1, ["4", "2", "6", "10", "8"])
    assert action(client, a1, "nop").status_code == 302

    # Time passes: the deadline is behind us and agency B has not submitted.
    ScoringCycle.objects.filter(pk=cycle.pk).update(self_deadline=today - dt.timedelta(days=1))
    client.force_login(tree.secretary_b)
    url = reverse("targets:self_score", args=[b.pk, comps(cycle)["1.1.2"].pk])
    locked = client.post(url, {"score": "1", "explanation": "x"})
    assert locked.status_code == 400
    assert (
        MSG_LOCKED.format(deadline=(today - dt.timedelta(days=1)).strftime("%d/%m/%Y"))
        in locked.content.decode()
    )
    client.force_login(tree.staff)
    reopen = action(
        client, b, "mo-lai", {"until": (today + dt.timedelta(days=2)).isoformat(), "reason": "Có lý do"}
    )
    assert reopen.status_code == 302
    client.force_login(tree.secretary_b)
    post_self_scores(client, b, ["2", "1", "3", "5", "4"])
    assert action(client, b, "nop").status_code == 302
    assert AgencyAssessment.objects.get(pk=b.pk).submitted_late

    client.force_login(tree.staff)
    post_appraisals(client, a, ["4", "2", "5", "9", "7,5"])
    post_appraisals(client, a1, ["3", "2", "6", "8,75", "6"])
    post_appraisals(client, b, ["2", "1", "3", "5", "4"])
    for assessment in (a, a1, b):
        assert action(client, assessment, "gui-giai-trinh").status_code == 302

    # The agency sees the comments but not the appraised scores, on the page and in the API.
    client.force_login(tree.secretary_a)
    page = client.get(reverse("targets:assessment", args=[a.pk])).content.decode()
    assert "APPRAISAL-MARK" in page
    assert 'id="appraised-total"' not in page
    listed = json.loads(
        api_get(client, tree.secretary_a, f"/api/v1/scoring/cycles/{cycle.pk}/assessments").content
    )
    assert [(x["agency_code"], x["appraised_total"]) for x in listed] == [("CQA1", None), ("CQA", None)]
    response = action(
        client,
        a,
        "giai-trinh",
        {"response_text": "Đề nghị xem lại", f"response_{comps(cycle)['1.2.1'].pk}": "Đủ 4 báo cáo"},
    )
    assert response.status_code == 302
    assert action(client, a, "giai-trinh", {"response_text": "Lần hai"}).status_code == 400

    client.force_login(tree.staff)
    survey = xlsx([("Mã cơ quan", "Điểm"), ("CQA", "8,25"), ("CQA1", 10), ("CQB", 5)])
    assert client.post(reverse("targets:cycle_survey", args=[cycle.pk]), {"file": survey}).status_code == 302
    client.force_login(tree.secretary_a)
    page = client.get(reverse("targets:assessment", args=[a.pk])).content.decode()
    assert "8,25" not in page and "8.25" not in page  # the survey score is hidden until finalised
    client.force_login(tree.staff)
    for assessment in (a, a1, b):
        assert action(client, assessment, "cong-bo").status_code == 302
    assert set(AgencyAssessment.objects.values_list("status", flat=True)) == {AssessmentStatus.FINALISED}

    ranking = json.loads(api_get(client, tree.staff, f"/api/v1/scoring/cycles/{cycle.pk}/ranking").content)
    assert [(r["agency_code"], r["rank"], r["final_score"], r["band"]) for r in ranking["items"]] == [
        ("CQA1", 1, "35.75", "Tốt"),
        ("CQA", 1, "35.75", "Tốt"),
        ("CQB", 3, "20", "Trung bình"),
    ]
    page = client.get(reverse("targets:ranking", args=[cycle.pk])).content.decode()
    assert "35,75" in page and "Trung bình" in page
    # Finalised: the agency reads its transparency page with the arithmetic.
    client.force_login(tree.secretary_a)
    page = client.get(reverse("targets:transparency", args=[a.pk])).content.decode()
    assert "11 + 16,5 = 27,5; cộng điểm điều tra 8,25 = 35,75" in page
    assert 'id="rank">1<' in page
    assert "minh-chung.pdf" in page and "Đủ 4 báo cáo" in page


@pytest.fixture
def cycle_env(tree):
    agency_a, agency_a1, agency_b = agencies_for(tree)
    today = local_today()
    cycle = open_cycle(tree, [agency_a, agency_a1, agency_b], deadline=today + dt.timedelta(days=5))
    a = AgencyAssessment.objects.get(cycle=cycle, agency=agency_a)
    a1 = AgencyAssessment.objects.get(cycle=cycle, agency=agency_a1)
    return cycle, a, a1


@pytest.mark.parametrize(
    ("username", "index", "cycle_page", "own", "head_of_a1"),
    [
        ("staff", 200, 200, 200, 200),
        ("secretary_a", 200, 200, 200, 200),
        ("inspector_a", 200, 200, 200, 200),
        ("secretary_b", 200, 200, 404, 404),
        ("member_a", 404, 200, 404, 200),
        ("outsider", 404, 404, 404, 404),
    ],
)
def test_scoring_pages_role_by_scope(tree, client, cycle_env, username, index, cycle_page, own, head_of_a1):
    cycle, a, a1 = cycle_env
    client.force_login(getattr(tree, username))
    assert client.get(reverse("targets:scoring")).status_code == (200 if username != "outsider" else 404)
    assert client.get(reverse("targets:index")).status_code == index
    assert client.get(reverse("targets:cycle", args=[cycle.pk])).status_code == cycle_page
    assert client.get(reverse("targets:assessment", args=[a.pk])).status_code == own
    assert client.get(reverse("targets:assessment", args=[a.pk]) + "?format=xlsx").status_code == own
    assert client.get(reverse("targets:assessment", args=[a1.pk])).status_code == head_of_a1
    api = api_get(client, getattr(tree, username), f"/api/v1/scoring/cycles/{cycle.pk}/assessments")
    assert api.status_code == cycle_page
    if api.status_code == 200:
        codes = {x["agency_code"] for x in json.loads(api.content)}
        assert ("CQA" in codes) == (own == 200)


def test_another_committee_cannot_post_self_scores(tree, client, cycle_env):
    cycle, a, _ = cycle_env
    client.force_login(tree.secretary_b)
    url = reverse("targets:self_score", args=[a.pk, comps(cycle)["1.1.1"].pk])
    assert client.post(url, {"score": "1", "explanation": "x"}).status_code == 404
    # Read-only inspector of A sees the page but may not score it.
    client.force_login(tree.inspector_a)
    assert client.post(url, {"score": "1", "explanation": "x"}).status_code == 404
    assert not ComponentScore.objects.filter(self_score__isnull=False).exists()


def test_score_above_maximum_is_shown_next_to_the_field_with_the_input_kept(tree, client, cycle_env):
    cycle, a, _ = cycle_env
    client.force_login(tree.secretary_a)
    component = comps(cycle)["1.1.1"]
    response = client.post(
        reverse("targets:self_score", args=[a.pk, component.pk]),
        {"score": "7", "explanation": "Giữ lại chữ này"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert MSG_SCORE_ABOVE_MAX.format(score="7", maximum="4", code="1.1.1") in page
    assert "Giữ lại chữ này" in page and 'value="7"' in page
    assert ComponentScore.objects.get(assessment=a, component=component).self_score is None


def test_appraisal_post_by_a_non_member_of_the_team_is_refused(tree, client, cycle_env):
    cycle, a, _ = cycle_env
    ScoringCycle.objects.filter(pk=cycle.pk).update(self_deadline=local_today() - dt.timedelta(days=1))
    client.force_login(tree.inspector_a)
    response = client.post(reverse("targets:appraise", args=[a.pk, comps(cycle)["1.1.1"].pk]), {"score": "1"})
    assert response.status_code == 400
    assert services.MSG_NOT_IN_TEAM in response.content.decode()
    assert not ComponentScore.objects.filter(appraised_score__isnull=False).exists()


def test_imported_set_whose_maxima_do_not_add_up_is_refused_with_every_row(tree, client):
    client.force_login(tree.staff)
    rows = [*SET_ROWS[:3], ("1.1.1", "TP", 5), *SET_ROWS[4:]]
    response = client.post(
        reverse("targets:set_import"),
        {"organization": "DUK", "name": "Sai", "year": 2026, "file": xlsx(rows)},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert (
        "Dòng 3: tổng điểm tối đa các tiêu chí thành phần (7) khác điểm tối đa của tiêu chí «1.1» (6)."
        in page
    )
    assert not ScoringSet.objects.exists()


def test_published_set_is_immutable_and_a_copy_makes_a_new_version(tree, client):
    from .factories import published_set

    scoring_set = published_set(tree)
    client.force_login(tree.staff)
    component = Component.objects.filter(criterion__area__scoring_set=scoring_set).first()
    assert client.get(reverse("targets:component_edit", args=[component.pk])).status_code == 404
    with pytest.raises(services.BusinessError) as exc:
        services.component_update(actor=tree.staff, component=component, name="x", max_points="1")
    assert exc.value.message == services.MSG_SET_PUBLISHED
    response = client.post(reverse("targets:set_copy", args=[scoring_set.pk]), {"year": scoring_set.year})
    copy = ScoringSet.objects.exclude(pk=scoring_set.pk).get()
    assert response.status_code == 302
    assert (copy.version, copy.status, copy.copied_from_id) == (2, "draft", scoring_set.pk)
    assert Component.objects.filter(criterion__area__scoring_set=copy).count() == 5
    next_year = services.scoring_set_copy(actor=tree.staff, source=scoring_set, year=scoring_set.year + 1)
    assert (next_year.year, next_year.version) == (scoring_set.year + 1, 1)


def test_cycle_and_ranking_pages_keep_query_counts_flat(tree, client, django_assert_max_num_queries):
    from neuguong.core.tests.factories import OrganizationFactory
    from neuguong.organizations.models import Agency

    agencies = []
    for i in range(25):
        org = OrganizationFactory(parent=tree.root, code=f"G{i}")
        agencies.append(Agency.objects.create(code=f"CQ{i:03d}", name=f"Sở số {i}", organization=org))
    cycle = open_cycle(tree, agencies, deadline=local_today() - dt.timedelta(days=1))
    ComponentScore.objects.update(appraised_score=1, self_score=1)
    AgencyAssessment.objects.update(status=AssessmentStatus.FINALISED)
    client.force_login(tree.staff)
    with django_assert_max_num_queries(16):
        assert client.get(reverse("targets:cycle", args=[cycle.pk])).status_code == 200
    with django_assert_max_num_queries(14):
        page = client.get(reverse("targets:ranking", args=[cycle.pk]))
    assert page.content.decode().count("Chi tiết công khai") == 25
    with django_assert_max_num_queries(14):
        client.get(reverse("targets:scoring"))
    a = AgencyAssessment.objects.filter(cycle=cycle).first()
    with django_assert_max_num_queries(20):
        assert client.get(reverse("targets:assessment", args=[a.pk])).status_code == 200


def test_bloc_staff_outside_the_team_and_an_agency_head_with_a_role_see_what_they_should(tree, client):
    """A scope covering the root is an empty condition: OR-ing it with the team or head conditions must
    widen, not restrict."""
    from neuguong.targets.models import Indicator
    from neuguong.targets.selectors import cycle_list

    agency_a, agency_a1, agency_b = agencies_for(tree)
    cycle = open_cycle(tree, [agency_a, agency_a1, agency_b], team=[tree.secretary_b])
    assert AgencyAssessment.objects.visible_to(tree.staff).filter(cycle=cycle).count() == 3
    assert cycle_list(user=tree.staff).count() == 1
    token = api_token_create(user=tree.member_a)
    listed = json.loads(client.get("/api/v1/scoring/cycles", HTTP_AUTHORIZATION=f"Bearer {token}").content)
    assert [c["id"] for c in listed] == [cycle.pk]  # the head of agency A1 sees the cycle it is in
    services.indicator_create(
        actor=tree.staff, organization=tree.org_a, code="X", name="Chỉ tiêu A", unit="%"
    )
    assert Indicator.objects.visible_to(tree.staff).count() == 1
    # The team member from B sees every assessment of the cycle she appraises.
    assert AgencyAssessment.objects.visible_to(tree.secretary_b).filter(cycle=cycle).count() == 3
