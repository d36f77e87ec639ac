"""Data migrations of the audit trail, for apps whose actions were renamed when their events were typed.

An app's migration maps the action codes it wrote before (`"extension_grant"`) to its declared events
(`"commitments.extension_granted"`), only for rows about its own models, and back when unapplied:

    operations = [rename_actions({("commitments", "commitment"): {"extension_grant": "commitments.…"}})]

Each (model, old code) is one UPDATE through the (target_type, …) rows of that model, whatever the size
of the trail. Migrations call only this module's functions, never an app's current models.
"""

from collections.abc import Callable, Iterator

from django.db import migrations

Renames = dict[tuple[str, str], dict[str, str]]


def _content_type(apps, app_label: str, model: str):
    content_type = apps.get_model("contenttypes", "ContentType")
    return content_type.objects.filter(app_label=app_label, model=model).first()


def _rename(apps, renames: Renames, *, backwards: bool) -> None:
    event = apps.get_model("audit", "AuditEvent")
    for (app_label, model), mapping in renames.items():
        target_type = _content_type(apps, app_label, model)
        if target_type is None:  # a database that never had a row of this model
            continue
        pairs = {new: old for old, new in mapping.items()} if backwards else mapping
        if len(pairs) != len(mapping):
            raise ValueError(f"Two old actions of {app_label}.{model} map to one new action: not reversible.")
        for source, destination in pairs.items():
            event.objects.filter(target_type=target_type, action=source).update(action=destination)


def rename_actions(renames: Renames) -> migrations.RunPython:
    """A reversible RunPython renaming the stored actions of each (app_label, model)."""

    def forwards(apps, schema_editor):
        _rename(apps, renames, backwards=False)

    def backwards(apps, schema_editor):
        _rename(apps, renames, backwards=True)

    return migrations.RunPython(forwards, backwards)


def events_of(apps, app_label: str, model: str, action: str) -> Iterator:
    """The stored events of one action about one model (for migrations that reshape their `changes`)."""
    target_type = _content_type(apps, app_label, model)
    if target_type is None:
        return iter(())
    event = apps.get_model("audit", "AuditEvent")
    return (
        event.objects.filter(target_type=target_type, action=action).order_by("pk").iterator(chunk_size=2000)
    )


def reshape_changes(
    apps, app_label: str, model: str, action: str, reshape: Callable[[dict, object], dict]
) -> int:
    """Rewrite `changes` of each event of `action` about `model` with `reshape(changes, event)`; returns the
    number of rows rewritten (saved in batches)."""
    event_model = apps.get_model("audit", "AuditEvent")
    batch, count = [], 0
    for event in events_of(apps, app_label, model, action):
        changes = reshape(dict(event.changes or {}), event)
        if changes != event.changes:
            event.changes = changes
            batch.append(event)
        if len(batch) >= 1000:
            event_model.objects.bulk_update(batch, ["changes"])
            count, batch = count + len(batch), []
    if batch:
        event_model.objects.bulk_update(batch, ["changes"])
        count += len(batch)
    return count
