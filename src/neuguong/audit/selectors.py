"""Reading the audit trail as people read it: labels, names, Vietnamese choices and dd/mm/yyyy dates."""

import datetime as dt
import decimal
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.text import capfirst

from .events import label_for
from .models import AuditEvent

# Bookkeeping that says nothing to a reader of the history (ids, search keys, batch hashes, timestamps).
HIDDEN_FIELDS = frozenset(
    {
        "id",
        "batch",
        "created_by",
        "created_at",
        "updated_at",
        "name_folded",
        "title_folded",
        "path",
        "depth",
        "series",
        "source_type",
        "source_id",
        "extension_pending",
    }
)
YES_NO = {True: "Có", False: "Không"}


def masked(value: Any) -> str:
    """A sensitive value (CCCD) as the pages show it: all but the last four characters hidden."""
    text = str(value)
    return "*" * max(len(text) - 4, 0) + text[-4:]


def _parse_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and len(value) == 10:
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


def _parse_datetime(value: Any) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, str) and len(value) > 10 and value[4:5] == "-":
        try:
            return dt.datetime.fromisoformat(value)
        except ValueError:
            return None
    return None


def _decimal_text(value: Any) -> str:
    """98.5000 → "98,5": comma as the decimal separator, trailing zeros dropped (as the pages show numbers)."""
    try:
        number = decimal.Decimal(str(value))
    except decimal.InvalidOperation:
        return str(value)
    whole, _, fraction = format(abs(number), "f").partition(".")
    fraction = fraction.rstrip("0")
    sign = "-" if number < 0 else ""
    return f"{sign}{whole},{fraction}" if fraction else f"{sign}{whole}"


def format_value(
    field: models.Field | None, value: Any, names: dict[tuple[type[models.Model], str], str]
) -> str | None:
    """One stored value as a reader should see it."""
    if value is None or value == "" or value == []:
        return None
    if field is not None and field.is_relation and field.related_model is not None:
        if isinstance(value, list):  # a many-to-many field, recorded as a list of ids
            return ", ".join(names.get((field.related_model, str(v)), str(v)) for v in value)
        return names.get((field.related_model, str(value)), str(value))
    if field is not None and field.choices:
        labels = {str(k): str(v) for k, v in field.flatchoices}
        if isinstance(value, list):
            return ", ".join(labels.get(str(v), str(v)) for v in value)
        return labels.get(str(value), str(value))
    if isinstance(value, bool):
        return YES_NO[value]
    if isinstance(field, models.DecimalField):
        return _decimal_text(value)
    if isinstance(field, models.DateTimeField) or (field is None and _parse_datetime(value)):
        moment = _parse_datetime(value)
        if moment is not None:
            if timezone.is_aware(moment):
                moment = timezone.localtime(moment)
            return f"{moment:%d/%m/%Y %H:%M}"
    if isinstance(field, models.DateField) or field is None:
        day = _parse_date(value)
        if day is not None:
            return f"{day:%d/%m/%Y}"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def _field_map(model: type[models.Model]) -> dict[str, models.Field]:
    fields: dict[str, models.Field] = {}
    for field in model._meta.get_fields():
        if isinstance(field, models.Field):
            fields[field.name] = field
            if getattr(field, "attname", None):
                fields[field.attname] = field
    return fields


def _related_names(
    model: type[models.Model], events: list[AuditEvent]
) -> dict[tuple[type[models.Model], str], str]:
    """Names of every record the events refer to by id: one query per related model, not per value."""
    fields = _field_map(model)
    wanted: dict[type[models.Model], set[str]] = defaultdict(set)
    for event in events:
        for name, change in event.changes.items():
            field = fields.get(name)
            if field is None or not field.is_relation or field.related_model is None:
                continue
            for value in (change.get("old"), change.get("new")):
                for item in value if isinstance(value, list) else [value]:
                    if isinstance(item, int) or (isinstance(item, str) and item.isdigit()):
                        wanted[field.related_model].add(str(item))
    names: dict[tuple[type[models.Model], str], str] = {}
    for related, ids in wanted.items():
        for obj in related._base_manager.filter(pk__in=list(ids)):
            full_name = getattr(obj, "get_full_name", None)
            label = (full_name() if callable(full_name) else "") or str(obj)
            names[(related, str(obj.pk))] = label
    return names


def history_rows(model: type[models.Model], events: list[AuditEvent]) -> list[dict]:
    """Events of records of `model`, each with its label and readable changes.

    A model may say more about its history: `audit_hidden_fields` (bookkeeping of its own, not shown),
    `audit_field_labels` (labels of keys an event writes that are not model fields, e.g. an extension's
    requested deadline) and `audit_masked_fields` (sensitive values shown masked, e.g. the CCCD)."""
    fields = _field_map(model)
    hidden = HIDDEN_FIELDS | set(getattr(model, "audit_hidden_fields", ()))
    # Values an event records that are not columns of the model (subjects, a team by name...).
    extra_labels = getattr(model, "audit_field_labels", {})
    masked_fields = set(getattr(model, "audit_masked_fields", ()))
    names = _related_names(model, events)
    rows = []
    for event in events:
        changes = []
        for name, change in event.changes.items():
            if name in hidden:
                continue
            field = fields.get(name)
            label = extra_labels.get(name) or getattr(field, "verbose_name", None) or name.replace("_", " ")
            old, new = (format_value(field, change.get(key), names) for key in ("old", "new"))
            if name in masked_fields:
                old, new = (masked(value) if value else value for value in (old, new))
            changes.append({"field": capfirst(str(label)), "old": old, "new": new})
        rows.append({"event": event, "action_label": label_for(event.action), "changes": changes})
    return rows


def history_for(obj: models.Model, *, limit: int = 200) -> list[dict]:
    """The 'Lịch sử thay đổi' of a record, newest first, read in Vietnamese."""
    events = list(AuditEvent.objects.for_object(obj)[:limit])
    return history_rows(type(obj), events)


def history_for_records(records: Iterable[models.Model], *, limit: int = 200) -> list[dict]:
    """One history for a record and its parts (a target and its period reports, a campaign and its
    sessions), newest first, read as `history_for` reads one record: one query per model."""
    ids_by_model: dict[type[models.Model], list[str]] = defaultdict(list)
    for record in records:
        ids_by_model[type(record)].append(str(record.pk))
    rows: list[dict] = []
    for model, ids in ids_by_model.items():
        events = list(
            AuditEvent.objects.filter(target_type=ContentType.objects.get_for_model(model), target_id__in=ids)
            .select_related("actor")
            .order_by("-at", "-id")[:limit]
        )
        rows.extend(history_rows(model, events))
    rows.sort(key=lambda row: (row["event"].at, row["event"].pk), reverse=True)
    return rows[:limit]
