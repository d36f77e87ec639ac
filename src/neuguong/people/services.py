"""Writes about people: every one checks the actor's scope and leaves an audit event."""

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Q

from neuguong.access.scope import scope_for
from neuguong.audit.models import SensitiveAccess
from neuguong.audit.services import snapshot
from neuguong.core.dates import EARLIEST_BIRTH_DATE, check_date, local_today
from neuguong.core.errors import BusinessError, OutOfScope
from neuguong.core.limits import check_lengths
from neuguong.core.text import normalize_code, normalize_text
from neuguong.organizations.models import Organization

from . import events
from .models import Membership, Person, PersonStatus, Position

if TYPE_CHECKING:
    from django.contrib.auth.models import User

MSG_NO_RIGHT = "Bạn không có quyền thay đổi thông tin đảng viên của tổ chức này."
MSG_NAME_REQUIRED = "Họ và tên không được để trống."
MSG_CARD_TAKEN = "Số thẻ đảng viên {card} đã có trong hệ thống."
MSG_OFFICIAL_BEFORE_ADMISSION = "Ngày chính thức không được trước ngày vào Đảng."
MSG_BIRTH_IN_FUTURE = "Ngày sinh không hợp lệ."
MSG_SAME_ORG = "Đảng viên đã sinh hoạt tại tổ chức này."
MSG_ORG_CLOSED = "Tổ chức «{name}» đã giải thể hoặc sáp nhập."
MSG_CITIZEN_ID = "Số CCCD gồm 12 chữ số."
MSG_POSITION_DATES = "Ngày kết thúc chức vụ không được trước ngày bắt đầu."
PURPOSE_CITIZEN_ID_CHANGED = "Sửa số CCCD"

EDITABLE_FIELDS = (
    "full_name",
    "date_of_birth",
    "sex",
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
    "status",
)


def _require_write(actor: "User", organization: Organization) -> None:
    if not scope_for(actor).can_write_path(organization.path):
        raise OutOfScope(MSG_NO_RIGHT)


def _validate(values: dict[str, Any], *, person_id: int | None = None) -> dict[str, Any]:
    values = dict(values)
    if "full_name" in values:
        values["full_name"] = normalize_text(values["full_name"])
        if not values["full_name"]:
            raise BusinessError(MSG_NAME_REQUIRED, field="full_name")
    card = normalize_code(values.get("card_number") or "")
    if "card_number" in values:
        values["card_number"] = card
        holders = Person.objects.filter(card_number=card)
        if person_id is not None:
            holders = holders.exclude(pk=person_id)
        if card and holders.exists():
            raise BusinessError(MSG_CARD_TAKEN.format(card=card), field="card_number")
    citizen_id = normalize_code(values.get("citizen_id") or "")
    if "citizen_id" in values:
        values["citizen_id"] = citizen_id
        if citizen_id and (len(citizen_id) != 12 or not citizen_id.isdigit()):
            raise BusinessError(MSG_CITIZEN_ID, field="citizen_id")
    today = local_today()
    check_date(values.get("admitted_on"), field="admitted_on", label="Ngày vào Đảng", latest=today)
    check_date(values.get("official_on"), field="official_on", label="Ngày chính thức", latest=today)
    for name in ("phone", "job_title"):
        if isinstance(values.get(name), str):
            values[name] = normalize_text(values[name])
    check_lengths(
        Person,
        **{k: values[k] for k in ("full_name", "card_number", "phone", "email", "job_title") if k in values},
    )
    admitted, official = values.get("admitted_on"), values.get("official_on")
    if admitted and official and official < admitted:
        raise BusinessError(MSG_OFFICIAL_BEFORE_ADMISSION, field="official_on")
    born = values.get("date_of_birth")
    if born and not EARLIEST_BIRTH_DATE <= born <= today:
        raise BusinessError(MSG_BIRTH_IN_FUTURE, field="date_of_birth")
    return values


@transaction.atomic
def person_create(
    *,
    actor: "User",
    organization: Organization,
    joined_on: dt.date | None = None,
    on_behalf_of: str = "",
    **values,
) -> Person:
    """Add a person to an organisation, starting their membership history there."""
    _require_write(actor, organization)
    if not organization.is_active:
        raise BusinessError(MSG_ORG_CLOSED.format(name=organization.name), field="organization")
    values = _validate(values)
    person = Person.objects.create(organization=organization, **values)
    Membership.objects.create(
        person=person,
        organization=organization,
        started_on=joined_on or values.get("admitted_on") or dt.date.today(),
    )
    events.person_created(actor=actor, person=person, on_behalf_of=on_behalf_of)
    return person


@transaction.atomic
def person_update(*, actor: "User", person: Person, note: str = "", **values) -> Person:
    """Change a person's details; the audit event keeps old and new values."""
    _require_write(actor, person.organization)
    unknown = set(values) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    merged = {name: getattr(person, name) for name in ("admitted_on", "official_on")} | values
    _validate(merged, person_id=person.pk)
    values = _validate(values, person_id=person.pk)
    before = snapshot(person, list(EDITABLE_FIELDS))
    before["agency"] = person.agency_id
    for name, value in values.items():
        setattr(person, name, value)
    person.save()
    if "citizen_id" in values and values["citizen_id"] != before["citizen_id"]:
        # Whoever sets or removes a CCCD handles the number: it goes into the sensitive-access log.
        SensitiveAccess.objects.create(
            user=actor, person=person, field_name="citizen_id", purpose=PURPOSE_CITIZEN_ID_CHANGED
        )
    events.person_updated(actor=actor, person=person, before=before, note=note)
    return person


@transaction.atomic
def person_transfer(
    *, actor: "User", person: Person, target: Organization, moved_on: dt.date, note: str = ""
) -> Person:
    """Move a person to another organisation; the old membership is closed, not rewritten."""
    _require_write(actor, person.organization)
    _require_write(actor, target)
    if not target.is_active:
        raise BusinessError(MSG_ORG_CLOSED.format(name=target.name), field="target")
    if target.pk == person.organization_id:
        raise BusinessError(MSG_SAME_ORG, field="target")
    check_date(moved_on, field="moved_on", label="Ngày chuyển", required=True)
    source = person.organization
    Membership.objects.filter(person=person, ended_on__isnull=True).update(ended_on=moved_on)
    Membership.objects.create(person=person, organization=target, started_on=moved_on, note=note)
    person.organization = target
    person.save(update_fields=["organization", "updated_at"])
    events.person_transferred(actor=actor, person=person, source=source, target=target, note=note)
    return person


def person_transfer_all(
    *, actor: "User", source: Organization, target: Organization, moved_on: dt.date, note: str = ""
) -> int:
    """Move every person of `source` to `target` in bulk (a merge): history rows, one update, one event."""
    people_ids = list(Person.objects.filter(organization=source).values_list("pk", flat=True))
    if not people_ids:
        return 0
    Membership.objects.filter(person_id__in=people_ids, ended_on__isnull=True).update(ended_on=moved_on)
    Membership.objects.bulk_create(
        [
            Membership(person_id=pid, organization=target, started_on=moved_on, note=note)
            for pid in people_ids
        ],
        batch_size=1000,
    )
    Person.objects.filter(pk__in=people_ids).update(organization=target)
    events.people_all_transferred(actor=actor, source=source, target=target, count=len(people_ids), note=note)
    return len(people_ids)


@transaction.atomic
def position_add(
    *,
    actor: "User",
    person: Person,
    title: str,
    organization: Organization,
    started_on: dt.date,
    ended_on: dt.date | None = None,
) -> Position:
    _require_write(actor, person.organization)
    check_date(started_on, field="started_on", label="Ngày bắt đầu", required=True)
    check_date(ended_on, field="ended_on", label="Ngày kết thúc")
    if ended_on and ended_on < started_on:
        raise BusinessError(MSG_POSITION_DATES, field="ended_on")
    position = Position.objects.create(
        person=person, title=title, organization=organization, started_on=started_on, ended_on=ended_on
    )
    events.position_added(actor=actor, position=position)
    return position


@transaction.atomic
def position_end(*, actor: "User", position: Position, ended_on: dt.date) -> Position:
    _require_write(actor, position.person.organization)
    check_date(ended_on, field="ended_on", label="Ngày kết thúc", required=True)
    if ended_on < position.started_on:
        raise BusinessError(MSG_POSITION_DATES, field="ended_on")
    position.ended_on = ended_on
    position.save(update_fields=["ended_on"])
    events.position_ended(actor=actor, position=position)
    return position


def citizen_id_reveal(*, actor: "User", person: Person, purpose: str = "") -> str:
    """Show the full CCCD to a permitted role and log the access; others are refused."""
    if not scope_for(actor).can_see_sensitive(person.organization.path):
        raise OutOfScope("Bạn không có quyền xem số CCCD.")
    SensitiveAccess.objects.create(user=actor, person=person, field_name="citizen_id", purpose=purpose[:255])
    return person.citizen_id


def people_in_subtree_q(organization: Organization) -> Q:
    return Q(organization__path__startswith=organization.path)


STATUS_LABELS = dict(PersonStatus.choices)
