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


@register
class TokenEvent(models.TextChoices):
    CREATED = "access.api_token_created", "Tạo mã truy cập API"
    REVOKED = "access.api_token_revoked", "Thu hồi mã truy cập API"


def api_token_created(*, actor, token) -> AuditEvent:
    """A token was made (its prefix and end, never the token)."""
    return audit_record(
        actor=actor,
        action=TokenEvent.CREATED,
        target=token,
        org_path="",
        changes={
            "prefix": {"old": None, "new": token.prefix},
            "name": {"old": None, "new": token.name},
            "expires_at": {"old": None, "new": token.expires_at.isoformat()},
        },
    )


def api_token_revoked(*, actor, token, reason: str) -> AuditEvent:
    """A token was revoked, and why (by its owner, by an administrator, by a password change)."""
    return audit_record(
        actor=actor,
        action=TokenEvent.REVOKED,
        target=token,
        org_path="",
        changes={"revoked_at": {"old": None, "new": token.revoked_at.isoformat()}},
        note=reason,
    )
