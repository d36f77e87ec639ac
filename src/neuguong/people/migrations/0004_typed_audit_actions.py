"""Typed audit events (issue 12): the actions stored before people/events.py get their declared codes;
a merge's bulk move reads with the organisation's name instead of its code."""

from django.db import migrations

from neuguong.audit.migration_ops import rename_actions, reshape_changes


def bulk_moves_read_with_names(apps, schema_editor):
    """{"people": {n, code}} becomes {"people_moved": {None, n}, "moved_to": {None, name}}."""
    names = dict(apps.get_model("organizations", "Organization").objects.values_list("code", "name"))

    def reshape(changes, event):
        moved = changes.pop("people", None)
        if moved is not None:
            changes["people_moved"] = {"old": None, "new": moved.get("old")}
            changes["moved_to"] = {"old": None, "new": names.get(moved.get("new"), moved.get("new"))}
        return changes

    reshape_changes(apps, "organizations", "organization", "transfer_all", reshape)


def bulk_moves_back_to_codes(apps, schema_editor):
    codes = {name: code for code, name in apps.get_model("organizations", "Organization").objects.values_list("code", "name")}

    def reshape(changes, event):
        moved, to = changes.pop("people_moved", None), changes.pop("moved_to", None)
        if moved is not None or to is not None:
            target = (to or {}).get("new")
            changes["people"] = {"old": (moved or {}).get("new"), "new": codes.get(target, target)}
        return changes

    reshape_changes(apps, "organizations", "organization", "transfer_all", reshape)


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0003_name_order_index"),
        ("organizations", "0002_initial"),
        ("audit", "0002_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(bulk_moves_read_with_names, bulk_moves_back_to_codes),
        rename_actions(
            {
                ("people", "person"): {
                    "create": "people.created",
                    "update": "people.updated",
                    "transfer": "people.transferred",
                    "position_add": "people.position_added",
                    "position_end": "people.position_ended",
                },
                # A merge moves every member: written by people on the source organisation.
                ("organizations", "organization"): {"transfer_all": "people.all_transferred"},
            }
        ),
    ]
