"""XLSX export of exactly what the board shows (same filters, same scope)."""

import io

from django.http import HttpResponse
from openpyxl import Workbook

from neuguong.core.dates import format_vn
from neuguong.core.xlsx_cells import safe_row

from .models import CommitmentCategory, SourceKind
from .status import STATUS_LABELS

HEADERS = [
    "Mã",
    "Nội dung công việc",
    "Kết quả dự kiến",
    "Tổ chức",
    "Người chịu trách nhiệm",
    "Đơn vị chủ trì",
    "Nhóm",
    "Nguồn",
    "Ghi chú nguồn",
    "Ngày bắt đầu",
    "Thời hạn",
    "Thời hạn ban đầu",
    "Ngày hoàn thành",
    "Tiến độ (%)",
    "Trạng thái",
]
WIDTHS = [8, 50, 30, 30, 26, 26, 22, 22, 24, 12, 12, 12, 12, 10, 26]


def board_xlsx(commitments, *, today) -> HttpResponse:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Nhiệm vụ")
    for index, width in enumerate(WIDTHS):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    sheet.append(HEADERS)
    categories = dict(CommitmentCategory.choices)
    sources = dict(SourceKind.choices)
    for c in commitments.iterator(chunk_size=2000):
        sheet.append(
            safe_row(
                sheet,
                (
                    c.pk,
                    c.title,
                    c.expected_result,
                    c.organization.name,
                    c.responsible_person.full_name if c.responsible_person else "",
                    c.lead_unit.name if c.lead_unit else "",
                    categories.get(c.category, c.category),
                    sources.get(c.source_kind, c.source_kind),
                    c.source_note,
                    format_vn(c.start_on),
                    format_vn(c.deadline),
                    format_vn(c.original_deadline),
                    format_vn(c.completed_on),
                    c.progress,
                    STATUS_LABELS[c.status_code],
                ),
            )
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="nhiem-vu-{today:%Y%m%d}.xlsx"'
    return response
