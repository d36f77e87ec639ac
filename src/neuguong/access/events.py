"""The audit events of access rights: declared once with Vietnamese labels, one function per event."""

from django.db import models

from neuguong.audit.events import register
from neuguong.audit.models import AuditEvent
from neuguong.audit.services import audit_record


@register
class AccessEvent(models.TextChoices):
    ROLE_GRANTED = "access.role_granted", "Phân quyền"


def role_granted(*, actor, assignment) -> AuditEvent:
    """Who was given which role over which organisation's subtree (read with names and the role's label)."""
    return audit_record(
        actor=actor,
        action=AccessEvent.ROLE_GRANTED,
        target=assignment,
        org_path=assignment.organization.path,
        changes={
            "user": {"old": None, "new": assignment.user_id},
            "role": {"old": None, "new": assignment.role},
            "organization": {"old": None, "new": assignment.organization_id},
        },
    )
