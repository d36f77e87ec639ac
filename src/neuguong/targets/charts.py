"""Trend charts of targets: one line per series and the target as a dashed reference, drawn by the
document engine (`docengine.charts.LineChart`, matplotlib) as inline SVG without script or inline style
(the CSP forbids both), that prints well. Text is escaped there; templates mark the result safe."""

from decimal import Decimal

from neuguong.docengine.charts import LineChart

from .rules import format_number


def _fmt(value: Decimal | float) -> str:
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
    return LineChart(
        title=title, labels=labels, series=series, reference=reference, unit=unit, value_format=_fmt
    ).svg()
