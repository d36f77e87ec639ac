"""Trend charts drawn on the server as SVG: no script, no inline style (the CSP forbids both), prints well.

Text is escaped here; templates mark the result safe.
"""

from decimal import Decimal
from html import escape

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 24, 48
COLOURS = ("#b71c1c", "#1565c0", "#2e7d32", "#ef6c00")


def _fmt(value: Decimal | float) -> str:
    from .rules import format_number

    return format_number(Decimal(str(value)).quantize(Decimal("0.01")))


def line_chart(
    *,
    title: str,
    labels: list[str],
    series: list[tuple[str, list[Decimal | None]]],
    reference: tuple[str, Decimal] | None = None,
    unit: str = "",
) -> str:
    """One line per series (None = no point), and an optional dashed horizontal reference (the target)."""
    values = [v for _, points in series for v in points if v is not None]
    if reference is not None:
        values.append(reference[1])
    low = min([Decimal(0), *values]) if values else Decimal(0)
    high = max(values) if values else Decimal(1)
    if high == low:
        high = low + 1
    high = high + (high - low) * Decimal("0.1")
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / max(len(labels) - 1, 1)

    def x(i: int) -> float:
        return LEFT + (i * step if len(labels) > 1 else plot_w / 2)

    def y(v: Decimal) -> float:
        return TOP + float((high - v) / (high - low)) * plot_h

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'class="trend-chart" width="100%" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        f'<rect x="0" y="0" width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>',
    ]
    for k in range(5):
        v = low + (high - low) * k / 4
        yy = y(v)
        parts.append(f'<line x1="{LEFT}" y1="{yy:.1f}" x2="{WIDTH - RIGHT}" y2="{yy:.1f}" stroke="#e0e0e0"/>')
        parts.append(
            f'<text x="{LEFT - 6}" y="{yy + 4:.1f}" font-size="11" text-anchor="end" fill="#555">{escape(_fmt(v))}</text>'
        )
    for i, label in enumerate(labels):
        parts.append(
            f'<text x="{x(i):.1f}" y="{HEIGHT - BOTTOM + 18}" font-size="11" text-anchor="middle" fill="#333">'
            f"{escape(label)}</text>"
        )
    if reference is not None:
        ry = y(reference[1])
        parts.append(
            f'<line x1="{LEFT}" y1="{ry:.1f}" x2="{WIDTH - RIGHT}" y2="{ry:.1f}" stroke="#555" '
            f'stroke-dasharray="6 4"/>'
        )
        parts.append(
            f'<text x="{WIDTH - RIGHT}" y="{ry - 4:.1f}" font-size="11" text-anchor="end" fill="#555">'
            f"{escape(reference[0])}: {escape(_fmt(reference[1]))} {escape(unit)}</text>"
        )
    for n, (name, points) in enumerate(series):
        colour = COLOURS[n % len(COLOURS)]
        coords = [(x(i), y(v)) for i, v in enumerate(points) if v is not None]
        if len(coords) > 1:
            path = " ".join(f"{cx:.1f},{cy:.1f}" for cx, cy in coords)
            parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2.5"/>')
        for (cx, cy), v in zip(coords, [v for v in points if v is not None], strict=True):
            parts.append(
                f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="4" fill="{colour}"><title>{escape(_fmt(v))}</title></circle>'
            )
        parts.append(
            f'<text x="{LEFT + n * 160}" y="{HEIGHT - 10}" font-size="12" fill="{colour}">■ {escape(name)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
