"""Lengths checked at the service layer against the models' own limits (issue 19, point 7).

A 501-character title answered 500 on PostgreSQL ("value too long") and was stored on SQLite, so a SQLite
backup could not be restored into PostgreSQL. Services call `check_lengths(Model, field=value, …)` on what
they are about to store: a CharField's max_length, and TEXT_MAX for a TextField (unbounded in the database).
"""

from django.db import models
from django.utils.text import capfirst

from .errors import BusinessError

# A text field (a report, a note, an expected result) holds at most this many characters: a few pages.
TEXT_MAX = 10_000

MSG_TOO_LONG = "{label} dài quá giới hạn: tối đa {limit:,} ký tự (đang có {length:,})."


def limit_of(model: type[models.Model], name: str) -> int | None:
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field):  # a reverse relation holds no text
        return None
    if field.max_length:
        return field.max_length
    return TEXT_MAX if isinstance(field, models.TextField) else None


def check_lengths(model: type[models.Model], **values) -> None:
    """Refuse (BusinessError on the field) any text longer than the model's field can hold."""
    for name, value in values.items():
        if not isinstance(value, str):
            continue
        limit = limit_of(model, name)
        if limit is not None and len(value) > limit:
            field = model._meta.get_field(name)
            label = capfirst(str(field.verbose_name if isinstance(field, models.Field) else name))
            message = MSG_TOO_LONG.format(label=label, limit=limit, length=len(value)).replace(",", ".")
            raise BusinessError(message, field=name)
