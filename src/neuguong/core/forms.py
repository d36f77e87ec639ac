from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, cast

from django import forms

from .errors import BusinessError, OutOfScope


class ChoosesFromQueryset(Protocol):
    queryset: Any


# The mixin is only ever put before a Django form class; for mypy it is one, at run time a plain mixin.
if TYPE_CHECKING:
    _FormBase = forms.BaseForm
else:
    _FormBase = object


class BootstrapFormMixin(_FormBase):
    """Give every widget Bootstrap's classes, and mark invalid fields for screen readers."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
            if isinstance(widget, forms.DateInput):
                widget.input_type = "date"
                widget.format = "%Y-%m-%d"

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            mark_invalid(self, name)


def mark_invalid(form: forms.BaseForm, name: str) -> None:
    """Show the field as invalid (Bootstrap) and say so to screen readers."""
    if name in form.fields:
        attrs = form.fields[name].widget.attrs
        if "is-invalid" not in attrs.get("class", "").split():
            attrs["class"] = f"{attrs.get('class', '')} is-invalid".strip()
        attrs["aria-invalid"] = "true"


def apply_business_error(form: forms.BaseForm, error: BusinessError) -> None:
    """Show a service's BusinessError next to the field it names (or on top of the form).

    A form whose field is named otherwise than the service's says so in `business_error_fields`
    ({service field: form field}), e.g. the document number parsed by the service from `number_text`."""
    field = getattr(form, "business_error_fields", {}).get(error.field, error.field)
    field = field if field in form.fields else None
    form.add_error(field, error.message)
    if field is not None:
        mark_invalid(form, field)


@dataclass(frozen=True)
class Done[T]:
    """The service ran; `result` is what it returned."""

    result: T


def submit_form[T](form: forms.BaseForm, run: Callable[[dict[str, Any]], T]) -> Done[T] | None:
    """Run the service for a bound, valid form: `Done(result)` when it succeeded, else None.

    A `BusinessError` is put next to the field it names (or above the form) and the form is shown again
    with the user's input kept. `OutOfScope` is not caught: the middleware answers it with the 404 page.
    """
    if not form.is_bound or not form.is_valid():
        return None
    try:
        return Done(run(form.cleaned_data))
    except OutOfScope:
        raise
    except BusinessError as error:
        apply_business_error(form, error)
        return None


def model_choice_field(form: forms.BaseForm, name: str) -> ChoosesFromQueryset:
    """The form's field `name` that chooses among a queryset (a model-choice field, or a field of ours
    such as OrganizationChoiceField), typed, so the queryset can be narrowed to what the user may pick."""
    field = form.fields[name]
    if not hasattr(field, "queryset"):
        raise TypeError(f"{name} does not choose from a queryset")
    return cast(ChoosesFromQueryset, field)
