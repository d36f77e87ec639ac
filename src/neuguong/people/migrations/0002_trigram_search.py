"""On PostgreSQL, a trigram index makes `name_folded LIKE '%…%'` searches fast at national size.

SQLite has no such index type; the same query stays correct there (the folded column makes results identical).
"""

from django.db import migrations, transaction


def create_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic():
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except Exception:  # noqa: BLE001 — without the extension, search still works, only slower
        return
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS person_name_folded_trgm ON people_person USING gin (name_folded gin_trgm_ops)"
    )
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS org_name_folded_trgm ON organizations_organization "
        "USING gin (name_folded gin_trgm_ops)"
    )


def drop_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS person_name_folded_trgm")
        schema_editor.execute("DROP INDEX IF EXISTS org_name_folded_trgm")


class Migration(migrations.Migration):
    dependencies = [("people", "0001_initial"), ("organizations", "0002_initial")]
    operations = [migrations.RunPython(create_trigram_indexes, drop_trigram_indexes)]
