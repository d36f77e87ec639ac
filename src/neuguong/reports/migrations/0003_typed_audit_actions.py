"""Typed audit actions (issue 12): the generic action names stored for drafts and templates become the
codes declared in `reports/events.py`; the organisation fields get their Vietnamese label. Reversible."""

import django.db.models.deletion
from django.db import migrations, models

# Old action, model of the record it was written on, new action.
RENAMES = [
    ("create", "reportdraft", "reports.draft_created"),
    ("update", "reportdraft", "reports.draft_updated"),
    ("create", "reporttemplate", "reports.template_uploaded"),
    ("deactivate", "reporttemplate", "reports.template_deactivated"),
]


def _types(apps) -> dict[str, int]:
    content_type = apps.get_model("contenttypes", "ContentType")
    return dict(content_type.objects.filter(app_label="reports").values_list("model", "pk"))


def forward(apps, schema_editor):
    events = apps.get_model("audit", "AuditEvent").objects
    types = _types(apps)
    for old, model, new in RENAMES:
        if model in types:
            events.filter(action=old, target_type_id=types[model]).update(action=new)


def backward(apps, schema_editor):
    events = apps.get_model("audit", "AuditEvent").objects
    types = _types(apps)
    for old, model, new in RENAMES:
        if model in types:
            events.filter(action=new, target_type_id=types[model]).update(action=old)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0002_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("organizations", "0001_initial"),
        ("reports", "0002_draft_signing_by_rule"),
    ]

    operations = [
        migrations.AlterField(
            model_name="reportdraft",
            name="organization",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="report_drafts",
                to="organizations.organization",
                verbose_name="tổ chức",
            ),
        ),
        migrations.AlterField(
            model_name="reporttemplate",
            name="organization",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="report_templates",
                to="organizations.organization",
                verbose_name="tổ chức",
            ),
        ),
        migrations.RunPython(forward, backward),
    ]
