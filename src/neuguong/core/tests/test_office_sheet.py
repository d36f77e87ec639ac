"""The office-sheet writer: every list export looks like an office file, read back with openpyxl."""

import datetime as dt
import io
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from neuguong.core.office_sheet import (
    FIRST_DATA_ROW,
    HEADER_ROW,
    LINE_HEIGHT,
    Column,
    OfficeSheet,
    header_lines,
    office_sheet,
    office_workbook,
)

INJECTION = '=HYPERLINK("http://evil.example/","Bấm vào đây")'
COLUMNS = [
    Column("Nội dung công việc", 50),
    Column("Người chịu trách nhiệm", 26),
    Column("Thời hạn", 12, "date"),
    Column("Tiến độ (%)", 10, "int"),
    Column("Tỷ lệ", 10, "percent"),
    Column("Cập nhật lúc", 18),
]
ROWS = [
    [
        INJECTION,
        "Trần Hữu Thắng",
        dt.date(2026, 3, 31),
        90,
        0.5,
        dt.datetime(2026, 3, 1, 2, 30, tzinfo=dt.UTC),
    ],
    ["Học tập nghị quyết", "@Nguyễn Văn A", dt.date(2026, 12, 31), 0, Decimal("0.25"), None],
]


def _sheet(**kwargs):
    data = office_sheet(
        title="Bảng theo dõi nhiệm vụ",
        organization="Chi bộ Văn phòng",
        columns=COLUMNS,
        rows=ROWS,
        made_on=dt.date(2026, 12, 1),
        **kwargs,
    )
    return load_workbook(io.BytesIO(data)).active


def test_title_organisation_and_date_rows_above_the_header():
    sheet = _sheet()
    assert sheet["A1"].value == "BẢNG THEO DÕI NHIỆM VỤ" and sheet["A1"].font.b
    assert sheet["A2"].value == "Đơn vị: Chi bộ Văn phòng"
    assert sheet["A3"].value == "Ngày lập: 01/12/2026"


def test_bold_frozen_header_with_a_filter_over_all_rows():
    sheet = _sheet()
    header = [c.value for c in sheet[HEADER_ROW]]
    assert header == ["STT"] + [c.header for c in COLUMNS]
    assert all(c.font.b and c.border.bottom.style == "thin" for c in sheet[HEADER_ROW])
    assert sheet.freeze_panes == f"B{FIRST_DATA_ROW}"
    assert sheet.auto_filter.ref == f"A{HEADER_ROW}:G{HEADER_ROW + len(ROWS)}"


def test_stt_instead_of_ids_and_real_values_with_vietnamese_formats():
    sheet = _sheet()
    first, second = sheet[FIRST_DATA_ROW], sheet[FIRST_DATA_ROW + 1]
    assert [first[0].value, second[0].value] == [1, 2]
    assert first[3].value == dt.datetime(2026, 3, 31) and first[3].number_format == "DD/MM/YYYY"
    assert first[4].value == 90 and first[4].data_type == "n" and first[4].number_format == "#,##0"
    assert first[5].number_format == "0%" and float(second[5].value) == 0.25
    # A moment is written as the local wall-clock time (Asia/Ho_Chi_Minh, UTC+7), shown dd/mm/yyyy hh:mm.
    assert first[6].value == dt.datetime(2026, 3, 1, 9, 30) and first[6].number_format == "DD/MM/YYYY HH:MM"


def test_user_text_is_never_a_formula():
    sheet = _sheet()
    cell = sheet.cell(row=FIRST_DATA_ROW, column=2)
    assert cell.value == INJECTION and cell.data_type == "s" and cell.quotePrefix
    at = sheet.cell(row=FIRST_DATA_ROW + 1, column=3)
    assert at.value == "@Nguyễn Văn A" and at.data_type == "s"


def test_widths_and_print_set_up():
    sheet = _sheet()
    assert sheet.column_dimensions["A"].width == 6 and sheet.column_dimensions["B"].width == 50
    assert sheet.print_title_rows == f"${HEADER_ROW}:${HEADER_ROW}"
    setup = sheet.page_setup
    assert (setup.orientation, setup.fitToWidth, setup.fitToHeight, str(setup.paperSize)) == (
        "landscape",
        1,
        0,
        "9",
    )
    assert sheet.sheet_properties.pageSetUpPr.fitToPage


def test_the_header_row_is_tall_enough_for_wrapped_headings():
    sheet = load_workbook(
        io.BytesIO(
            office_sheet(title="T", columns=[Column("Số nhiệm vụ hoàn thành đúng hạn", 12, "int")], rows=[])
        )
    ).active
    assert sheet.row_dimensions[HEADER_ROW].height >= 3 * LINE_HEIGHT
    assert sheet.auto_filter.ref == f"A{HEADER_ROW}:B{HEADER_ROW + 1}"  # an empty list still has its filter


def test_several_lists_each_on_its_own_sheet_with_distinct_names():
    data = office_workbook(
        [
            OfficeSheet("Tổ chức", COLUMNS[:1], [["a"]], sheet_name="Danh sách"),
            OfficeSheet("Người", COLUMNS[:1], []),
        ]
    )
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["Danh sách", "Danh sách (2)"]
    assert book["Danh sách (2)"]["A1"].value == "NGƯỜI"


@given(
    st.text(alphabet=st.sampled_from("abc đ "), min_size=0, max_size=80),
    st.integers(min_value=4, max_value=60),
)
def test_a_heading_needs_at_least_its_length_over_the_width_in_lines(text, width):
    lines = header_lines(text, width)
    usable = max(1, int(width * 0.85))
    assert lines >= 1
    letters = sum(len(word) for word in text.split())
    assert lines >= -(-letters // usable)  # every letter is on some line of `usable` characters
    if len(text) <= usable:
        assert lines == 1
