"""Charts drawn on the server, once: SVG for pages, PNG for DOCX. No plotting library is installed
(matplotlib, Pillow and cairosvg are absent), so both are written here in plain Python.

Accessibility: every chart carries a text alternative (`alt_text()`) and is shown next to the table of
its figures; bars carry their values as labels and patterns (hatching), never colour alone. The PNG has
no font rasteriser: it writes values and item numbers with a small built-in bitmap font, and the item
numbers match the "STT" column of the table printed under the chart.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass, field
from html import escape

PATTERNS = ("solid", "diagonal", "dots", "cross", "horizontal", "outline")
INK = (33, 37, 41)
BAR = (52, 84, 140)
GRID = (200, 200, 200)
WHITE = (255, 255, 255)


@dataclass
class Bar:
    label: str
    value: float | None  # None: no data for this item (drawn as "–")
    pattern: str = "solid"
    display: str = ""  # the value label; defaults to the value with the chart's unit
    number: int | None = (
        None  # printed before the bar in the PNG (the row's STT in the table); default 1, 2, ...
    )


@dataclass
class BarChart:
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
        value = f"{bar.value:.1f}".rstrip("0").rstrip(".") if isinstance(bar.value, float) else str(bar.value)
        return value.replace(".", ",") + self.unit

    def alt_text(self) -> str:
        parts = [f"{bar.label}: {self.label_for(bar)}" for bar in self.bars]
        return f"{self.title}. " + ("; ".join(parts) if parts else "Không có số liệu.")

    # ------------------------------------------------------------------------------------- SVG
    def svg(self, width: int = 640) -> str:
        row = 26
        if self.orientation == "h":
            label_w = 220
            height = 40 + row * max(1, len(self.bars)) + (24 if self.legend else 0)
        else:
            label_w = 40
            height = 260 + (24 if self.legend else 0)
        out = [
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
            f'aria-label="{escape(self.alt_text())}" class="ng-chart" width="100%">',
            f"<title>{escape(self.title)}</title><desc>{escape(self.alt_text())}</desc>",
            _svg_pattern_defs(),
            f'<text x="0" y="16" font-size="{_title_size(self.title, width)}" font-weight="bold" fill="#212529">'
            f"{escape(self.title)}</text>",
        ]
        if not self.bars:
            out.append('<text x="0" y="40" font-size="13" fill="#212529">Không có số liệu.</text>')
        elif self.orientation == "h":
            plot_w = width - label_w - 70
            for i, bar in enumerate(self.bars):
                y = 28 + i * row
                w = 0 if bar.value is None else max(0.0, plot_w * bar.value / self.top)
                out.append(
                    f'<text x="{label_w - 6}" y="{y + 15}" font-size="12" text-anchor="end" fill="#212529">'
                    f"{escape(_shorten(bar.label, 30))}</text>"
                )
                out.append(f'<rect x="{label_w}" y="{y + 3}" width="{plot_w}" height="16" fill="#f1f3f5"/>')
                out.append(
                    f'<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="16" '
                    f'fill="{_svg_fill(bar.pattern)}" stroke="#34548c"/>'
                )
                out.append(
                    f'<text x="{label_w + w + 4:.1f}" y="{y + 15}" font-size="12" fill="#212529">'
                    f"{escape(self.label_for(bar))}</text>"
                )
        else:
            plot_h, base = 180, 230
            n = len(self.bars)
            slot = (width - label_w) / n
            bar_w = max(4.0, slot * 0.6)
            for tick in (0, 0.5, 1):
                y = base - plot_h * tick
                out.append(f'<line x1="{label_w}" y1="{y}" x2="{width}" y2="{y}" stroke="#ccc"/>')
                tick_label = f"{self.top * tick:.0f}{self.unit}"
                out.append(
                    f'<text x="{label_w - 4}" y="{y + 4}" font-size="11" text-anchor="end">{tick_label}</text>'
                )
            for i, bar in enumerate(self.bars):
                x = label_w + i * slot + (slot - bar_w) / 2
                h = 0 if bar.value is None else plot_h * bar.value / self.top
                out.append(
                    f'<rect x="{x:.1f}" y="{base - h:.1f}" width="{bar_w:.1f}" height="{h:.1f}" '
                    f'fill="{_svg_fill(bar.pattern)}" stroke="#34548c"/>'
                )
                out.append(
                    f'<text x="{x + bar_w / 2:.1f}" y="{base - h - 4:.1f}" font-size="10" '
                    f'text-anchor="middle">{escape(self.label_for(bar))}</text>'
                )
                out.append(
                    f'<text x="{x + bar_w / 2:.1f}" y="{base + 14}" font-size="10" '
                    f'text-anchor="middle">{escape(_shorten(bar.label, 10))}</text>'
                )
        if self.legend:
            y = height - 18
            x = 0
            for pattern, meaning in self.legend:
                out.append(
                    f'<rect x="{x}" y="{y}" width="14" height="14" fill="{_svg_fill(pattern)}" stroke="#34548c"/>'
                )
                out.append(f'<text x="{x + 18}" y="{y + 12}" font-size="12">{escape(meaning)}</text>')
                x += 26 + 7 * len(meaning)
        out.append("</svg>")
        return "".join(out)

    # ------------------------------------------------------------------------------------- PNG
    def png(self, scale: int = 2) -> bytes:
        """The same chart as a PNG; items are numbered (1, 2, ...) as in the table printed with it."""
        s = scale
        if self.orientation == "h":
            row = 22 * s
            num_w = 44 * s
            value_w = 70 * s
            width = 620 * s
            height = 16 * s + row * max(1, len(self.bars))
            c = Canvas(width, height)
            plot_w = width - num_w - value_w
            for i, bar in enumerate(self.bars):
                y = 8 * s + i * row
                c.text(f"{bar.number or i + 1}.", 4 * s, y + 4 * s, s * 2)
                c.fill_rect(num_w, y + 2 * s, plot_w, 14 * s, (241, 243, 245))
                w = 0 if bar.value is None else int(max(0.0, plot_w * bar.value / self.top))
                c.pattern_rect(num_w, y + 2 * s, w, 14 * s, bar.pattern)
                c.text(_ascii(self.label_for(bar)), num_w + w + 4 * s, y + 4 * s, s * 2)
            return c.png()
        n = max(1, len(self.bars))
        slot = 44 * s
        axis_w = 50 * s
        width = axis_w + slot * n + 8 * s
        plot_h = 160 * s
        height = plot_h + 60 * s
        base = plot_h + 24 * s
        c = Canvas(width, height)
        for tick in (0, 0.5, 1):
            y = int(base - plot_h * tick)
            c.fill_rect(axis_w, y, width - axis_w, max(1, s // 2), GRID)
            c.text(_ascii(f"{self.top * tick:.0f}{self.unit}"), 2 * s, y - 5 * s, s * 2)
        for i, bar in enumerate(self.bars):
            x = axis_w + i * slot + 8 * s
            h = 0 if bar.value is None else int(plot_h * bar.value / self.top)
            c.pattern_rect(x, base - h, slot - 16 * s, h, bar.pattern)
            c.text(_ascii(self.label_for(bar)), x - 4 * s, base - h - 16 * s, s * 2)
            c.text(str(bar.number or i + 1), x + 4 * s, base + 6 * s, s * 2)
        return c.png()


def _title_size(title: str, width: int) -> float:
    """14 px, smaller for a title that would run past the chart's width (about 0.58 em per character)."""
    fits = width / (14 * 0.58)
    return 14 if len(title) <= fits else round(max(9.0, 14 * fits / len(title)), 1)


def _shorten(text: str, size: int) -> str:
    return text if len(text) <= size else text[: size - 1] + "…"


def _ascii(text: str) -> str:
    return "".join(ch if ch in FONT else "-" for ch in text.replace("–", "-"))


def _svg_fill(pattern: str) -> str:
    return "#34548c" if pattern == "solid" else ("#ffffff" if pattern == "outline" else f"url(#ng-{pattern})")


def _svg_pattern_defs() -> str:
    return (
        "<defs>"
        '<pattern id="ng-diagonal" width="6" height="6" patternUnits="userSpaceOnUse">'
        '<rect width="6" height="6" fill="#fff"/><path d="M0,6 L6,0" stroke="#34548c" stroke-width="2"/></pattern>'
        '<pattern id="ng-dots" width="6" height="6" patternUnits="userSpaceOnUse">'
        '<rect width="6" height="6" fill="#fff"/><circle cx="3" cy="3" r="1.5" fill="#34548c"/></pattern>'
        '<pattern id="ng-cross" width="6" height="6" patternUnits="userSpaceOnUse">'
        '<rect width="6" height="6" fill="#fff"/><path d="M0,0 L6,6 M0,6 L6,0" stroke="#34548c"/></pattern>'
        '<pattern id="ng-horizontal" width="6" height="6" patternUnits="userSpaceOnUse">'
        '<rect width="6" height="6" fill="#fff"/><path d="M0,3 L6,3" stroke="#34548c" stroke-width="2"/></pattern>'
        "</defs>"
    )


# -------------------------------------------------------------------------------------- raster
# A 5×7 bitmap font: enough for numbers, percentages and dates.
FONT = {
    "0": ("01110", "10001", "10011", "10101", "11001", "10001", "01110"),
    "1": ("00100", "01100", "00100", "00100", "00100", "00100", "01110"),
    "2": ("01110", "10001", "00001", "00010", "00100", "01000", "11111"),
    "3": ("11110", "00001", "00001", "01110", "00001", "00001", "11110"),
    "4": ("00010", "00110", "01010", "10010", "11111", "00010", "00010"),
    "5": ("11111", "10000", "11110", "00001", "00001", "10001", "01110"),
    "6": ("00110", "01000", "10000", "11110", "10001", "10001", "01110"),
    "7": ("11111", "00001", "00010", "00100", "01000", "01000", "01000"),
    "8": ("01110", "10001", "10001", "01110", "10001", "10001", "01110"),
    "9": ("01110", "10001", "10001", "01111", "00001", "00010", "01100"),
    "%": ("11001", "11010", "00010", "00100", "01000", "01011", "10011"),
    ".": ("00000", "00000", "00000", "00000", "00000", "01100", "01100"),
    ",": ("00000", "00000", "00000", "00000", "01100", "00100", "01000"),
    "-": ("00000", "00000", "00000", "11111", "00000", "00000", "00000"),
    "/": ("00001", "00010", "00010", "00100", "01000", "01000", "10000"),
    " ": ("00000",) * 7,
}


class Canvas:
    def __init__(self, width: int, height: int):
        self.width, self.height = width, height
        self.pixels = bytearray(b"\xff" * (width * height * 3))

    def set(self, x: int, y: int, color) -> None:
        if 0 <= x < self.width and 0 <= y < self.height:
            i = (y * self.width + x) * 3
            self.pixels[i : i + 3] = bytes(color)

    def fill_rect(self, x: int, y: int, w: int, h: int, color) -> None:
        x0, x1 = max(0, x), min(self.width, x + w)
        if x1 <= x0:
            return
        line = bytes(color) * (x1 - x0)
        for yy in range(max(0, y), min(self.height, y + h)):
            i = (yy * self.width + x0) * 3
            self.pixels[i : i + len(line)] = line

    def pattern_rect(self, x: int, y: int, w: int, h: int, pattern: str) -> None:
        if w <= 0 or h <= 0:
            return
        if pattern == "solid":
            self.fill_rect(x, y, w, h, BAR)
        else:
            # Every pattern repeats every 8 (or 6) rows: build those lines once, then copy them.
            period = 6 if pattern in ("dots", "horizontal") else 8
            lines = []
            for v in range(period):
                line = bytearray()
                for u in range(w):
                    on = (
                        (pattern == "diagonal" and (u + v) % 8 < 3)
                        or (pattern == "dots" and u % 6 < 2 and v % 6 < 2)
                        or (pattern == "cross" and ((u + v) % 8 < 2 or (u - v) % 8 < 2))
                        or (pattern == "horizontal" and v % 6 < 2)
                    )
                    line += bytes(BAR if on else WHITE)
                lines.append(bytes(line))
            x0 = max(0, x)
            clip = min(self.width, x + w) - x0
            for yy in range(max(0, y), min(self.height, y + h)):
                i = (yy * self.width + x0) * 3
                self.pixels[i : i + clip * 3] = lines[(yy - y) % period][(x0 - x) * 3 : (x0 - x + clip) * 3]
        for xx in range(x, x + w):  # outline so that every pattern reads as a bar
            self.set(xx, y, BAR)
            self.set(xx, y + h - 1, BAR)
        for yy in range(y, y + h):
            self.set(x, yy, BAR)
            self.set(x + w - 1, yy, BAR)

    def text(self, text: str, x: int, y: int, size: int) -> None:
        for ch in text:
            glyph = FONT.get(ch, FONT[" "])
            for gy, bits in enumerate(glyph):
                for gx, bit in enumerate(bits):
                    if bit == "1":
                        self.fill_rect(x + gx * size, y + gy * size, size, size, INK)
            x += 6 * size

    def png(self) -> bytes:
        raw = b"".join(
            b"\x00" + bytes(self.pixels[y * self.width * 3 : (y + 1) * self.width * 3])
            for y in range(self.height)
        )

        def chunk(kind: bytes, data: bytes) -> bytes:
            body = kind + data
            return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)

        header = struct.pack(">IIBBBBB", self.width, self.height, 8, 2, 0, 0, 0)
        return (
            b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(raw, 9))
            + chunk(b"IEND", b"")
        )
