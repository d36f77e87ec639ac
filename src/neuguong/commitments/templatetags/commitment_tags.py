from django import template

from neuguong.commitments.status import STATUS_COLOURS, STATUS_LABELS, commitment_status

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


@register.simple_tag
def summary_status_cells(row, board_url: str):
    """The eight status cells of a summary row, each count linking to the board filtered by that status.
    Built as one string (a template loop, then format_html per cell, were most of the page's time at
    100 rows): the counts are integers and the status codes constants; the URL parts are escaped."""
    from urllib.parse import quote

    from django.utils.html import escape
    from django.utils.safestring import mark_safe

    base = f"{escape(board_url)}?org={escape(quote(row.organization.code))}&amp;status="
    cells = []
    for status in STATUS_LABELS:
        n = int(row.counts.get(status, 0))
        cells.append(f'<td><a href="{base}{status}">{n}</a></td>' if n else "<td>0</td>")
    return mark_safe("".join(cells))  # noqa: S308 — built from escaped parts, integers and constants


@register.simple_tag
def board_rows(commitments, today):
    """The board's table rows, built in one pass with escaping (the template loop cost a third of the
    page at 50 rows). Same cells as before: title link, person (or lead unit), organisation, deadline
    (with the original one when extended), progress, status badge."""
    from django.urls import reverse
    from django.utils.html import format_html, format_html_join

    prefix = reverse("commitments:detail", kwargs={"commitment_id": 0})[: -len("0/")]

    def row(c):
        who = (
            c.responsible_person.full_name
            if c.responsible_person_id
            else (c.lead_unit.name if c.lead_unit_id else "")
        )
        deadline = format_html("{}", c.deadline.strftime("%d/%m/%Y"))
        if c.deadline != c.original_deadline:
            deadline = format_html(
                '{}<br><small class="text-muted">ban đầu {}</small>',
                deadline,
                c.original_deadline.strftime("%d/%m/%Y"),
            )
        code = getattr(c, "status_code", None) or commitment_status(c, today)
        return (
            f"{prefix}{c.pk}/",
            c.title,
            who,
            c.organization.name,
            deadline,
            c.progress,
            STATUS_COLOURS.get(code, "secondary"),
            STATUS_LABELS.get(code, code),
        )

    return format_html_join(
        "\n",
        '<tr><td><a href="{}">{}</a></td><td>{}</td><td>{}</td><td class="text-nowrap">{}</td><td>{} %</td>'
        '<td><span class="badge text-bg-{}">{}</span></td></tr>',
        (row(c) for c in commitments),
    )
