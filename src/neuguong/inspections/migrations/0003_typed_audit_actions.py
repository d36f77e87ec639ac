"""Typed audit actions (issue 12): the action names inspections stored as free text become the codes
declared in `inspections/events.py`, so the history reads their Vietnamese labels. Reversible.

The steps also stored their own label as the event's note ("Ban hành kết luận"); the label is now the
action's, so that note is cleared (and put back on the way down)."""

import django.db.models.deletion
from django.db import migrations, models

# Step actions: old code, new code, the label the old rows carried as their note.
STEPS = [
    ("inspection.decide", "inspections.decided", "Ra quyết định"),
    ("inspection.plan", "inspections.plan_issued", "Ban hành kế hoạch"),
    ("inspection.notify", "inspections.notified", "Thông báo đến đối tượng"),
    ("inspection.self_report", "inspections.self_reported", "Nộp báo cáo giải trình"),
    ("inspection.submit_draft", "inspections.draft_submitted", "Trình dự thảo kết luận"),
    ("inspection.reopen", "inspections.reopened", "Trả dự thảo, thẩm tra thêm"),
    ("inspection.conclude", "inspections.concluded", "Ban hành kết luận"),
    ("inspection.notify_conclusion", "inspections.conclusion_notified", "Thông báo kết luận"),
    ("inspection.close", "inspections.closed", "Kết thúc"),
    ("inspection.cancel", "inspections.cancelled", "Hủy"),
    ("inspection.working_note", "inspections.working_note_added", "Ghi chép làm việc"),
]
# Other actions of this app's own: old code, new code.
OWN = [
    ("inspection.team", "inspections.team_changed"),
    ("inspection.link", "inspections.content_linked"),
    ("inspection.carry_over", "inspections.recommendation_carried_over"),
]
# Generic actions, told apart by the kind of record they were written on: old, model, new.
GENERIC = [
    ("create", "program", "inspections.program_created"),
    ("create", "inspection", "inspections.item_created"),
    ("update", "inspection", "inspections.item_updated"),
    ("create", "finding", "inspections.finding_added"),
    ("create", "breach", "inspections.breach_added"),
    ("create", "recommendation", "inspections.recommendation_added"),
    ("create", "document", "inspections.document_added"),
    ("delete", "document", "inspections.document_deleted"),
]
SUBJECTS_OLD, ITEM_UPDATED = "inspection.subjects", "inspections.item_updated"


def _types(apps) -> dict[str, int]:
    content_type = apps.get_model("contenttypes", "ContentType")
    return dict(content_type.objects.filter(app_label="inspections").values_list("model", "pk"))


def _rename_key(events, old: str, new: str) -> None:
    for event in events.iterator():
        if old in event.changes:
            event.changes[new] = event.changes.pop(old)
            event.save(update_fields=["changes"])


def forward(apps, schema_editor):
    events = apps.get_model("audit", "AuditEvent").objects
    types = _types(apps)
    for old, new, label in STEPS:
        events.filter(action=old, note=label).update(action=new, note="")
        events.filter(action=old).update(action=new)
    for old, new in OWN:
        events.filter(action=old).update(action=new)
    # The team was recorded under "team" (a list of ids): now under the many-to-many field's own name.
    _rename_key(events.filter(action="inspections.team_changed"), "team", "team_members")
    events.filter(action=SUBJECTS_OLD).update(action=ITEM_UPDATED)
    for old, model, new in GENERIC:
        if model in types:
            events.filter(action=old, target_type_id=types[model]).update(action=new)


def backward(apps, schema_editor):
    events = apps.get_model("audit", "AuditEvent").objects
    types = _types(apps)
    for old, model, new in GENERIC:
        if model in types and (old, model) != ("update", "inspection"):
            events.filter(action=new, target_type_id=types[model]).update(action=old)
    # An edit's subjects were their own event: one whose only change is the subjects was one of those.
    for event in events.filter(action=ITEM_UPDATED).iterator():
        event.action = SUBJECTS_OLD if set(event.changes) == {"subjects"} else "update"
        event.save(update_fields=["action"])
    _rename_key(events.filter(action="inspections.team_changed"), "team_members", "team")
    for old, new in OWN:
        events.filter(action=new).update(action=old)
    for old, new, label in STEPS:
        events.filter(action=new, note="").update(action=old, note=label)
        events.filter(action=new).update(action=old)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0002_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("inspections", "0002_finding_returned_commitment"),
        ("people", "0001_initial"),
    ]

    operations = [
        # Labels the history reads.
        migrations.AlterField(
            model_name="breach",
            name="person",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="exemplary_breaches",
                to="people.person",
                verbose_name="đảng viên",
            ),
        ),
        migrations.AlterField(
            model_name="inspection",
            name="program",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="inspections",
                to="inspections.program",
                verbose_name="chương trình",
            ),
        ),
        migrations.RunPython(forward, backward),
    ]
