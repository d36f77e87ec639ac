"""Form widgets shared by every module."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.http import urlencode

from .pickers import picker_kind


class PickerWidget(forms.Widget):
    """A search box that finds records by name as the user types (HTMX), for a ModelChoiceField or a
    ModelMultipleChoiceField. Only the chosen records are read when the form is drawn: never the whole
    queryset (a bloc's 9,500 people made a 481 KB page as a <select>)."""

    template_name = "core/widgets/picker.html"
    allow_multiple_selected = False

    def __init__(self, kind: str, *, params: dict[str, str] | None = None, placeholder: str = "", attrs=None):
        super().__init__(attrs)
        self.kind = kind
        self.params = dict(params or {})
        self.placeholder = placeholder
        self.choices: Any = ()

    def __deepcopy__(self, memo):
        copy = super().__deepcopy__(memo)
        copy.params = dict(self.params)
        return copy

    def _values(self, value) -> list[str]:
        if value in (None, ""):
            return []
        if isinstance(value, list | tuple):
            return [str(v) for v in value if v not in (None, "")]
        return [str(value)]

    def _chosen(self, values: list[str]):
        """The chosen records' options, in one query through the field's own queryset."""
        kind = picker_kind(self.kind)
        queryset = getattr(self.choices, "queryset", None)
        if not values or kind is None or queryset is None:
            return []
        field_name = getattr(self.choices.field, "to_field_name", None) or "pk"
        values = self._valid(queryset, field_name, values)
        if not values:
            return []
        objects = list(queryset.filter(**{f"{field_name}__in": values}))
        by_value = {str(getattr(obj, field_name)): obj for obj in objects}
        ordered = [by_value[v] for v in values if v in by_value]
        options = kind.labels(ordered)
        return [
            {"value": v, "label": option.label, "detail": option.detail}
            for v, option in zip([v for v in values if v in by_value], options, strict=True)
        ]

    @staticmethod
    def _valid(queryset, field_name: str, values: list[str]) -> list[str]:
        """The values that can name a record at all (a forged "abc" for an id is dropped here, so the
        form is drawn again with its error instead of a 500)."""
        model_field = (
            queryset.model._meta.pk if field_name == "pk" else queryset.model._meta.get_field(field_name)
        )
        valid = []
        for value in values:
            if "\x00" in value:
                continue  # PostgreSQL refuses NUL in text
            try:
                prepared = model_field.get_prep_value(model_field.to_python(value))
            except (ValueError, TypeError, ValidationError):
                continue
            if isinstance(prepared, int) and not -(2**63) <= prepared < 2**63:
                continue  # beyond any database integer
            valid.append(value)
        return valid

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        kind = picker_kind(self.kind)
        widget = context["widget"]
        widget_id = widget["attrs"].get("id") or f"id_{name}"
        widget["attrs"].pop("class", None)
        params = {**self.params, "name": name, "multiple": "1" if self.allow_multiple_selected else ""}
        widget.update(
            {
                "id": widget_id,
                "multiple": self.allow_multiple_selected,
                "chosen": self._chosen(self._values(value)),
                "search_url": f"{reverse('core:picker', args=[self.kind])}?{urlencode(params)}",
                "placeholder": self.placeholder or (kind.placeholder if kind else "Gõ tên để tìm…"),
                "invalid": "is-invalid" in (self.attrs.get("class", "") or ""),
            }
        )
        return context

    def value_from_datadict(self, data, files, name):
        if self.allow_multiple_selected:
            getter = getattr(data, "getlist", None)
            return list(getter(name)) if getter else data.get(name)
        return data.get(name)

    def value_omitted_from_data(self, data, files, name):
        return False if self.allow_multiple_selected else name not in data

    def id_for_label(self, id_):
        return f"{id_}_search" if id_ else id_


class PickerMultipleWidget(PickerWidget):
    allow_multiple_selected = True
