"""Notification kinds: every kind a module sends is declared once, with its Vietnamese label.

Each app declares its kinds in its own `notices.py`, like its audit events:

    @register
    class CommitmentNotice(models.TextChoices):
        REPORT_SUBMITTED = "commitments.report_submitted", "Có báo cáo tiến độ chờ xem xét"

and, where a notification can become moot before its e-mail leaves (the report was reviewed meanwhile),
a check per kind that the e-mail sender asks just before sending:

    @still_relevant(CommitmentNotice.REPORT_SUBMITTED)
    def _report_still_pending(notification) -> bool: ...

`NotificationsConfig.ready()` imports every app's `notices` module, so the preferences page knows every
kind. `notify()` refuses a kind nobody declared (`UnknownNotificationKind`).
"""

from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from importlib.util import find_spec
from typing import overload

from django.apps import apps
from django.db import models

from .models import Delivery


class UnknownNotificationKind(ValueError):
    """A notification of a kind no app declared in its notices.py (no label, no preference)."""


@dataclass(frozen=True)
class Kind:
    code: str
    label: str
    # The app's verbose name: the preferences page groups kinds by it.
    group: str
    default: str = Delivery.EMAIL


_KINDS: dict[str, Kind] = {}
_RELEVANCE: dict[str, Callable[[object], bool]] = {}


def _group_of(choices: type) -> str:
    config = apps.get_containing_app_config(choices.__module__)
    return str(config.verbose_name) if config else ""


@overload
def register[C: type[models.TextChoices]](choices: C, *, defaults: dict[str, str] | None = None) -> C: ...
@overload
def register[C: type[models.TextChoices]](
    choices: None = None, *, defaults: dict[str, str] | None = None
) -> Callable[[C], C]: ...
def register[C: type[models.TextChoices]](
    choices: C | None = None, *, defaults: dict[str, str] | None = None
) -> C | Callable[[C], C]:
    """Class decorator: these kinds may be sent, and are listed on the preferences page. `defaults` maps
    a kind to its delivery when the user chose none (e-mail otherwise)."""

    def wrap(cls: C) -> C:
        group = _group_of(cls)
        declared: type[models.TextChoices] = cls  # the plugin reads `.choices` on the class, not on C
        for value, label in declared.choices:
            existing = _KINDS.get(value)
            if existing is not None and existing.label != str(label):
                raise ValueError(f"Notification kind {value!r} is declared twice with different labels.")
            default = (defaults or {}).get(value, Delivery.EMAIL)
            if default not in Delivery.values:
                raise ValueError(f"Unknown delivery {default!r} for {value!r}.")
            _KINDS[value] = Kind(value, str(label), group, default)
        return cls

    return wrap(choices) if choices is not None else wrap


def still_relevant(*kinds: str) -> Callable[[Callable[[object], bool]], Callable[[object], bool]]:
    """Decorator: `check(notification) -> bool` is asked before the e-mail (or digest line) of a
    notification of these kinds goes out; False cancels it."""

    def wrap(check: Callable[[object], bool]) -> Callable[[object], bool]:
        for kind in kinds:
            _RELEVANCE[str(kind)] = check
        return check

    return wrap


def kind(code: str) -> Kind:
    try:
        return _KINDS[code]
    except KeyError as exc:
        raise UnknownNotificationKind(
            f"Notification kind {code!r} is not declared: add it to the app's notices.py with a label."
        ) from exc


def label_for(code: str) -> str:
    found = _KINDS.get(code)
    return found.label if found else code


def declared_kinds() -> list[Kind]:
    """Every declared kind, grouped by module in the order the apps are installed."""
    order = {str(config.verbose_name): i for i, config in enumerate(apps.get_app_configs())}
    return sorted(_KINDS.values(), key=lambda k: (order.get(k.group, 999), k.code))


def is_relevant(notification) -> bool:
    """Whether the notification still says something true (no check declared: always)."""
    check = _RELEVANCE.get(notification.kind)
    return True if check is None else bool(check(notification))


def autodiscover() -> None:
    """Import `<app>.notices` for every installed app that has one."""
    for config in apps.get_app_configs():
        name = f"{config.name}.notices"
        if find_spec(name) is not None:
            import_module(name)
