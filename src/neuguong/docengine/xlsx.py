"""Annex (phụ lục) workbooks: one sheet per table, real numbers, totals as SUM formulas, frozen header
rows, and print settings (A4 landscape, fit to page width, header rows repeated on every page).

    from neuguong.docengine.xlsx import AnnexSheet, Column, build_workbook

    sheet = AnnexSheet(
        title="PL1 Trạng thái",                      # sheet name (≤ 31 chars, no []:*?/\\)
        heading=["PHỤ LỤC 1", "Kết quả thực hiện cam kết theo trạng thái"],
        columns=[Column("Trạng thái", width=40), Column("Số lượng", kind="int", total=True),
                 Column("Tỷ lệ", kind="percent", formula="=IF({total}=0,0,B{row}/{total})")],
        rows=[["Đúng hạn", 12, None], ...],
    )
    data: bytes = build_workbook([sheet])

A percent column either carries a number between 0 and 1, or a `formula` with `{row}` (the row number)
and `{total}` (the cell of that column's total, for shares). Totals are `=SUM(...)` over the data rows.

The workbook is written in openpyxl's write-only mode: rows go to the file as they come, so `rows` may
be any iterable (a generator reading 52,000 organisations a page at a time) with its `row_count` given
(the totals row's place is needed before the first row). Memory stays at a row, not at the sheet: in the
ordinary mode every cell is an object, and the national annex held 600,000 of them.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from copy import copy
from dataclasses import dataclass, field
from functools import partial

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, NamedStyle, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from neuguong.core.office_sheet import LINE_HEIGHT, header_lines
from neuguong.core.xlsx_cells import cell_value

FONT_NAME = "Times New Roman"
THIN = Side(style="thin", color="000000")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
NUMBER_FORMATS = {"int": "#,##0", "percent": "0.0%", "decimal": "#,##0.0", "text": "@", "date": "DD/MM/YYYY"}
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


@dataclass
class Column:
    header: str
    kind: str = "text"  # text | int | decimal | percent | date
    width: float = 14
    total: bool = False  # a SUM formula in the totals row
    formula: str = ""  # e.g. "=IF(C{row}=0,0,D{row}/C{row})"


@dataclass
class AnnexSheet:
    title: str
    columns: list[Column]
    rows: Iterable[list]
    heading: list[str] = field(default_factory=list)
    total_label: str = "Tổng cộng"
    note: str = ""
    row_count: int | None = None  # required when `rows` is not a list (a generator)

    @property
    def count(self) -> int:
        if self.row_count is not None:
            return self.row_count
        if not isinstance(self.rows, list | tuple):
            raise TypeError("AnnexSheet: rows given as an iterator need their row_count")
        return len(self.rows)

    @property
    def has_totals(self) -> bool:
        return any(c.total for c in self.columns)


def sheet_name(title: str, taken: set[str]) -> str:
    base = _BAD_SHEET_CHARS.sub("-", title).strip()[:31] or "Sheet"
    name, n = base, 2
    while name.lower() in taken:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(name.lower())
    return name


def layout(sheet: AnnexSheet) -> tuple[int, int, int]:
    """(header row, first data row, totals row) of a sheet as written by `build_workbook`."""
    header_row = len(sheet.heading) + (2 if sheet.heading else 1)
    first = header_row + 1
    return header_row, first, first + sheet.count


def _data_style(kind: str) -> str:
    return f"neuguong_{kind}"


def _add_data_styles(wb: Workbook) -> None:
    for kind, number_format in NUMBER_FORMATS.items():
        wb.add_named_style(
            NamedStyle(
                name=_data_style(kind),
                font=Font(name=FONT_NAME, size=12),
                border=BOX,
                number_format=number_format,
                alignment=Alignment(wrap_text=kind == "text", vertical="top"),
            )
        )


def _cell(
    ws, value, *, formula: bool = False, style: str | None = None, font: Font | None = None, **formats
) -> Cell:
    """A cell of `value`: data (user text included) through `cell_value`, never a formula; `formula`:
    ours, written as a formula on purpose (totals, shares)."""
    safe = value if formula else cell_value(ws, value)
    cell = safe if isinstance(safe, Cell) else WriteOnlyCell(ws, value=safe)  # WriteOnlyCell makes a Cell
    if style:
        cell.style = style
    if font:
        cell.font = font
    for name, value in formats.items():
        setattr(cell, name, value)
    return cell


def _style_array(ws, style: str) -> StyleArray:
    """The style array of a cell given the named `style` (for `_data_cell` to copy)."""
    template = WriteOnlyCell(ws)
    template.style = style
    return template._style


def _data_cell(ws, value, *, formula: bool, style: StyleArray) -> Cell:
    """A data cell in its column's style: `_cell` without a style lookup per cell."""
    safe = value if formula else cell_value(ws, value)
    if not isinstance(safe, Cell):
        cell = WriteOnlyCell(ws, value=safe)
        cell._style = copy(style)
        return cell
    guarded = safe.quotePrefix  # text that looked like a formula stays marked as text
    safe._style = copy(style)
    if guarded:
        safe.quotePrefix = True
    return safe


def _write_sheet(ws, sheet: AnnexSheet) -> None:
    """Everything about the sheet first (widths, frozen rows, print setup: written before the rows in
    write-only mode), then the rows top to bottom."""
    ncols = len(sheet.columns)
    header_row, first, totals_row = layout(sheet)
    last = totals_row - 1
    for c, column in enumerate(sheet.columns, start=1):
        ws.column_dimensions[get_column_letter(c)].width = column.width
    ws.freeze_panes = f"A{header_row + 1}"
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.oddFooter.center.text = "Trang &P/&N"

    heading_font = Font(name=FONT_NAME, size=13, bold=True)
    for i, line in enumerate(sheet.heading, start=1):
        ws.append([_cell(ws, line, font=heading_font, alignment=Alignment(horizontal="center"))])
        if ncols > 1:
            ws.merged_cells.add(f"A{i}:{get_column_letter(ncols)}{i}")
    if sheet.heading:
        ws.append([])
    bold = Font(name=FONT_NAME, size=12, bold=True)
    centered = Alignment(horizontal="center", vertical="center", wrap_text=True)
    # Tall enough for the wrapped headings (no spreadsheet sizes a row when it opens a file, so a printed
    # annex had its headings run into the first data row).
    ws.row_dimensions[header_row].height = max(
        LINE_HEIGHT * header_lines(column.header, column.width) + 4 for column in sheet.columns
    )
    ws.append(
        [_cell(ws, column.header, font=bold, alignment=centered, border=BOX) for column in sheet.columns]
    )
    total_refs = {
        c: f"${get_column_letter(c)}${totals_row}" for c, col in enumerate(sheet.columns, 1) if col.total
    }
    # One style per column, looked up once: a cell takes a copy of the column's style array (what
    # openpyxl itself does to copy a style). Setting the named style by name on each of the national
    # annex's 900,000 cells was a third of the XLSX's time.
    styles = [_style_array(ws, _data_style(column.kind)) for column in sheet.columns]
    r = first - 1
    for r, values in enumerate(sheet.rows, start=first):  # r: the last row written, checked after
        cells = []
        for c, column in enumerate(sheet.columns, start=1):
            value = values[c - 1] if c - 1 < len(values) else None
            if column.formula:  # ours: written as a formula on purpose
                total = total_refs.get(c) or next(iter(total_refs.values()), "0")
                value = column.formula.format(row=r, total=total)
            # One named style per kind (font, box, number format, alignment), set by name: building
            # four style objects per cell made a 1,500-row annex take seconds.
            cells.append(_data_cell(ws, value, formula=bool(column.formula), style=styles[c - 1]))
        ws.append(cells)
    if r != last:
        raise ValueError(f"AnnexSheet {sheet.title!r}: {r - first + 1} rows written, {sheet.count} announced")
    if sheet.has_totals:
        totals = []
        for c, column in enumerate(sheet.columns, start=1):
            letter = get_column_letter(c)
            if c == 1:
                value = sheet.total_label  # ours, but text: written as text
            elif column.total:
                value = f"=SUM({letter}{first}:{letter}{last})" if sheet.count else 0
            elif column.formula and column.kind == "percent":
                value = column.formula.format(row=totals_row, total=f"${letter}${totals_row}")
            else:
                value = None
            formats = {"font": bold, "border": BOX, "number_format": NUMBER_FORMATS[column.kind]}
            totals.append(_cell(ws, value, formula=c > 1, **formats))
        ws.append(totals)
    if sheet.note:
        if not sheet.has_totals:
            ws.append([])  # the note goes two rows below the totals' place
        ws.append([])
        ws.append([_cell(ws, sheet.note, font=Font(name=FONT_NAME, size=11, italic=True))])


def _cells_to_row(ws, values, row_idx: int):
    """openpyxl's write-only `_values_to_row` for our rows, which are styled cells: openpyxl first tries
    each value as a plain value, fails (an exception formatting the cell's repr), then makes a fresh cell
    for the next one. That was a third of the national annex's 900,000 cells' time. The same cells come
    out (`test_xlsx_and_charts` compares the sheet's XML with openpyxl's own path)."""
    for col_idx, value in enumerate(values, 1):
        if value is None:
            continue
        cell = value if isinstance(value, Cell) else WriteOnlyCell(ws, value=value)
        cell.column = col_idx
        cell.row = row_idx
        if cell.hyperlink is not None:
            cell.hyperlink.ref = cell.coordinate
        yield cell


def build_workbook(sheets: list[AnnexSheet], *, fast_rows: bool = True) -> bytes:
    """The annex as XLSX bytes; Excel and LibreOffice recalculate the formulas on opening."""
    wb = Workbook(write_only=True)
    _add_data_styles(wb)
    taken: set[str] = set()
    for sheet in sheets:
        ws = wb.create_sheet(sheet_name(sheet.title, taken))
        if fast_rows:
            ws._values_to_row = partial(_cells_to_row, ws)
        _write_sheet(ws, sheet)
    if not sheets:
        wb.create_sheet("Phụ lục").append(["Không có số liệu."])
    wb.calculation.fullCalcOnLoad = True
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
