"""`{% organization_picker "org" organization %}`: a filter form's organisation, chosen by name.

The boards keep `?org=CODE` in the address (links and bookmarks work), but the user types a name and
picks from the search-as-you-type list; a filter form marked `data-autosubmit` reloads on the choice."""

from django import forms, template
from django.utils.safestring import SafeString

from neuguong.core.widgets import PickerWidget

from ..models import Organization

register = template.Library()


@register.simple_tag
def organization_picker(
    name: str,
    organization: Organization | None,
    *,
    kinds: str = "",
    writable: bool = False,
    placeholder: str = "Lọc theo tổ chức: gõ tên…",
    field_id: str = "",
) -> SafeString:
    params = {"by": "code"}
    if kinds:
        params["kinds"] = kinds
    if writable:
        params["writable"] = "1"
    chosen = Organization.objects.filter(pk=organization.pk) if organization else Organization.objects.none()
    field = forms.ModelChoiceField(
        queryset=chosen, to_field_name="code", widget=PickerWidget("organization", params=params)
    )
    field.widget.placeholder = placeholder
    return field.widget.render(
        name, organization.code if organization else "", attrs={"id": field_id or f"id_{name}_filter"}
    )
