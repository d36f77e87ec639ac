"""The one way a value goes into an XLSX cell: text stays text, never a formula (issue 19, point 3).

openpyxl stores any string that starts with "=" as a formula and "#N/A"-like strings as error values, so a
member named `=HYPERLINK("http://…","Bấm vào đây")` became a live link in every export. Every export writes
its values through `cell_value` (appending rows: `safe_row`, or a `SafeSheet` whose `append` does it) or
`write` (one cell at a time); the few formulas we mean (annex totals) are written as formulas on purpose.

- Text is stored with the string type; text that begins like a formula (= + - @, tab, CR) also carries the
  "quote prefix" so Excel keeps it as text when someone edits the cell.
- Characters an XLSX cannot hold (control characters) are dropped instead of failing the whole export;
  text is cut at Excel's 32,767 characters.
- A date (not a datetime) gets the Vietnamese display format dd/mm/yyyy.
"""

from __future__ import annotations

import datetime as dt

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE

DATE_FORMAT = "DD/MM/YYYY"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
MAX_CELL_TEXT = 32_767


def clean_text(text: str) -> str:
    if ILLEGAL_CHARACTERS_RE.search(text):
        text = ILLEGAL_CHARACTERS_RE.sub("", text)
    return text if len(text) <= MAX_CELL_TEXT else text[: MAX_CELL_TEXT - 1] + "…"


def _needs_guard(text: str) -> bool:
    return text.startswith(FORMULA_STARTS) or text in ERROR_CODES


def _guard(cell, text: str) -> None:
    cell._value = text  # bypass openpyxl's type guessing, which is what turns "=…" into a formula
    cell.data_type = "s"
    cell.quotePrefix = True


def cell_value(sheet, value):
    """What to append for `value` in `sheet` (write-only or normal): plain values stay plain (fast path)."""
    if isinstance(value, str):
        text = clean_text(value)
        if not _needs_guard(text):
            return text
        cell = WriteOnlyCell(sheet)
        _guard(cell, text)
        return cell
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = DATE_FORMAT
        return cell
    return value


def safe_row(sheet, values) -> list:
    return [cell_value(sheet, v) for v in values]


def write(sheet, row: int, column: int, value):
    """`sheet.cell(row, column, value)` that keeps text as text; returns the cell for styling."""
    cell = sheet.cell(row=row, column=column)
    if isinstance(value, str):
        text = clean_text(value)
        if _needs_guard(text):
            _guard(cell, text)
        else:
            cell.value = text
    else:
        cell.value = value
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            cell.number_format = DATE_FORMAT
    return cell


class SafeSheet:
    """A worksheet whose `append` writes every value through `cell_value`; the rest is the worksheet's."""

    def __init__(self, sheet):
        self._sheet = sheet

    def append(self, values) -> None:
        self._sheet.append(safe_row(self._sheet, values))

    def __getitem__(self, key):
        return self._sheet[key]

    def __getattr__(self, name):
        return getattr(self._sheet, name)

    def __setattr__(self, name, value):
        if name == "_sheet":
            object.__setattr__(self, name, value)
        else:
            setattr(self._sheet, name, value)
