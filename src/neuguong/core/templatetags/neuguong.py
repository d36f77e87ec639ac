from django import template

register = template.Library()

_CHOICE_LABELS: dict[tuple[type, str], dict] = {}


@register.filter
def display(obj, field_name: str):
    """`{{ person|display:"status" }}`: the choice label, from a dict built once per field.

    Django's get_FOO_display() rebuilds a hashable copy of the choices on every call, which costs
    milliseconds on a 50-row list page.
    """
    key = (type(obj), field_name)
    labels = _CHOICE_LABELS.get(key)
    if labels is None:
        field = obj._meta.get_field(field_name)
        labels = _CHOICE_LABELS[key] = {value: str(label) for value, label in field.flatchoices}
    value = getattr(obj, field_name)
    return labels.get(value, value)
