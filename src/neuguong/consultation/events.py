"""The audit events of consultations: declared once with their Vietnamese labels, one function per
business event writing old and new values. Services call these inside their transaction.

Draft-level events (its text, audience, steps) are written on the draft, so its page reads one history;
a comment's submission, edits and disposition are written on the comment."""

from django.db import models

from neuguong.audit.events import register
from neuguong.audit.models import AuditEvent
from neuguong.audit.services import audit_record, diff, snapshot


@register
class ConsultationEvent(models.TextChoices):
    DRAFT_CREATED = "consultation.draft_created", "Tạo dự thảo"
    DRAFT_UPDATED = "consultation.draft_updated", "Sửa thông tin dự thảo"
    AUDIENCE_CHANGED = "consultation.audience_changed", "Đổi đối tượng lấy ý kiến"
    TEXT_REPLACED = "consultation.text_replaced", "Nhập nội dung dự thảo"
    SECTION_ADDED = "consultation.section_added", "Thêm phần dự thảo"
    SECTION_CHANGED = "consultation.section_changed", "Sửa phần dự thảo"
    SECTION_REMOVED = "consultation.section_removed", "Bỏ phần dự thảo"
    OPENED = "consultation.opened", "Đưa ra lấy ý kiến"
    CLOSED = "consultation.closed", "Kết thúc lấy ý kiến"
    SYNTHESIS_STARTED = "consultation.synthesis_started", "Bắt đầu tổng hợp, tiếp thu, giải trình"
    VERSION_CREATED = "consultation.version_created", "Tạo bản dự thảo mới"
    COMMENT_SUBMITTED = "consultation.comment_submitted", "Gửi ý kiến góp ý"
    COMMENT_EDITED = "consultation.comment_edited", "Sửa ý kiến góp ý"
    GROUP_CREATED = "consultation.group_created", "Gộp nhóm ý kiến"
    GROUP_UNGROUPED = "consultation.group_ungrouped", "Tách ý kiến khỏi nhóm"
    DISPOSED = "consultation.disposed", "Tiếp thu, giải trình ý kiến"
    SYNTHESIS_APPROVED = "consultation.synthesis_approved", "Duyệt báo cáo tổng hợp"
    SYNTHESIS_REOPENED = "consultation.synthesis_reopened", "Mở lại tổng hợp"
    ADOPTED = "consultation.adopted", "Thông qua, vào sổ văn bản"
    WITHDRAWN = "consultation.withdrawn", "Rút dự thảo"
    IMPLEMENTED = "consultation.implemented", "Chuyển thành chỉ tiêu, kế hoạch thực hiện"


E = ConsultationEvent

DRAFT_FIELDS = [
    "organization",
    "kind",
    "title",
    "opens_at",
    "closes_at",
    "comments_visibility",
    "publish_synthesis",
]
AUDIENCE_FIELDS = ["audience_root", "invite_official", "invite_probationary", "invite_exempt"]
COMMENT_FIELDS = [
    "section",
    "stance",
    "text",
    "commenter_kind",
    "person",
    "organization",
    "participant_count",
    "on_paper",
]
DISPOSITION_FIELDS = ["disposition", "disposition_text", "revised_section", "group"]


def _created(values: dict) -> dict:
    return {k: {"old": None, "new": v} for k, v in values.items() if v not in (None, "", [], False)}


def draft_created(*, actor, draft) -> AuditEvent:
    return audit_record(
        actor=actor, action=E.DRAFT_CREATED, target=draft, changes=_created(snapshot(draft, DRAFT_FIELDS))
    )


def draft_state(draft) -> dict:
    return snapshot(draft, DRAFT_FIELDS)


def draft_updated(*, actor, draft, before: dict) -> AuditEvent | None:
    changes = diff(before, draft_state(draft))
    if not changes:
        return None
    return audit_record(actor=actor, action=E.DRAFT_UPDATED, target=draft, changes=changes)


def audience_state(draft, delegates, organizations) -> dict:
    """The audience as the history shows it: its columns, and the named delegates and organisations by name."""
    return snapshot(draft, AUDIENCE_FIELDS) | {
        "delegates": ", ".join(sorted(p.full_name for p in delegates)),
        "invited_organizations": ", ".join(sorted(o.name for o in organizations)),
    }


def audience_changed(*, actor, draft, before: dict, after: dict) -> AuditEvent | None:
    changes = {
        name: change
        for name, change in diff(before, after).items()
        if change["old"] not in (None, "") or change["new"] not in (None, "")
    }
    if not changes:
        return None
    return audit_record(actor=actor, action=E.AUDIENCE_CHANGED, target=draft, changes=changes)


def text_replaced(*, actor, draft, version, old_count: int, new_count: int, file_name: str) -> AuditEvent:
    changes = {
        "sections": {"old": old_count, "new": new_count},
        "version": {"old": None, "new": str(version)},
    }
    return audit_record(
        actor=actor,
        action=E.TEXT_REPLACED,
        target=draft,
        changes=changes,
        note=f"Từ tệp {file_name}" if file_name else "",
    )


def _section_values(section) -> dict:
    return {"section_number": section.number, "section_title": section.title, "section_text": section.text}


def section_added(*, actor, draft, section) -> AuditEvent:
    return audit_record(
        actor=actor,
        action=E.SECTION_ADDED,
        target=draft,
        changes=_created(_section_values(section)),
        note=str(section.version),
    )


def section_changed(*, actor, draft, section, before: dict) -> AuditEvent | None:
    changes = diff(before, _section_values(section))
    if not changes:
        return None
    return audit_record(
        actor=actor,
        action=E.SECTION_CHANGED,
        target=draft,
        changes=changes,
        note=f"{section.version}: {section.label}",
    )


def section_values(section) -> dict:
    return _section_values(section)


def section_removed(*, actor, draft, values: dict, version) -> AuditEvent:
    changes = {k: {"old": v, "new": None} for k, v in values.items() if v}
    return audit_record(
        actor=actor, action=E.SECTION_REMOVED, target=draft, changes=changes, note=str(version)
    )


def step_taken(*, actor, draft, event: str, before: dict, note: str = "") -> AuditEvent:
    """A step of the state machine: the state and the dates it changed."""
    after = snapshot(draft, list(before))
    return audit_record(actor=actor, action=event, target=draft, changes=diff(before, after), note=note)


def version_created(*, actor, draft, version, copied_from) -> AuditEvent:
    return audit_record(
        actor=actor,
        action=E.VERSION_CREATED,
        target=draft,
        changes={"version": {"old": str(copied_from), "new": str(version)}},
        note=version.note,
    )


def comment_submitted(*, actor, comment, on_behalf_of: str) -> AuditEvent:
    return audit_record(
        actor=actor,
        action=E.COMMENT_SUBMITTED,
        target=comment,
        changes=_created(snapshot(comment, COMMENT_FIELDS)),
        on_behalf_of=on_behalf_of,
        note="Nhập từ phiếu góp ý giấy" if comment.on_paper else "",
    )


def comment_state(comment) -> dict:
    return snapshot(comment, COMMENT_FIELDS)


def comment_edited(*, actor, comment, before: dict, on_behalf_of: str) -> AuditEvent | None:
    changes = diff(before, comment_state(comment))
    if not changes:
        return None
    return audit_record(
        actor=actor, action=E.COMMENT_EDITED, target=comment, changes=changes, on_behalf_of=on_behalf_of
    )


def disposition_state(comment) -> dict:
    return snapshot(comment, DISPOSITION_FIELDS)


def disposed(*, actor, comment, before: dict) -> AuditEvent | None:
    changes = diff(before, disposition_state(comment))
    if not changes:
        return None
    return audit_record(actor=actor, action=E.DISPOSED, target=comment, changes=changes)


def group_created(*, actor, group, comments: int) -> AuditEvent:
    return audit_record(
        actor=actor,
        action=E.GROUP_CREATED,
        target=group.draft,
        changes={"group": {"old": None, "new": group.summary}, "comments": {"old": None, "new": comments}},
    )


def ungrouped(*, actor, comment, group_summary: str) -> AuditEvent:
    return audit_record(
        actor=actor,
        action=E.GROUP_UNGROUPED,
        target=comment,
        changes={"group": {"old": group_summary, "new": None}},
    )


def implemented(*, actor, draft, indicators: list, plan) -> AuditEvent:
    changes = {}
    if indicators:
        changes["indicators"] = {"old": None, "new": ", ".join(str(i) for i in indicators)}
    if plan is not None:
        changes["plan"] = {"old": None, "new": str(plan)}
    return audit_record(actor=actor, action=E.IMPLEMENTED, target=draft, changes=changes)
