from django import template

from ..rules import local_time

register = template.Library()


@register.filter
def get(mapping, key):
    """`counts|get:section.pk` — a value of a dict by key in a template."""
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.filter
def vn_time(value):
    """'17:00 ngày 06/04/2021' in Viet Nam time."""
    return local_time(value) if value else ""


@register.filter
def percent(part, whole):
    """'87,5 %' (or '—' when there is nothing to share)."""
    try:
        if not whole:
            return "—"
        return f"{100 * part / whole:.1f}".replace(".", ",") + " %"
    except (TypeError, ZeroDivisionError):
        return "—"


@register.filter
def shown_state(draft):
    """(code, label) of the state a reader should see now (a passed window reads as closed)."""
    from django.utils import timezone

    from ..rules import display_state

    return display_state(draft, timezone.now())
