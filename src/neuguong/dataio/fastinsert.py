"""A lean multi-row INSERT for the importer's hot path.

Django's bulk_create spends most of its time compiling SQL per object and per field; for 200,000
members (plus their membership and audit rows) that dominates an import. This writes the same rows with
one `INSERT … VALUES (…), (…) RETURNING id` per chunk, using each field's own `get_db_prep_save`, so
values are adapted exactly as Django would. `auto_now`/`auto_now_add` fields are filled as on save.
"""

from django.db import connection, models

# SQLite allows 32,766 bound parameters per statement; stay well below for both backends.
MAX_PARAMS = 30_000


def insert_rows[M: models.Model](model: type[M], objs: list[M]) -> list[M]:
    """Insert `objs` and set their primary keys; returns them."""
    if not objs:
        return objs
    meta = model._meta
    fields = [f for f in meta.local_concrete_fields if not f.primary_key]
    stamped = {
        f.attname for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    }
    quote = connection.ops.quote_name
    columns = ", ".join(quote(_column(f)) for f in fields)
    one = "(" + ", ".join(["%s"] * len(fields)) + ")"
    per_statement = max(1, MAX_PARAMS // len(fields))
    pk_column = quote(_column(meta.pk))
    with connection.cursor() as cursor:
        for start in range(0, len(objs), per_statement):
            chunk = objs[start : start + per_statement]
            params: list = []
            for obj in chunk:
                for field in fields:
                    value = (
                        field.pre_save(obj, True) if field.attname in stamped else getattr(obj, field.attname)
                    )
                    params.append(field.get_db_prep_save(value, connection))
            # Only quoted model metadata and placeholders go into the text; every value is a bound parameter.
            head = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES "  # noqa: S608
            sql = head + ", ".join([one] * len(chunk)) + f" RETURNING {pk_column}"
            cursor.execute(sql, params)
            ids = [row[0] for row in cursor.fetchall()]
            # Rows come back in VALUES order on SQLite ≥ 3.35 and PostgreSQL (Django's bulk_create relies on it too);
            # sorting guards against any reordering since ids are handed out in insertion order here.
            for obj, pk in zip(chunk, sorted(ids), strict=True):
                obj.pk = pk
                obj._state.adding = False
                obj._state.db = connection.alias
    return objs


def _column(field: models.Field) -> str:
    # Only a field that is not stored (a virtual one) has no column; concrete fields and primary keys do.
    assert field.column is not None, f"{field} has no database column"
    return field.column
