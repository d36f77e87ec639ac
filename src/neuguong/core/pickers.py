"""Search-as-you-type pickers: forms ask for names, never codes or ids.

A picker kind ("person", "organization", …) is registered by the app that owns the records
(`register_picker`), so this shared code imports no domain app. The widget (`core.widgets.PickerWidget`)
asks `/chon/<kind>/?q=…` for options as the user types; the form field's queryset still decides what
may be chosen, so a forged value is refused by validation and scoping like any other.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

MIN_QUERY_LENGTH = 2
MAX_OPTIONS = 20


@dataclass(frozen=True, slots=True)
class PickerOption:
    value: str
    label: str
    # What tells two "Nguyễn Văn An" apart: the organisation's path, the position, the year of birth.
    detail: str = ""


# kind -> (user, query, params) -> options. `params` are the widget's own parameters (e.g. `within`).
PickerSearch = Callable[[object, str, dict[str, str]], list[PickerOption]]
# kind -> (objects) -> options, to show what is already chosen when a form is rendered again. The objects are
# the kind's own model (Person for "person"…): a registry keyed by a string cannot say which, hence Any.
PickerLabels = Callable[[Iterable[Any]], list[PickerOption]]


@dataclass(frozen=True)
class PickerKind:
    search: PickerSearch
    labels: PickerLabels
    placeholder: str


PICKERS: dict[str, PickerKind] = {}


def register_picker(kind: str, *, search: PickerSearch, labels: PickerLabels, placeholder: str) -> None:
    PICKERS[kind] = PickerKind(search=search, labels=labels, placeholder=placeholder)


def picker_kind(kind: str) -> PickerKind | None:
    return PICKERS.get(kind)
