"""Typed audit events (issue 12): the actions stored before organizations/events.py get their declared
codes."""

from django.db import migrations

from neuguong.audit.migration_ops import rename_actions


class Migration(migrations.Migration):
    dependencies = [
        ("organizations", "0003_fill_folded_names"),
        ("audit", "0002_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        rename_actions(
            {
                ("organizations", "organization"): {
                    "create": "organizations.created",
                    "update": "organizations.updated",
                    "move": "organizations.moved",
                    "merge": "organizations.merged",
                    "dissolve": "organizations.dissolved",
                }
            }
        )
    ]
