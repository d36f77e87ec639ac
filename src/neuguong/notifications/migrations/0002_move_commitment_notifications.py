"""The in-app notifications kept until now by the commitments module (`commitments.Notification`: reminders
of commitments and of reflections) move to this module's table; commitments' 0006 then drops the old one."""

from django.db import migrations

BATCH = 2000


def move(apps, schema_editor):
    Old = apps.get_model("commitments", "Notification")
    New = apps.get_model("notifications", "Notification")
    rows = []
    for old in Old.objects.order_by("pk").iterator(chunk_size=BATCH):
        # The old rows carried no kind: the reminders of reflections linked to the study pages.
        kind = "study.reflection_reminder" if old.url.startswith("/hoc-tap/") else "commitments.reminder"
        rows.append(
            New(
                recipient_id=old.recipient_id,
                kind=kind,
                title=old.title,
                text=old.body,
                url=old.url,
                delivery="in_app",
                created_at=old.created_at,
                read_at=old.read_at,
            )
        )
        if len(rows) >= BATCH:
            New.objects.bulk_create(rows)
            rows = []
    New.objects.bulk_create(rows)


def move_back(apps, schema_editor):
    Old = apps.get_model("commitments", "Notification")
    New = apps.get_model("notifications", "Notification")
    Old.objects.bulk_create(
        [
            Old(
                recipient_id=new.recipient_id,
                title=new.title,
                body=new.text,
                url=new.url,
                created_at=new.created_at,
                read_at=new.read_at,
            )
            for new in New.objects.order_by("pk").iterator(chunk_size=BATCH)
        ],
        batch_size=BATCH,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_initial"),
        ("commitments", "0005_status_tallies"),
    ]

    operations = [migrations.RunPython(move, move_back)]
