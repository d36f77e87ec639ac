from django import template

from neuguong.commitments.status import ON_TIME_RATE_HELP, STATUS_CODES, STATUS_LABELS

register = template.Library()


@register.simple_tag
def on_time_rate_help() -> str:
    """How the one on-time rate is computed, said beside every figure of it."""
    return ON_TIME_RATE_HELP


@register.filter
def pct(value) -> str:
    """87,5% — or an en dash when there is nothing to divide."""
    if value is None:
        return "–"
    return f"{value:.1f}".replace(".", ",") + "%"


@register.filter
def status_rows(figures) -> list[tuple[str, str, int]]:
    return [(code, STATUS_LABELS[code], figures.totals.counts[code]) for code in STATUS_CODES]


@register.simple_tag
def group_rows(rows):
    """The rows of a per-organisation (or per-unit) table: numbered, label, live total, the four
    government statuses and the on-time rate. Built as one string (1,500 children on the detail page
    of a province root made the template loop, then format_html per row, the slowest part): the label
    is escaped, everything else is a number."""
    from django.utils.html import escape
    from django.utils.safestring import mark_safe

    lines = []
    for index, row in enumerate(rows, start=1):
        gov = row.counts.gov()
        numbers = (
            row.counts.live,
            gov["done_on_time"],
            gov["done_late"],
            gov["open_on_time"],
            gov["open_overdue"],
        )
        cells = "".join(f'<td class="text-end">{int(n)}</td>' for n in numbers)
        lines.append(
            f"<tr><td>{index}</td><td>{escape(row.label)}</td>{cells}"
            f'<td class="text-end">{escape(pct(row.counts.on_time_rate))}</td></tr>'
        )
    return mark_safe("\n".join(lines))  # noqa: S308 — escaped labels, integers, formatted rates
