"""The audit events of chi bộ meetings: each action declared once with its Vietnamese label, and one
function per business event writing the old and new values. Services call these in their transaction;
the history on a meeting's page reads them (`audit.selectors.history_for`)."""

from typing import Any

from django.db import models

from neuguong.audit.events import register
from neuguong.audit.models import AuditEvent
from neuguong.audit.services import audit_create, audit_record, audit_update, snapshot


@register
class MeetingEvent(models.TextChoices):
    PLANNED = "meetings.planned", "Lên lịch sinh hoạt"
    UPDATED = "meetings.updated", "Sửa lịch sinh hoạt"
    ANNOUNCED = "meetings.announced", "Thông báo lịch sinh hoạt"
    POSTPONED = "meetings.postponed", "Hoãn buổi sinh hoạt"
    CANCELLED = "meetings.cancelled", "Hủy buổi sinh hoạt"
    HELD = "meetings.held", "Ghi nhận đã họp"
    AGENDA_ADDED = "meetings.agenda_added", "Thêm nội dung sinh hoạt"
    AGENDA_UPDATED = "meetings.agenda_updated", "Sửa nội dung sinh hoạt"
    DOCUMENT_ADDED = "meetings.document_added", "Thêm tài liệu"
    DOCUMENT_RELEASED = "meetings.document_released", "Gửi tài liệu cho đảng viên"
    DOCUMENT_WITHDRAWN = "meetings.document_withdrawn", "Rút tài liệu"
    REPLIED = "meetings.replied", "Trả lời thông báo"
    ATTENDANCE = "meetings.attendance", "Điểm danh"
    INVITEES_UPDATED = "meetings.invitees_updated", "Cập nhật danh sách mời"
    RECORD_DRAFTED = "meetings.record_drafted", "Soạn dự thảo"
    RECORD_APPROVED = "meetings.record_approved", "Duyệt văn bản"
    RECORD_CORRECTION = "meetings.record_correction", "Lập bản đính chính"
    RESOLUTION_ITEM_ADDED = "meetings.resolution_item_added", "Giao nhiệm vụ theo nghị quyết"
    SCORED = "meetings.scored", "Tự chấm điểm buổi sinh hoạt"
    SETTINGS_SAVED = "meetings.settings_saved", "Lưu quy định sinh hoạt"
    CALENDAR_TOKEN = "meetings.calendar_token", "Cấp lại địa chỉ lịch riêng"


PLANNED_FIELDS = [
    "organization",
    "kind",
    "for_month",
    "starts_at",
    "expected_minutes",
    "place",
    "online_link",
    "topic",
    "preparer",
    "replaces",
]
SCHEDULE_FIELDS = [
    "starts_at",
    "expected_minutes",
    "place",
    "online_link",
    "topic",
    "preparer",
    "chair",
    "recorder",
]


def _created(values: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {name: {"old": None, "new": value} for name, value in values.items() if value not in (None, "")}


def meeting_planned(*, actor, meeting) -> AuditEvent:
    return audit_record(
        actor=actor,
        action=MeetingEvent.PLANNED,
        target=meeting,
        changes=_created(snapshot(meeting, PLANNED_FIELDS)),
    )


def meeting_updated(*, actor, meeting, before: dict[str, Any]) -> AuditEvent | None:
    return audit_update(actor=actor, target=meeting, before=before, action=MeetingEvent.UPDATED)


def meeting_announced(*, actor, meeting, invited: int) -> AuditEvent:
    return audit_record(
        actor=actor,
        action=MeetingEvent.ANNOUNCED,
        target=meeting,
        changes={
            "state": {"old": "planned", "new": meeting.state},
            "invitees": {"old": None, "new": invited},
        },
    )


def meeting_halted(*, actor, meeting, old_state: str, replacement=None) -> AuditEvent:
    action = MeetingEvent.POSTPONED if meeting.state == "postponed" else MeetingEvent.CANCELLED
    changes: dict[str, Any] = {"state": {"old": old_state, "new": meeting.state}}
    if replacement is not None:
        changes["replacement"] = {"old": None, "new": f"{replacement.starts_at:%d/%m/%Y %H:%M}"}
    return audit_record(actor=actor, action=action, target=meeting, changes=changes, note=meeting.halt_reason)


def meeting_held(*, actor, meeting, before: dict[str, Any]) -> AuditEvent | None:
    return audit_update(actor=actor, target=meeting, before=before, action=MeetingEvent.HELD)


def agenda_item_added(*, actor, item) -> AuditEvent:
    return audit_record(
        actor=actor,
        action=MeetingEvent.AGENDA_ADDED,
        target=item.meeting,
        changes={"agenda": {"old": None, "new": agenda_text(item)}},
    )


def agenda_text(item) -> str:
    """How the history reads an agenda item: its kind, title and vote counts."""
    text = f"{item.position}. {item.get_kind_display()}: {item.title}"
    if item.votes_for is not None:
        text += (
            f" (tán thành {item.votes_for}, không tán thành {item.votes_against or 0}, "
            f"không biểu quyết {item.votes_abstain or 0})"
        )
    return text


def agenda_item_updated(*, actor, item, before_text: str, before_notes: str) -> AuditEvent | None:
    changes: dict[str, dict[str, str | None]] = {}
    if before_text != agenda_text(item):
        changes["agenda"] = {"old": before_text, "new": agenda_text(item)}
    if before_notes != item.notes:
        changes["agenda_notes"] = {"old": before_notes or None, "new": item.notes or None}
    if not changes:
        return None
    return audit_record(
        actor=actor, action=MeetingEvent.AGENDA_UPDATED, target=item.meeting, changes=changes, note=item.title
    )


def document_added(*, actor, document) -> AuditEvent:
    return audit_record(
        actor=actor,
        action=MeetingEvent.DOCUMENT_ADDED,
        target=document.meeting,
        changes={"document": {"old": None, "new": document.title}},
    )


def document_released(*, actor, document) -> AuditEvent:
    return audit_record(
        actor=actor,
        action=MeetingEvent.DOCUMENT_RELEASED,
        target=document.meeting,
        changes={"available_at": {"old": None, "new": document.available_at}},
        note=document.title,
    )


def document_withdrawn(*, actor, document) -> AuditEvent:
    return audit_record(
        actor=actor,
        action=MeetingEvent.DOCUMENT_WITHDRAWN,
        target=document.meeting,
        changes={"document": {"old": document.title, "new": None}},
    )


def _reply_text(invitee, reply: str, reason: str) -> str:
    label = dict(invitee.Reply.choices).get(reply, reply)
    return f"{invitee.person.full_name}: {label}" + (f" ({reason})" if reason else "")


def invitee_replied(*, actor, invitee, before: dict[str, Any]) -> AuditEvent | None:
    old = _reply_text(invitee, before.get("reply", ""), before.get("reply_reason", ""))
    new = _reply_text(invitee, invitee.reply, invitee.reply_reason)
    if old == new:
        return None
    return audit_record(
        actor=actor,
        action=MeetingEvent.REPLIED,
        target=invitee.meeting,
        changes={"reply": {"old": old, "new": new}},
    )


def attendance_text(invitee, status: str, reason: str) -> str:
    from neuguong.people.attendance import AttendanceStatus

    label = dict(AttendanceStatus.choices).get(status, "chưa điểm danh")
    return f"{invitee.person.full_name}: {label}" + (f" ({reason})" if reason else "")


def attendance_event(*, actor, invitee, before: tuple[str, str]) -> AuditEvent | None:
    """The unsaved event of one member's own mark (the QR check-in), or None when nothing changed."""
    return attendance_events(actor=actor, meeting=invitee.meeting, changed=[(invitee, before)])


def attendance_events(*, actor, meeting, changed: list[tuple[Any, tuple[str, str]]]) -> AuditEvent | None:
    """One unsaved event for one save of the attendance sheet: every mark it changed, old and new, so the
    meeting's history reads "Điểm danh" once per save rather than once per member."""
    from neuguong.audit.services import audit_event

    pairs = [
        (attendance_text(invitee, *before), attendance_text(invitee, invitee.status, invitee.reason))
        for invitee, before in changed
    ]
    pairs = [(old, new) for old, new in pairs if old != new]
    if not pairs:
        return None
    qr = len(changed) == 1 and changed[0][0].method == "qr"
    return audit_event(
        actor=actor,
        action=MeetingEvent.ATTENDANCE,
        target=meeting,
        changes={
            "attendance": {"old": "; ".join(o for o, _ in pairs), "new": "; ".join(n for _, n in pairs)}
        },
        org_path=meeting.organization.path,
        note="Tự điểm danh bằng mã QR" if qr else f"{len(pairs)} người",
    )


def invitees_updated(*, actor, meeting, added: int) -> AuditEvent:
    return audit_record(
        actor=actor,
        action=MeetingEvent.INVITEES_UPDATED,
        target=meeting,
        changes={"invitees_added": {"old": None, "new": added}},
    )


def record_drafted(*, actor, record, before: dict[str, Any]) -> AuditEvent | None:
    if not before:
        return audit_record(
            actor=actor,
            action=MeetingEvent.RECORD_DRAFTED,
            target=record.meeting,
            changes={"record": {"old": None, "new": str(record)}},
        )
    after = snapshot(record, list(before))
    changes = {
        f"record_{name}": {"old": before[name], "new": after[name]}
        for name in before
        if before[name] != after[name]
    }
    if not changes:
        return None
    return audit_record(
        actor=actor,
        action=MeetingEvent.RECORD_DRAFTED,
        target=record.meeting,
        changes=changes,
        note=str(record),
    )


def record_approved(*, actor, record, superseded=None) -> AuditEvent:
    changes: dict[str, Any] = {"record": {"old": None, "new": str(record)}}
    if superseded is not None:
        changes["superseded"] = {"old": str(superseded), "new": None}
    return audit_record(
        actor=actor,
        action=MeetingEvent.RECORD_APPROVED,
        target=record.meeting,
        changes=changes,
        note=record.number,
    )


def record_correction_opened(*, actor, record) -> AuditEvent:
    return audit_record(
        actor=actor,
        action=MeetingEvent.RECORD_CORRECTION,
        target=record.meeting,
        changes={"record": {"old": None, "new": str(record)}},
        note=record.correction_reason,
    )


def resolution_item_added(*, actor, item, commitment) -> AuditEvent:
    return audit_record(
        actor=actor,
        action=MeetingEvent.RESOLUTION_ITEM_ADDED,
        target=item.meeting,
        changes={
            "resolution_item": {"old": None, "new": item.title},
            "responsible_person": {"old": None, "new": item.responsible_person.full_name},
            "deadline": {"old": None, "new": item.deadline},
        },
    )


def meeting_scored(*, actor, score, old_total: int | None) -> AuditEvent:
    return audit_record(
        actor=actor,
        action=MeetingEvent.SCORED,
        target=score.meeting,
        changes={"score": {"old": old_total, "new": f"{score.total}/{score.maximum}"}},
    )


def settings_saved(*, actor, saved, before: dict[str, Any]) -> AuditEvent | None:
    if not before:
        return audit_create(actor=actor, target=saved, action=MeetingEvent.SETTINGS_SAVED)
    return audit_update(actor=actor, target=saved, before=before, action=MeetingEvent.SETTINGS_SAVED)


def calendar_token_issued(*, actor, token) -> AuditEvent:
    return audit_create(actor=actor, target=token, action=MeetingEvent.CALENDAR_TOKEN)
