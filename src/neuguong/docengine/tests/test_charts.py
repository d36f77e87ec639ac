"""Charts drawn by matplotlib: Vietnamese text in the SVG and in the PNG, patterns as well as colours, an
SVG that can sit inline under the CSP, and each chart drawn once for the same figures."""

import io
import re
import warnings
import xml.etree.ElementTree as ET

import matplotlib
import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.ft2font import FT2Font
from PIL import Image as PILImage

from neuguong.docengine import charts
from neuguong.docengine.charts import Bar, BarChart, LineChart

SVG = "{http://www.w3.org/2000/svg}"
VIETNAMESE = "aàáảãạăằắẳẵặâầấẩẫậeèéẻẽẹêềếểễệiìíỉĩịoòóỏõọôồốổỗộơờớởỡợuùúủũụưừứửữựyỳýỷỹỵđ"
NAMES = [
    "Chi bộ Văn phòng Tỉnh ủy",
    "Đảng bộ Sở Nông nghiệp và Phát triển nông thôn",
    "Chi bộ Sở Tư pháp",
    "Chi bộ Ban Tuyên giáo",
]


def _rate_chart(title="Tỷ lệ hoàn thành đúng hạn theo tổ chức trực thuộc, năm 2026") -> BarChart:
    patterns = ("solid", "diagonal", "dots", "outline")
    values = (87.5, 60.0, 42.9, None)
    return BarChart(
        title,
        [Bar(n, v, p, number=i) for i, (n, v, p) in enumerate(zip(NAMES, values, patterns, strict=True), 1)],
        max_value=100,
        unit="%",
    )


def _texts(svg: str) -> list[str]:
    return ["".join(t.itertext()) for t in ET.fromstring(svg).iter(f"{SVG}text")]


def test_the_font_has_every_vietnamese_letter_and_ships_with_matplotlib():
    for font in (charts.REGULAR, charts.BOLD):
        assert font.get_file().startswith(matplotlib.get_data_path())  # the same on every machine
        face = FT2Font(font.get_file())
        assert [c for c in VIETNAMESE + VIETNAMESE.upper() if face.get_char_index(ord(c)) == 0] == []


def test_svg_keeps_vietnamese_labels_as_text_with_values_and_numbers():
    chart = _rate_chart()
    texts = _texts(chart.svg())
    assert "1. Chi bộ Văn phòng Tỉnh ủy" in texts and "3. Chi bộ Sở Tư pháp" in texts
    assert any("Đảng bộ Sở Nông nghiệp và Phát" in t for t in texts)  # wrapped over two lines
    assert "87,5%" in texts and "42,9%" in texts and "–" in texts
    assert chart.title in " ".join(texts)
    root = ET.fromstring(chart.svg())
    assert root.get("role") == "img" and root.get("aria-label") == chart.alt_text()
    assert root.find(f"{SVG}title").text == chart.title
    assert root.find(f"{SVG}desc").text == chart.alt_text()
    assert "monospace" not in chart.svg() and "DejaVu Serif" in chart.svg()


def test_svg_is_csp_safe_no_script_style_or_external_reference():
    svg = _rate_chart().svg() + LineChart("Tỷ lệ", ["Quý I"], [("Kết quả", [80])]).svg()
    for part in re.findall(r"<svg.*?</svg>", svg, re.S):
        root = ET.fromstring(part)
        ids = {e.get("id") for e in root.iter() if e.get("id")}
        for element in root.iter():
            tag = element.tag.rsplit("}", 1)[-1]
            assert tag not in ("script", "style", "foreignObject", "image", "a"), tag
            for name, value in element.attrib.items():
                assert name != "style" and not name.lower().startswith("on"), name
                if name.endswith("href"):
                    assert value.startswith("#") and value[1:] in ids, value
                for ref in re.findall(r"url\(([^)]*)\)", value):
                    assert ref.startswith("#") and ref[1:] in ids, ref
                assert "http" not in value and "javascript" not in value.lower()


def test_two_charts_on_one_page_share_no_id():
    def ids(svg):
        return {e.get("id") for e in ET.fromstring(svg).iter() if e.get("id")}

    first, second = ids(_rate_chart().svg()), ids(_rate_chart("Khác").svg())
    assert first and second and not first & second


def test_bars_carry_patterns_as_well_as_colours():
    svg = _rate_chart().svg()
    assert len(ET.fromstring(svg).findall(f".//{SVG}pattern")) == 2  # diagonal and dots; solid is a fill
    with PILImage.open(io.BytesIO(_rate_chart().png())) as image:
        colours = {c for _, c in image.convert("RGB").getcolors(maxcolors=1 << 20)}
    for pattern in ("solid", "diagonal", "dots"):
        _face, line, _hatch = charts.STYLES[pattern]
        assert tuple(int(line[i : i + 2], 16) for i in (1, 3, 5)) in colours


def test_png_is_a_sensible_image_with_rendered_vietnamese_text():
    chart = _rate_chart()
    data = chart.png(scale=2)
    with PILImage.open(io.BytesIO(data)) as image:
        assert image.format == "PNG" and image.size[0] == 1280 and 250 <= image.size[1] <= 1200
        grey = image.convert("L")
        dark = sum(count for count, level in grey.getcolors() if level < 100)
        assert dark > 0.01 * image.size[0] * image.size[1]  # not blank
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "Glyph … missing from font(s)" would fail here
        fig = chart.draw()
        canvas = FigureCanvasAgg(fig)
        canvas.draw()
    renderer = canvas.get_renderer()
    labels = [t for t in fig.axes[0].get_yticklabels() if t.get_text()]
    assert labels[0].get_text() == "1. Chi bộ Văn phòng Tỉnh ủy"
    pixels = np.asarray(canvas.buffer_rgba())[:, :, 0]  # red channel: ink is dark
    height = pixels.shape[0]
    for label in labels:
        box = label.get_window_extent(renderer)
        assert box.width > 50 and box.height > 5  # set in a real font, not empty boxes
        # Ink inside the label's box: the text was rasterised, not left out.
        inside = pixels[int(height - box.y1) : int(height - box.y0), int(box.x0) : int(box.x1)]
        assert (inside < 100).sum() > 20


def test_one_drawing_per_chart_content(monkeypatch):
    drawn = []
    original = BarChart.draw

    def counting(self, width_in=6.4):
        drawn.append(self.title)
        return original(self, width_in)

    monkeypatch.setattr(BarChart, "draw", counting)
    title = "Biểu đồ vẽ một lần cho cùng số liệu"
    first = _rate_chart(title).svg()
    assert _rate_chart(title).svg() is first  # the same figures on the next request: not drawn again
    _rate_chart(title).png()
    assert drawn == [title, title]  # once for the page, once for the document
    changed = _rate_chart(title)
    changed.bars[0].value = 50.0
    assert changed.svg() != first and len(drawn) == 3


def test_line_chart_names_series_reference_and_values():
    chart = LineChart(
        "Tỷ lệ hồ sơ giải quyết đúng hạn — 2026",
        ["Quý I", "Quý II", "Quý III"],
        [("Bình quân kết quả của các cơ quan", [80.5, None, 90])],
        reference=("Chỉ tiêu bình quân", 88),
        unit="%",
    )
    texts = _texts(chart.svg())
    assert "Quý I" in texts and "80,5" in texts and "90" in texts
    assert "Bình quân kết quả của các cơ quan" in texts and "Chỉ tiêu bình quân: 88 %" in texts
    assert chart.alt_text() == (
        "Tỷ lệ hồ sơ giải quyết đúng hạn — 2026. Bình quân kết quả của các cơ quan — Quý I: 80,5, Quý III: 90; "
        "Chỉ tiêu bình quân: 88 %"
    )


def test_charts_never_use_a_gui_backend():
    assert matplotlib.get_backend().lower() == "agg"


@pytest.mark.parametrize("orientation", ["h", "v"])
def test_an_empty_chart_says_so_in_both_outputs(orientation):
    chart = BarChart("Không có gì", [], orientation=orientation)
    assert "Không có số liệu." in _texts(chart.svg())
    with PILImage.open(io.BytesIO(chart.png())) as image:
        assert image.size[0] == 1280
