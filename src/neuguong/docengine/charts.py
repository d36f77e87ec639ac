"""Charts drawn once by matplotlib from the same figures: an SVG for pages and a PNG for DOCX.

- One drawing (`draw()`) makes both; each output is kept per chart content (an LRU of `CACHE_SIZE`), so
  a page that draws the same figures on every request draws them once per process.
- Text is Vietnamese and set in DejaVu Serif, the serif face matplotlib ships (every Vietnamese letter,
  the same on every machine; Debian's Liberation Serif lacks ặ, ữ, ỗ …).
- Colour is never alone: every bar carries a pattern (hatching) and its value as text; every chart has a
  text alternative (`alt_text()`), and pages print the table of its figures beside it.
- The page SVG is inline and CSP-safe: no script, no <style> element nor style attribute (the policy
  allows neither; presentation attributes instead), no external reference; its ids are unique to the
  chart so that several charts can share a page; text stays text (`<text>`), readable and searchable.

Rendering uses the Agg (PNG) and SVG backends of `matplotlib.figure.Figure` directly, never pyplot or a
GUI backend.
"""

from __future__ import annotations

import hashlib
import io
import re
import textwrap
import threading
import xml.etree.ElementTree as ET
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no GUI backend, ever (servers, workers, tests)

from matplotlib import font_manager
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator
from matplotlib.typing import RcKeyType

PATTERNS = ("solid", "diagonal", "dots", "cross", "horizontal", "outline")
INK = "#212529"
GRID = "#d0d4d9"
TRACK = "#f1f3f5"
# pattern → (face colour, line colour, matplotlib hatch): a colour and a pattern for each meaning.
STYLES = {
    "solid": ("#34548c", "#34548c", ""),
    "diagonal": ("#fbe3cf", "#b35806", "///"),
    "dots": ("#d9f0d3", "#1b7837", "."),  # denser dots cost 50-150 KB of SVG circles
    "cross": ("#e7d4e8", "#762a83", "xx"),
    "horizontal": ("#f6e8c3", "#8c510a", "---"),
    "outline": ("#ffffff", "#34548c", ""),
}
LINE_COLOURS = ("#b71c1c", "#1565c0", "#2e7d32", "#ef6c00")
LINE_MARKERS = ("o", "s", "^", "D")
LINE_STYLES = ("-", "--", "-.", ":")
NO_DATA = "Không có số liệu."
WIDTH_IN = 6.4  # 640 px at 100 dpi: the page's chart column, 150 mm in a DOCX at 2× resolution
CACHE_SIZE = 128
# Sizes in points at the 6.4 in width; a DOCX shows the chart 150 mm wide, so it prints at 92 %.
TITLE_PT, TEXT_PT, TICK_PT = 11, 9, 8.5
TITLE_CHARS = 64  # 11 pt bold DejaVu Serif: about 6.5 pt a character over the 6.4 in width
CSS_FONTS = "'DejaVu Serif', 'Times New Roman', 'Liberation Serif', serif"
SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
ET.register_namespace("", SVG_NS)
ET.register_namespace("xlink", XLINK_NS)
_RENDER_LOCK = threading.Lock()  # rcParams are process-wide: one drawing at a time
_RC: dict[RcKeyType, object] = {
    "svg.fonttype": "none",  # text stays <text>
    "svg.hashsalt": "neuguong",  # deterministic ids: the same figures give the same SVG
    "hatch.linewidth": 0.9,
    "axes.unicode_minus": False,
}


def _font_file(name: str, family: str, weight: str) -> str:
    """matplotlib's own copy of DejaVu Serif, else the system's (a distribution may strip the copy)."""
    bundled = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / name
    if bundled.exists():
        return str(bundled)
    return font_manager.findfont(FontProperties(family=family, weight=weight))


REGULAR = FontProperties(fname=_font_file("DejaVuSerif.ttf", "DejaVu Serif", "normal"))
BOLD = FontProperties(fname=_font_file("DejaVuSerif-Bold.ttf", "DejaVu Serif", "bold"), weight="bold")


def _font(size: float, *, bold: bool = False) -> FontProperties:
    font = (BOLD if bold else REGULAR).copy()
    font.set_size(size)
    return font


def _wrap(text: str, width: int, lines: int) -> str:
    """At most `lines` lines of about `width` characters; an ellipsis when cut."""
    wrapped = textwrap.wrap(text, width) or [""]
    if len(wrapped) > lines:
        wrapped = wrapped[:lines]
        wrapped[-1] = wrapped[-1][: max(1, width - 1)].rstrip() + "…"
    return "\n".join(wrapped)


def vn_number(value: float | Decimal, decimals: int = 1) -> str:
    """87,5 and 1.234: the Vietnamese way, trailing zeros dropped."""
    text = f"{float(value):,.{decimals}f}".replace(",", " ").replace(".", ",").replace(" ", ".")
    return text.rstrip("0").rstrip(",") if "," in text else text


class _Drawn:
    """A chart drawn once (`draw()`) and saved for the page (SVG) or the document (PNG)."""

    title: str

    def key(self) -> tuple:
        """Everything the drawing depends on: the render cache's key."""
        raise NotImplementedError

    def draw(self, width_in: float = 6.4) -> Figure:
        raise NotImplementedError

    def alt_text(self) -> str:
        raise NotImplementedError

    def svg(self, width: int = 640) -> str:
        return _render(self, "svg", width)

    def svg_drawn(self, width: int = 640) -> bool:
        """Whether `svg(width)` is already drawn in this process (it would cost nothing now)."""
        with _RENDER_LOCK:
            return (self.key(), "svg", width) in _CACHE

    def png(self, scale: int = 2) -> bytes:
        return _render(self, "png", scale)


# ----------------------------------------------------------------------------------------- bar charts
@dataclass
class Bar:
    label: str
    value: float | None  # None: no data for this item (drawn as "–")
    pattern: str = "solid"
    display: str = ""  # the value label; defaults to the value with the chart's unit
    number: int | None = None  # the row's STT in the table printed with the chart ("3. Chi bộ …")


@dataclass
class BarChart(_Drawn):
    """Horizontal bars (orientation "h", e.g. on-time rate per organisation) or columns ("v", e.g. per
    month)."""

    title: str
    bars: list[Bar]
    max_value: float | None = None
    unit: str = ""
    orientation: str = "h"
    legend: list[tuple[str, str]] = field(default_factory=list)  # (pattern, meaning)

    @property
    def top(self) -> float:
        values = [b.value for b in self.bars if b.value is not None]
        return self.max_value or (max(values) if values and max(values) > 0 else 1)

    def label_for(self, bar: Bar) -> str:
        if bar.display:
            return bar.display
        if bar.value is None:
            return "–"
        return vn_number(bar.value) + self.unit

    def item_label(self, bar: Bar) -> str:
        return f"{bar.number}. {bar.label}" if bar.number is not None else bar.label

    def alt_text(self) -> str:
        parts = [f"{bar.label}: {self.label_for(bar)}" for bar in self.bars]
        return f"{self.title}. " + ("; ".join(parts) if parts else NO_DATA)

    def key(self) -> tuple:
        bars = tuple((b.label, b.value, b.pattern, b.display, b.number) for b in self.bars)
        return ("bar", self.title, bars, self.max_value, self.unit, self.orientation, tuple(self.legend))

    def draw(self, width_in: float = 6.4) -> Figure:
        return _draw_bars(self, width_in)


def _title(fig: Figure, title: str, height_in: float) -> None:
    fig.text(
        0.01,
        1 - 0.08 / height_in,
        _wrap(title, TITLE_CHARS, 3),
        ha="left",
        va="top",
        color=INK,
        fontproperties=_font(TITLE_PT, bold=True),
    )


def _title_lines(title: str) -> int:
    return _wrap(title, TITLE_CHARS, 3).count("\n") + 1


def _bar_styles(chart: BarChart, indexes: list[int]) -> dict:
    styles = [_bar_style(chart.bars[i].pattern) for i in indexes]
    return {
        "color": [s["color"] for s in styles],
        "edgecolor": [s["edgecolor"] for s in styles],
        "hatch": [s["hatch"] for s in styles],
        "linewidth": 0.9,
    }


def _value_ticks(axis, chart: BarChart) -> None:
    """Quarters of a fixed scale (0 %, 25 % … 100 %), else round numbers (whole ones for counts)."""
    if chart.max_value:
        ticks = [chart.max_value * t for t in (0, 0.25, 0.5, 0.75, 1)]
    else:
        ticks = [
            t for t in MaxNLocator(nbins=5, integer=True).tick_values(0, chart.top) if 0 <= t <= chart.top
        ]
    axis.set_ticks(ticks, labels=[vn_number(t, 0) + chart.unit for t in ticks])
    for label in axis.get_ticklabels():
        label.set_fontproperties(_font(TICK_PT))
        label.set_color(INK)


def _bar_style(pattern: str) -> dict:
    face, line, hatch = STYLES.get(pattern, STYLES["solid"])
    return {"color": face, "edgecolor": line, "hatch": hatch, "linewidth": 0.9}


def _legend(fig: Figure, ax, chart: BarChart) -> None:
    if chart.legend:
        handles = [Patch(label=meaning, **_bar_style(pattern)) for pattern, meaning in chart.legend]
        ax.legend(
            handles=handles,
            loc="upper center",
            bbox_to_anchor=(0.5, -0.12),
            ncols=min(4, len(handles)),
            frameon=False,
            prop=_font(TEXT_PT),
        )


def _no_data(fig: Figure, height_in: float) -> None:
    fig.text(
        0.01, 1 - (0.45 / height_in), NO_DATA, ha="left", va="top", color=INK, fontproperties=_font(TEXT_PT)
    )


def _draw_bars(chart: BarChart, width_in: float) -> Figure:
    title_in = 0.2 + 0.19 * _title_lines(chart.title)
    legend_in = 0.35 if chart.legend else 0
    n = len(chart.bars)
    if not n:
        height = title_in + 0.5
        fig = Figure(figsize=(width_in, height))
        _title(fig, chart.title, height)
        _no_data(fig, height)
        return fig
    if chart.orientation == "h":
        labels = [_wrap(chart.item_label(b), 33, 2) for b in chart.bars]
        row_in = 0.34 if any("\n" in label for label in labels) else 0.27
        plot_in = row_in * n
        bottom_in = 0.35 + legend_in
        height = title_in + plot_in + bottom_in
        fig = Figure(figsize=(width_in, height))
        _title(fig, chart.title, height)
        ax = fig.add_axes((0.40, bottom_in / height, 0.50, plot_in / height))
        positions = list(range(n))
        values = [max(0.0, b.value or 0) for b in chart.bars]
        ax.barh(positions, [chart.top] * n, height=0.62, color=TRACK, linewidth=0)
        drawn = [i for i, b in enumerate(chart.bars) if b.value is not None]
        if drawn:  # one call for every bar: a call per bar cost a third of the drawing
            ax.barh(
                [positions[i] for i in drawn],
                [values[i] for i in drawn],
                height=0.62,
                **_bar_styles(chart, drawn),
            )
        for y, bar, value in zip(positions, chart.bars, values, strict=True):
            ax.text(
                max(0.0, value) + chart.top * 0.015,
                y,
                chart.label_for(bar),
                va="center",
                ha="left",
                color=INK,
                fontproperties=_font(TEXT_PT),
            )
        ax.set_yticks(positions, labels=labels, fontproperties=_font(TEXT_PT), color=INK)
        ax.set_ylim(n - 0.5, -0.5)  # first row on top, as in the table
        ax.set_xlim(0, chart.top * 1.16)
        _value_ticks(ax.xaxis, chart)
        ax.spines["bottom"].set_bounds(0, chart.top)
        ax.grid(axis="x", color=GRID, linewidth=0.6)
    else:
        rotate = n > 8  # "01/2026" cannot wrap: more than eight side by side would touch
        labels = [_wrap(b.label, 10, 2) for b in chart.bars]
        plot_in = 2.0
        bottom_in = (0.75 if rotate else 0.45) + legend_in
        height = title_in + 0.05 + plot_in + bottom_in
        fig = Figure(figsize=(width_in, height))
        _title(fig, chart.title, height)
        ax = fig.add_axes((0.09, bottom_in / height, 0.89, plot_in / height))
        positions = list(range(n))
        drawn = [i for i, b in enumerate(chart.bars) if b.value is not None]
        if drawn:
            ax.bar(
                [positions[i] for i in drawn],
                [max(0.0, chart.bars[i].value or 0) for i in drawn],
                width=0.62,
                **_bar_styles(chart, drawn),
            )
        for x, bar in zip(positions, chart.bars, strict=True):
            value = max(0.0, bar.value or 0)
            ax.text(
                x,
                value + chart.top * 0.02,
                chart.label_for(bar),
                ha="center",
                va="bottom",
                color=INK,
                fontproperties=_font(7.5 if n > 12 else TICK_PT),
            )
        ax.set_xticks(
            positions,
            labels=labels,
            fontproperties=_font(8 if rotate else TICK_PT),
            color=INK,
            rotation=45 if rotate else 0,
            ha="right" if rotate else "center",
        )
        ax.set_ylim(0, chart.top * 1.15)
        ax.set_xlim(-0.6, n - 0.4)
        _value_ticks(ax.yaxis, chart)
        ax.spines["left"].set_bounds(0, chart.top)
        ax.grid(axis="y", color=GRID, linewidth=0.6)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.tick_params(length=0)
    _legend(fig, ax, chart)
    return fig


# ---------------------------------------------------------------------------------------- line charts
@dataclass
class LineChart(_Drawn):
    """One line per series over the same labels (None = no point), and an optional dashed reference line
    (the target). `value_format` writes a value the module's way (default: 87,5)."""

    title: str
    labels: list[str]
    series: Sequence[tuple[str, Sequence[float | Decimal | None]]]
    reference: tuple[str, float | Decimal] | None = None
    unit: str = ""
    value_format: object = None  # a callable (value) -> str

    def fmt(self, value) -> str:
        return self.value_format(value) if callable(self.value_format) else vn_number(value, 2)

    def alt_text(self) -> str:
        parts = []
        for name, points in self.series:
            shown = [
                f"{label}: {self.fmt(v)}"
                for label, v in zip(self.labels, points, strict=False)
                if v is not None
            ]
            parts.append(f"{name} — " + (", ".join(shown) if shown else "chưa có số liệu"))
        if self.reference is not None:
            parts.append(f"{self.reference[0]}: {self.fmt(self.reference[1])} {self.unit}".rstrip())
        return f"{self.title}. " + ("; ".join(parts) if parts else NO_DATA)

    def key(self) -> tuple:
        series = tuple(
            (name, tuple(None if v is None else str(v) for v in points)) for name, points in self.series
        )
        reference = None if self.reference is None else (self.reference[0], str(self.reference[1]))
        return ("line", self.title, tuple(self.labels), series, reference, self.unit, self.value_format)

    def draw(self, width_in: float = 6.4) -> Figure:
        title_in = 0.2 + 0.19 * _title_lines(self.title)
        plot_in, bottom_in = 1.9, 0.75
        height = title_in + plot_in + bottom_in
        fig = Figure(figsize=(width_in, height))
        _title(fig, self.title, height)
        ax = fig.add_axes((0.11, bottom_in / height, 0.86, plot_in / height))
        positions = list(range(len(self.labels)))
        for n, (name, points) in enumerate(self.series):
            xs = [x for x, v in zip(positions, points, strict=False) if v is not None]
            ys = [float(v) for v in points if v is not None]
            ax.plot(
                xs,
                ys,
                color=LINE_COLOURS[n % len(LINE_COLOURS)],
                linestyle=LINE_STYLES[n % len(LINE_STYLES)],
                marker=LINE_MARKERS[n % len(LINE_MARKERS)],
                linewidth=2,
                markersize=5,
                label=name,
            )
            for x, y in zip(xs, ys, strict=True):
                ax.annotate(
                    self.fmt(y),
                    (x, y),
                    xytext=(0, 5),
                    textcoords="offset points",
                    ha="center",
                    color=INK,
                    fontproperties=_font(8),
                )
        if self.reference is not None:
            label, value = self.reference
            ax.axhline(
                float(value),
                color="#555555",
                linestyle=(0, (6, 4)),
                linewidth=1.2,
                label=f"{label}: {self.fmt(value)} {self.unit}".rstrip(),
            )
        values = [float(v) for _, points in self.series for v in points if v is not None]
        values += [float(self.reference[1])] if self.reference is not None else []
        low, high = min([0.0, *values]), max(values or [1.0])
        high = low + 1 if high == low else high
        ax.set_ylim(low, high + (high - low) * 0.15)
        ax.set_xlim(-0.4, max(0.4, len(positions) - 0.6))
        ax.set_xticks(
            positions,
            labels=[_wrap(label, 12, 2) for label in self.labels],
            fontproperties=_font(TICK_PT),
            color=INK,
        )
        ax.yaxis.set_major_formatter(lambda value, _pos: self.fmt(value))
        for tick in ax.get_yticklabels():
            tick.set_fontproperties(_font(TICK_PT))
        ax.grid(axis="y", color=GRID, linewidth=0.6)
        ax.set_axisbelow(True)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        if not values:
            _no_data(fig, height)
        elif self.series or self.reference is not None:
            ax.legend(
                loc="upper center", bbox_to_anchor=(0.5, -0.16), ncols=2, frameon=False, prop=_font(TEXT_PT)
            )
        return fig


# ------------------------------------------------------------------------------------------- output

_CACHE: OrderedDict[tuple, str | bytes] = OrderedDict()


def _render(chart: _Drawn, fmt: str, size: int):
    """The chart as SVG (`size` = width in px) or PNG (`size` = scale), drawn once per content: pages
    draw the same figures on every request, a report draws them for each download."""
    key = (chart.key(), fmt, size)
    with _RENDER_LOCK:  # rcParams and the cache are process-wide
        if key in _CACHE:
            _CACHE.move_to_end(key)
            return _CACHE[key]
        with matplotlib.rc_context(_RC):
            fig = chart.draw(width_in=size / 100 if fmt == "svg" else WIDTH_IN)
            out = io.BytesIO()
            if fmt == "png":
                fig.savefig(out, format="png", dpi=100 * size, metadata={"Software": None})
                result: str | bytes = out.getvalue()
            else:
                fig.savefig(
                    out, format="svg", metadata={"Date": None, "Creator": None, "Format": None, "Type": None}
                )
                result = _page_svg(out.getvalue(), chart, key)
        _CACHE[key] = result
        if len(_CACHE) > CACHE_SIZE:
            _CACHE.popitem(last=False)
        return result


_URL_REF = re.compile(r"url\(#([^)]+)\)")
_DECIMALS = re.compile(r"(\d\.\d{2})\d+")
# Geometry written to 0.01 pt (finer than any screen; a third of the size), never text or labels.
_GEOMETRY = {"d", "x", "y", "x1", "y1", "x2", "y2", "width", "height", "transform", "points", "viewBox"}


def _page_svg(data: bytes, chart: _Drawn, key: tuple) -> str:
    """matplotlib's SVG made fit to sit inline in a page under the CSP: styles become presentation
    attributes, metadata and the <style> element go, ids are prefixed per chart, and it is labelled."""
    root = ET.fromstring(data)  # noqa: S314 - our own output, not user input
    prefix = "c" + hashlib.sha1(repr(key).encode(), usedforsecurity=False).hexdigest()[:8] + "-"
    parents = {child: parent for parent in root.iter() for child in parent}
    for element in list(root.iter()):
        tag = element.tag.rsplit("}", 1)[-1]
        if tag in ("metadata", "style", "script"):
            parents[element].remove(element)
    referenced = set()
    for element in root.iter():
        for name, value in element.attrib.items():
            referenced.update(_URL_REF.findall(value))
            if name.endswith("href") and value.startswith("#"):
                referenced.add(value[1:])
    for element in root.iter():
        style = element.attrib.pop("style", "")
        for declaration in style.split(";"):
            if ":" in declaration:
                name, value = (part.strip() for part in declaration.split(":", 1))
                element.set(name, CSS_FONTS if name == "font-family" else value)
        if (ident := element.get("id")) is not None:
            if ident in referenced:
                element.set("id", prefix + ident)
            else:
                del element.attrib["id"]
        for name, value in list(element.attrib.items()):
            if name in _GEOMETRY:
                element.set(name, _DECIMALS.sub(r"\1", " ".join(value.split())))
            if name.endswith("href") and value.startswith("#"):
                element.set(name, "#" + prefix + value[1:])
            elif "url(#" in value:
                element.set(name, _URL_REF.sub(lambda m: f"url(#{prefix}{m.group(1)})", value))
    # What the stylesheet said for every element, as inherited attributes of the root.
    root.set("stroke-linejoin", "round")
    root.set("stroke-linecap", "butt")
    for name in ("width", "height", "version"):
        root.attrib.pop(name, None)
    root.set("width", "100%")
    root.set("role", "img")
    root.set("class", "ng-chart")
    root.set("aria-label", chart.alt_text())
    title = ET.Element(f"{{{SVG_NS}}}title")
    title.text = chart.title
    desc = ET.Element(f"{{{SVG_NS}}}desc")
    desc.text = chart.alt_text()
    root.insert(0, desc)
    root.insert(0, title)
    text = ET.tostring(root, encoding="unicode", short_empty_elements=True)
    return re.sub(r">\s+<", "><", text)
