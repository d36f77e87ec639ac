"""Reading spreadsheets row by row, whatever they are: XLSX (openpyxl read-only) or CSV in UTF-8, UTF-8
with BOM or CP1258. Nothing is loaded whole: a 200,000-row province file streams in bounded memory. Before
parsing, the file's rows (IMPORT_MAX_ROWS) and, for XLSX, the uncompressed size of every part are bounded
(`neuguong.core.xlsx_guard`): a zip bomb is refused in a second, not after minutes of CPU.

Every problem with the file itself (not a spreadsheet, password-protected, formulas, merged header cells,
undecodable bytes) is raised as `ImportFileError` with a Vietnamese message; callers never see anything
else from here.
"""

import codecs
import csv
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

from neuguong.core import xlsx_guard
from neuguong.core.errors import BusinessError

MSG_EMPTY = "Tệp rỗng: không có dữ liệu để nhập."
MSG_NOT_SPREADSHEET = (
    "Tệp không phải bảng tính XLSX hoặc CSV. Hãy lưu tệp bằng Excel dưới dạng .xlsx hoặc .csv."
)
MSG_PROTECTED = (
    "Tệp Excel được đặt mật khẩu (hoặc là định dạng .xls cũ). Hãy mở tệp, bỏ mật khẩu và lưu lại dưới "
    "dạng .xlsx rồi nhập lại."
)
MSG_BROKEN_XLSX = "Tệp Excel bị hỏng hoặc không đọc được. Hãy mở bằng Excel và lưu lại dưới dạng .xlsx."
MSG_NO_SHEET = "Tệp Excel không có trang tính nào có dữ liệu."
MSG_FORMULA = (
    "dòng {row}, cột «{column}»: ô chứa công thức ({formula}). Hãy chuyển công thức thành giá trị "
    "(Sao chép → Dán đặc biệt → Giá trị) rồi nhập lại."
)
MSG_MERGED_HEADER = (
    "Dòng tiêu đề có ô gộp ({ref}). Hãy bỏ gộp ô để mỗi cột có đúng một tiêu đề trên một dòng."
)
MSG_BLANK_HEADER = (
    "dòng {row}: cột {letter} có dữ liệu nhưng không có tiêu đề (ô tiêu đề bị gộp hoặc để trống). "
    "Hãy đặt tiêu đề cho cột hoặc xóa cột."
)
MSG_CSV_BROKEN = "Tệp CSV không đọc được ở dòng {row}: {detail}. Hãy lưu lại bằng Excel dưới dạng CSV UTF-8."
MSG_CSV_ENCODING = (
    "Tệp CSV có ký tự không đọc được ở dòng {row}. Hãy lưu lại bằng Excel dưới dạng «CSV UTF-8»."
)

SNIFF_BYTES = 1 << 20
CSV_FIELD_LIMIT = 10_000
ZIP_MAGIC = b"PK\x03\x04"
CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # OLE compound file: encrypted OOXML or legacy .xls
_MERGE_REF = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+)(\d+):([A-Z]+)(\d+)"')


class ImportFileError(BusinessError):
    """The file as a whole cannot be read; nothing was written."""


@dataclass
class Table:
    """One sheet: its header row (as the spreadsheet numbers it) and a generator of (row number, values)."""

    name: str
    header_row: int
    headers: list[str]
    rows: Iterator[tuple[int, list]]
    file_rows: int = 0  # rows of the whole file as counted before parsing (for a progress bar)


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def detect_format(head: bytes) -> str:
    """'xlsx', 'protected' or 'csv' from the first bytes; raises for empty or binary garbage."""
    if not head.strip(b" \t\r\n\xef\xbb\xbf,;"):
        raise ImportFileError(MSG_EMPTY)
    if head.startswith(ZIP_MAGIC):
        return "xlsx"
    if head.startswith(CFB_MAGIC):
        return "protected"
    if b"\x00" in head[:SNIFF_BYTES]:
        raise ImportFileError(MSG_NOT_SPREADSHEET)
    return "csv"


def open_tables(stream) -> list[Table]:
    """The tables of a binary file-like object (seekable). Raises ImportFileError only."""
    try:
        stream.seek(0)
        head = stream.read(SNIFF_BYTES)
        stream.seek(0)
    except OSError as exc:
        raise ImportFileError(MSG_NOT_SPREADSHEET) from exc
    kind = detect_format(head)
    if kind == "protected":
        raise ImportFileError(MSG_PROTECTED)
    try:
        if kind == "xlsx":
            file_rows = xlsx_guard.check_xlsx(stream)
        else:
            file_rows = _csv_line_count(stream)
            xlsx_guard.check_rows(file_rows)
    except ImportFileError:
        raise
    except BusinessError as exc:
        raise ImportFileError(exc.message) from exc
    tables = _xlsx_tables(stream) if kind == "xlsx" else [_csv_table(stream, head)]
    for table in tables:
        table.file_rows = file_rows
    return tables


def _csv_line_count(stream) -> int:
    """Lines of a CSV file (an upper bound of its records), counted on bytes; the stream is rewound."""
    lines, last = 0, b""
    while chunk := stream.read(1 << 20):
        lines += chunk.count(b"\n")
        last = chunk[-1:]
    stream.seek(0)
    return lines + (1 if last not in (b"", b"\n") else 0)


def _too_many_rows(number: int) -> None:
    # Also checked while reading, whatever the file claimed before.
    if number > xlsx_guard.max_rows():
        raise ImportFileError(xlsx_guard.too_many_rows_message())


# --- CSV ------------------------------------------------------------------------------------------------


def _csv_encoding(head: bytes) -> str:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        decoder.decode(head, final=len(head) < SNIFF_BYTES)
    except UnicodeDecodeError:
        return "cp1258"
    return "utf-8"


def _is_text(sample: str) -> bool:
    """Random bytes decoded as CP1258 are full of control characters; real lists are not."""
    if not sample:
        return False
    control = sum(1 for ch in sample if unicodedata.category(ch) == "Cc" and ch not in "\r\n\t")
    return control / len(sample) < 0.01


def _delimiter(first_line: str) -> str:
    counts = {sep: first_line.count(sep) for sep in (",", ";", "\t")}
    best = max(counts, key=counts.__getitem__)
    return best if counts[best] else ","


class _KeepOpen(io.BufferedIOBase):
    """Lets a TextIOWrapper read the caller's stream without closing it when the wrapper goes away."""

    def __init__(self, raw):
        super().__init__()
        self._raw = raw

    @property
    def name(self) -> str:
        return getattr(self._raw, "name", "")

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1, /) -> bytes:
        return self._raw.read(size)

    def read1(self, size: int = -1, /) -> bytes:
        return self._raw.read(size if size and size > 0 else 1 << 16)

    def close(self) -> None:
        pass


def _csv_table(stream, head: bytes) -> Table:
    encoding = _csv_encoding(head)
    sample = head[:65536].decode(encoding, errors="replace")
    if not _is_text(sample):
        raise ImportFileError(MSG_NOT_SPREADSHEET)
    first_line = sample.lstrip("\ufeff").splitlines()[0] if sample.strip() else ""
    text = io.TextIOWrapper(_KeepOpen(stream), encoding=encoding, newline="")
    reader = csv.reader(text, delimiter=_delimiter(first_line))
    csv.field_size_limit(CSV_FIELD_LIMIT * 10)

    def records() -> Iterator[tuple[int, list]]:
        number = 0
        try:
            for record in reader:
                number += 1
                _too_many_rows(number)
                # CP1258 writes Vietnamese tones as combining marks: store NFC.
                yield number, [unicodedata.normalize("NFC", cell) for cell in record]
        except UnicodeDecodeError as exc:
            raise ImportFileError(MSG_CSV_ENCODING.format(row=number + 1)) from exc
        except csv.Error as exc:
            raise ImportFileError(MSG_CSV_BROKEN.format(row=number + 1, detail=exc)) from exc

    rows = records()
    header_row, headers = _first_non_empty(rows)
    return Table(name="CSV", header_row=header_row, headers=headers, rows=rows)


def _first_non_empty(rows: Iterator[tuple[int, list]]) -> tuple[int, list[str]]:
    for number, values in rows:
        cells = ["" if v is None else str(v).strip() for v in values]
        if any(cells):
            while cells and not cells[-1]:
                cells.pop()
            return number, cells
    raise ImportFileError(MSG_EMPTY)


# --- XLSX -----------------------------------------------------------------------------------------------


def _xlsx_tables(stream) -> list[Table]:
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(stream, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many types for broken archives; all mean the same here
        raise ImportFileError(MSG_BROKEN_XLSX) from exc
    tables = []
    for sheet in workbook.worksheets:
        if not hasattr(sheet, "_get_source"):
            continue  # chart sheets
        sheet.reset_dimensions()  # never trust the file's stated size
        rows = _xlsx_rows(sheet)
        try:
            header_row, headers = _first_non_empty(rows)
        except ImportFileError:
            continue
        _check_header_cells(sheet, header_row, headers)
        tables.append(Table(name=sheet.title, header_row=header_row, headers=headers, rows=rows))
    if not tables:
        raise ImportFileError(MSG_NO_SHEET)
    return tables


def _xlsx_rows(sheet) -> Iterator[tuple[int, list]]:
    try:
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            _too_many_rows(number)
            yield number, [_formula_marked(v) for v in values]
    except ImportFileError:
        raise
    except Exception as exc:
        raise ImportFileError(MSG_BROKEN_XLSX) from exc


class Formula(str):
    """A cell holding a formula instead of a value (openpyxl reads formulas as "=…" text)."""


def _formula_marked(value):
    if isinstance(value, str):
        return Formula(value) if value.startswith("=") and len(value) > 1 else value
    if value is not None and hasattr(value, "text") and type(value).__name__.endswith("Formula"):
        return Formula(f"={value.text}")
    return value


def _check_header_cells(sheet, header_row: int, headers: list[str]) -> None:
    """Refuse merged cells touching the header row (read-only mode hides them, so read the sheet XML)."""
    try:
        with sheet._get_source() as source:
            tail = b""
            while chunk := source.read(1 << 20):
                data = tail + chunk
                for match in _MERGE_REF.finditer(data):
                    first, last = int(match.group(2)), int(match.group(4))
                    if first <= header_row <= last:
                        ref = f"{match.group(1).decode()}{first}:{match.group(3).decode()}{last}"
                        raise ImportFileError(MSG_MERGED_HEADER.format(ref=ref))
                tail = data[-200:]
    except (zipfile.BadZipFile, OSError, KeyError) as exc:
        raise ImportFileError(MSG_BROKEN_XLSX) from exc
    for index, header in enumerate(headers):
        if not header and any(headers[index + 1 :]):
            raise ImportFileError(MSG_BLANK_HEADER.format(row=header_row, letter=column_letter(index)))
