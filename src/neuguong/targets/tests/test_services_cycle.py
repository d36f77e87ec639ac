"""A full yearly scoring cycle for three agencies, and the cycle's bad inputs."""

import datetime as dt
from decimal import Decimal

import pytest

from neuguong.core.errors import BusinessError, OutOfScope
from neuguong.targets import selectors, services
from neuguong.targets.importers import ImportProblems
from neuguong.targets.models import (
    AgencyAssessment,
    AssessmentStatus,
    Component,
    ComponentScore,
    ScoreEvidence,
)

from .factories import agencies_for, open_cycle, pdf, xlsx

D = Decimal
BEFORE = dt.date(2026, 12, 10)
AFTER = dt.date(2026, 12, 16)


def components(cycle):
    return {c.code: c for c in Component.objects.filter(criterion__area__scoring_set=cycle.scoring_set)}


def self_score_all(actor, assessment, values, today):
    comps = components(assessment.cycle)
    for code, value in zip(["1.1.1", "1.1.2", "1.2.1", "2.1.1", "2.1.2"], values, strict=True):
        if code == "1.1.1":
            services.self_score_save(
                actor=actor,
                assessment=assessment,
                component=comps[code],
                score=value,
                files=[pdf()],
                today=today,
            )
        else:
            services.self_score_save(
                actor=actor,
                assessment=assessment,
                component=comps[code],
                score=value,
                explanation=f"Thuyết minh {code}",
                today=today,
            )


def appraise_all(actor, assessment, values, today=AFTER):
    comps = components(assessment.cycle)
    for code, value in zip(["1.1.1", "1.1.2", "1.2.1", "2.1.1", "2.1.2"], values, strict=True):
        services.appraisal_save(
            actor=actor,
            assessment=assessment,
            component=comps[code],
            score=value,
            comment=f"Nhận xét {code}",
            today=today,
        )


@pytest.fixture
def cycle_setup(tree):
    agency_a, agency_a1, agency_b = agencies_for(tree)
    cycle = open_cycle(tree, [agency_a, agency_a1, agency_b])
    get = lambda agency: AgencyAssessment.objects.get(cycle=cycle, agency=agency)  # noqa: E731
    return cycle, get(agency_a), get(agency_a1), get(agency_b)


def test_full_yearly_cycle_gives_correct_totals_ranks_and_bands(tree, cycle_setup):
    cycle, a, a1, b = cycle_setup
    self_score_all(tree.secretary_a, a, ["4", "2", "6", "9,5", "8"], BEFORE)
    services.assessment_submit(
        actor=tree.secretary_a, assessment=a, difficulties="Thiếu nhân lực", today=BEFORE
    )
    # The head of agency A1 (a member account) scores and submits it himself.
    self_score_all(tree.member_a, a1, ["4", "2", "6", "10", "8"], BEFORE)
    services.assessment_submit(actor=tree.member_a, assessment=a1, today=BEFORE)
    # Agency B misses the deadline: locked, then reopened by the team, and submits late.
    with pytest.raises(BusinessError) as locked:
        self_score_all(tree.secretary_b, b, ["2", "1", "3", "5", "4"], AFTER)
    assert locked.value.message == services.MSG_LOCKED.format(deadline="15/12/2026")
    services.assessment_reopen(
        actor=tree.staff, assessment=b, until=dt.date(2026, 12, 20), reason="Ốm đau, có đơn", today=AFTER
    )
    self_score_all(tree.secretary_b, b, ["2", "1", "3", "5", "4"], dt.date(2026, 12, 18))
    b = services.assessment_submit(actor=tree.secretary_b, assessment=b, today=dt.date(2026, 12, 18))
    assert b.submitted_late is True

    appraise_all(tree.staff, a, ["4", "2", "5", "9", "7,5"])
    appraise_all(tree.staff, a1, ["3", "2", "6", "8,75", "6"])
    appraise_all(tree.staff, b, ["2", "1", "3", "5", "4"])
    # Hidden from the agency until finalised.
    assert not services.can_see_appraisal(tree.secretary_a, a)
    assert services.can_see_appraisal(tree.staff, a)
    for assessment in (a, a1, b):
        services.appraisal_send_for_response(actor=tree.staff, assessment=assessment, today=AFTER)
    comps = components(cycle)
    services.assessment_respond(
        actor=tree.secretary_a,
        assessment=a,
        response_text="Đề nghị xem lại 1.2.1",
        responses={comps["1.2.1"].pk: "Đã gửi đủ 4 báo cáo"},
    )
    with pytest.raises(BusinessError) as twice:
        services.assessment_respond(actor=tree.secretary_a, assessment=a, response_text="Lần hai")
    assert twice.value.message == services.MSG_ALREADY_RESPONDED
    services.survey_scores_import(
        actor=tree.staff,
        cycle=cycle,
        upload=xlsx([("Mã cơ quan", "Điểm"), ("CQA", "8,25"), ("CQA1", 10), ("CQB", 5)]),
    )
    for assessment in (a, a1, b):
        services.assessment_finalise(actor=tree.staff, assessment=assessment)

    ranking = selectors.cycle_ranking(user=tree.staff, cycle=cycle)
    rows = {r.assessment.agency.code: r for r in ranking["rows"]}
    assert ranking["maximum"] == D("40")
    assert rows["CQA"].self_total == D("29.5")
    assert rows["CQA"].appraised_total == D("27.5")
    assert rows["CQA"].final == D("35.75")
    assert rows["CQA1"].final == D("35.75")
    assert rows["CQB"].final == D("20")
    assert [rows[c].rank for c in ("CQA", "CQA1", "CQB")] == [1, 1, 3]
    assert rows["CQA"].percent == D("89.38")
    assert rows["CQA"].band == "Tốt"
    assert rows["CQB"].band == "Trung bình"
    # The breakdown recomputed in Python agrees with the SQL totals.
    a = AgencyAssessment.objects.get(pk=a.pk)
    breakdown = selectors.assessment_breakdown(a, show_appraisal=True)
    assert breakdown["final"] == rows["CQA"].final
    assert breakdown["self_total"] == rows["CQA"].self_total
    assert breakdown["arithmetic"] == "11 + 16,5 = 27,5; cộng điểm điều tra 8,25 = 35,75"
    # Finalised: the agency now sees its appraisal, and its rank among all (rows limited to its scope).
    assert services.can_see_appraisal(tree.secretary_a, a)
    own = selectors.cycle_ranking(user=tree.secretary_b, cycle=cycle)["rows"]
    assert [(r.assessment.agency.code, r.rank) for r in own] == [("CQB", 3)]


def test_self_score_above_maximum_or_negative_is_refused_and_nothing_changes(tree, cycle_setup):
    cycle, a, _, _ = cycle_setup
    comp = components(cycle)["1.1.1"]
    with pytest.raises(BusinessError) as above:
        services.self_score_save(
            actor=tree.secretary_a, assessment=a, component=comp, score="4,5", explanation="x", today=BEFORE
        )
    assert above.value.message == services.MSG_SCORE_ABOVE_MAX.format(score="4,5", maximum="4", code="1.1.1")
    with pytest.raises(BusinessError) as negative:
        services.self_score_save(
            actor=tree.secretary_a, assessment=a, component=comp, score="-1", files=[pdf()], today=BEFORE
        )
    assert negative.value.message == services.MSG_SCORE_NEGATIVE
    with pytest.raises(BusinessError) as text:
        services.self_score_save(
            actor=tree.secretary_a, assessment=a, component=comp, score="bốn", explanation="x", today=BEFORE
        )
    assert text.value.message == "«bốn» không phải là một số."
    row = ComponentScore.objects.get(assessment=a, component=comp)
    assert row.self_score is None and not ScoreEvidence.objects.exists()


def test_self_score_needs_evidence_or_explanation(tree, cycle_setup):
    cycle, a, _, _ = cycle_setup
    with pytest.raises(BusinessError) as exc:
        services.self_score_save(
            actor=tree.secretary_a,
            assessment=a,
            component=components(cycle)["1.1.1"],
            score="3",
            today=BEFORE,
        )
    assert exc.value.message == services.MSG_EVIDENCE_REQUIRED


def test_submit_refuses_an_incomplete_self_assessment(tree, cycle_setup):
    cycle, a, _, _ = cycle_setup
    services.self_score_save(
        actor=tree.secretary_a,
        assessment=a,
        component=components(cycle)["1.1.1"],
        score="3",
        explanation="x",
        today=BEFORE,
    )
    with pytest.raises(BusinessError) as exc:
        services.assessment_submit(actor=tree.secretary_a, assessment=a, today=BEFORE)
    assert exc.value.message == services.MSG_INCOMPLETE.format(n=4, codes="1.1.2, 1.2.1, 2.1.1, 2.1.2")
    assert AgencyAssessment.objects.get(pk=a.pk).status == AssessmentStatus.DRAFT


def test_scoring_after_the_lock_is_refused_on_the_deadline_date_it_is_still_open(tree, cycle_setup):
    cycle, a, _, _ = cycle_setup
    comp = components(cycle)["1.1.2"]
    services.self_score_save(
        actor=tree.secretary_a,
        assessment=a,
        component=comp,
        score="1",
        explanation="x",
        today=dt.date(2026, 12, 15),
    )
    with pytest.raises(BusinessError) as exc:
        services.self_score_save(
            actor=tree.secretary_a, assessment=a, component=comp, score="2", explanation="x", today=AFTER
        )
    assert exc.value.message == services.MSG_LOCKED.format(deadline="15/12/2026")
    assert ComponentScore.objects.get(assessment=a, component=comp).self_score == D("1")


def test_appraisal_by_someone_outside_the_team_is_refused(tree, cycle_setup):
    cycle, a, _, _ = cycle_setup
    comp = components(cycle)["1.1.1"]
    # The inspector of A can read the assessment but is not on the team.
    with pytest.raises(BusinessError) as exc:
        services.appraisal_save(actor=tree.inspector_a, assessment=a, component=comp, score="1", today=AFTER)
    assert exc.value.message == services.MSG_NOT_IN_TEAM
    assert ComponentScore.objects.get(assessment=a, component=comp).appraised_score is None


def test_appraisal_waits_for_submission_or_the_deadline(tree, cycle_setup):
    cycle, a, _, _ = cycle_setup
    with pytest.raises(BusinessError) as exc:
        services.appraisal_save(
            actor=tree.staff, assessment=a, component=components(cycle)["1.1.1"], score="1", today=BEFORE
        )
    assert exc.value.message == services.MSG_APPRAISAL_STATE


def test_another_committee_cannot_self_score_for_an_agency(tree, cycle_setup):
    cycle, a, _, _ = cycle_setup
    with pytest.raises(OutOfScope):
        services.self_score_save(
            actor=tree.secretary_b,
            assessment=a,
            component=components(cycle)["1.1.1"],
            score="1",
            explanation="x",
            today=BEFORE,
        )


def test_reopen_is_only_for_the_team_and_only_when_locked(tree, cycle_setup):
    _, a, _, _ = cycle_setup
    with pytest.raises(BusinessError) as not_locked:
        services.assessment_reopen(actor=tree.staff, assessment=a, until=AFTER, reason="x", today=BEFORE)
    assert not_locked.value.message == services.MSG_REOPEN_NOT_LOCKED
    with pytest.raises(BusinessError) as outsider:
        services.assessment_reopen(actor=tree.secretary_a, assessment=a, until=AFTER, reason="x", today=AFTER)
    assert outsider.value.message == services.MSG_NOT_IN_TEAM


def test_survey_import_with_a_bad_row_writes_nothing(tree, cycle_setup):
    cycle, *_ = cycle_setup
    upload = xlsx([("Mã cơ quan", "Điểm"), ("CQA", 8), ("CQZ", 5), ("CQB", "mười"), ("CQA1", 11)])
    with pytest.raises(ImportProblems) as exc:
        services.survey_scores_import(actor=tree.staff, cycle=cycle, upload=upload)
    assert exc.value.problems == [
        "Dòng 3: không có cơ quan mã «CQZ» trong phạm vi của bạn.",
        "Dòng 4: «mười» không phải là một số.",
        "Dòng 5: điểm điều tra 11 phải từ 0 đến 10.",
    ]
    assert not AgencyAssessment.objects.filter(survey_score__isnull=False).exists()


def test_the_lock_follows_the_date_in_viet_nam_not_the_server_clock(tree, cycle_setup):
    """15/12 23:00 in Hà Nội is 16:00 UTC: still open. 16/12 01:00 in Hà Nội is 18:00 UTC on the 15th: locked."""
    from unittest import mock

    _, a, _, _ = cycle_setup
    utc = dt.UTC
    with mock.patch(
        "neuguong.core.dates.timezone.now", return_value=dt.datetime(2026, 12, 15, 16, 0, tzinfo=utc)
    ):
        assert not services.assessment_is_locked(a)
    with mock.patch(
        "neuguong.core.dates.timezone.now", return_value=dt.datetime(2026, 12, 15, 18, 0, tzinfo=utc)
    ):
        assert services.assessment_is_locked(a)
        with pytest.raises(BusinessError) as exc:
            services.assessment_submit(actor=tree.secretary_a, assessment=a)
        assert exc.value.message == services.MSG_LOCKED.format(deadline="15/12/2026")
