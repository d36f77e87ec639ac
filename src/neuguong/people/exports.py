"""XLSX of the sensitive-access log, as filtered on its page."""

import tempfile

from django.http import FileResponse
from django.utils import timezone
from openpyxl import Workbook

from neuguong.core.xlsx_cells import SafeSheet

HEADERS = ["Thời điểm", "Người xem", "Đảng viên", "Tổ chức", "Mục đích"]
WIDTHS = {"A": 18, "B": 24, "C": 30, "D": 40, "E": 30}
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def sensitive_access_xlsx(rows) -> FileResponse:
    workbook = Workbook(write_only=True)
    raw = workbook.create_sheet("Nhật ký xem CCCD")
    for letter, width in WIDTHS.items():
        raw.column_dimensions[letter].width = width
    raw.freeze_panes = "A2"
    sheet = SafeSheet(raw)
    sheet.append(HEADERS)
    for row in rows.iterator(chunk_size=2_000):
        sheet.append(
            [
                timezone.localtime(row.at).strftime("%d/%m/%Y %H:%M"),
                row.user.get_full_name() or row.user.username,
                row.person.full_name,
                row.person.organization.name,
                row.purpose,
            ]
        )
    handle = tempfile.TemporaryFile()  # noqa: SIM115 — closed by FileResponse
    workbook.save(handle)
    handle.seek(0)
    return FileResponse(handle, as_attachment=True, filename="nhat-ky-xem-cccd.xlsx", content_type=XLSX_TYPE)
