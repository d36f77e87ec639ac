"""Typed audit events: every action written to the trail is declared once, with its Vietnamese label.

Each app declares its actions in its own `events.py` as a `TextChoices` decorated with `@register`
(`COMPLETED = "commitments.completed", "Ghi nhận hoàn thành"`), and one function per business event
that writes old and new values through `audit.services`. Writing an action nobody declared raises
`UnlabelledAuditAction`, so a test of that code path fails. `AuditConfig.ready()` imports every app's
`events` module, so the labels are known before the first event is read or written.
"""

from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.db import models

_LABELS: dict[str, str] = {}


class UnlabelledAuditAction(ValueError):
    """An action was written that no app declared in its events.py (so the history could not read it)."""


def register[C: type[models.TextChoices]](choices: C) -> C:
    """Class decorator: the actions of `choices` may be written, and read with their labels."""
    declared: type[models.TextChoices] = choices  # the plugin reads `.choices` on the class, not on C
    for value, label in declared.choices:
        existing = _LABELS.get(value)
        if existing is not None and existing != str(label):
            raise ValueError(f"Audit action {value!r} is declared twice with different labels.")
        _LABELS[value] = str(label)
    return choices


def label_for(action: str) -> str:
    """The Vietnamese label of an action (the code itself only for rows older than every declaration)."""
    return _LABELS.get(action, action)


def is_declared(action: str) -> bool:
    return action in _LABELS


def declared_actions() -> dict[str, str]:
    return dict(_LABELS)


def check_declared(action: str) -> None:
    if action not in _LABELS:
        raise UnlabelledAuditAction(
            f"Audit action {action!r} is not declared: add it to the app's events.py with a Vietnamese label."
        )


def autodiscover() -> None:
    """Import `<app>.events` for every installed app that has one."""
    for config in apps.get_app_configs():
        name = f"{config.name}.events"
        if find_spec(name) is not None:
            import_module(name)


@register
class AuditAction(models.TextChoices):
    """Generic actions, for records whose app has nothing more precise to say."""

    CREATED = "create", "Tạo mới"
    UPDATED = "update", "Cập nhật"
    DELETED = "delete", "Xóa"
    IMPORTED = "import", "Nhập từ tệp"
