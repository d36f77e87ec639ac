"""A service's refusal on every targets and scoring form is shown in Vietnamese next to the field it concerns
(the exact message constant), with the user's input kept; and no bad input answers 500."""

import datetime as dt

import pytest
from django.urls import reverse

from neuguong.core.dates import local_today
from neuguong.core.tests.factories import OrganizationFactory
from neuguong.targets import importers, rules, services
from neuguong.targets.forms import MSG_UNKNOWN_USERS
from neuguong.targets.models import AgencyAssessment, Component, ScoringCycle

from .factories import SET_ROWS, agencies_for, open_cycle, pdf, xlsx

pytestmark = pytest.mark.django_db


def field_errors(response, field: str, form: str = "form") -> list[str]:
    """The errors the page shows next to `field` of the form in the context (after the service ran)."""
    return list(response.context[form].errors.get(field, []))


@pytest.fixture
def env(tree):
    agency_a, agency_a1, agency_b = agencies_for(tree)
    indicator = services.indicator_create(
        actor=tree.staff, organization=tree.root, code="CT1", name="Tỷ lệ hồ sơ đúng hạn", unit="%"
    )
    target = services.annual_target_set(
        actor=tree.staff, indicator=indicator, agency=agency_a, year=local_today().year, target_value="95"
    )
    cycle = open_cycle(tree, [agency_a, agency_b], deadline=local_today() + dt.timedelta(days=5))
    return {
        "agencies": (agency_a, agency_a1, agency_b),
        "indicator": indicator,
        "target": target,
        "cycle": cycle,
        "a": AgencyAssessment.objects.get(cycle=cycle, agency=agency_a),
        "components": {
            c.code: c for c in Component.objects.filter(criterion__area__scoring_set=cycle.scoring_set)
        },
    }


INDICATOR = {"organization": "DUK", "code": "CT1", "name": "Tên", "unit": "%", "direction": "higher"}


def test_indicator_code_taken_is_said_next_to_the_code(tree, client, env):
    client.force_login(tree.staff)
    data = {**INDICATOR, "frequency": "quarterly", "report_due_days": 10}
    response = client.post(reverse("targets:indicator_create"), data)
    assert field_errors(response, "code") == [services.MSG_CODE_EXISTS.format(code="CT1")]
    assert 'value="Tên"' in response.content.decode()  # the input is kept


def test_indicator_baseline_that_is_not_a_number_is_said_next_to_it(tree, client, env):
    client.force_login(tree.staff)
    response = client.post(
        reverse("targets:indicator_edit", args=[env["indicator"].pk]),
        {"name": "Tên", "unit": "%", "direction": "higher", "baseline": "nhiều", "report_due_days": 5},
    )
    assert field_errors(response, "baseline") == [rules.MSG_NOT_A_NUMBER.format(value="nhiều")]


def test_target_for_an_agency_outside_the_indicators_committee_is_said_next_to_the_agency(tree, client, env):
    indicator = services.indicator_create(
        actor=tree.staff, organization=tree.org_a, code="A1", name="Chỉ tiêu của A", unit="%"
    )
    client.force_login(tree.staff)
    response = client.post(
        reverse("targets:target_create"),
        {"indicator": indicator.pk, "agency": "CQB", "year": 2026, "target_value": "90"},
    )
    assert field_errors(response, "agency") == [services.MSG_AGENCY_OUTSIDE.format(agency="Sở Tư pháp")]


def test_an_actual_for_a_period_not_yet_begun_is_said_next_to_the_period(tree, client, env):
    year = local_today().year + 1
    target = services.annual_target_set(
        actor=tree.staff, indicator=env["indicator"], agency=env["agencies"][0], year=year, target_value="9"
    )
    client.force_login(tree.secretary_a)
    response = client.post(reverse("targets:target", args=[target.pk]), {"period": 2, "value": "9"})
    assert field_errors(response, "period") == [services.MSG_PERIOD_NOT_STARTED.format(label=f"Quý 2/{year}")]


def test_an_import_with_problems_says_so_next_to_the_file_and_lists_every_row(tree, client, env):
    client.force_login(tree.staff)
    rows = [
        ("Mã chỉ tiêu", "Mã cơ quan", "Năm", "Chỉ tiêu năm"),
        ("CT9", "CQA", 2026, 1),
        ("CT1", "CQZ", 2026, 1),
    ]
    response = client.post(reverse("targets:targets_import"), {"organization": "DUK", "file": xlsx(rows)})
    assert field_errors(response, "file") == [importers.MSG_IMPORT_PROBLEMS.format(n=2)]
    page = response.content.decode()
    assert importers.MSG_ROW_UNKNOWN_INDICATOR.format(row=2, code="CT9") in page
    assert importers.MSG_ROW_UNKNOWN_AGENCY.format(row=3, code="CQZ") in page


def test_a_scoring_set_whose_sums_are_wrong_is_said_next_to_the_file(tree, client, env):
    client.force_login(tree.staff)
    rows = [*SET_ROWS[:3], ("1.1.1", "TP", 5), *SET_ROWS[4:]]
    response = client.post(
        reverse("targets:set_import"),
        {"organization": "DUK", "name": "Sai", "year": 2026, "file": xlsx(rows)},
    )
    assert field_errors(response, "file") == [importers.MSG_IMPORT_PROBLEMS.format(n=1)]


def test_a_component_maximum_of_zero_is_said_next_to_the_maximum(tree, client, env):
    draft = services.scoring_set_import(
        actor=tree.staff, organization=tree.root, name="Nháp", year=2026, upload=xlsx(SET_ROWS)
    )
    component = Component.objects.filter(criterion__area__scoring_set=draft).first()
    client.force_login(tree.staff)
    response = client.post(
        reverse("targets:component_edit", args=[component.pk]), {"name": "Tên", "max_points": "0"}
    )
    assert field_errors(response, "max_points") == [services.MSG_MAX_POSITIVE]


def test_a_cycle_with_a_negative_survey_maximum_or_without_agencies_is_refused_on_the_form(tree, client, env):
    client.force_login(tree.staff)
    data = {
        "organization": "DUK",
        "scoring_set": env["cycle"].scoring_set_id,
        "name": "Đợt mới",
        "year": 2026,
        "self_deadline": "2026-12-15",
        "survey_max_points": "-1",
        "team": [tree.staff.pk, 999_999],
    }
    response = client.post(reverse("targets:cycle_create"), data)
    assert field_errors(response, "team") == [MSG_UNKNOWN_USERS]
    response = client.post(reverse("targets:cycle_create"), {**data, "team": tree.staff.pk})
    assert field_errors(response, "survey_max_points") == [services.MSG_SURVEY_MAX]
    OrganizationFactory(code="TRONG", name="Chi bộ chưa có cơ quan", parent=tree.root)
    response = client.post(
        reverse("targets:cycle_create"),
        {**data, "team": tree.staff.pk, "survey_max_points": "0", "organization": "TRONG"},
    )
    assert response.context["form"].non_field_errors() == [services.MSG_NO_AGENCIES]
    assert ScoringCycle.objects.count() == 1


@pytest.mark.parametrize("forged", ["999999", "abc", "9" * 40, "\x00"])
def test_a_forged_team_member_is_said_next_to_the_team_on_the_cycle_page(tree, client, env, forged):
    client.force_login(tree.staff)
    url = reverse("targets:cycle_team", args=[env["cycle"].pk])
    response = client.post(url, {"team": [tree.staff.pk, forged]})
    assert response.status_code == 400
    assert field_errors(response, "team", form="team_form") == [MSG_UNKNOWN_USERS]
    assert 'id="team-errors"' in response.content.decode()
    assert f'value="{tree.staff.pk}"' in response.content.decode()  # the chosen member is kept


def test_survey_scores_with_problems_are_listed_on_the_cycle_page(tree, client, env):
    client.force_login(tree.staff)
    survey = xlsx([("Mã cơ quan", "Điểm"), ("CQA", "99"), ("CQZ", 1)])
    response = client.post(reverse("targets:cycle_survey", args=[env["cycle"].pk]), {"file": survey})
    assert response.status_code == 400
    assert field_errors(response, "file", form="survey_form") == [importers.MSG_IMPORT_PROBLEMS.format(n=2)]
    page = response.content.decode()
    assert importers.MSG_ROW_UNKNOWN_AGENCY.format(row=3, code="CQZ") in page
    assert importers.MSG_ROW_SURVEY_RANGE.format(row=2, value="99", maximum="10") in page


def test_a_self_score_without_evidence_or_explanation_is_refused_on_its_row(tree, client, env):
    a, component = env["a"], env["components"]["1.1.2"]
    client.force_login(tree.secretary_a)
    response = client.post(reverse("targets:self_score", args=[a.pk, component.pk]), {"score": "1"})
    assert response.status_code == 400
    assert response.context["row_errors"] == {component.pk: services.MSG_EVIDENCE_REQUIRED}
    assert services.MSG_EVIDENCE_REQUIRED in response.content.decode()


def test_submitting_an_incomplete_self_assessment_says_what_is_missing_above_the_actions(tree, client, env):
    a = env["a"]
    client.force_login(tree.secretary_a)
    response = client.post(
        reverse("targets:assessment_action", args=[a.pk, "nop"]), {"difficulties": "Giữ lại"}
    )
    assert response.status_code == 400
    expected = services.MSG_INCOMPLETE.format(n=5, codes="1.1.1, 1.1.2, 1.2.1, 2.1.1, 2.1.2")
    assert response.context["action_errors"] == [expected]
    page = response.content.decode()
    assert 'id="action-errors"' in page and expected in page and "Giữ lại" in page


def test_reopening_until_a_past_day_is_said_next_to_the_date(tree, client, env):
    a = env["a"]
    ScoringCycle.objects.filter(pk=env["cycle"].pk).update(self_deadline=local_today() - dt.timedelta(days=3))
    client.force_login(tree.staff)
    response = client.post(
        reverse("targets:assessment_action", args=[a.pk, "mo-lai"]),
        {"until": (local_today() - dt.timedelta(days=1)).isoformat(), "reason": "Có lý do"},
    )
    assert response.status_code == 400
    assert field_errors(response, "until", form="reopen_form") == [services.MSG_REOPEN_UNTIL]


def test_an_empty_response_is_said_under_the_response_box(tree, client, env):
    a = env["a"]
    components = env["components"]
    client.force_login(tree.secretary_a)
    for code, component in components.items():
        data = {"score": "1", "explanation": f"Thuyết minh {code}"}
        client.post(reverse("targets:self_score", args=[a.pk, component.pk]), data)
    client.post(reverse("targets:assessment_action", args=[a.pk, "nop"]))
    client.force_login(tree.staff)
    for component in components.values():
        client.post(reverse("targets:appraise", args=[a.pk, component.pk]), {"score": "1"})
    client.post(reverse("targets:assessment_action", args=[a.pk, "gui-giai-trinh"]))
    client.force_login(tree.secretary_a)
    response = client.post(
        reverse("targets:assessment_action", args=[a.pk, "giai-trinh"]), {"response_text": " "}
    )
    assert response.status_code == 400
    assert field_errors(response, "response_text", form="respond_form") == [services.MSG_RESPONSE_EMPTY]
    assert 'id="response-errors"' in response.content.decode()


@pytest.mark.parametrize("action", ["mo-lai", "gui-giai-trinh", "cong-bo"])
def test_the_appraisal_teams_steps_are_refused_to_others_with_the_reason(tree, client, env, action):
    client.force_login(tree.inspector_a)  # reads the assessment, is not in the team
    response = client.post(
        reverse("targets:assessment_action", args=[env["a"].pk, action]),
        {"until": local_today().isoformat(), "reason": "x"},
    )
    assert response.status_code == 400
    assert response.context["action_errors"] == [services.MSG_NOT_IN_TEAM]


def test_survey_import_by_someone_outside_the_team_is_refused_with_the_reason(tree, client, env):
    cycle = services.cycle_create(
        actor=tree.secretary_a,
        organization=tree.org_a,
        scoring_set=env["cycle"].scoring_set,
        name="Đợt của A",
        year=2026,
        self_deadline=local_today() + dt.timedelta(days=5),
        agencies=[env["agencies"][0]],
    )
    client.force_login(tree.inspector_a)
    survey = xlsx([("Mã cơ quan", "Điểm"), ("CQA", "1")])
    response = client.post(reverse("targets:cycle_survey", args=[cycle.pk]), {"file": survey})
    assert response.status_code == 400
    assert response.context["survey_form"].non_field_errors() == [services.MSG_NOT_IN_TEAM]


def _bad_inputs(env):
    target, a = env["target"], env["a"]
    component = env["components"]["1.1.1"]
    huge = "9" * 39
    yield "get", reverse("targets:index") + "?year=abc&page=zz&q=" + "x" * 500, {}
    yield "get", reverse("targets:indicator", args=[env["indicator"].pk]) + f"?year={huge}&org=%00", {}
    yield "get", reverse("targets:overdue") + "?org=" + "A" * 200, {}
    yield "get", reverse("targets:index") + "?q=a%00b", {}
    yield "post", reverse("targets:assessment_action", args=[a.pk, "giai-trinh"]), {"response_text": "a\x00b"}
    yield "get", reverse("targets:assessment", args=[10**30]), {}
    yield "get", reverse("targets:assessment", args=[a.pk]) + "?format=zip", {}
    for value in (huge, "1e400", "NaN", "-Infinity", "９", "98,5,5", "\u00a0", "0x10"):
        yield "post", reverse("targets:target", args=[target.pk]), {"period": 1, "value": value}
        yield (
            "post",
            reverse("targets:self_score", args=[a.pk, component.pk]),
            {"score": value, "explanation": "x"},
        )
        yield (
            "post",
            reverse("targets:target_create"),
            {
                "indicator": env["indicator"].pk,
                "agency": "CQA",
                "year": 2026,
                "target_value": value,
            },
        )
    yield "post", reverse("targets:target", args=[target.pk]), {"period": "abc", "value": "1"}
    yield "post", reverse("targets:target", args=[target.pk]), {"period": 10**20, "value": "1"}
    yield (
        "post",
        reverse("targets:indicator_create"),
        {**INDICATOR, "code": "X" * 300, "report_due_days": 10**30},
    )
    yield (
        "post",
        reverse("targets:indicator_edit", args=[env["indicator"].pk]),
        {"baseline": huge, "name": "a"},
    )
    yield "post", reverse("targets:target_create"), {"indicator": "abc", "agency": "%00", "year": 10**9}
    yield "post", reverse("targets:cycle_create"), {"self_deadline": "2026-02-31", "scoring_set": 10**30}
    yield "post", reverse("targets:set_copy", args=[env["cycle"].scoring_set_id]), {"year": "năm sau"}
    yield "post", reverse("targets:cycle_survey", args=[env["cycle"].pk]), {"file": pdf("diem.xlsx")}
    yield "post", reverse("targets:targets_import"), {"organization": "DUK", "file": pdf("chi-tieu.xlsx")}
    yield (
        "post",
        reverse("targets:assessment_action", args=[a.pk, "giai-trinh"]),
        {
            "response_text": "x",
            f"response_{'9' * 30}": "x",
            "response_-1": "x",
        },
    )
    yield "post", reverse("targets:assessment_action", args=[a.pk, "mo-lai"]), {"until": "0000-00-00"}
    yield "post", reverse("targets:assessment_action", args=[a.pk, "khong-co"]), {}


def test_a_number_too_large_for_its_column_is_refused_next_to_the_field(tree, client, env):
    client.force_login(tree.secretary_a)
    response = client.post(
        reverse("targets:target", args=[env["target"].pk]), {"period": 1, "value": "9" * 15}
    )
    assert field_errors(response, "value") == [rules.MSG_NUMBER_TOO_LARGE.format(value="9" * 15, digits=14)]


def test_no_bad_input_answers_500(tree, client, env):
    client.force_login(tree.staff)
    for method, url, data in _bad_inputs(env):
        response = getattr(client, method)(url, data)
        assert response.status_code < 500, (url, data, response.status_code)
