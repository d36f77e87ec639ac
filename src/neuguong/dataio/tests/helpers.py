import csv
import io
import unicodedata

from openpyxl import Workbook

from neuguong.dataio.columns import PEOPLE_COLUMNS

PEOPLE_HEADERS = [c.header for c in PEOPLE_COLUMNS]


def csv_bytes(rows: list[list], *, encoding: str = "utf-8", delimiter: str = ",") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    text = out.getvalue()
    if encoding == "cp1258":
        return to_cp1258(text)
    return text.encode(encoding)


def to_cp1258(text: str) -> bytes:
    """How older Vietnamese Excel writes CSV: base letters precomposed where CP1258 has them (â, ê, ơ, ư…),
    tone marks as combining characters."""
    out = bytearray()
    clusters: list[list[str]] = []
    for ch in unicodedata.normalize("NFD", text):
        if unicodedata.combining(ch) and clusters:
            clusters[-1].append(ch)
        else:
            clusters.append([ch])
    for base, *marks in clusters:
        for mark in marks:
            composed = unicodedata.normalize("NFC", base + mark)
            if len(composed) == 1:
                try:
                    composed.encode("cp1258")
                except UnicodeEncodeError:
                    continue
                base, marks = composed, [m for m in marks if m is not mark]
                break
        out += (base + "".join(marks)).encode("cp1258")
    return bytes(out)


def xlsx_bytes(sheets: dict[str, list[list]], *, merge: str | None = None) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
        if merge:
            sheet.merge_cells(merge)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def opener(data: bytes):
    return lambda: io.BytesIO(data)


def person_row(**values) -> list:
    """A row in template order from keyword values named by column key."""
    return [values.get(c.key, "") for c in PEOPLE_COLUMNS]
