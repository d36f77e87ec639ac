"""Typed audit actions (issue 12): the action names stored by imports, the retention of import files and
bulk accounts become the codes declared in `dataio/events.py`. Reversible.

Imports also recorded a member's organisation (and a new organisation's parent) by code; every relation in
the trail is recorded by id, which the history reads back as a name (a code made of digits would otherwise
be read as somebody else's id), so those values are turned into ids (and back on the way down)."""

from django.db import migrations
from django.db.models import Q

IMPORTED, APPLIED = "dataio.imported", "dataio.import_applied"
# Old action, new action, for any record.
PLAIN = [
    ("import_file_removed", "dataio.import_file_removed"),
    ("account_create", "dataio.account_created"),
]
BATCH = 2_000


def _types(apps) -> dict[tuple[str, str], int]:
    content_type = apps.get_model("contenttypes", "ContentType")
    wanted = Q(app_label="people", model="person") | Q(app_label="organizations", model="organization")
    wanted |= Q(app_label="dataio", model="importrun")
    return {(t.app_label, t.model): t.pk for t in content_type.objects.filter(wanted)}


def _record_types(types) -> list[int]:
    return [pk for key, pk in types.items() if key != ("dataio", "importrun")]


def _relations(apps, types, *, to_ids: bool) -> None:
    """Organisation codes ↔ ids in imported members' `organization` and new organisations' `parent`."""
    events = apps.get_model("audit", "AuditEvent").objects
    organizations = apps.get_model("organizations", "Organization").objects
    rows = events.filter(action=IMPORTED, target_type_id__in=_record_types(types)).filter(
        Q(changes__has_key="organization") | Q(changes__has_key="parent")
    )
    pending = []
    known: dict = {}

    def convert(value):
        # Codes are text, ids are numbers: anything else (or a code no longer found) is kept as it is.
        if not isinstance(value, str if to_ids else int) or isinstance(value, bool):
            return value
        if value not in known:
            lookup = {"code": value} if to_ids else {"pk": value}
            found = organizations.filter(**lookup).values_list("pk" if to_ids else "code", flat=True).first()
            known[value] = value if found is None else found
        return known[value]

    for event in rows.iterator(chunk_size=BATCH):
        for key in ("organization", "parent"):
            change = event.changes.get(key)
            if isinstance(change, dict):
                event.changes[key] = {"old": convert(change.get("old")), "new": convert(change.get("new"))}
        pending.append(event)
        if len(pending) >= BATCH:
            events.bulk_update(pending, ["changes"])
            pending = []
    if pending:
        events.bulk_update(pending, ["changes"])


def forward(apps, schema_editor):
    events = apps.get_model("audit", "AuditEvent").objects
    types = _types(apps)
    events.filter(action="import", target_type_id__in=_record_types(types)).update(action=IMPORTED)
    if ("dataio", "importrun") in types:
        events.filter(action="import", target_type_id=types[("dataio", "importrun")]).update(action=APPLIED)
    for old, new in PLAIN:
        events.filter(action=old).update(action=new)
    _relations(apps, types, to_ids=True)


def backward(apps, schema_editor):
    events = apps.get_model("audit", "AuditEvent").objects
    types = _types(apps)
    _relations(apps, types, to_ids=False)
    for old, new in PLAIN:
        events.filter(action=new).update(action=old)
    events.filter(action__in=[IMPORTED, APPLIED]).update(action="import")


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0002_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("dataio", "0002_importrun_file_removed_at"),
        ("organizations", "0001_initial"),
        ("people", "0001_initial"),
    ]

    operations = [migrations.RunPython(forward, backward)]
