"""XLSX files in the import template: exports of people and organisations, the blank template, and the
workbook helpers they share; and, as office files (core/office_sheet.py), the data-quality report and a batch's
accounts.

Exports use openpyxl's write-only mode and the queryset's iterator, so a 200,000-row list never sits in
memory. An exported file can be edited and imported again (same headers, same value spellings). Every sheet
made by `add_sheet` writes its values through `neuguong.core.xlsx_cells` (text stays text, never a formula).
"""

import io
import tempfile
from collections.abc import Iterator

from django.http import FileResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill

from neuguong.audit.models import SensitiveAccess
from neuguong.core.office_sheet import Column as OfficeColumn
from neuguong.core.office_sheet import OfficeSheet, office_workbook
from neuguong.core.xlsx_cells import SafeSheet, cell_value

from .columns import CHOICE_LABELS, ORG_COLUMNS, PEOPLE_COLUMNS, Column

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_HEADER_FONT = Font(bold=True, color="FFFFFF")
_HEADER_FILL = PatternFill("solid", fgColor="B71C1C")


def new_workbook() -> Workbook:
    return Workbook(write_only=True)


def add_sheet(
    workbook: Workbook, title: str, headers: list[str], widths: list[int] | None = None
) -> SafeSheet:
    sheet = workbook.create_sheet(title=title[:31])
    for index, width in enumerate(widths or [max(12, len(h) + 4) for h in headers]):
        sheet.column_dimensions[_letter(index)].width = width
    sheet.freeze_panes = "A2"
    row = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=header)
        cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
        row.append(cell)
    sheet.append(row)
    return SafeSheet(sheet)


def _letter(index: int) -> str:
    from .readers import column_letter

    return column_letter(index)


def cell(sheet, value):
    """A value as a cell: dates get the Vietnamese display format, text stays text (never a formula)."""
    return cell_value(sheet, value)


def xlsx_response(workbook: Workbook, filename: str) -> FileResponse:
    """Save to a temporary file (not memory) and stream it to the browser."""
    handle = tempfile.TemporaryFile()  # noqa: SIM115 — closed by FileResponse
    workbook.save(handle)
    handle.seek(0)
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=XLSX_TYPE)


def _widths(columns: tuple[Column, ...]) -> list[int]:
    return [max(14, len(c.header) + 6) for c in columns]


def person_values(person, *, with_citizen_id: bool) -> list:
    out = []
    for column in PEOPLE_COLUMNS:
        key = column.key
        if key == "organization":
            value = person.organization.code
        elif key == "agency":
            value = person.agency.code if person.agency_id else ""
        elif key == "citizen_id":
            value = person.citizen_id if with_citizen_id else ""
        elif column.kind == "choice":
            raw = getattr(person, key)
            value = CHOICE_LABELS[key].get(raw, "") if raw else ""
        else:
            value = getattr(person, key)
        out.append("" if value is None else value)
    return out


def write_people(workbook: Workbook, people, *, scope=None, with_citizen_id: bool = False, actor=None) -> int:
    """Append a 'Đảng viên' sheet; CCCD only where the scope may see it, and every reveal is logged."""
    sheet = add_sheet(workbook, "Đảng viên", [c.header for c in PEOPLE_COLUMNS], _widths(PEOPLE_COLUMNS))
    count = 0
    revealed: list[SensitiveAccess] = []
    for person in people.select_related("organization", "agency").iterator(chunk_size=2_000):
        reveal = bool(
            with_citizen_id
            and person.citizen_id
            and scope
            and scope.can_see_sensitive(person.organization.path)
        )
        sheet.append([cell(sheet, v) for v in person_values(person, with_citizen_id=reveal)])
        if reveal and actor is not None:
            revealed.append(
                SensitiveAccess(
                    user=actor, person_id=person.pk, field_name="citizen_id", purpose="Xuất tệp XLSX"
                )
            )
            if len(revealed) >= 2_000:
                SensitiveAccess.objects.bulk_create(revealed)
                revealed = []
        count += 1
    if revealed:
        SensitiveAccess.objects.bulk_create(revealed)
    return count


def organization_values(org) -> list:
    out = []
    for column in ORG_COLUMNS:
        key = column.key
        if key == "parent":
            value = org.parent.code if org.parent_id else ""
        elif key == "kind":
            value = CHOICE_LABELS["kind"].get(org.kind, "")
        elif key == "has_branch_committee":
            value = "Có" if org.has_branch_committee else "Không"
        else:
            value = getattr(org, key)
        out.append(value or "")
    return out


def write_organizations(workbook: Workbook, organizations) -> int:
    sheet = add_sheet(workbook, "Tổ chức", [c.header for c in ORG_COLUMNS], _widths(ORG_COLUMNS))
    count = 0
    for org in organizations.select_related("parent").order_by("path").iterator(chunk_size=2_000):
        sheet.append(organization_values(org))
        count += 1
    return count


GUIDE_LINES = [
    "Tệp mẫu nhập dữ liệu Nêu Gương",
    "Mỗi trang tính là một danh sách: «Tổ chức» (nhập trước) và «Đảng viên». Dòng 1 là tiêu đề; "
    "dữ liệu bắt đầu từ dòng 2. Có thể xóa trang không dùng.",
    "Tiêu đề cột được nhận ra không phân biệt dấu, chữ hoa/thường, khoảng trắng (ví dụ «ho va ten»). "
    "Cột lạ sẽ được hỏi ghép ở bước sau khi tải lên.",
    "Ngày ghi dd/mm/yyyy (17/05/1980), d/m/yyyy, yyyy-mm-dd hoặc ô kiểu ngày của Excel.",
    "Nhập lại là cập nhật: đảng viên được nhận ra theo số thẻ, nếu không có số thẻ thì theo họ tên + ngày sinh. "
    "Ô để trống không xóa dữ liệu đã có.",
    "Không dùng công thức, không gộp ô ở dòng tiêu đề, không đặt mật khẩu cho tệp.",
    "",
]


def template_workbook() -> Workbook:
    """The blank template: a guide sheet, then empty 'Tổ chức' and 'Đảng viên' sheets with headers."""
    workbook = new_workbook()
    guide = add_sheet(workbook, "Hướng dẫn", ["Hướng dẫn", "", ""], [28, 16, 90])
    for line in GUIDE_LINES:
        guide.append([line])
    for title, columns in (("Trang «Tổ chức»", ORG_COLUMNS), ("Trang «Đảng viên»", PEOPLE_COLUMNS)):
        guide.append([title, "Bắt buộc", "Cách ghi"])
        for column in columns:
            guide.append([column.header, "Có" if column.required else "", column.help])
        guide.append([])
    add_sheet(workbook, "Tổ chức", [c.header for c in ORG_COLUMNS], _widths(ORG_COLUMNS))
    add_sheet(workbook, "Đảng viên", [c.header for c in PEOPLE_COLUMNS], _widths(PEOPLE_COLUMNS))
    return workbook


# --- office files (core/office_sheet.py): the data-quality report and a batch's accounts -----------------
# These are read by people, not imported again: title rows, a frozen boxed header, STT, dd/mm/yyyy dates.

QUALITY_PEOPLE_COLUMNS = [
    OfficeColumn("Họ và tên", 28),
    OfficeColumn("Ngày sinh", 12, "date"),
    OfficeColumn("Số thẻ đảng viên", 16),
    OfficeColumn("Mã tổ chức", 12),
    OfficeColumn("Tổ chức", 36),
    OfficeColumn("Trạng thái", 16),
]
QUALITY_ORG_COLUMNS = [
    OfficeColumn("Mã tổ chức", 12),
    OfficeColumn("Tên tổ chức", 40),
    OfficeColumn("Đảng viên chính thức", 14, "int"),
    OfficeColumn("Đảng viên", 12, "int"),
    OfficeColumn("Có chi ủy", 10),
]


def quality_sheets(*, user, root=None) -> Iterator[OfficeSheet]:
    """The data-quality report: the totals per organisation, then one sheet per check listing what it found
    (read from the database only while its sheet is written)."""
    from . import quality

    summary = quality.quality_summary(user=user, root=root)
    where = root.name if root is not None else ""
    yield OfficeSheet(
        title="Báo cáo chất lượng dữ liệu",
        organization=where,
        sheet_name="Tổng hợp",
        columns=[OfficeColumn("Tổ chức", 40), OfficeColumn("Mã", 12)]
        + [OfficeColumn(c.label, 16, "int") for c in quality.CHECKS],
        rows=(
            [row["organization"].name, row["organization"].code, *row["counts"]] for row in summary["rows"]
        ),
        totals=["Tổng cộng", "", *[item["total"] for item in summary["checks"]]],
    )
    for index, check in enumerate(quality.CHECKS, start=1):
        rows = quality.check_rows(check.key, user=user, root=root)
        name = f"{index}. {check.label}"[:31]
        if check.subject == "people":
            people = rows.select_related("organization").iterator(chunk_size=2_000)
            yield OfficeSheet(
                title=check.label,
                organization=where,
                sheet_name=name,
                columns=QUALITY_PEOPLE_COLUMNS,
                rows=(
                    [
                        p.full_name,
                        p.date_of_birth,
                        p.card_number,
                        p.organization.code,
                        p.organization.name,
                        p.get_status_display(),
                    ]
                    for p in people
                ),
            )
        else:
            yield OfficeSheet(
                title=check.label,
                organization=where,
                sheet_name=name,
                columns=QUALITY_ORG_COLUMNS,
                rows=(
                    [o.code, o.name, o.official, o.members, "Có" if o.has_branch_committee else "Không"]
                    for o in rows
                ),
            )


ACCOUNT_COLUMNS = [
    OfficeColumn("Họ và tên", 28),
    OfficeColumn("Tổ chức", 36),
    OfficeColumn("Tên đăng nhập", 22),
    OfficeColumn("Mật khẩu lần đầu", 20),
]
ACCOUNT_NOTE = "Mật khẩu lần đầu chỉ dùng một lần: người dùng phải đổi ở lần đăng nhập đầu. Giữ kín tệp này."


def account_batch_response(batch, rows: list[list[str]]) -> FileResponse:
    """The accounts of a batch, for the secretary to hand out. Made in memory, never written to disk, and
    never kept by a browser or proxy cache: the rows carry one-time passwords (on the first download only)."""
    data = office_workbook(
        [
            OfficeSheet(
                title="Danh sách tài khoản đăng nhập",
                organization=batch.organization.name,
                sheet_name="Tài khoản",
                columns=ACCOUNT_COLUMNS,
                rows=rows,
                note=ACCOUNT_NOTE,
            )
        ]
    )
    response = FileResponse(
        io.BytesIO(data),
        as_attachment=True,
        filename=f"tai-khoan-{batch.organization.code}.xlsx",
        content_type=XLSX_TYPE,
    )
    response["Cache-Control"] = "private, no-store"
    return response
