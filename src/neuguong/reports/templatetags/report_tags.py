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


@register.simple_tag
def group_rows(rows):
    """The rows of a per-organisation (or per-unit) table, built in one pass with escaping: numbered,
    label, live total, the four government statuses and the on-time rate (1,500 children on the detail
    page of a province root made the template loop the slowest part of the page)."""
    from django.utils.html import format_html_join

    def cells(index: int, row):
        gov = row.counts.gov()
        return (
            index,
            row.label,
            row.counts.live,
            gov["done_on_time"],
            gov["done_late"],
            gov["open_on_time"],
            gov["open_overdue"],
            pct(row.counts.on_time_rate),
        )

    return format_html_join(
        "\n",
        '<tr><td>{}</td><td>{}</td><td class="text-end">{}</td><td class="text-end">{}</td>'
        '<td class="text-end">{}</td><td class="text-end">{}</td><td class="text-end">{}</td>'
        '<td class="text-end">{}</td></tr>',
        (cells(i, row) for i, row in enumerate(rows, start=1)),
    )
