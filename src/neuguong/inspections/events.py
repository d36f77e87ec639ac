"""The audit events of inspection and supervision: declared once, with their Vietnamese labels, and one
function per business event writing old and new values. Services call these inside their transaction."""

from collections.abc import Iterable

from django.db import models

from neuguong.audit.events import register
from neuguong.audit.models import AuditEvent
from neuguong.audit.services import audit_create, audit_record, diff, snapshot


@register
class InspectionEvent(models.TextChoices):
    PROGRAM_CREATED = "inspections.program_created", "Lập chương trình kiểm tra, giám sát"
    ITEM_CREATED = "inspections.item_created", "Thêm cuộc kiểm tra, giám sát vào chương trình"
    ITEM_UPDATED = "inspections.item_updated", "Sửa nội dung, đối tượng, thời gian"
    TEAM_CHANGED = "inspections.team_changed", "Đổi đoàn kiểm tra, giám sát"
    CONTENT_LINKED = "inspections.content_linked", "Liên kết nội dung"
    # The steps of the state machine (services.TRANSITIONS takes its button labels from these).
    DECIDED = "inspections.decided", "Ra quyết định"
    PLAN_ISSUED = "inspections.plan_issued", "Ban hành kế hoạch"
    NOTIFIED = "inspections.notified", "Thông báo đến đối tượng"
    SELF_REPORTED = "inspections.self_reported", "Nộp báo cáo giải trình"
    DRAFT_SUBMITTED = "inspections.draft_submitted", "Trình dự thảo kết luận"
    REOPENED = "inspections.reopened", "Trả dự thảo, thẩm tra thêm"
    CONCLUDED = "inspections.concluded", "Ban hành kết luận"
    CONCLUSION_NOTIFIED = "inspections.conclusion_notified", "Thông báo kết luận"
    CLOSED = "inspections.closed", "Kết thúc"
    CANCELLED = "inspections.cancelled", "Hủy"
    # The team's work and the files.
    WORKING_NOTE_ADDED = "inspections.working_note_added", "Ghi chép làm việc"
    DOCUMENT_ADDED = "inspections.document_added", "Tải tệp lên"
    DOCUMENT_DELETED = "inspections.document_deleted", "Xóa tệp (vẫn lưu vết)"
    FINDING_ADDED = "inspections.finding_added", "Ghi phát hiện"
    BREACH_ADDED = "inspections.breach_added", "Ghi vi phạm trách nhiệm nêu gương"
    RECOMMENDATION_ADDED = "inspections.recommendation_added", "Thêm kiến nghị"
    RECOMMENDATION_CARRIED_OVER = "inspections.recommendation_carried_over", "Chuyển tiếp kiến nghị"


E = InspectionEvent


def names(records: Iterable) -> str:
    """People or organisations as the history shows them (names at the time, sorted)."""
    return ", ".join(sorted(str(getattr(r, "full_name", None) or r) for r in records))


def program_created(*, actor, program) -> AuditEvent:
    return audit_create(actor=actor, target=program, action=E.PROGRAM_CREATED)


def item_state(inspection, subjects: Iterable, team: Iterable) -> dict:
    """What an edit may change: the item's fields, its subjects (by name) and its team (by id)."""
    return snapshot(inspection, ["kind", "title", "content", "planned_start", "planned_end", "leader"]) | {
        "subjects": names(subjects),
        "team_members": sorted(p.pk for p in team),
    }


def item_created(*, actor, inspection, subjects: Iterable, team: Iterable) -> AuditEvent:
    """A new program item, with its subjects and team (they are not columns of the row)."""
    values = snapshot(inspection) | item_state(inspection, subjects, team)
    changes = {k: {"old": None, "new": v} for k, v in values.items() if v not in (None, "", [])}
    return audit_record(actor=actor, action=E.ITEM_CREATED, target=inspection, changes=changes)


def item_updated(*, actor, inspection, before: dict, after: dict) -> AuditEvent | None:
    """What an edit changed: fields, subjects and team (`before`/`after` from `item_state`)."""
    changes = diff(before, after)
    if not changes:
        return None
    return audit_record(actor=actor, action=E.ITEM_UPDATED, target=inspection, changes=changes)


def team_changed(*, actor, inspection, before: dict, after: dict) -> AuditEvent | None:
    changes = diff(before, after)
    if not changes:
        return None
    return audit_record(actor=actor, action=E.TEAM_CHANGED, target=inspection, changes=changes)


def content_linked(*, actor, inspection, link) -> AuditEvent:
    return audit_record(
        actor=actor,
        action=E.CONTENT_LINKED,
        target=inspection,
        changes={"content_links": {"old": None, "new": link.label}},
    )


def step_taken(
    *, actor, inspection, event: str, before: dict, after: dict, number: str, on_behalf_of: str
) -> AuditEvent:
    """One step of the state machine: the state and dates it changed, and the document's number."""
    return audit_record(
        actor=actor,
        action=event,
        target=inspection,
        changes=diff(before, after),
        on_behalf_of=on_behalf_of,
        note=f"Số văn bản: {number}" if number else "",
    )


def working_note_added(*, actor, inspection, step, files: list) -> AuditEvent:
    changes = {"happened_on": {"old": None, "new": step.happened_on}}
    if files:
        changes["documents"] = {"old": None, "new": ", ".join(d.original_name for d in files)}
    return audit_record(actor=actor, action=E.WORKING_NOTE_ADDED, target=inspection, changes=changes)


def document_added(*, actor, document) -> AuditEvent:
    return audit_record(
        actor=actor,
        action=E.DOCUMENT_ADDED,
        target=document,
        changes={
            "original_name": {"old": None, "new": document.original_name},
            "kind": {"old": None, "new": document.kind},
        },
    )


def document_deleted(*, actor, document) -> AuditEvent:
    return audit_record(
        actor=actor,
        action=E.DOCUMENT_DELETED,
        target=document,
        changes={"deleted_at": {"old": None, "new": document.deleted_at}},
        note=document.original_name,
    )


def finding_added(*, actor, finding) -> AuditEvent:
    return audit_create(actor=actor, target=finding, action=E.FINDING_ADDED)


def breach_added(*, actor, breach) -> AuditEvent:
    return audit_create(actor=actor, target=breach, action=E.BREACH_ADDED)


def recommendation_added(*, actor, recommendation) -> AuditEvent:
    return audit_create(actor=actor, target=recommendation, action=E.RECOMMENDATION_ADDED)


def recommendation_carried_over(*, actor, recommendation, before: dict, after: dict) -> AuditEvent:
    return audit_record(
        actor=actor,
        action=E.RECOMMENDATION_CARRIED_OVER,
        target=recommendation,
        changes=diff(before, after),
    )
