"""Files of the meetings module: the list as XLSX (exactly what is shown), and the compliance report as a
Party-format DOCX with its XLSX annex. Both read the one selector (`selectors.compliance`)."""

from django.conf import settings

from neuguong.core.dates import LOCAL_ZONE
from neuguong.docengine.docformat import (
    Heading,
    Image,
    Paragraph,
    PartyDocument,
    Table,
    render_party_document,
)
from neuguong.docengine.xlsx import AnnexSheet, Column, build_workbook
from neuguong.people.selectors import document_issuer

from . import rules
from .selectors import Compliance, attendance_counts

MONTH_HEADERS = [f"T{m}" for m in range(1, 13)]


def meeting_list_xlsx(meetings) -> bytes:
    """The meetings list as filtered and sorted on the page (every page of it)."""
    rows = []
    for m in meetings.iterator(chunk_size=500):
        rows.append(
            [
                m.organization.name,
                m.get_kind_display(),
                f"{m.for_month.month}/{m.for_month.year}",
                m.starts_at.astimezone(LOCAL_ZONE).strftime("%d/%m/%Y %H:%M"),
                m.place or m.online_link,
                m.topic,
                m.get_state_display(),
                m.halt_reason,
            ]
        )
    sheet = AnnexSheet(
        title="Sinh hoạt chi bộ",
        heading=["DANH SÁCH BUỔI SINH HOẠT CHI BỘ"],
        columns=[
            Column("Chi bộ", width=36),
            Column("Loại", width=22),
            Column("Tháng", width=10),
            Column("Thời gian", width=18),
            Column("Địa điểm", width=28),
            Column("Nội dung", width=50),
            Column("Trạng thái", width=16),
            Column("Lý do hoãn/hủy", width=30),
        ],
        rows=rows,
    )
    return build_workbook([sheet])


def attendance_xlsx(meeting, invitees) -> bytes:
    """The attendance sheet of one meeting (printable, with a signature column)."""
    counts = attendance_counts(meeting)
    rows = [
        [
            n,
            i.person.full_name,
            i.get_reply_display() if i.reply else "",
            i.get_status_display() if i.status else "",
            i.reason or i.reply_reason,
            "",
        ]
        for n, i in enumerate(invitees, 1)
    ]
    sheet = AnnexSheet(
        title="Điểm danh",
        heading=[f"DANH SÁCH ĐIỂM DANH — {meeting.title.upper()}", meeting.organization.name],
        columns=[
            Column("STT", kind="int", width=6),
            Column("Họ và tên", width=30),
            Column("Trả lời thông báo", width=18),
            Column("Điểm danh", width=18),
            Column("Lý do vắng", width=30),
            Column("Ký tên", width=18),
        ],
        rows=rows,
        note=f"Có mặt {counts.present}/{counts.expected} đảng viên phải dự.",
    )
    return build_workbook([sheet])


def _rate(value: float | None) -> float | None:
    return None if value is None else round(value / 100, 4)


def compliance_sheets(report: Compliance) -> list[AnnexSheet]:
    """PL1: the months by chi bộ; PL2: the figures by chi bộ; PL3: resolution items by status."""
    months = AnnexSheet(
        title="PL1 Theo tháng",
        heading=[
            "PHỤ LỤC 1",
            f"Sinh hoạt chi bộ thường kỳ theo tháng năm {report.year} — {report.organization.name}",
        ],
        columns=[Column("Chi bộ", width=36), *[Column(h, width=6) for h in MONTH_HEADERS]],
        rows=[[row.organization.name, *[rules.CELL_SYMBOLS[c] for c in row.cells]] for row in report.rows]
        + [
            [label, *[totals[key] for totals in report.month_totals]]
            for label, key in (
                ("Số chi bộ đã họp", "held"),
                ("Số chi bộ hoãn", "postponed"),
                ("Số chi bộ không họp", "missing"),
            )
        ],
        note="✓ đã họp trong tháng; H✓ hoãn, đã họp bù; H hoãn; ✗ không họp; … đã lên lịch.",
    )
    figures = AnnexSheet(
        title="PL2 Chỉ số",
        heading=["PHỤ LỤC 2", f"Chất lượng sinh hoạt chi bộ năm {report.year}"],
        columns=[
            Column("Chi bộ", width=36),
            Column("Tháng đã họp", kind="int", total=True, width=10),
            Column("Tháng hoãn", kind="int", total=True, width=10),
            Column("Tháng không họp", kind="int", total=True, width=10),
            Column("Buổi chuyên đề", kind="int", total=True, width=10),
            Column("Lượt phải dự", kind="int", total=True, width=10),
            Column("Lượt có mặt", kind="int", total=True, width=10),
            Column("Tỷ lệ có mặt", kind="percent", width=10, formula='=IF(F{row}=0,"",G{row}/F{row})'),
            Column("Thông báo muộn", kind="int", total=True, width=10),
            Column("Tài liệu gửi muộn", kind="int", total=True, width=10),
            Column("Buổi ngắn hơn quy định", kind="int", total=True, width=12),
        ],
        rows=[
            [
                row.organization.name,
                row.held,
                row.postponed,
                row.missing,
                row.thematic,
                row.expected,
                row.present,
                None,
                row.announcements_late,
                row.documents_late,
                row.short,
            ]
            for row in report.rows
        ],
    )
    items = AnnexSheet(
        title="PL3 Nghị quyết",
        heading=["PHỤ LỤC 3", f"Nhiệm vụ theo nghị quyết chi bộ năm {report.year}, theo trạng thái"],
        columns=[
            Column("Chi bộ", width=36),
            *[Column(label, kind="int", total=True, width=12) for _, label in report.status_labels],
            Column("Tỷ lệ đúng hạn", kind="percent", width=10),
        ],
        rows=[
            [
                row.organization.name,
                *[row.items[code] for code, _ in report.status_labels],
                _rate(row.items_on_time_rate),
            ]
            for row in report.rows
        ],
        note="Tỷ lệ đúng hạn = hoàn thành đúng hạn ÷ (hoàn thành đúng hạn + hoàn thành quá hạn + chưa hoàn thành đã quá hạn).",
    )
    return [months, figures, items]


def compliance_xlsx(report: Compliance) -> bytes:
    return build_workbook(compliance_sheets(report))


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f} %".replace(".", ",")


def compliance_docx(report: Compliance) -> bytes:
    """BÁO CÁO tình hình sinh hoạt chi bộ năm Y of the committee, with the same figures as the page."""
    totals = report.totals
    issuer = document_issuer(organization=report.organization, on=report.today)
    branches = len(report.rows)
    body: list[Heading | Paragraph | Table | Image] = [
        Heading("I. TÌNH HÌNH SINH HOẠT CHI BỘ THƯỜNG KỲ"),
        Paragraph(
            f"Năm {report.year}, {report.organization.name} có {branches} chi bộ. Tính đến ngày "
            f"{report.today:%d/%m/%Y}: {totals.held} lượt chi bộ sinh hoạt thường kỳ đúng tháng, {totals.postponed} "
            f"lượt hoãn, {totals.missing} lượt không sinh hoạt; {totals.thematic} buổi sinh hoạt chuyên đề "
            f"(quy định {report.thematic_required} buổi mỗi chi bộ mỗi năm)."
        ),
        Table(
            columns=["Tháng", *[str(m) for m in range(1, 13)]],
            rows=[
                [label, *[t[key] for t in report.month_totals]]
                for label, key in (("Đã họp", "held"), ("Hoãn", "postponed"), ("Không họp", "missing"))
            ],
            widths_mm=[27, *[11.5] * 12],
            font_pt=11,
            caption="Số chi bộ theo tháng",
        ),
        Heading("II. CHẤT LƯỢNG SINH HOẠT"),
        Paragraph(
            f"Tỷ lệ đảng viên có mặt: {_percent(totals.attendance_rate)} ({totals.present}/{totals.expected} lượt). "
            f"Thông báo lịch muộn: {totals.announcements_late}/{totals.announcements} buổi. Tài liệu gửi muộn: "
            f"{totals.documents_late}/{totals.documents} tài liệu. Buổi sinh hoạt ngắn hơn thời lượng quy định: "
            f"{totals.short}/{totals.meetings_held} buổi."
        ),
        Heading("III. THỰC HIỆN NGHỊ QUYẾT CHI BỘ"),
        Paragraph(
            f"Các nghị quyết chi bộ năm {report.year} giao {totals.items_total} nhiệm vụ; tỷ lệ hoàn thành đúng hạn "
            f"{_percent(totals.items_on_time_rate)} (hoàn thành đúng hạn ÷ (đúng hạn + quá hạn + chưa hoàn thành đã "
            "quá hạn))."
        ),
        Table(
            columns=["Trạng thái", "Số nhiệm vụ"],
            rows=[[label, totals.items[code]] for code, label in report.status_labels],
            widths_mm=[120, 40],
        ),
        Heading("IV. TỪNG CHI BỘ"),
        Table(
            columns=["Chi bộ", "Đã họp", "Hoãn", "Không họp", "Có mặt", "TB muộn", "TL muộn", "NQ đúng hạn"],
            rows=[
                [
                    row.organization.name,
                    row.held,
                    row.postponed,
                    row.missing,
                    _percent(row.attendance_rate),
                    row.announcements_late,
                    row.documents_late,
                    _percent(row.items_on_time_rate),
                ]
                for row in report.rows
            ],
            total_row=[
                "Tổng cộng",
                totals.held,
                totals.postponed,
                totals.missing,
                _percent(totals.attendance_rate),
                totals.announcements_late,
                totals.documents_late,
                _percent(totals.items_on_time_rate),
            ],
            widths_mm=[55, 14, 14, 16, 18, 16, 16, 18],
            font_pt=11,
        ),
    ]
    spec = PartyDocument(
        **issuer.document_fields(),
        doc_abbreviation="BC",
        issuer_abbreviation=report.organization.abbreviation or report.organization.code,
        place=settings.DOCUMENT_PLACE_NAME,
        issued_on=report.today,
        doc_type="BÁO CÁO",
        summary=f"Tình hình sinh hoạt chi bộ năm {report.year}",
        body=body,
        recipients=issuer.recipients("Các chi bộ trực thuộc"),
    )
    return render_party_document(spec)
