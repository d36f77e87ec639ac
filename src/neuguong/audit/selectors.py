"""Reading the audit trail as people read it: labels, names, Vietnamese choices and dd/mm/yyyy dates."""

import datetime as dt
from collections import defaultdict
from typing import Any

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


def format_value(field: models.Field | None, value: Any, names: dict[tuple[type, str], str]) -> str | None:
    """One stored value as a reader should see it."""
    if value is None or value == "":
        return None
    if field is not None and field.is_relation and field.related_model is not None:
        return names.get((field.related_model, str(value)), str(value))
    if field is not None and field.choices:
        labels = {str(k): str(v) for k, v in field.flatchoices}
        if isinstance(value, list):
            return ", ".join(labels.get(str(v), str(v)) for v in value)
        return labels.get(str(value), str(value))
    if isinstance(value, bool):
        return YES_NO[value]
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


def _related_names(model: type[models.Model], events: list[AuditEvent]) -> dict[tuple[type, str], str]:
    """Names of every record the events refer to by id: one query per related model, not per value."""
    fields = _field_map(model)
    wanted: dict[type, set[str]] = defaultdict(set)
    for event in events:
        for name, change in event.changes.items():
            field = fields.get(name)
            if field is None or not field.is_relation or field.related_model is None:
                continue
            for value in (change.get("old"), change.get("new")):
                if isinstance(value, int) or (isinstance(value, str) and value.isdigit()):
                    wanted[field.related_model].add(str(value))
    names: dict[tuple[type, str], str] = {}
    for related, ids in wanted.items():
        for obj in related._base_manager.filter(pk__in=list(ids)):
            full_name = getattr(obj, "get_full_name", None)
            label = (full_name() if callable(full_name) else "") or str(obj)
            names[(related, str(obj.pk))] = label
    return names


def masked(value: Any) -> Any:
    """A sensitive value as the history shows it: ********1234."""
    if value is None or value == "":
        return value
    text = str(value)
    return "*" * max(len(text) - 4, 0) + text[-4:]


def history_rows(model: type[models.Model], events: list[AuditEvent]) -> list[dict]:
    """Events of records of `model`, each with its label and readable changes; fields a model lists in
    `audit_masked_fields` (the CCCD) are shown masked, and `audit_hidden_fields` not at all."""
    fields = _field_map(model)
    hidden = HIDDEN_FIELDS | set(getattr(model, "audit_hidden_fields", ()))
    masked_fields = set(getattr(model, "audit_masked_fields", ()))
    names = _related_names(model, events)
    rows = []
    for event in events:
        changes = []
        for name, change in event.changes.items():
            if name in hidden:
                continue
            field = fields.get(name)
            label = getattr(field, "verbose_name", None) or name.replace("_", " ")
            if name in masked_fields:
                change = {"old": masked(change.get("old")), "new": masked(change.get("new"))}
            changes.append(
                {
                    "field": capfirst(str(label)),
                    "old": format_value(field, change.get("old"), names),
                    "new": format_value(field, change.get("new"), names),
                }
            )
        rows.append({"event": event, "action_label": label_for(event.action), "changes": changes})
    return rows


def history_for(obj: models.Model, *, limit: int = 200) -> list[dict]:
    """The 'Lịch sử thay đổi' of a record, newest first, read in Vietnamese."""
    events = list(AuditEvent.objects.for_object(obj)[:limit])
    return history_rows(type(obj), events)


def sensitive_access_list(*, user, query: str = "", since=None, until=None):
    """Reveals of sensitive values (CCCD) of the people `user` may see, newest first: who saw whose, when
    and why. The values themselves are never part of the log."""
    from neuguong.access.scope import scope_for
    from neuguong.core.text import search_key

    from .models import SensitiveAccess

    scope = scope_for(user)
    qs = SensitiveAccess.objects.filter(scope.read_q("person__organization__path"))
    if query:
        qs = qs.filter(person__name_folded__contains=search_key(query))
    if since:
        qs = qs.filter(at__date__gte=since)
    if until:
        qs = qs.filter(at__date__lte=until)
    return qs.select_related("user", "person", "person__organization").order_by("-at", "-pk")
