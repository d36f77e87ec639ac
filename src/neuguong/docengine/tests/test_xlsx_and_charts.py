import io
import struct

from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from PIL import Image as PILImage

from neuguong.docengine.charts import Bar, BarChart
from neuguong.docengine.xlsx import AnnexSheet, Column, build_workbook, layout


def _sheet(rows):
    return AnnexSheet(
        title="PL1: Trạng thái/đơn vị",
        heading=["PHỤ LỤC 1", "Kết quả theo đơn vị"],
        columns=[
            Column("Đơn vị", width=40),
            Column("Tổng", kind="int", total=True),
            Column("Đúng hạn", kind="int", total=True),
            Column("Tỷ lệ", kind="percent", formula="=IF(B{row}=0,0,C{row}/B{row})"),
        ],
        rows=rows,
    )


def test_annex_has_numbers_sum_formulas_frozen_header_and_print_settings():
    sheet = _sheet([["A", 10, 8, None], ["B", 5, 5, None]])
    wb = load_workbook(io.BytesIO(build_workbook([sheet])))
    ws = wb.worksheets[0]
    assert ws.title == "PL1- Trạng thái-đơn vị"
    header_row, first, totals = layout(sheet)
    assert ws.cell(row=header_row, column=1).value == "Đơn vị"
    assert ws.cell(row=first, column=2).value == 10 and isinstance(ws.cell(row=first, column=2).value, int)
    assert ws.cell(row=totals, column=2).value == f"=SUM(B{first}:B{totals - 1})"
    assert ws.cell(row=first, column=4).value == f"=IF(B{first}=0,0,C{first}/B{first})"
    assert ws.cell(row=first, column=4).number_format == "0.0%"
    assert ws.freeze_panes == f"A{header_row + 1}"
    assert ws.print_title_rows == f"${header_row}:${header_row}"
    assert ws.page_setup.orientation == "landscape"
    assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage


def test_empty_annex_is_still_a_valid_workbook():
    wb = load_workbook(io.BytesIO(build_workbook([])))
    assert wb.worksheets[0]["A1"].value == "Không có số liệu."


@settings(deadline=None, max_examples=30)  # building a workbook takes ~50 ms on a shared machine
@given(st.lists(st.integers(min_value=0, max_value=10**6), min_size=1, max_size=30))
def test_totals_formula_covers_exactly_the_data_rows(values):
    sheet = _sheet([[f"Đơn vị {i}", v, v, None] for i, v in enumerate(values)])
    ws = load_workbook(io.BytesIO(build_workbook([sheet]))).worksheets[0]
    _, _first, totals = layout(sheet)
    formula = ws.cell(row=totals, column=2).value
    start, end = formula[len("=SUM(") : -1].split(":")
    summed = [ws[f"B{r}"].value for r in range(int(start[1:]), int(end[1:]) + 1)]
    assert sum(summed) == sum(values)


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_png_chart_is_a_valid_image_with_one_row_per_bar():
    # Was: the hand-written encoder's exact layout (RGB rows, 16 + 22 px a bar). matplotlib writes its own
    # PNG, so the image is decoded and its height must grow by the same step for every bar.
    def chart(n):
        bars = [Bar("A", 50.0), Bar("B", None), Bar("C", 100.0, "diagonal"), Bar("D", 20.0)][:n]
        return BarChart("Tỷ lệ", bars, max_value=100, unit="%")

    sizes = []
    for n in (2, 3, 4):
        data = chart(n).png(scale=1)
        width, height = _png_size(data)
        with PILImage.open(io.BytesIO(data)) as image:
            image.verify()
        sizes.append((width, height))
    assert {w for w, _ in sizes} == {640}
    assert sizes[2][1] - sizes[1][1] == sizes[1][1] - sizes[0][1] > 0


def test_svg_chart_is_labelled_for_screen_readers_and_shows_values():
    chart = BarChart(
        "Tỷ lệ đúng hạn", [Bar("Chi bộ <A>", 87.5), Bar("Chi bộ B", None)], max_value=100, unit="%"
    )
    svg = chart.svg()
    assert 'role="img"' in svg and "<title>Tỷ lệ đúng hạn</title>" in svg
    assert "Chi bộ &lt;A&gt;" in svg and "87,5%" in svg and "–" in svg
    assert chart.alt_text() == "Tỷ lệ đúng hạn. Chi bộ <A>: 87,5%; Chi bộ B: –"


def test_empty_chart_says_there_is_no_data():
    chart = BarChart("Tỷ lệ", [])
    assert "Không có số liệu." in chart.svg() and chart.alt_text() == "Tỷ lệ. Không có số liệu."
    _png_size(chart.png())


def test_annex_data_that_looks_like_a_formula_stays_text():
    name = '=HYPERLINK("http://example.com","Bấm vào đây")'
    sheet = _sheet([[name, 1, 1, None]])
    ws = load_workbook(io.BytesIO(build_workbook([sheet]))).worksheets[0]
    _, first, totals = layout(sheet)
    cell = ws.cell(row=first, column=1)
    assert (cell.value, cell.data_type) == (name, "s")
    assert cell.quotePrefix and cell.border.left.style == "thin"  # marked as text, in the column's style
    number = ws.cell(row=first, column=2)
    assert number.border.left.style == "thin" and number.number_format == "#,##0"
    assert ws.cell(row=first, column=4).data_type == "f"  # ours: a formula on purpose
    assert ws.cell(row=totals, column=2).data_type == "f"


def test_the_fast_row_writer_writes_the_same_sheet_as_openpyxl():
    """`build_workbook` bypasses openpyxl's per-cell try/except for rows of styled cells; the sheet's XML
    must stay byte for byte what openpyxl's own path writes (a guard for openpyxl upgrades)."""
    import datetime as dt
    import zipfile

    rows = [["Chi bộ 1", 3, 2, None], ['=cmd|" /C calc"!A0', 0, 0, None], [dt.date(2026, 12, 1), 1, 1, None]]

    def sheet_xml(fast_rows: bool) -> bytes:
        data = build_workbook([_sheet(list(rows))], fast_rows=fast_rows)
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return archive.read("xl/worksheets/sheet1.xml")

    assert sheet_xml(True) == sheet_xml(False)
