from django import template

from neuguong.targets.rules import format_number

register = template.Library()


@register.filter
def num(value):
    """98.50 → 98,5 (Vietnamese decimal comma); empty for None."""
    return format_number(value) if value is not None else ""


@register.filter
def get(mapping, key):
    return mapping.get(key) if mapping else None
