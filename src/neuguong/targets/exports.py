"""XLSX of exactly what the pages show (the same selectors), with real numbers, not text."""

import io

from django.http import HttpResponse
from openpyxl import Workbook

from neuguong.core.office_sheet import Column, office_sheet
from neuguong.core.xlsx_cells import SafeSheet

from . import rules

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _book(title: str, heading: str, columns: list[tuple[str, int]], rows: list[list]) -> bytes:
    """An office file (core/office_sheet.py): the heading as its title, real numbers, real dates."""
    return office_sheet(
        title=heading,
        columns=[Column(name, width) for name, width in columns],
        rows=([float(v) if isinstance(v, rules.Decimal) else v for v in row] for row in rows),
        sheet_name=title,
    )


def rollup_workbook(indicator, year: int, rollup: dict) -> bytes:
    columns = [("Cơ quan, đơn vị", 40), ("Chỉ tiêu năm", 14)]
    periods = rollup["periods"]
    for p in periods:
        columns += [(f"{p.label}: kết quả", 14), (f"{p.label}: đánh giá", 14)]
    rows = []
    for row in rollup["rows"]:
        line = [row["target"].agency.name, row["target"].target_value]
        for cell in row["cells"]:
            line += [cell.value, cell.status_label]
        rows.append(line)
    heading = f"{indicator.code}. {indicator.name} ({indicator.unit}) — năm {year}"
    return _book("Tổng hợp", heading, columns, rows)


def overdue_workbook(rows: list[dict]) -> bytes:
    columns = [
        ("Cơ quan, đơn vị", 40),
        ("Chỉ tiêu", 50),
        ("Kỳ", 16),
        ("Hạn báo cáo", 14),
        ("Số ngày quá hạn", 14),
    ]
    data = [
        [
            r["target"].agency.name,
            r["target"].indicator.name,
            r["cell"].label,
            r["cell"].deadline,
            r["days_late"],
        ]
        for r in rows
    ]
    return _book("Quá hạn", "Kỳ báo cáo chỉ tiêu quá hạn chưa báo cáo", columns, data)


def set_workbook(scoring_set) -> bytes:
    """The set in the import format, so it can be edited and imported as a new version."""
    rows = []
    for area in scoring_set.areas.prefetch_related("criteria__components"):
        rows.append([area.code, area.name, area.max_points, ""])
        for criterion in area.criteria.all():
            rows.append([criterion.code, criterion.name, criterion.max_points, criterion.guide])
            for component in criterion.components.all():
                rows.append([component.code, component.name, component.max_points, component.guide])
    workbook = Workbook()
    sheet = SafeSheet(workbook.active)
    sheet.title = "Bộ chỉ số"
    sheet.append(["Mã", "Nội dung", "Điểm tối đa", "Hướng dẫn chấm"])
    for row in rows:
        sheet.append([float(v) if isinstance(v, rules.Decimal) else v for v in row])
    sheet.column_dimensions["B"].width = 70
    sheet.column_dimensions["D"].width = 50
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
