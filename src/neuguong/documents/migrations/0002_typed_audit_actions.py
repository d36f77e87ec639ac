"""Typed audit events (issue 12): the actions stored before documents/events.py get their declared codes."""

from django.db import migrations

from neuguong.audit.migration_ops import rename_actions


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0001_initial"),
        ("audit", "0002_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [rename_actions({("documents", "document"): {"create": "documents.registered"}})]
