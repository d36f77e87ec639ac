"""XLSX export of exactly what the board shows (same filters, same scope), as an office file
(core/office_sheet.py: title, organisation, date, STT, real dates, print set-up)."""

from django.http import HttpResponse

from neuguong.core.office_sheet import Column, office_sheet, xlsx_response

from .models import CommitmentCategory, SourceKind
from .status import STATUS_LABELS

COLUMNS = [
    Column("Nội dung công việc", 50),
    Column("Kết quả dự kiến", 30),
    Column("Tổ chức", 30),
    Column("Người chịu trách nhiệm", 26),
    Column("Đơn vị chủ trì", 26),
    Column("Nhóm", 22),
    Column("Nguồn", 22),
    Column("Ghi chú nguồn", 24),
    Column("Ngày bắt đầu", 13, "date"),
    Column("Thời hạn", 13, "date"),
    Column("Thời hạn ban đầu", 13, "date"),
    Column("Ngày hoàn thành", 13, "date"),
    Column("Tiến độ (%)", 10, "int"),
    Column("Trạng thái", 26),
]
HEADERS = [c.header for c in COLUMNS]


def board_xlsx(commitments, *, today, organization: str = "") -> HttpResponse:
    categories = dict(CommitmentCategory.choices)
    sources = dict(SourceKind.choices)
    rows = (
        (
            c.title,
            c.expected_result,
            c.organization.name,
            c.responsible_person.full_name if c.responsible_person else "",
            c.lead_unit.name if c.lead_unit else "",
            categories.get(c.category, c.category),
            sources.get(c.source_kind, c.source_kind),
            c.source_note,
            c.start_on,
            c.deadline,
            c.original_deadline,
            c.completed_on,
            c.progress,
            STATUS_LABELS[c.status_code],
        )
        for c in commitments.iterator(chunk_size=2000)
    )
    data = office_sheet(
        title="Bảng theo dõi nhiệm vụ",
        organization=organization,
        columns=COLUMNS,
        rows=rows,
        sheet_name="Nhiệm vụ",
        made_on=today,
    )
    return xlsx_response(data, f"nhiem-vu-{today:%Y%m%d}.xlsx")
