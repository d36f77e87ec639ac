"""One subject's review: self-assessment (by the member, or entered for them and recorded), the chi bộ's
vote, opinions, the proposal with the year's facts snapshotted and the rules applied, appraisal, returns
that keep every version, excuses; and every bad input with its message, nothing half-written."""

import datetime as dt
from decimal import Decimal

import pytest

from neuguong.audit.models import AuditEvent
from neuguong.core.errors import BusinessError, OutOfScope
from neuguong.core.tests.factories import OrganizationFactory, PersonFactory
from neuguong.evaluation import levels, services
from neuguong.evaluation.events import EvaluationEvent
from neuguong.evaluation.models import Discipline, EntryStep, OpinionBody, ReviewEntry, ReviewState
from neuguong.organizations.models import OrgKind
from neuguong.people.models import Membership, PersonStatus

from .factories import YEAR, commitment, open_period, review_of, scores, self_and_propose, total

TODAY = dt.date(YEAR, 12, 10)


@pytest.fixture
def period(tree):
    return open_period(tree, includes_organizations=False)


@pytest.fixture
def review(period, tree):
    return review_of(period, tree.person_a)


@pytest.mark.django_db
def test_a_member_writes_their_own_self_assessment(tree, review):
    values = scores("4.5")
    services.review_self_assess(
        actor=tree.member_a, review=review, text="Ưu điểm …", scores=values, today=dt.date(YEAR, 12, 3)
    )
    review.refresh_from_db()
    assert review.state == ReviewState.SELF_ASSESSED
    assert review.self_score == total(values) == Decimal("97.00")
    entry = review.entries.get()
    assert entry.step == EntryStep.SELF and entry.on_behalf_of is None and entry.scores["1.1"] == "4.50"
    assert not entry.is_late


@pytest.mark.django_db
def test_a_secretary_entering_for_a_member_is_recorded_as_such(tree, review):
    services.review_self_assess(
        actor=tree.secretary_a, review=review, text="Nhập thay", scores=scores(), today=dt.date(YEAR, 12, 7)
    )
    entry = review.entries.get()
    assert entry.on_behalf_of == tree.person_a and entry.is_late  # after 05/12
    event = AuditEvent.objects.get(action=EvaluationEvent.SELF_ASSESSED)
    assert event.on_behalf_of == tree.person_a.full_name


@pytest.mark.django_db
def test_another_member_or_another_subtree_cannot_touch_the_review(tree, review, period):
    other = review_of(period, tree.person_a2)
    with pytest.raises(OutOfScope):
        services.review_self_assess(actor=tree.member_a, review=other, text="x", scores=scores(), today=TODAY)
    with pytest.raises(OutOfScope):
        services.review_self_assess(
            actor=tree.secretary_b, review=review, text="x", scores=scores(), today=TODAY
        )
    with pytest.raises(OutOfScope):
        services.review_propose(actor=tree.member_a, review=review, scores=scores(), today=TODAY)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kwargs", "message", "field"),
    [
        (
            {"scores": scores("5.5")},
            levels.MSG_POINTS_ABOVE_MAX.format(
                value="5,5",
                maximum="5",
                criterion="1.1. Phẩm chất chính trị, tư tưởng; chấp hành chủ trương của Đảng, pháp luật của Nhà nước",
            ),
            "scores",
        ),
        (
            {"scores": scores("-1")},
            "Tiêu chí 1.1: " + levels.MSG_POINTS_NEGATIVE.format(value="-1"),
            "scores",
        ),
        (
            {"scores": {"1.1": "5"}},
            services.MSG_SCORES_INCOMPLETE.format(codes="1.2, 1.3, 2.1, 2.2, 3.1, 4.1, 4.2, 4.3, 5.1, 5.2"),
            "scores",
        ),
        (
            {"scores": scores(), "score": "99"},
            services.MSG_TOTAL_MISMATCH.format(total="100", score="99"),
            "score",
        ),
        (
            {"scores": {**scores(), "9.9": "1"}},
            services.MSG_UNKNOWN_CRITERION.format(code="9.9", part="Đảng viên không giữ chức vụ"),
            "scores",
        ),
        ({"score": "100,5"}, levels.MSG_TOTAL_ABOVE_MAX.format(value="100,5", maximum="100"), "score"),
        ({"score": "89,995"}, levels.MSG_POINTS_PLACES.format(value="89,995"), "score"),
        ({"grades": {"1": "good"}}, services.MSG_GRADES_METHOD.format(code="366"), "grades"),
        ({}, services.MSG_POINTS_NEEDED.format(code="366"), "scores"),
    ],
)
def test_bad_scores_are_refused_and_nothing_is_written(tree, review, kwargs, message, field):
    with pytest.raises(BusinessError) as error:
        services.review_self_assess(
            actor=tree.member_a, review=review, text="Bản tự kiểm điểm", today=TODAY, **kwargs
        )
    assert error.value.message == message
    assert error.value.field == field
    review.refresh_from_db()
    assert review.state == ReviewState.NOT_STARTED and not review.entries.exists()


@pytest.mark.django_db
def test_the_chi_bo_vote_must_add_up(tree, review):
    services.review_self_assess(actor=tree.member_a, review=review, text="x", scores=scores(), today=TODAY)
    with pytest.raises(BusinessError) as error:
        services.review_meeting(
            actor=tree.secretary_a,
            review=review,
            opinion="Đồng ý",
            votes_present=10,
            votes_for=8,
            votes_against=3,
        )
    assert error.value.message == services.MSG_VOTES_SUM.format(agree=8, disagree=3, present=10)
    services.review_meeting(
        actor=tree.secretary_a,
        review=review,
        opinion="Đồng ý",
        votes_present=10,
        votes_for=9,
        votes_against=1,
    )
    review.refresh_from_db()
    assert review.state == ReviewState.REVIEWED
    assert review.entries.get(step=EntryStep.MEETING).votes_for == 9


@pytest.mark.django_db
def test_the_proposal_snapshots_the_facts_and_proposes_the_task_results_from_the_on_time_rate(tree, review):
    for month in range(1, 9):  # 8 on time, 2 exceeding
        commitment(
            tree.person_a,
            deadline=dt.date(YEAR, month, 20),
            completed_on=dt.date(YEAR, month, 18),
            outcome="exceeded" if month < 3 else "met",
        )
    commitment(tree.person_a, deadline=dt.date(YEAR, 9, 20), completed_on=dt.date(YEAR, 9, 25))  # late
    commitment(tree.person_a, deadline=dt.date(YEAR, 10, 20))  # open overdue
    commitment(tree.person_a, deadline=dt.date(YEAR, 12, 30))  # open, not due: in neither part
    commitment(
        tree.person_a,
        deadline=dt.date(YEAR, 11, 5),
        halt="cancelled",
        halt_reason="Bỏ",
        halted_by=tree.secretary_a,
    )
    services.review_self_assess(actor=tree.member_a, review=review, text="x", scores=scores(), today=TODAY)
    # 8 of 10 on time: each task-results criterion's maximum × 80 %.
    with pytest.raises(BusinessError) as error:
        services.review_propose(actor=tree.secretary_a, review=review, scores=scores(), today=TODAY)
    assert error.value.message == services.MSG_TASK_RESULTS_REASON.format(given="70", proposed="56")
    proposed = {"4.1": "12", "4.2": "12", "4.3": "8", "5.1": "12", "5.2": "12"}
    done = services.review_propose(
        actor=tree.secretary_a, review=review, scores=scores("5", proposed), today=TODAY
    )
    review.refresh_from_db()
    assert review.proposed_score == Decimal(86)
    assert review.proposed_level == "ht" == review.allowed_level
    tasks = review.facts["tasks"]
    assert (tasks["on_time"], tasks["late"], tasks["overdue"], tasks["open"], tasks["left_out"]) == (
        8,
        1,
        1,
        1,
        1,
    )
    assert tasks["on_time_rate"] == "80.00" and tasks["exceeded"] == 2
    assert review.facts["task_results_proposal"]["4.1"] == "12.00"
    # 86 points would be HTTNV, but HTTNV needs 100 % on time (art. 11): capped at HTNV.
    assert review.allowed_level == "ht" and done.assessment_result.base == "htt"


@pytest.mark.django_db
def test_a_breach_holds_the_level_unless_a_reason_is_written(tree, review):
    from neuguong.inspections.tests.factories import make_inspection

    inspection = make_inspection(tree)
    from neuguong.inspections.models import Breach, InspectionState

    inspection.state = InspectionState.CONCLUDED
    inspection.decided_on = dt.date(YEAR, 5, 1)
    inspection.concluded_on = dt.date(YEAR, 6, 1)
    inspection.save()
    Breach.objects.create(
        inspection=inspection, person=tree.person_a, description="Không gương mẫu", created_by=tree.staff
    )
    services.review_self_assess(actor=tree.member_a, review=review, text="x", scores=scores(), today=TODAY)
    with pytest.raises(BusinessError) as error:
        services.review_propose(
            actor=tree.secretary_a, review=review, scores=scores(), level="htt", today=TODAY
        )
    assert error.value.field == "reason"
    assert "vi phạm trách nhiệm nêu gương" in error.value.message
    services.review_propose(
        actor=tree.secretary_a,
        review=review,
        scores=scores(),
        level="htt",
        reason="Đã khắc phục",
        today=TODAY,
    )
    review.refresh_from_db()
    assert review.allowed_level == "khtnv" and review.proposed_level == "htt"
    assert review.facts["breaches"][0]["description"] == "Không gương mẫu"


@pytest.mark.django_db
def test_a_level_above_the_points_is_refused_whatever_the_reason(tree, review):
    values = scores("5", {"4.1": "10", "4.2": "10", "4.3": "10", "5.1": "10", "5.2": "9"})  # 79
    services.review_self_assess(actor=tree.member_a, review=review, text="x", scores=values, today=TODAY)
    with pytest.raises(BusinessError) as error:
        services.review_propose(
            actor=tree.secretary_a, review=review, scores=values, level="htxs", reason="Vì", today=TODAY
        )
    assert error.value.message == services.MSG_LEVEL_ABOVE_BASE.format(
        level="Hoàn thành xuất sắc nhiệm vụ",
        what="số điểm",
        base="Hoàn thành tốt nhiệm vụ",
        basis="Quy định 366-QĐ/TW",
    )


@pytest.mark.django_db
def test_a_proposal_without_self_assessment_needs_the_reason_the_member_did_not_take_part(tree, review):
    with pytest.raises(BusinessError) as error:
        services.review_propose(actor=tree.secretary_a, review=review, scores=scores(), today=TODAY)
    assert error.value.message == services.MSG_NO_SELF
    services.review_propose(
        actor=tree.secretary_a,
        review=review,
        scores=scores(),
        no_self_reason="Đi công tác nước ngoài dài hạn",
        today=TODAY,
    )
    review.refresh_from_db()
    assert review.state == ReviewState.PROPOSED
    assert "Đi công tác nước ngoài dài hạn" in review.proposal_reason


@pytest.mark.django_db
def test_a_member_who_moved_needs_the_previous_organisation_s_opinion(tree):
    mover = PersonFactory(organization=tree.branch_a)
    old = OrganizationFactory(name="Chi bộ Phòng Kế hoạch", kind=OrgKind.BRANCH, parent=tree.org_a)
    Membership.objects.filter(person=mover).update(organization=old, ended_on=dt.date(YEAR, 8, 31))
    Membership.objects.create(person=mover, organization=tree.branch_a, started_on=dt.date(YEAR, 8, 31))
    period = open_period(tree, includes_organizations=False)
    review = review_of(period, mover)
    services.review_self_assess(actor=tree.secretary_a, review=review, text="x", scores=scores(), today=TODAY)
    with pytest.raises(BusinessError) as error:
        services.review_propose(actor=tree.secretary_a, review=review, scores=scores(), today=TODAY)
    assert error.value.message == services.MSG_PREVIOUS_OPINION.format(organization=old.name)
    opinion = services.opinion_add(
        actor=tree.secretary_a,
        review=review,
        body=OpinionBody.PREVIOUS_ORGANIZATION,
        text="Hoàn thành tốt nhiệm vụ tại chi bộ",
        received_on=TODAY,
        today=TODAY,
    )
    assert opinion.body_name == old.name
    services.review_propose(actor=tree.secretary_a, review=review, scores=scores(), today=TODAY)


@pytest.mark.django_db
def test_a_discipline_in_the_year_caps_the_level(tree, review):
    Discipline.objects.create(
        person=tree.person_a,
        form="reprimand",
        decided_on=dt.date(YEAR, 3, 1),
        decision_number="1-QĐ/ĐU",
        reason="Vi phạm",
        created_by=tree.staff,
    )
    self_and_propose(tree, review)
    review.refresh_from_db()
    assert review.allowed_level == review.proposed_level == "khtnv"
    assert [c["rule"] for c in review.assessment["caps"]] == ["exceeded", "discipline"]


@pytest.mark.django_db
def test_a_return_keeps_every_version(tree, review):
    self_and_propose(tree, review)
    services.review_return(actor=tree.secretary_a, review=review, reason="Chưa thống nhất điểm nhóm chung")
    review.refresh_from_db()
    assert review.state == ReviewState.SELF_ASSESSED and review.version == 2 and review.proposed_level == ""
    first = list(ReviewEntry.objects.filter(review=review, version=1).values_list("step", "superseded"))
    assert (
        (EntryStep.PROPOSAL, True) in first
        and (EntryStep.SELF, True) in first
        and (EntryStep.RETURN, False) in first
    )
    # The member's self-assessment stands in round 2.
    assert list(ReviewEntry.objects.filter(review=review, version=2).values_list("step", flat=True)) == [
        EntryStep.SELF
    ]
    services.review_propose(actor=tree.secretary_a, review=review, scores=scores("4"), today=TODAY)
    review.refresh_from_db()
    assert review.proposed_score == Decimal(94) and review.state == ReviewState.PROPOSED
    assert ReviewEntry.objects.filter(review=review, step=EntryStep.PROPOSAL).count() == 2


@pytest.mark.django_db
def test_only_exempt_members_may_be_excused_with_a_reason(tree, period, review):
    with pytest.raises(BusinessError) as error:
        services.review_excuse(actor=tree.secretary_a, review=review, reason="Ốm")
    assert error.value.message == services.MSG_EXCUSE_EXEMPT_ONLY
    exempt = PersonFactory(organization=tree.branch_a, status=PersonStatus.EXEMPT)
    services.period_refresh_audience(actor=tree.secretary_a, period=period, today=TODAY)
    other = review_of(period, exempt)
    with pytest.raises(BusinessError):
        services.review_excuse(actor=tree.secretary_a, review=other, reason="")
    services.review_excuse(actor=tree.secretary_a, review=other, reason="Tuổi cao, miễn sinh hoạt")
    other.refresh_from_db()
    assert other.state == ReviewState.EXCUSED


@pytest.mark.django_db
def test_a_124_review_takes_grades_and_a_poor_grade_forces_khtnv(tree):
    period = open_period(tree, code="124", year=2024, includes_organizations=False)
    review = review_of(period, tree.person_a)
    criteria = services.review_criteria(review)
    grades = {leaf.code: "good" for leaf in criteria.leaves}
    services.review_self_assess(
        actor=tree.member_a, review=review, text="x", grades=grades, today=dt.date(2024, 12, 1)
    )
    review.refresh_from_db()
    assert review.self_level == "htt"
    with pytest.raises(BusinessError) as error:
        services.review_propose(
            actor=tree.secretary_a, review=review, grades={**grades, "1": "bad"}, today=dt.date(2024, 12, 1)
        )
    assert error.value.message == services.MSG_GRADE.format(code="1")
    grades["3"] = "poor"
    with pytest.raises(BusinessError) as error:
        services.review_propose(
            actor=tree.secretary_a,
            review=review,
            grades=grades,
            level="ht",
            reason="x",
            today=dt.date(2024, 12, 1),
        )
    assert error.value.message == services.MSG_LEVEL_ABOVE_BASE.format(
        level="Hoàn thành nhiệm vụ",
        what="xếp loại các tiêu chí",
        base="Không hoàn thành nhiệm vụ",
        basis="Quy định 124-QĐ/TW",
    )
    services.review_propose(actor=tree.secretary_a, review=review, grades=grades, today=dt.date(2024, 12, 1))
    review.refresh_from_db()
    assert review.proposed_level == "khtnv"
