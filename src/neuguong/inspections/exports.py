"""XLSX exports of the coverage page and the inspection list: exactly what the pages show, one sheet per
table, as office files (core/office_sheet.py)."""

from neuguong.core.office_sheet import Column, OfficeSheet, office_workbook

YES, NO = "Có", "Chưa"
WIDTHS = (45, 30, 14, 14, 14, 14, 14)
TITLES = {
    "To chuc": "Tổ chức được kiểm tra, giám sát",
    "Nguoi dung dau": "Người đứng đầu được kiểm tra, giám sát",
    "Kien nghi qua han": "Kiến nghị quá hạn chưa thực hiện",
    "Kiem tra giam sat": "Danh sách cuộc kiểm tra, giám sát",
}


def _sheet(sheets: list[OfficeSheet], name: str, header: list[str], rows: list[list]) -> None:
    # The rows carry their STT first: the office sheet numbers them itself.
    columns = [Column(h, w) for h, w in zip(header[1:], WIDTHS, strict=False)]
    sheets.append(OfficeSheet(TITLES.get(name, name), columns, [row[1:] for row in rows], sheet_name=name))


def coverage_workbook(report: dict) -> bytes:
    workbook: list[OfficeSheet] = []
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
    overdue_rows: list[list] = []
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
    return office_workbook(workbook)


def inspections_workbook(inspections) -> bytes:
    """The inspection list as filtered on the page (all pages), one row per inspection."""
    workbook: list[OfficeSheet] = []
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
    return office_workbook(workbook)
