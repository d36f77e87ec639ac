"""The one writer for list exports: an XLSX that looks like an office file (issue 13, point 5).

    from neuguong.core.office_sheet import Column, office_sheet, xlsx_response

    data = office_sheet(
        title="Danh sách nhiệm vụ",
        organization="Chi bộ Văn phòng",             # who the list is from (printed under the title)
        columns=[Column("Nội dung", width=50), Column("Thời hạn", kind="date"), Column("Tiến độ (%)", kind="int")],
        rows=([c.title, c.deadline, c.progress] for c in commitments),   # any iterable, streamed
    )
    return xlsx_response(data, "nhiem-vu-20261201.xlsx")

Every sheet has the same shape: a title row, the organisation and the date it was made, then a bold, boxed,
frozen header row with a filter; an STT column instead of internal ids; real dates shown dd/mm/yyyy and
real numbers; the given column widths; and print set-up (A4 landscape, fit to the page width, the header
row repeated on every page). Values go in through `core.xlsx_cells`, so user text is never a formula.
Written in openpyxl's write-only mode, so a 50,000-row board stays within memory.
"""

from __future__ import annotations

import datetime as dt
import io
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import IO

from django.http import FileResponse, HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties

from .dates import local_today
from .xlsx_cells import cell_value

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FONT_NAME = "Times New Roman"
THIN = Side(style="thin", color="000000")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
NUMBER_FORMATS = {
    "text": "General",
    "int": "#,##0",
    "number": "#,##0.##",
    "percent": "0%",
    "date": "DD/MM/YYYY",
    "datetime": "DD/MM/YYYY HH:MM",
}
STT_HEADER = "STT"
STT_WIDTH = 6
# Header rows: the height of one line of 12 pt text, in points; a heading wraps onto as many lines as it needs.
LINE_HEIGHT = 16
HEADER_ROW = 5  # title, organisation, date, a blank row (or a note), then the header
FIRST_DATA_ROW = HEADER_ROW + 1


@dataclass(frozen=True)
class Column:
    header: str
    width: float = 16
    kind: str = "text"  # text | int | number | percent (0..1) | date | datetime


def header_lines(text: str, width: float) -> int:
    """How many lines a heading takes when wrapped in a column `width` characters wide (bold, so a little
    wider than plain text): the header row is made that tall, so nothing overlaps when printed."""
    usable = max(1, int(width * 0.85))
    lines = 0
    for part in text.split("\n"):
        length = 0
        lines += 1
        for word in part.split():
            if length and length + 1 + len(word) > usable:
                lines += 1
                length = 0
            if len(word) > usable:  # a word longer than the column breaks over several lines
                lines += (len(word) - 1) // usable
                length = len(word) % usable or usable
            else:
                length = length + 1 + len(word) if length else len(word)
    return max(1, lines)


def header_height(columns: Sequence[Column]) -> float:
    return (
        LINE_HEIGHT
        * max([header_lines(STT_HEADER, STT_WIDTH)] + [header_lines(c.header, c.width) for c in columns])
        + 4
    )


def _styles(workbook: Workbook) -> None:
    for kind, number_format in NUMBER_FORMATS.items():
        workbook.add_named_style(
            NamedStyle(
                name=f"office_{kind}",
                font=Font(name=FONT_NAME, size=12),
                border=BOX,
                number_format=number_format,
                alignment=Alignment(
                    wrap_text=kind == "text",
                    vertical="top",
                    horizontal="center" if kind in ("date", "datetime") else None,
                ),
            )
        )
    workbook.add_named_style(
        NamedStyle(
            name="office_header",
            font=Font(name=FONT_NAME, size=12, bold=True),
            border=BOX,
            fill=PatternFill("solid", fgColor="E7E6E6"),
            alignment=Alignment(horizontal="center", vertical="center", wrap_text=True),
        )
    )
    workbook.add_named_style(
        NamedStyle(
            name="office_stt",
            font=Font(name=FONT_NAME, size=12),
            border=BOX,
            alignment=Alignment(horizontal="center", vertical="top"),
        )
    )


def _local(value: dt.datetime) -> dt.datetime:
    """Excel has no time zones: a moment is written as the local (Asia/Ho_Chi_Minh) wall-clock time."""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.replace(tzinfo=None)


def _cell(sheet, value, kind: str) -> Cell:
    if isinstance(value, dt.datetime):
        value = _local(value)
        kind = "datetime" if kind in ("text", "datetime") else kind
    elif isinstance(value, dt.date) and kind == "text":
        kind = "date"
    safe = cell_value(sheet, value)
    cell = safe if isinstance(safe, Cell) else WriteOnlyCell(sheet, value=safe)
    guarded = bool(getattr(cell, "quotePrefix", False))
    cell.style = f"office_{kind}"
    if guarded:  # the named style resets it: formula-like text keeps its quote prefix (stays text in Excel)
        cell.quotePrefix = True
    return cell


def _text_row(sheet, text: str, *, bold: bool = False, size: int = 12, italic: bool = False) -> list:
    cell = cell_value(sheet, text)
    cell = cell if isinstance(cell, Cell) else WriteOnlyCell(sheet, value=cell)
    cell.font = Font(name=FONT_NAME, size=size, bold=bold, italic=italic)
    return [cell]


@dataclass
class OfficeSheet:
    """One list: `rows` hold one value per column (the STT is added in front); any iterable, streamed."""

    title: str
    columns: Sequence[Column]
    rows: Iterable[Sequence]
    organization: str = ""
    sheet_name: str = "Danh sách"
    note: str = ""
    # A last row in bold without an STT (one value per column, e.g. "Tổng cộng" and the sums), or None.
    totals: Sequence | None = None


def write_office_workbook(
    handle: IO[bytes], sheets: Iterable[OfficeSheet], *, made_on: dt.date | None = None
) -> None:
    """Write the XLSX of one or more lists into `handle`, each on its own sheet laid out the same way. The
    sheets may be a generator: each one's rows are read only while it is written."""
    workbook = Workbook(write_only=True)
    _styles(workbook)
    taken: set[str] = set()
    for sheet in sheets:
        _write(workbook, sheet, made_on=made_on or local_today(), taken=taken)
    workbook.save(handle)


def office_workbook(sheets: Iterable[OfficeSheet], *, made_on: dt.date | None = None) -> bytes:
    """The XLSX (bytes) of one or more lists, each on its own sheet laid out the same way."""
    buffer = io.BytesIO()
    write_office_workbook(buffer, sheets, made_on=made_on)
    return buffer.getvalue()


def office_file_response(sheets: Iterable[OfficeSheet], filename: str) -> FileResponse:
    """A large export: written to a temporary file (not memory) and streamed to the browser."""
    handle = tempfile.TemporaryFile()  # noqa: SIM115 — closed by FileResponse
    write_office_workbook(handle, sheets)
    handle.seek(0)
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE)


def office_sheet(
    *,
    title: str,
    columns: Sequence[Column],
    rows: Iterable[Sequence],
    organization: str = "",
    sheet_name: str = "Danh sách",
    made_on: dt.date | None = None,
    note: str = "",
) -> bytes:
    """The XLSX (bytes) of one list."""
    return office_workbook(
        [OfficeSheet(title, columns, rows, organization=organization, sheet_name=sheet_name, note=note)],
        made_on=made_on,
    )


def _sheet_name(name: str, taken: set[str]) -> str:
    base = "".join("-" if ch in "[]:*?/\\" else ch for ch in name).strip()[:31] or "Danh sách"
    candidate, n = base, 2
    while candidate.lower() in taken:
        suffix = f" ({n})"
        candidate, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(candidate.lower())
    return candidate


def _write(workbook: Workbook, spec: OfficeSheet, *, made_on: dt.date, taken: set[str]) -> None:
    columns = spec.columns
    sheet = workbook.create_sheet(_sheet_name(spec.sheet_name, taken))
    widths = [STT_WIDTH] + [c.width for c in columns]
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    last_column = get_column_letter(len(widths))
    sheet.freeze_panes = f"B{HEADER_ROW + 1}"
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = "9"  # A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.5
    sheet.page_margins.top = sheet.page_margins.bottom = 0.6
    sheet.oddFooter.center.text = "Trang &P/&N"

    sheet.row_dimensions[1].height = 22
    sheet.append(_text_row(sheet, spec.title.upper(), bold=True, size=14))
    sheet.append(_text_row(sheet, f"Đơn vị: {spec.organization}" if spec.organization else ""))
    sheet.append(_text_row(sheet, f"Ngày lập: {made_on:%d/%m/%Y}", italic=True))
    sheet.append(_text_row(sheet, spec.note, italic=True) if spec.note else [])
    sheet.row_dimensions[HEADER_ROW].height = header_height(columns)
    header = []
    for text in [STT_HEADER] + [c.header for c in columns]:
        cell = WriteOnlyCell(sheet, value=cell_value(sheet, text))
        cell.style = "office_header"
        header.append(cell)
    sheet.append(header)
    count = 0
    wrapped = [(i, c.width) for i, c in enumerate(columns) if c.kind == "text"]
    for count, values in enumerate(spec.rows, start=1):
        # Excel and LibreOffice do not grow a row for wrapped text when they open a file: give each row
        # the height of its longest wrapped value, so nothing runs into the row below on screen or paper.
        lines = max(
            (
                header_lines(values[i], width * 1.15)
                for i, width in wrapped
                if isinstance(values[i], str) and len(values[i]) > width
            ),
            default=1,
        )
        if lines > 1:
            sheet.row_dimensions[HEADER_ROW + count].height = LINE_HEIGHT * lines
        stt = WriteOnlyCell(sheet, value=count)
        stt.style = "office_stt"
        sheet.append([stt] + [_cell(sheet, v, c.kind) for v, c in zip(values, columns, strict=True)])
    sheet.auto_filter.ref = f"A{HEADER_ROW}:{last_column}{HEADER_ROW + max(count, 1)}"
    if spec.totals is not None:
        stt = WriteOnlyCell(sheet, value=None)
        stt.style = "office_stt"
        cells = [stt] + [_cell(sheet, v, c.kind) for v, c in zip(spec.totals, columns, strict=True)]
        for cell in cells:
            cell.font = Font(name=FONT_NAME, size=12, bold=True)
        sheet.append(cells)


def xlsx_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
