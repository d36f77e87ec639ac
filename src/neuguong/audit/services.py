"""Writing the audit trail. Services call these inside their own transaction."""

import datetime as dt
import decimal
from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from .events import AuditAction, check_declared
from .models import AuditEvent

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return str(value)
    return value


def snapshot(instance: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    """The record's concrete field values as JSON-friendly data (foreign keys by id)."""
    values: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        if fields is not None and field.name not in fields:
            continue
        if not field.editable and field.name not in (fields or []):
            continue
        values[field.name] = _plain(getattr(instance, field.attname))
    return values


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """{field: {"old": ..., "new": ...}} for every field whose value changed."""
    return {
        name: {"old": before.get(name), "new": after.get(name)}
        for name in sorted(set(before) | set(after))
        if before.get(name) != after.get(name)
    }


def audit_event(
    *,
    actor: "User | None",
    action: str,
    target: models.Model,
    changes: dict[str, Any] | None = None,
    org_path: str | None = None,
    on_behalf_of: str = "",
    note: str = "",
    target_type: ContentType | None = None,
) -> AuditEvent:
    """One unsaved event for `target` (for bulk writers such as the importer): the action must be declared
    in an app's events.py. `org_path` scopes who may read it (defaults to the target's)."""
    check_declared(action)
    if org_path is None:
        org_path = getattr(target, "org_path", "") or ""
    return AuditEvent(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        target_type=target_type or ContentType.objects.get_for_model(type(target)),
        target_id=str(target.pk),
        target_repr=str(target)[:255],
        org_path=org_path,
        changes={
            name: {"old": _plain(c.get("old")), "new": _plain(c.get("new"))}
            for name, c in (changes or {}).items()
        },
        on_behalf_of=on_behalf_of,
        note=note[:500],
    )


def audit_record(
    *,
    actor: "User | None",
    action: str,
    target: models.Model,
    changes: dict[str, Any] | None = None,
    org_path: str | None = None,
    on_behalf_of: str = "",
    note: str = "",
) -> AuditEvent:
    """Append one event for `target`. `org_path` scopes who may read it (defaults to the target's)."""
    event = audit_event(
        actor=actor,
        action=action,
        target=target,
        changes=changes,
        org_path=org_path,
        on_behalf_of=on_behalf_of,
        note=note,
    )
    event.save(force_insert=True)
    return event


def audit_create(
    *,
    actor: "User | None",
    target: models.Model,
    note: str = "",
    on_behalf_of: str = "",
    action: str = AuditAction.CREATED,
) -> AuditEvent:
    after = snapshot(target)
    return audit_record(
        actor=actor,
        action=action,
        target=target,
        changes={k: {"old": None, "new": v} for k, v in after.items() if v not in (None, "")},
        note=note,
        on_behalf_of=on_behalf_of,
    )


def audit_update(
    *,
    actor: "User | None",
    target: models.Model,
    before: dict[str, Any],
    action: str = AuditAction.UPDATED,
    note: str = "",
    on_behalf_of: str = "",
) -> AuditEvent | None:
    """Record what changed since `before` (a snapshot); nothing is written when nothing changed."""
    changes = diff(before, snapshot(target, list(before)))
    if not changes:
        return None
    return audit_record(
        actor=actor, action=action, target=target, changes=changes, note=note, on_behalf_of=on_behalf_of
    )
