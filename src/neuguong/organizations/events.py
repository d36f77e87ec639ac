"""The audit events of the organisation tree: declared once with Vietnamese labels, one function per
structural event writing the old and new values (services call them inside their transaction)."""

import datetime as dt
from typing import Any

from django.db import models

from neuguong.audit.events import register
from neuguong.audit.models import AuditEvent
from neuguong.audit.services import audit_record, audit_update, snapshot


@register
class OrganizationEvent(models.TextChoices):
    CREATED = "organizations.created", "Thành lập tổ chức"
    UPDATED = "organizations.updated", "Sửa thông tin tổ chức"
    MOVED = "organizations.moved", "Chuyển tổ chức cấp trên"
    MERGED = "organizations.merged", "Sáp nhập"
    DISSOLVED = "organizations.dissolved", "Giải thể"


CREATED_FIELDS = ("code", "name", "kind", "parent", "abbreviation", "superior_body", "has_branch_committee")


def organization_created(*, actor, organization) -> AuditEvent:
    values = snapshot(organization, list(CREATED_FIELDS))
    return audit_record(
        actor=actor,
        action=OrganizationEvent.CREATED,
        target=organization,
        changes={
            name: {"old": None, "new": value} for name, value in values.items() if value not in (None, "")
        },
    )


def organization_updated(*, actor, organization, before: dict[str, Any]) -> AuditEvent | None:
    return audit_update(actor=actor, target=organization, before=before, action=OrganizationEvent.UPDATED)


def organization_moved(*, actor, organization, old_parent, new_parent) -> AuditEvent:
    # Names at the time of the decision: the history reads as it was, even after later renames.
    return audit_record(
        actor=actor,
        action=OrganizationEvent.MOVED,
        target=organization,
        changes={"parent": {"old": old_parent.name if old_parent else None, "new": new_parent.name}},
    )


def organization_merged(*, actor, source, target) -> AuditEvent:
    return audit_record(
        actor=actor,
        action=OrganizationEvent.MERGED,
        target=source,
        changes={
            "merged_into": {"old": None, "new": target.name},
            "dissolved_on": {"old": None, "new": source.dissolved_on},
        },
    )


def organization_dissolved(*, actor, organization, dissolved_on: dt.date) -> AuditEvent:
    return audit_record(
        actor=actor,
        action=OrganizationEvent.DISSOLVED,
        target=organization,
        changes={"dissolved_on": {"old": None, "new": dissolved_on}},
    )
