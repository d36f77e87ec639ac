"""Bounds checked on an uploaded XLSX before openpyxl parses it (issue 19, point 5).

openpyxl reads the shared strings (and styles) of a workbook whole into memory, and iterates every row up to
the highest row number in a sheet, so a 409 KB file holding one 419 MB shared string took 1 GB of memory,
and a 749 KB file of 2 million rows 84 s of CPU. Here, from the archive's directory and one streaming pass
over its parts (decompression and byte counting only, no XML parsing):

- every part is at most IMPORT_MAX_PART_MB uncompressed (worksheets, which openpyxl streams: at most
  IMPORT_MAX_SHEET_MB), and the archive has at most MAX_PARTS parts;
- no run of text is longer than a cell can hold (Excel: 32,767 characters);
- the rows of all sheets (the highest row number, or the number of rows, whichever is larger) are at most
  IMPORT_MAX_ROWS.

zipfile never returns more bytes than a part's declared size (and fails the CRC check if the data is longer),
so declared sizes are a safe bound.
"""

from __future__ import annotations

import re
import zipfile

from django.conf import settings

from .errors import BusinessError

MSG_TOO_MANY_ROWS = (
    "Tệp có hơn {limit} dòng, vượt giới hạn cho một lần nhập. Hãy chia thành nhiều tệp nhỏ hơn "
    "(hoặc xóa các dòng trống ở cuối trang tính) rồi nhập lần lượt."
)
MSG_PART_TOO_LARGE = (
    "Tệp Excel có phần «{part}» quá lớn khi giải nén ({size} MB, tối đa {limit} MB). Hãy mở tệp bằng Excel, "
    "xóa các ô, trang tính không dùng và lưu lại."
)
MSG_TOO_MANY_PARTS = "Tệp Excel có quá nhiều thành phần ({count}). Hãy lưu lại bằng Excel dưới dạng .xlsx."
MSG_CELL_TOO_LONG = (
    "Tệp Excel có ô chứa văn bản dài hơn giới hạn của Excel (32.767 ký tự). Hãy kiểm tra lại tệp."
)
MSG_NOT_XLSX = "Tệp Excel bị hỏng hoặc không đọc được. Hãy mở bằng Excel và lưu lại dưới dạng .xlsx."

MAX_PARTS = 2_000
# 32,767 characters of the longest UTF-8 and XML-escaped form still fit; real cells are far shorter.
MAX_TEXT_RUN = 256 * 1024
_CHUNK = MAX_TEXT_RUN // 2
_MB = 1024 * 1024
_WORKSHEET = re.compile(r"^xl/worksheets/[^/]+\.xml$")
_ROW_NUMBER = re.compile(rb'<(?:[A-Za-z_][\w.-]{0,20}:)?row\s[^>]{0,300}?\br="(\d{1,9})"')
_OVERLAP = 64  # longer than "<x:rowBreaks", so a tag cut by a chunk boundary is counted once


def max_rows() -> int:
    return settings.IMPORT_MAX_ROWS


def _row_tags(data: bytes) -> int:
    # Counting bytes, not parsing: "<row" (or "<x:row" with a prefix), minus the one <rowBreaks> element.
    # In XML text "<" is always escaped, so these only occur in tags.
    return data.count(b"<row") + data.count(b":row") - data.count(b"<rowBreaks") - data.count(b":rowBreaks")


def _scan(part, budget: int) -> int:
    """Rows in one part (0 for parts without rows), stopping once past `budget`; raises for a text run
    longer than a cell can hold."""
    tags = highest = 0
    run = 0  # bytes since the last "<"
    tail = b""
    while chunk := part.read(_CHUNK):
        # Runs inside a chunk are shorter than a chunk (half the limit): only runs across chunks can be long.
        first = chunk.find(b"<")
        run = run + len(chunk) if first < 0 else max(run + first, len(chunk) - chunk.rfind(b"<") - 1)
        if run > MAX_TEXT_RUN:
            raise BusinessError(MSG_CELL_TOO_LONG, field="file")
        if first >= 0:
            run = len(chunk) - chunk.rfind(b"<") - 1
        data = tail + chunk
        tags += _row_tags(data) - _row_tags(tail)
        # Rows come in order: the last row tag of the chunk carries its highest number (openpyxl yields an
        # empty row for every number skipped). Rows out of order are caught while reading (readers.py).
        last_row = data.rfind(b"<row")
        if last_row >= 0 and (found := _ROW_NUMBER.match(data, last_row)):
            highest = max(highest, int(found.group(1)))
        if max(tags, highest) > budget:
            break
        tail = data[-_OVERLAP:]
    return max(tags, highest)


def check_xlsx(stream, *, broken: str = MSG_NOT_XLSX) -> int:
    """Refuse (BusinessError, Vietnamese) an XLSX beyond the bounds above; returns its number of rows.
    `broken` is the message for a file that is not a readable archive. The stream is left at its start."""
    stream.seek(0)
    try:
        archive = zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise BusinessError(broken, field="file") from exc
    try:
        members = archive.infolist()
        if len(members) > MAX_PARTS:
            raise BusinessError(MSG_TOO_MANY_PARTS.format(count=len(members)), field="file")
        for member in members:
            is_sheet = bool(_WORKSHEET.match(member.filename))
            limit = settings.IMPORT_MAX_SHEET_MB if is_sheet else settings.IMPORT_MAX_PART_MB
            if member.file_size > limit * _MB:
                size = _thousands(member.file_size // _MB)
                message = MSG_PART_TOO_LARGE.format(part=member.filename[:80], size=size, limit=limit)
                raise BusinessError(message, field="file")
        rows = 0
        for member in members:
            if member.is_dir():
                continue
            with archive.open(member) as part:
                rows += _scan(part, max_rows() - rows)
            if rows > max_rows():
                raise BusinessError(too_many_rows_message(), field="file")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, NotImplementedError) as exc:
        raise BusinessError(broken, field="file") from exc
    finally:
        archive.close()
        stream.seek(0)
    return rows


def too_many_rows_message() -> str:
    return MSG_TOO_MANY_ROWS.format(limit=_thousands(max_rows()))


def check_rows(count: int) -> None:
    if count > max_rows():
        raise BusinessError(too_many_rows_message(), field="file")


def _thousands(n: int) -> str:
    return f"{n:,}".replace(",", ".")
