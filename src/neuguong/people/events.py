"""The audit events of people's records: declared once with Vietnamese labels, one function per business
event writing the old and new values (services call them inside their transaction)."""

from typing import Any

from django.db import models

from neuguong.audit.events import register
from neuguong.audit.models import AuditEvent
from neuguong.audit.services import audit_record, audit_update, snapshot


@register
class PersonEvent(models.TextChoices):
    CREATED = "people.created", "Thêm hồ sơ"
    UPDATED = "people.updated", "Sửa hồ sơ"
    TRANSFERRED = "people.transferred", "Chuyển sinh hoạt"
    ALL_TRANSFERRED = "people.all_transferred", "Chuyển sinh hoạt toàn bộ đảng viên"
    POSITION_ADDED = "people.position_added", "Thêm chức vụ"
    POSITION_ENDED = "people.position_ended", "Kết thúc chức vụ"


# What the history of a new record says (bookkeeping such as the folded name or the login is left out).
CREATED_FIELDS = (
    "full_name",
    "date_of_birth",
    "sex",
    "organization",
    "status",
    "admitted_on",
    "official_on",
    "card_number",
    "citizen_id",
    "phone",
    "email",
    "agency",
    "job_title",
    "theory_level",
    "theory_credential",
)


def person_created(*, actor, person, on_behalf_of: str = "") -> AuditEvent:
    values = snapshot(person, list(CREATED_FIELDS))
    return audit_record(
        actor=actor,
        action=PersonEvent.CREATED,
        target=person,
        changes={
            name: {"old": None, "new": value} for name, value in values.items() if value not in (None, "")
        },
        on_behalf_of=on_behalf_of,
    )


def person_updated(*, actor, person, before: dict[str, Any], note: str = "") -> AuditEvent | None:
    return audit_update(actor=actor, target=person, before=before, action=PersonEvent.UPDATED, note=note)


def person_transferred(*, actor, person, source, target, note: str = "") -> AuditEvent:
    # Names at the time of the move, not ids: the history reads as it was, even after a later rename.
    return audit_record(
        actor=actor,
        action=PersonEvent.TRANSFERRED,
        target=person,
        changes={"organization": {"old": source.name, "new": target.name}},
        note=note,
    )


def people_all_transferred(*, actor, source, target, count: int, note: str = "") -> AuditEvent:
    """A merge moves every member of `source` at once: one event on the source organisation."""
    return audit_record(
        actor=actor,
        action=PersonEvent.ALL_TRANSFERRED,
        target=source,
        changes={
            "people_moved": {"old": None, "new": count},
            "moved_to": {"old": None, "new": target.name},
        },
        note=note,
    )


def position_added(*, actor, position) -> AuditEvent:
    return audit_record(
        actor=actor,
        action=PersonEvent.POSITION_ADDED,
        target=position.person,
        changes={"position": {"old": None, "new": str(position)}},
    )


def position_ended(*, actor, position) -> AuditEvent:
    return audit_record(
        actor=actor,
        action=PersonEvent.POSITION_ENDED,
        target=position.person,
        changes={"position": {"old": str(position), "new": f"kết thúc {position.ended_on:%d/%m/%Y}"}},
    )
