from django import template

from neuguong.commitments.status import STATUS_CODES, STATUS_LABELS

register = template.Library()


@register.filter
def pct(value) -> str:
    """87,5% — or an en dash when there is nothing to divide."""
    if value is None:
        return "–"
    return f"{value:.1f}".replace(".", ",") + "%"


@register.filter
def status_rows(figures) -> list[tuple[str, str, int]]:
    return [(code, STATUS_LABELS[code], figures.totals.counts[code]) for code in STATUS_CODES]
