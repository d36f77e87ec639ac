"""The audit events of reports: drafts and organisations' templates (figures are never stored, so never
audited). Declared once with their Vietnamese labels; one function per business event."""

from django.db import models

from neuguong.audit.events import register
from neuguong.audit.models import AuditEvent
from neuguong.audit.services import audit_create, audit_record, audit_update


@register
class ReportEvent(models.TextChoices):
    DRAFT_CREATED = "reports.draft_created", "Tạo bản thảo báo cáo"
    DRAFT_UPDATED = "reports.draft_updated", "Sửa bản thảo báo cáo"
    TEMPLATE_UPLOADED = "reports.template_uploaded", "Tải lên mẫu văn bản"
    TEMPLATE_DEACTIVATED = "reports.template_deactivated", "Ngừng dùng mẫu văn bản"


def draft_created(*, actor, draft) -> AuditEvent:
    return audit_create(actor=actor, target=draft, action=ReportEvent.DRAFT_CREATED)


def draft_updated(*, actor, draft, before: dict) -> AuditEvent | None:
    """What the save changed (nothing is written when nothing changed)."""
    return audit_update(actor=actor, target=draft, before=before, action=ReportEvent.DRAFT_UPDATED)


def template_uploaded(*, actor, template) -> AuditEvent:
    # The file field's value is a storage name: the reader is told the file's own name and use (a
    # template for every kind of report has no kind).
    changes = {"original_name": {"old": None, "new": template.original_name}}
    if template.kind:
        changes["kind"] = {"old": None, "new": template.kind}
    return audit_record(actor=actor, action=ReportEvent.TEMPLATE_UPLOADED, target=template, changes=changes)


def template_deactivated(*, actor, template) -> AuditEvent:
    return audit_record(
        actor=actor,
        action=ReportEvent.TEMPLATE_DEACTIVATED,
        target=template,
        changes={"is_active": {"old": True, "new": False}},
    )
