"""Audit events of the study module: each action declared once with its Vietnamese label, and one function per
business event that writes old and new values (read on the pages' "Lịch sử thay đổi")."""

from typing import Any

from django.db import models

from neuguong.audit.events import register
from neuguong.audit.models import AuditEvent
from neuguong.audit.services import audit_create, audit_record, audit_update

from .models import (
    Attendance,
    Campaign,
    Course,
    Enrolment,
    Material,
    PositionRequirement,
    QuizRound,
    Reflection,
    Session,
)


@register
class StudyEvent(models.TextChoices):
    CAMPAIGN_CREATED = "study.campaign_created", "Tạo đợt học tập"
    CAMPAIGN_UPDATED = "study.campaign_updated", "Sửa đợt học tập"
    MATERIAL_ADDED = "study.material_added", "Thêm tài liệu học tập"
    SESSION_ADDED = "study.session_added", "Thêm buổi học"
    INVITEES_ADDED = "study.invitees_added", "Bổ sung danh sách triệu tập"
    ATTENDANCE_MARKED = "study.attendance_marked", "Điểm danh"
    REFLECTION_SAVED = "study.reflection_saved", "Lưu bản nháp thu hoạch"
    REFLECTION_SUBMITTED = "study.reflection_submitted", "Nộp bài thu hoạch"
    REFLECTION_GRADED = "study.reflection_graded", "Chấm bài thu hoạch"
    REFLECTION_RETURNED = "study.reflection_returned", "Trả lại bài thu hoạch để sửa"
    REFLECTION_EXCUSED = "study.reflection_excused", "Miễn viết thu hoạch"
    QUESTIONS_IMPORTED = "study.questions_imported", "Nhập câu hỏi trắc nghiệm"
    QUIZ_ROUND_CREATED = "study.quiz_round_created", "Tạo đợt thi trắc nghiệm"
    COURSE_OPENED = "study.course_opened", "Mở lớp lý luận chính trị"
    ENROLLED = "study.enrolled", "Ghi danh học viên"
    ENROLMENT_RESULT_RECORDED = "study.enrolment_result_recorded", "Ghi kết quả học tập"
    POSITION_REQUIREMENT_SET = "study.position_requirement_set", "Đặt yêu cầu trình độ lý luận chính trị"


def _change(old: Any, new: Any) -> dict[str, Any]:
    return {"old": old, "new": new}


# ---------------------------------------------------------------------------------------- campaigns
def campaign_created(*, actor, campaign: Campaign) -> AuditEvent:
    return audit_create(actor=actor, target=campaign, action=StudyEvent.CAMPAIGN_CREATED)


def campaign_updated(*, actor, campaign: Campaign, before: dict[str, Any]) -> AuditEvent | None:
    return audit_update(actor=actor, target=campaign, before=before, action=StudyEvent.CAMPAIGN_UPDATED)


def material_added(*, actor, material: Material, file_name: str) -> AuditEvent:
    """The file by the name it was uploaded under (the stored name is random)."""
    changes = {"title": _change(None, material.title)}
    if file_name:
        changes["file"] = _change(None, file_name)
    if material.url:
        changes["url"] = _change(None, material.url)
    return audit_record(actor=actor, action=StudyEvent.MATERIAL_ADDED, target=material, changes=changes)


def session_added(*, actor, session: Session) -> AuditEvent:
    values = {
        "title": session.title,
        "held_on": session.held_on,
        "start_time": f"{session.start_time:%H:%M}" if session.start_time else None,
        "place": session.place or None,
        "online_link": session.online_link or None,
        "is_makeup": session.is_makeup,
    }
    return audit_record(
        actor=actor,
        action=StudyEvent.SESSION_ADDED,
        target=session,
        changes={name: _change(None, value) for name, value in values.items() if value is not None},
    )


def invitees_added(*, actor, campaign: Campaign, added: int) -> AuditEvent:
    return audit_record(
        actor=actor,
        action=StudyEvent.INVITEES_ADDED,
        target=campaign,
        changes={"invitees": _change(None, added)},
    )


# ---------------------------------------------------------------------------------------- attendance
def attendance_marked(
    *, actor, attendance: Attendance, before: dict[str, str], on_behalf_of: str = ""
) -> AuditEvent | None:
    """What changed in one person's mark (nothing written when the same mark is given again)."""
    after = {"status": attendance.status, "reason": attendance.reason}
    changes = {
        name: _change(before.get(name) or None, value or None)
        for name, value in after.items()
        if (before.get(name) or "") != (value or "")
    }
    if not changes:
        return None
    session = attendance.session
    return audit_record(
        actor=actor,
        action=StudyEvent.ATTENDANCE_MARKED,
        target=attendance,
        changes=changes,
        org_path=attendance.invitee.organization.path,
        note=f"{session.campaign.title} — {session}",
        on_behalf_of=on_behalf_of,
    )


# ---------------------------------------------------------------------------------------- reflections
def reflection_saved(
    *, actor, reflection: Reflection, before: dict[str, Any], submitted: bool, on_behalf_of: str = ""
) -> AuditEvent | None:
    return audit_update(
        actor=actor,
        target=reflection,
        before=before,
        action=StudyEvent.REFLECTION_SUBMITTED if submitted else StudyEvent.REFLECTION_SAVED,
        on_behalf_of=on_behalf_of,
    )


def reflection_graded(*, actor, reflection: Reflection, before: dict[str, Any]) -> AuditEvent | None:
    return audit_update(actor=actor, target=reflection, before=before, action=StudyEvent.REFLECTION_GRADED)


def reflection_returned(*, actor, reflection: Reflection, before: dict[str, Any]) -> AuditEvent | None:
    return audit_update(actor=actor, target=reflection, before=before, action=StudyEvent.REFLECTION_RETURNED)


def reflection_excused(*, actor, reflection: Reflection, before: dict[str, Any]) -> AuditEvent | None:
    return audit_update(actor=actor, target=reflection, before=before, action=StudyEvent.REFLECTION_EXCUSED)


# ---------------------------------------------------------------------------------------- quizzes
def questions_imported(*, actor, campaign: Campaign, imported: int) -> AuditEvent:
    return audit_record(
        actor=actor,
        action=StudyEvent.QUESTIONS_IMPORTED,
        target=campaign,
        changes={"questions": _change(None, imported)},
    )


def quiz_round_created(*, actor, quiz_round: QuizRound) -> AuditEvent:
    return audit_create(actor=actor, target=quiz_round, action=StudyEvent.QUIZ_ROUND_CREATED)


# ---------------------------------------------------------------------------------------- training
def course_opened(*, actor, course: Course) -> AuditEvent:
    return audit_create(actor=actor, target=course, action=StudyEvent.COURSE_OPENED)


def enrolled(*, actor, enrolment: Enrolment) -> AuditEvent:
    return audit_create(actor=actor, target=enrolment, action=StudyEvent.ENROLLED)


def enrolment_result_recorded(*, actor, enrolment: Enrolment, before: dict[str, Any]) -> AuditEvent | None:
    return audit_update(
        actor=actor, target=enrolment, before=before, action=StudyEvent.ENROLMENT_RESULT_RECORDED
    )


def position_requirement_set(
    *, actor, requirement: PositionRequirement, old_level: str | None
) -> AuditEvent | None:
    """A bloc-wide setting: only those who read the whole tree read its history."""
    if old_level == requirement.required_level:
        return None
    return audit_record(
        actor=actor,
        action=StudyEvent.POSITION_REQUIREMENT_SET,
        target=requirement,
        org_path="/",
        changes={"required_level": _change(old_level, requirement.required_level)},
    )
