"""Hostile spreadsheets generated on the fly (nothing binary is committed): small files that expand."""

import io
import zipfile

from openpyxl import Workbook

_CHUNK = 1 << 20


def _base_workbook() -> bytes:
    workbook = Workbook()
    workbook.active.append(["Họ và tên", "Ngày sinh"])
    workbook.active.append(["Nguyễn Văn An", "17/05/1980"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _rewrite(replacements: dict[str, object]) -> bytes:
    """The base workbook with some parts replaced; a value is bytes or a callable writing to a stream."""
    source = zipfile.ZipFile(io.BytesIO(_base_workbook()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        names = set(source.namelist()) | set(replacements)
        for name in sorted(names):
            content = replacements.get(name)
            if content is None:
                target.writestr(name, source.read(name))
            elif callable(content):
                with target.open(name, "w", force_zip64=True) as part:
                    content(part)
            else:
                target.writestr(name, content)
    return out.getvalue()


def shared_string_bomb(size: int) -> bytes:
    """One shared string of `size` characters (419 MB in the report: a 409 KB file)."""

    def write(part):
        part.write(
            b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>'
        )
        block = b"A" * _CHUNK
        left = size
        while left > 0:
            part.write(block[: min(left, _CHUNK)])
            left -= _CHUNK
        part.write(b"</t></si></sst>")

    return _rewrite({"xl/sharedStrings.xml": write})


_SHEET_START = (
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    b'<row><c t="inlineStr"><is><t>H\xe1\xbb\x8d v\xc3\xa0 t\xc3\xaan</t></is></c></row>'
)
_SHEET_END = b"</sheetData></worksheet>"


def many_rows(count: int) -> bytes:
    """A header and `count - 1` one-cell rows without row numbers (2 million in the report: 749 KB)."""

    def write(part):
        part.write(_SHEET_START)
        block = b"<row><c><v>1</v></c></row>" * 10_000
        left = count - 1
        while left > 0:
            n = min(left, 10_000)
            part.write(block[: n * 26])
            left -= n
        part.write(_SHEET_END)

    return _rewrite({"xl/worksheets/sheet1.xml": write})


def far_row(number: int) -> bytes:
    """A header and one row numbered `number`: openpyxl walks every empty row before it."""
    row = b'<row r="%d"><c r="A%d"><v>1</v></c></row>' % (number, number)
    return _rewrite({"xl/worksheets/sheet1.xml": _SHEET_START + row + _SHEET_END})
