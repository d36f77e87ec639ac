import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from neuguong.audit.models import AuditEvent
from neuguong.core.errors import BusinessError, OutOfScope
from neuguong.study import services
from neuguong.study.events import StudyEvent
from neuguong.study.models import Invitee, ReflectionStatus

from .factories import make_campaign

pytestmark = pytest.mark.django_db

NEXT_YEAR = dt.date.today() + dt.timedelta(days=365)
PLAN = [
    {"title": "Số hóa 100% hồ sơ dự toán của phòng", "expected_result": "Hồ sơ số", "deadline": NEXT_YEAR}
]


@pytest.fixture
def invitee(tree):
    campaign = make_campaign(tree.staff, tree.root)
    services.invitees_generate(actor=tree.staff, campaign=campaign)
    return Invitee.objects.select_related("person", "organization", "campaign").get(
        campaign=campaign, person=tree.person_a
    )


def submit(actor, invitee, **kwargs):
    values = {"answers": ["Ba đột phá.", "Áp dụng vào công việc."], "plan_items": PLAN, "submit": True}
    values.update(kwargs)
    return services.reflection_save(actor=actor, invitee=invitee, **values)


def test_member_submits_reflection_and_plan(tree, invitee):
    reflection = submit(tree.member_a, invitee)
    assert reflection.status == ReflectionStatus.SUBMITTED
    assert not reflection.entered_on_behalf
    assert reflection.plan_items.get().title == "Số hóa 100% hồ sơ dự toán của phòng"


def test_submission_needs_every_answer_and_a_plan(tree, invitee):
    with pytest.raises(BusinessError) as exc:
        submit(tree.member_a, invitee, answers=["Ba đột phá.", ""])
    assert exc.value.message == services.MSG_ANSWER_REQUIRED
    with pytest.raises(BusinessError) as exc:
        submit(tree.member_a, invitee, plan_items=[])
    assert exc.value.message == services.MSG_PLAN_REQUIRED
    with pytest.raises(BusinessError) as exc:
        submit(tree.member_a, invitee, plan_items=[{"title": "Việc không hạn", "deadline": None}])
    assert exc.value.message == services.MSG_PLAN_ITEM_INCOMPLETE


def test_a_20_mb_reflection_is_refused_with_a_clear_message(tree, invitee):
    huge_text = "a" * (20 * 1024 * 1024)
    with pytest.raises(BusinessError) as exc:
        submit(tree.member_a, invitee, answers=[huge_text, "x"])
    assert (
        exc.value.message
        == "Bài thu hoạch quá dài: tối đa 100.000 ký tự cho phần trả lời và 10 MB cho tệp đính kèm."
    )
    huge_file = SimpleUploadedFile("thu-hoach.docx", b"0" * (20 * 1024 * 1024))
    with pytest.raises(BusinessError):
        submit(tree.member_a, invitee, attachment=huge_file)
    assert not hasattr(invitee, "reflection") or invitee.reflection.status == ReflectionStatus.DRAFT


def test_secretary_enters_on_behalf_of_an_elderly_member_and_it_is_recorded(tree, invitee):
    reflection = submit(tree.secretary_a, invitee)
    assert reflection.entered_on_behalf
    event = AuditEvent.objects.get(action=StudyEvent.REFLECTION_SUBMITTED)
    assert event.on_behalf_of == "Nguyễn Nam Đình"


def test_another_organisation_cannot_write_or_grade(tree, invitee):
    with pytest.raises(OutOfScope):
        submit(tree.secretary_b, invitee)
    reflection = submit(tree.member_a, invitee)
    with pytest.raises(OutOfScope):
        services.reflection_grade(actor=tree.secretary_b, reflection=reflection, grade="good")
    with pytest.raises(OutOfScope):
        services.reflection_grade(actor=tree.member_a, reflection=reflection, grade="excellent")


def test_returned_reflection_can_be_fixed_and_resubmitted_then_graded(tree, invitee):
    reflection = submit(tree.member_a, invitee)
    with pytest.raises(BusinessError) as exc:
        services.reflection_return(actor=tree.secretary_a, reflection=reflection, note=" ")
    assert exc.value.message == services.MSG_RETURN_NOTE
    reflection = services.reflection_return(
        actor=tree.secretary_a, reflection=reflection, note="Cần cụ thể hơn"
    )
    assert reflection.status == ReflectionStatus.RETURNED
    reflection = submit(tree.member_a, invitee, answers=["Ba đột phá chiến lược.", "Cụ thể hơn."])
    reflection = services.reflection_grade(actor=tree.secretary_a, reflection=reflection, grade="good")
    assert (reflection.status, reflection.grade) == ("graded", "good")
    with pytest.raises(BusinessError) as exc:
        submit(tree.member_a, invitee)
    assert exc.value.message == services.MSG_REFLECTION_LOCKED


def test_grading_needs_a_submitted_reflection(tree, invitee):
    reflection = services.reflection_save(
        actor=tree.member_a, invitee=invitee, answers=["nháp", ""], plan_items=[], submit=False
    )
    with pytest.raises(BusinessError) as exc:
        services.reflection_grade(actor=tree.secretary_a, reflection=reflection, grade="good")
    assert exc.value.message == services.MSG_NOT_SUBMITTED


def test_exempt_member_is_excused_with_a_reason(tree, invitee):
    with pytest.raises(BusinessError) as exc:
        services.reflection_excuse(actor=tree.secretary_a, invitee=invitee, reason="")
    assert exc.value.message == services.MSG_EXCUSE_REASON
    reflection = services.reflection_excuse(
        actor=tree.secretary_a, invitee=invitee, reason="Tuổi cao, sức yếu"
    )
    assert reflection.status == ReflectionStatus.EXCUSED
    with pytest.raises(BusinessError):
        submit(tree.member_a, invitee)


def test_grading_turns_plan_items_into_commitments_of_the_author(tree, invitee):
    from neuguong.commitments.models import Commitment
    from neuguong.commitments.services import commitment_complete
    from neuguong.study.models import PlanItem
    from neuguong.study.selectors import campaign_org_stats

    reflection = submit(tree.member_a, invitee)
    services.reflection_grade(actor=tree.secretary_a, reflection=reflection, grade="excellent")
    item = PlanItem.objects.get()
    commitment = Commitment.objects.get()
    assert item.commitment_id == commitment.pk
    assert (commitment.source_kind, commitment.source_id) == ("study_plan", item.pk)
    assert commitment.responsible_person == tree.person_a
    assert commitment.deadline == NEXT_YEAR
    assert commitment.organization == tree.branch_a
    row = next(r for r in campaign_org_stats(user=tree.staff, campaign=invitee.campaign) if r.code == "A1")
    assert (row.plan_items, row.plan_commitments, row.plan_commitments_done) == (1, 1, 0)
    commitment_complete(actor=tree.secretary_a, commitment=commitment, completed_on=dt.date.today())
    row = next(r for r in campaign_org_stats(user=tree.staff, campaign=invitee.campaign) if r.code == "A1")
    assert row.plan_commitments_done == 1


def test_an_html_attachment_is_refused_and_a_docx_is_stored_under_a_random_name(tree, invitee):
    from neuguong.core.uploads import MSG_FILE_TYPE

    page = SimpleUploadedFile("thu-hoach.html", b"<script>alert(1)</script>")
    with pytest.raises(BusinessError) as exc:
        submit(tree.member_a, invitee, attachment=page)
    assert exc.value.message == MSG_FILE_TYPE.format(name="thu-hoach.html")
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    docx = SimpleUploadedFile("Thu hoạch của tôi.docx", buffer.getvalue())
    reflection = submit(tree.member_a, invitee, attachment=docx)
    assert reflection.attachment.name.startswith("study/reflections/")
    assert reflection.attachment.name.endswith(".docx") and "Thu" not in reflection.attachment.name
