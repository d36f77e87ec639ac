from decimal import Decimal, InvalidOperation

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from neuguong.evaluation.levels import LEVEL_COLOURS, Grade, Level, fmt, short

register = template.Library()


@register.filter
def level_short(value) -> str:
    return short(value) if value in Level.values else ""


@register.filter
def level_label(value) -> str:
    return Level(value).label if value in Level.values else ""


@register.simple_tag
def level_badge(value, full: bool = False):
    """A level as a badge, its full name for screen readers and on hover."""
    if value not in Level.values:
        return mark_safe('<span class="text-muted">—</span>')
    level = Level(value)
    return format_html(
        '<span class="badge text-bg-{} status-badge" title="{}">{}</span>',
        LEVEL_COLOURS[level],
        level.label,
        level.label if full else short(level),
    )


@register.filter
def pts(value) -> str:
    if value in (None, ""):
        return ""
    try:
        return fmt(Decimal(str(value)))
    except (InvalidOperation, ValueError):
        return str(value)


@register.filter
def pct(value) -> str:
    if value in (None, ""):
        return "—"
    return f"{pts(value)} %"


@register.filter
def getitem(mapping, key):
    try:
        return mapping.get(key) if hasattr(mapping, "get") else mapping[key]
    except (KeyError, IndexError, TypeError):
        return None


@register.filter
def grade_label(value) -> str:
    return Grade(value).label if value in Grade.values else ""


@register.filter
def vn_date(value) -> str:
    """'2025-12-18' (as kept in a snapshot) → 18/12/2025."""
    text = str(value or "")
    if len(text) == 10 and text[4] == "-":
        return f"{text[8:10]}/{text[5:7]}/{text[:4]}"
    return text
