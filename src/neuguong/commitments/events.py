"""The audit events of commitments, work programs and pledges: each action declared once with its
Vietnamese label, and one function per business event writing the old and new values.

Services call these inside their own transaction; the history on a commitment's page reads them
(`audit.selectors.history_for`)."""

from collections.abc import Sequence
from typing import Any

from django.db import models

from neuguong.audit.events import register
from neuguong.audit.models import AuditEvent
from neuguong.audit.services import audit_record, audit_update, snapshot
from neuguong.organizations.models import Organization


@register
class CommitmentEvent(models.TextChoices):
    CREATED = "commitments.created", "Giao nhiệm vụ"
    UPDATED = "commitments.updated", "Sửa nhiệm vụ"
    PROGRESS_REPORTED = "commitments.progress_reported", "Báo cáo tiến độ"
    EVIDENCE_DELETED = "commitments.evidence_deleted", "Xóa minh chứng"
    REPORT_ACCEPTED = "commitments.report_accepted", "Chấp nhận báo cáo tiến độ"
    REPORT_RETURNED = "commitments.report_returned", "Trả lại báo cáo tiến độ"
    COMPLETED = "commitments.completed", "Ghi nhận hoàn thành"
    COMPLETION_RETURNED = "commitments.completion_returned", "Trả lại kết quả hoàn thành"
    COMPLETION_CONFIRMED = "commitments.completion_confirmed", "Xác nhận kết quả hoàn thành"
    COMPLETION_POLICY_SET = "commitments.completion_policy_set", "Quy định xác nhận hoàn thành"
    EXTENSION_REQUESTED = "commitments.extension_requested", "Đề nghị gia hạn"
    EXTENSION_GRANTED = "commitments.extension_granted", "Đồng ý gia hạn"
    EXTENSION_REFUSED = "commitments.extension_refused", "Không đồng ý gia hạn"
    SUSPENDED = "commitments.suspended", "Tạm dừng thực hiện"
    CANCELLED = "commitments.cancelled", "Hủy nhiệm vụ"
    RESUMED = "commitments.resumed", "Tiếp tục thực hiện"
    PROGRAM_CREATED = "commitments.program_created", "Lập chương trình công tác năm"
    PROGRAM_ITEM_ADDED = "commitments.program_item_added", "Thêm nội dung chương trình công tác"
    PLEDGE_TEMPLATE_CREATED = "commitments.pledge_template_created", "Lập mẫu bản cam kết"
    PLEDGE_TEMPLATE_UPDATED = "commitments.pledge_template_updated", "Sửa mẫu bản cam kết"
    PLEDGE_REGISTERED = "commitments.pledge_registered", "Đăng ký bản cam kết"
    LINKED = "commitments.linked", "Gắn với mục kế hoạch, văn bản nguồn"


# What the history of a new commitment says: rõ việc, rõ người, rõ thời gian and where it comes from.
# Bookkeeping (batch, created_by, the folded title) and the defaults of a new row (progress 0, not
# returned, no halt) say nothing to a reader.
CREATED_FIELDS = (
    "title",
    "expected_result",
    "organization",
    "responsible_person",
    "lead_unit",
    "start_on",
    "deadline",
    "category",
    "source_kind",
    "source_note",
    "series",
    "plan_item",
    "created_reason",
)


def _created(values: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {name: {"old": None, "new": value} for name, value in values.items() if value not in (None, "")}


def commitment_created(
    *, actor, commitment, co_units: Sequence[Organization] = (), on_behalf_of: str = ""
) -> AuditEvent:
    changes = _created(snapshot(commitment, list(CREATED_FIELDS)))
    if co_units:
        changes["co_units"] = {"old": None, "new": ", ".join(unit.name for unit in co_units)}
    return audit_record(
        actor=actor,
        action=CommitmentEvent.CREATED,
        target=commitment,
        changes=changes,
        note=commitment.created_reason,
        on_behalf_of=on_behalf_of,
    )


def commitment_linked(
    *, actor, commitment, before: dict[str, Any], before_source: str, after_source: str
) -> AuditEvent | None:
    changes = {
        name: {"old": before[name], "new": value}
        for name, value in snapshot(commitment, list(before)).items()
        if value != before[name]
    }
    if before_source != after_source:
        changes["source"] = {"old": before_source or None, "new": after_source or None}
    if not changes:
        return None
    return audit_record(actor=actor, action=CommitmentEvent.LINKED, target=commitment, changes=changes)


def commitment_updated(*, actor, commitment, before: dict[str, Any]) -> AuditEvent | None:
    return audit_update(actor=actor, target=commitment, before=before, action=CommitmentEvent.UPDATED)


def progress_reported(*, actor, report, old_progress: int, on_behalf_of: str = "") -> AuditEvent:
    return audit_record(
        actor=actor,
        action=CommitmentEvent.PROGRESS_REPORTED,
        target=report.commitment,
        changes={"progress": {"old": old_progress, "new": report.percent}},
        note=report.text[:500],
        on_behalf_of=on_behalf_of,
    )


def evidence_deleted(*, actor, evidence) -> AuditEvent:
    return audit_record(
        actor=actor,
        action=CommitmentEvent.EVIDENCE_DELETED,
        target=evidence.report.commitment,
        changes={"evidence": {"old": evidence.original_name, "new": None}},
        note=f"Xóa minh chứng «{evidence}»",
    )


def report_accepted(*, actor, report) -> AuditEvent:
    return audit_record(
        actor=actor,
        action=CommitmentEvent.REPORT_ACCEPTED,
        target=report.commitment,
        changes={"report": {"old": None, "new": str(report)}},
        note=report.review_note,
    )


def report_returned(*, actor, report) -> AuditEvent:
    return audit_record(
        actor=actor,
        action=CommitmentEvent.REPORT_RETURNED,
        target=report.commitment,
        changes={"report": {"old": None, "new": str(report)}, "is_returned": {"old": False, "new": True}},
        note=report.review_note,
    )


def commitment_completed(
    *, actor, commitment, before: dict[str, Any], on_behalf_of: str = ""
) -> AuditEvent | None:
    return audit_update(
        actor=actor,
        target=commitment,
        before=before,
        action=CommitmentEvent.COMPLETED,
        note=commitment.completion_note[:500],
        on_behalf_of=on_behalf_of,
    )


def completion_returned(*, actor, commitment, before: dict[str, Any], note: str) -> AuditEvent | None:
    return audit_update(
        actor=actor, target=commitment, before=before, action=CommitmentEvent.COMPLETION_RETURNED, note=note
    )


def completion_confirmed(*, actor, commitment, before: dict[str, Any], note: str) -> AuditEvent | None:
    return audit_update(
        actor=actor, target=commitment, before=before, action=CommitmentEvent.COMPLETION_CONFIRMED, note=note
    )


def completion_policy_set(*, actor, policy, before: dict[str, Any] | None) -> AuditEvent | None:
    """`before` is None for an organisation's first rule."""
    if before is None:
        return audit_record(
            actor=actor,
            action=CommitmentEvent.COMPLETION_POLICY_SET,
            target=policy,
            changes=_created(snapshot(policy, ["organization", "needs_confirmation"])),
        )
    return audit_update(
        actor=actor, target=policy, before=before, action=CommitmentEvent.COMPLETION_POLICY_SET
    )


def extension_requested(*, actor, extension, on_behalf_of: str = "") -> AuditEvent:
    """The deadline does not change until the request is granted: the event names the requested date."""
    return audit_record(
        actor=actor,
        action=CommitmentEvent.EXTENSION_REQUESTED,
        target=extension.commitment,
        changes={"requested_deadline": {"old": None, "new": extension.requested_deadline}},
        note=extension.reason,
        on_behalf_of=on_behalf_of,
    )


def extension_decided(*, actor, extension, before: dict[str, Any]) -> AuditEvent:
    """A grant moves the deadline (old → new); a refusal leaves it and says which date was refused."""
    commitment = extension.commitment
    if extension.state == "granted":
        action = CommitmentEvent.EXTENSION_GRANTED
        changes = {"deadline": {"old": before["deadline"], "new": commitment.deadline}}
    else:
        action = CommitmentEvent.EXTENSION_REFUSED
        changes = {"requested_deadline": {"old": extension.requested_deadline, "new": None}}
    return audit_record(
        actor=actor, action=action, target=commitment, changes=changes, note=extension.decision_note
    )


def commitment_halted(*, actor, commitment, before: dict[str, Any]) -> AuditEvent | None:
    action = CommitmentEvent.CANCELLED if commitment.halt == "cancelled" else CommitmentEvent.SUSPENDED
    return audit_update(
        actor=actor, target=commitment, before=before, action=action, note=commitment.halt_reason
    )


def commitment_resumed(*, actor, commitment, before: dict[str, Any], note: str = "") -> AuditEvent | None:
    return audit_update(
        actor=actor, target=commitment, before=before, action=CommitmentEvent.RESUMED, note=note
    )


def work_program_created(*, actor, program) -> AuditEvent:
    return audit_record(
        actor=actor,
        action=CommitmentEvent.PROGRAM_CREATED,
        target=program,
        changes=_created(snapshot(program, ["organization", "year", "title", "document"])),
    )


def work_program_item_added(*, actor, item) -> AuditEvent:
    fields = [
        "title",
        "expected_result",
        "month",
        "quarter",
        "is_exemplary",
        "responsible_person",
        "lead_unit",
    ]
    return audit_record(
        actor=actor,
        action=CommitmentEvent.PROGRAM_ITEM_ADDED,
        target=item,
        changes=_created(snapshot(item, fields)),
        note=str(item.program),
    )


def pledge_template_saved(*, actor, template, before: dict[str, Any] | None) -> AuditEvent | None:
    """`before` is None for a new template (its items are written as new values)."""
    if before is None:
        return audit_record(
            actor=actor,
            action=CommitmentEvent.PLEDGE_TEMPLATE_CREATED,
            target=template,
            changes=_created(snapshot(template, ["organization", "year", "items"])),
        )
    return audit_update(
        actor=actor, target=template, before=before, action=CommitmentEvent.PLEDGE_TEMPLATE_UPDATED
    )


def pledge_registered(*, actor, pledge, on_behalf_of: str = "") -> AuditEvent:
    return audit_record(
        actor=actor,
        action=CommitmentEvent.PLEDGE_REGISTERED,
        target=pledge,
        changes=_created(
            snapshot(pledge, ["person", "organization", "year", "registered_on", "is_proxy_entry"])
        ),
        on_behalf_of=on_behalf_of,
    )
