"""Fill the search key of organisations and agencies written without save() (bulk-created demo data had
an empty name_folded, so searching an organisation by name found nothing)."""

from django.db import migrations

BATCH = 2000


def fill(apps, schema_editor):
    from neuguong.core.text import fold

    for model_name in ("Organization", "Agency"):
        model = apps.get_model("organizations", model_name)
        rows = model.objects.only("pk", "name", "name_folded").order_by("pk")
        changed = []
        for obj in rows.iterator(chunk_size=BATCH):
            folded = fold(obj.name)
            if obj.name_folded != folded:
                obj.name_folded = folded
                changed.append(obj)
            if len(changed) >= BATCH:
                model.objects.bulk_update(changed, ["name_folded"])
                changed = []
        if changed:
            model.objects.bulk_update(changed, ["name_folded"])


class Migration(migrations.Migration):
    dependencies = [("organizations", "0002_initial")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
