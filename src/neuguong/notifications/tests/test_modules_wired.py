"""Study, targets and inspections tell whoever takes the next step, from their services."""

import datetime as dt

import pytest

from neuguong.core.dates import local_today
from neuguong.inspections import services as inspections
from neuguong.inspections.tests.factories import account_for, advance, make_inspection
from neuguong.notifications.models import Notification
from neuguong.study import services as study
from neuguong.study.models import Invitee
from neuguong.study.tests.factories import make_campaign
from neuguong.targets import services as targets
from neuguong.targets.models import AgencyAssessment
from neuguong.targets.tests.factories import agencies_for, open_cycle
from neuguong.targets.tests.test_services_cycle import AFTER, BEFORE, appraise_all, self_score_all

pytestmark = pytest.mark.django_db


def told(user, kind):
    return list(Notification.objects.filter(recipient=user, kind=kind).values_list("title", flat=True))


def test_a_reflection_reaches_the_secretary_and_the_grade_the_member(tree):
    campaign = make_campaign(tree.staff, tree.root)
    study.invitees_generate(actor=tree.staff, campaign=campaign)
    invitee = Invitee.objects.get(campaign=campaign, person=tree.person_a)
    plan = [{"title": "Áp dụng vào phòng", "deadline": dt.date.today() + dt.timedelta(days=40)}]
    reflection = study.reflection_save(
        actor=tree.member_a, invitee=invitee, answers=["a", "b"], plan_items=plan, submit=True
    )
    assert told(tree.secretary_a, "study.reflection_submitted") == [
        f"Nguyễn Nam Đình nộp bài thu hoạch — {campaign.title}"
    ]
    study.reflection_return(actor=tree.secretary_a, reflection=reflection, note="Bổ sung phần liên hệ")
    assert told(tree.member_a, "study.reflection_returned") == [
        f"secretary_a trả lại bài thu hoạch để sửa — {campaign.title}"
    ]
    reflection = study.reflection_save(
        actor=tree.member_a, invitee=invitee, answers=["a", "b c"], plan_items=plan, submit=True
    )
    study.reflection_grade(actor=tree.secretary_a, reflection=reflection, grade="good", note="Khá")
    assert told(tree.member_a, "study.reflection_graded") == [
        f"secretary_a chấm bài thu hoạch: Tốt — {campaign.title}"
    ]
    # The plan's items became the member's commitments without an "assigned" notice (they wrote them).
    assert not Notification.objects.filter(kind="commitments.assigned").exists()


def test_scoring_returned_to_the_agency_and_its_response_to_the_team(tree):
    agency_a, _, _ = agencies_for(tree)
    cycle = open_cycle(tree, [agency_a], team=[tree.staff, tree.inspector_a])
    assessment = AgencyAssessment.objects.get(cycle=cycle, agency=agency_a)
    self_score_all(tree.secretary_a, assessment, ["4", "2", "6", "9,5", "8"], BEFORE)
    targets.assessment_submit(actor=tree.secretary_a, assessment=assessment, today=BEFORE)
    for member in (tree.staff, tree.inspector_a):
        assert told(member, "targets.assessment_submitted") == [
            "secretary_a nộp bản tự chấm điểm — Sở Tài chính (Chấm điểm CCHC năm 2026)"
        ]
    appraise_all(tree.staff, assessment, ["4", "2", "5", "9", "7,5"])
    targets.appraisal_send_for_response(actor=tree.staff, assessment=assessment, today=AFTER)
    assert told(tree.secretary_a, "targets.sent_for_response") == [
        "staff gửi kết quả thẩm định để cơ quan giải trình — Sở Tài chính (Chấm điểm CCHC năm 2026)"
    ]
    targets.assessment_respond(actor=tree.secretary_a, assessment=assessment, response_text="Xin xem lại")
    assert told(tree.inspector_a, "targets.responded") and not told(tree.secretary_a, "targets.responded")
    targets.assessment_finalise(actor=tree.staff, assessment=assessment)
    assert told(tree.secretary_a, "targets.finalised")


def test_each_inspection_step_reaches_who_takes_the_next(tree):
    account_for(tree.person_b, "member_b")
    inspection = make_inspection(tree, subjects=[tree.org_a], people=[tree.person_b])
    leader = inspection.leader.user
    advance(tree, inspection, "decided")
    assert told(leader, "inspections.decided")
    advance(tree, inspection, "notified")
    # The subject side: org A's reviewer and the member inspected; not the team.
    assert told(tree.secretary_a, "inspections.notified") == [
        "staff thông báo kiểm tra, giám sát — Kiểm tra việc thực hiện trách nhiệm nêu gương"
    ]
    assert told(tree.person_b.user, "inspections.notified")
    assert not told(leader, "inspections.notified")
    advance(tree, inspection, "examining")
    assert told(leader, "inspections.self_reported")
    # The leader submits the draft: the committee (its office staff at the root) hears of it, without
    # the draft's text (insiders' only).
    inspections.finding_add(actor=leader, inspection=inspection, text="Chưa xây dựng kế hoạch nêu gương.")
    inspections.inspection_transition(
        actor=leader, inspection=inspection, action="submit_draft", happened_on=local_today(), note="Dự thảo"
    )
    (draft,) = Notification.objects.filter(kind="inspections.draft_submitted")
    assert draft.recipient == tree.staff and draft.text == ""
    assert (
        draft.title
        == "Trần Văn Trưởng trình dự thảo kết luận — Kiểm tra việc thực hiện trách nhiệm nêu gương"
    )
    advance(tree, inspection, "notice_issued")
    assert told(tree.secretary_a, "inspections.conclusion_notified")
    assert told(leader, "inspections.concluded")
