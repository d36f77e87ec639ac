"""XLSX export of the coverage page: exactly what the page shows, one sheet per table."""

import io

from openpyxl import Workbook
from openpyxl.styles import Font

from neuguong.core.xlsx_cells import SafeSheet

YES, NO = "Có", "Chưa"


def _sheet(workbook, title: str, header: list[str], rows: list[list]) -> None:
    sheet = SafeSheet(workbook.create_sheet(title))
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    for column, width in zip("ABCDEFGH", (8, 45, 30, 14, 14, 14, 14, 14), strict=False):
        sheet.column_dimensions[column].width = width


def coverage_workbook(report: dict) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    term = report["term"].name if report["term"] else "—"
    _sheet(
        workbook,
        "To chuc",
        ["STT", "Tổ chức", "Mã", f"Năm {report['year']}", f"Nhiệm kỳ {term}", "Lần gần nhất (năm)"],
        [
            [
                index,
                row["organization"].name,
                row["organization"].code,
                row["forms_this_year"] or NO,
                YES if row["this_term"] else NO,
                row["last_year"] or "Chưa bao giờ",
            ]
            for index, row in enumerate(report["organizations"], start=1)
        ],
    )
    _sheet(
        workbook,
        "Nguoi dung dau",
        [
            "STT",
            "Người đứng đầu",
            "Tổ chức",
            f"Năm {report['year']}",
            f"Nhiệm kỳ {term}",
            "Lần gần nhất (năm)",
        ],
        [
            [
                index,
                row["position"].person.full_name,
                row["position"].organization.name,
                row["forms_this_year"] or NO,
                YES if row["this_term"] else NO,
                row["last_year"] or "Chưa bao giờ",
            ]
            for index, row in enumerate(report["heads"], start=1)
        ],
    )
    overdue_rows = []
    for group in report["overdue"]:
        for item in group["items"]:
            recommendation = item["recommendation"]
            overdue_rows.append(
                [
                    len(overdue_rows) + 1,
                    group["organization"].name,
                    recommendation.text[:500],
                    recommendation.inspection.title,
                    item["commitment"].deadline if item["commitment"] else recommendation.deadline,
                    item["status_label"],
                ]
            )
    _sheet(
        workbook,
        "Kien nghi qua han",
        ["STT", "Tổ chức", "Kiến nghị", "Cuộc kiểm tra, giám sát", "Thời hạn", "Tình trạng"],
        overdue_rows,
    )
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                if hasattr(cell.value, "year") and not isinstance(cell.value, int):
                    cell.number_format = "DD/MM/YYYY"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def inspections_workbook(inspections) -> bytes:
    """The inspection list as filtered on the page (all pages), one row per inspection."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    rows = []
    for index, inspection in enumerate(inspections, start=1):
        subjects = "; ".join(
            s.organization.name if s.organization_id else s.person.full_name
            for s in inspection.subjects.all()
        )
        rows.append(
            [
                index,
                inspection.title,
                inspection.get_kind_display(),
                f"{inspection.program.organization.name} ({inspection.program.year})",
                subjects,
                inspection.planned_start,
                inspection.planned_end,
                inspection.get_state_display(),
            ]
        )
    _sheet(
        workbook,
        "Kiem tra giam sat",
        ["STT", "Nội dung", "Hình thức", "Cấp ủy", "Đối tượng", "Từ ngày", "Đến ngày", "Trạng thái"],
        rows,
    )
    for row in workbook.active.iter_rows(min_row=2, min_col=6, max_col=7):
        for cell in row:
            cell.number_format = "DD/MM/YYYY"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
