"""Builders for targets and scoring tests: agencies in the shared tree, XLSX files, a published set."""

import datetime as dt
import io
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from neuguong.organizations.models import Agency
from neuguong.targets import services

PDF = b"%PDF-1.4\n% test evidence\n"

# A small set: 2 areas, 3 criteria, 5 components, 30 points.
SET_ROWS = [
    ("Mã", "Nội dung", "Điểm tối đa", "Hướng dẫn chấm"),
    ("1", "Công tác chỉ đạo, điều hành CCHC", 12, ""),
    ("1.1", "Kế hoạch CCHC năm", 6, ""),
    ("1.1.1", "Ban hành kế hoạch đúng hạn", 4, "Ban hành trước 31/12: 4 điểm; muộn: 0"),
    ("1.1.2", "Mức độ hoàn thành kế hoạch", 2, "100 %: 2 điểm; dưới 100 %: 0"),
    ("1.2", "Báo cáo CCHC", 6, ""),
    ("1.2.1", "Báo cáo đầy đủ, đúng hạn", 6, "Đủ 4 báo cáo quý: 6 điểm"),
    ("2", "Cải cách thủ tục hành chính", 18, ""),
    ("2.1", "Giải quyết thủ tục hành chính", 18, ""),
    ("2.1.1", "Tỷ lệ hồ sơ giải quyết đúng hạn", 10, ""),
    ("2.1.2", "Công khai thủ tục hành chính", "8", ""),
]


def xlsx(rows, name: str = "tep.xlsx") -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(
        name,
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def pdf(name: str = "minh-chung.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def agencies_for(tree) -> tuple[Agency, Agency, Agency]:
    """Agency A (in org_a), A1 (in branch_a, head = person_a) and B (in org_b)."""
    agency_a = Agency.objects.create(code="CQA", name="Sở Tài chính", organization=tree.org_a)
    agency_a1 = Agency.objects.create(
        code="CQA1", name="Phòng Ngân sách", organization=tree.branch_a, head=tree.person_a
    )
    agency_b = Agency.objects.create(code="CQB", name="Sở Tư pháp", organization=tree.org_b)
    return agency_a, agency_a1, agency_b


def published_set(tree, *, year: int = 2026):
    scoring_set = services.scoring_set_import(
        actor=tree.staff, organization=tree.root, name="Bộ chỉ số CCHC", year=year, upload=xlsx(SET_ROWS)
    )
    return services.scoring_set_publish(actor=tree.staff, scoring_set=scoring_set)


def open_cycle(tree, agencies, *, deadline=dt.date(2026, 12, 15), survey_max=Decimal("10"), team=None):
    scoring_set = published_set(tree)
    return services.cycle_create(
        actor=tree.staff,
        organization=tree.root,
        scoring_set=scoring_set,
        name="Chấm điểm CCHC năm 2026",
        year=2026,
        self_deadline=deadline,
        survey_max_points=survey_max,
        team=team if team is not None else [tree.staff],
        agencies=agencies,
    )
