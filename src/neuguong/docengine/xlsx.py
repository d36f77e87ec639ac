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
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, NamedStyle, Side
from openpyxl.utils import get_column_letter

from neuguong.core.office_sheet import LINE_HEIGHT, header_lines
from neuguong.core.xlsx_cells import write

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
    rows: list[list]
    heading: list[str] = field(default_factory=list)
    total_label: str = "Tổng cộng"
    note: str = ""

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
    return header_row, first, first + len(sheet.rows)


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


def _write_sheet(ws, sheet: AnnexSheet) -> None:
    ncols = len(sheet.columns)
    for i, line in enumerate(sheet.heading, start=1):
        write(ws, i, 1, line).font = Font(name=FONT_NAME, size=13, bold=True)
        ws.cell(row=i, column=1).alignment = Alignment(horizontal="center")
        if ncols > 1:
            ws.merge_cells(start_row=i, start_column=1, end_row=i, end_column=ncols)
    header_row, first, totals_row = layout(sheet)
    last = totals_row - 1
    for c, column in enumerate(sheet.columns, start=1):
        cell = write(ws, header_row, c, column.header)
        cell.font = Font(name=FONT_NAME, size=12, bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = BOX
        ws.column_dimensions[get_column_letter(c)].width = column.width
    # Tall enough for the wrapped headings (Excel does not grow a row for wrapped text on its own, so a
    # printed annex had its headings run into the first data row).
    ws.row_dimensions[header_row].height = max(
        LINE_HEIGHT * header_lines(column.header, column.width) + 4 for column in sheet.columns
    )
    total_refs = {
        c: f"${get_column_letter(c)}${totals_row}" for c, col in enumerate(sheet.columns, 1) if col.total
    }
    for r, values in enumerate(sheet.rows, start=first):
        for c, column in enumerate(sheet.columns, start=1):
            value = values[c - 1] if c - 1 < len(values) else None
            if column.formula:  # ours: written as a formula on purpose
                total = total_refs.get(c) or next(iter(total_refs.values()), "0")
                cell = ws.cell(row=r, column=c, value=column.formula.format(row=r, total=total))
            else:  # data, including user text: never a formula
                cell = write(ws, r, c, value)
            # One named style per kind (font, box, number format, alignment), set by name: building
            # four style objects per cell made a 1,500-row annex take seconds.
            cell.style = _data_style(column.kind)
    if sheet.has_totals:
        for c, column in enumerate(sheet.columns, start=1):
            letter = get_column_letter(c)
            if c == 1:
                value = sheet.total_label  # ours
            elif column.total:
                value = f"=SUM({letter}{first}:{letter}{last})" if sheet.rows else 0
            elif column.formula and column.kind == "percent":
                value = column.formula.format(row=totals_row, total=f"${letter}${totals_row}")
            else:
                value = None
            cell = ws.cell(row=totals_row, column=c, value=value)
            cell.font = Font(name=FONT_NAME, size=12, bold=True)
            cell.border = BOX
            cell.number_format = NUMBER_FORMATS[column.kind]
    if sheet.note:
        write(ws, totals_row + 2, 1, sheet.note).font = Font(name=FONT_NAME, size=11, italic=True)
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.oddFooter.center.text = "Trang &P/&N"


def build_workbook(sheets: list[AnnexSheet]) -> bytes:
    """The annex as XLSX bytes; Excel and LibreOffice recalculate the formulas on opening."""
    wb = Workbook()
    wb.remove(wb.active)
    _add_data_styles(wb)
    taken: set[str] = set()
    for sheet in sheets:
        _write_sheet(wb.create_sheet(sheet_name(sheet.title, taken)), sheet)
    if not sheets:
        wb.create_sheet("Phụ lục")["A1"] = "Không có số liệu."
    wb.calculation.fullCalcOnLoad = True
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
