from django import template

from neuguong.commitments.status import STATUS_COLOURS, STATUS_LABELS

register = template.Library()


@register.filter
def status_label(code: str) -> str:
    return STATUS_LABELS.get(code, code)


@register.filter
def status_colour(code: str) -> str:
    return STATUS_COLOURS.get(code, "secondary")


@register.filter
def percent(value) -> str:
    return "—" if value is None else f"{value * 100:.0f} %"


@register.filter
def get(mapping, key):
    return mapping.get(key, 0) if mapping else 0
