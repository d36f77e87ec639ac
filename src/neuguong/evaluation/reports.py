"""The review's documents, through `neuguong.docengine`, filled from the same selectors as the pages:

- decision_docx: QUYẾT ĐỊNH về việc xếp loại chất lượng … with its list (the decision registered in the
  deciding committee's register);
- year_report_docx: BÁO CÁO kết quả kiểm điểm, đánh giá, xếp loại chất lượng tổ chức đảng và đảng viên
  năm …, and year_report_xlsx: its annexes (counts and shares by level per grassroots organisation and
  for the subtree, the quota check, comparison with last year, pledges kept or broken, decisions that set
  a rule aside);
- reviews_xlsx: the period's list exactly as shown.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings

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

from .levels import LEVELS, Level, fmt, short
from .models import Period, Review
from .selectors import Counts, Summary, YearReport


def _pct(value) -> str:
    return f"{fmt(value)} %" if value is not None else "—"


def decision_summary(period: Period) -> str:
    """The decision's "Về việc …" line (its summary in the register too)."""
    subjects = " và ".join(
        part
        for part, wanted in (
            ("tổ chức đảng", period.includes_organizations),
            ("đảng viên", period.includes_members),
        )
        if wanted
    )
    label = f"năm {period.year}" if period.kind == "year" else period.name.split("lượng ", 1)[-1]
    return f"Về việc xếp loại chất lượng {subjects} {label}"


def decision_docx(
    *, period: Period, reviews: list[Review], number: str, issued_on: dt.date, signer: str = ""
) -> bytes:
    """The decision and, in its article 1, the list: every subject with the level decided."""
    organization = period.organization
    issuer = document_issuer(organization=organization, on=issued_on)
    members = [r for r in reviews if r.person_id]
    collectives = [r for r in reviews if r.organization_id]
    counts: dict[str, int] = {}
    for review in reviews:
        counts[review.decided_level] = counts.get(review.decided_level, 0) + 1
    tally = "; ".join(f"{Level(level).label}: {counts[level]}" for level in LEVELS if counts.get(level))
    body: list[Heading | Paragraph | Table | Image] = [
        Paragraph("Căn cứ Điều lệ Đảng Cộng sản Việt Nam;"),
        Paragraph(
            f"Căn cứ {period.rule_set.name.split(' (')[0]} về kiểm điểm và đánh giá, xếp loại chất lượng đối với tập thể, cá nhân trong hệ thống chính trị;"
        ),
        Paragraph("Xét đề nghị của các chi bộ và bộ phận tham mưu,"),
        Paragraph(issuer.decides_line, bold=True, align="center", indent=False),
        Paragraph(
            f"Điều 1. Xếp loại chất lượng {period.name.split('lượng ', 1)[-1]} đối với "
            + " và ".join(
                part
                for part in (
                    f"{len(collectives)} tổ chức đảng" if collectives else "",
                    f"{len(members)} đảng viên" if members else "",
                )
                if part
            )
            + f" (có danh sách kèm theo). Kết quả: {tally}."
        ),
    ]
    if collectives:
        body.append(Heading("Danh sách tổ chức đảng", level=2))
        body.append(
            Table(
                columns=["STT", "Tổ chức đảng", "Mức xếp loại"],
                rows=[
                    [i, r.subject_name, Level(r.decided_level).label] for i, r in enumerate(collectives, 1)
                ],
                widths_mm=[15, 95, 55],
            )
        )
    if members:
        body.append(Heading("Danh sách đảng viên", level=2))
        body.append(
            Table(
                columns=["STT", "Họ và tên", "Chi bộ", "Mức xếp loại"],
                rows=[
                    [i, r.subject_name, r.home_organization.name, short(r.decided_level)]
                    for i, r in enumerate(members, 1)
                ],
                widths_mm=[13, 62, 60, 30],
                font_pt=11,
            )
        )
    overridden = [r for r in reviews if r.decision_reason]
    if overridden:
        body.append(
            Paragraph(
                "Các trường hợp cấp ủy quyết định khác quy tắc xếp loại (có lý do): "
                + "; ".join(
                    f"{r.subject_name} ({short(r.decided_level)}): {r.decision_reason}" for r in overridden
                )
                + "."
            )
        )
    body += [
        Paragraph("Điều 2. Quyết định có hiệu lực kể từ ngày ký."),
        Paragraph(
            "Điều 3. Các chi bộ, tổ chức đảng trực thuộc và các đồng chí có tên trong danh sách chịu trách nhiệm thi "
            "hành Quyết định này."
        ),
    ]
    spec = PartyDocument(
        **issuer.document_fields() | ({"signer_name": signer} if signer else {}),
        number=number,
        doc_abbreviation="QĐ",
        issuer_abbreviation=organization.abbreviation or organization.code,
        place=settings.DOCUMENT_PLACE_NAME,
        issued_on=issued_on,
        doc_type="QUYẾT ĐỊNH",
        summary=decision_summary(period),
        body=body,
        recipients=issuer.recipients("Như Điều 3"),
    )
    return render_party_document(spec)


def _level_table(rows: list[Counts], total: Counts, title: str) -> Table:
    columns = ["STT", title, "Số được xếp loại"] + [short(level) for level in LEVELS] + ["Miễn"]
    body = []
    for i, row in enumerate(rows, 1):
        body.append(
            [i, row.label, row.classified]
            + [f"{row.decided[level]} ({_pct(row.share(level))})" for level in LEVELS]
            + [row.excused]
        )
    return Table(
        columns=columns,
        rows=body,
        total_row=["", "Cộng", total.classified]
        + [f"{total.decided[level]} ({_pct(total.share(level))})" for level in LEVELS]
        + [total.excused],
        font_pt=10,
    )


def year_report_docx(*, report: YearReport, today: dt.date) -> bytes:
    organization = report.organization
    issuer = document_issuer(organization=organization, on=today)
    s, members, orgs = report.summary, report.summary.members, report.summary.organizations
    body: list = [
        Heading("I. TÌNH HÌNH TRIỂN KHAI"),
        Paragraph(
            f"Thực hiện {', '.join(sorted({p.rule_set.name.split(' (')[0] for p in report.periods})) or 'quy định hiện hành'}, "
            f"{organization.name} đã triển khai {len(report.periods)} kỳ kiểm điểm, đánh giá, xếp loại chất lượng năm "
            f"{report.year}: "
            + "; ".join(
                f"{p.organization.name} ({p.get_state_display().lower()}"
                + (
                    f", Quyết định số {p.decision_document.number_text}"
                    if p.decision_document is not None
                    else ""
                )
                + ")"
                for p in report.periods
            )
            + "."
        ),
        Heading("II. KẾT QUẢ XẾP LOẠI"),
    ]
    if orgs.total:
        body += [
            Heading("1. Tổ chức đảng", level=2),
            Paragraph(
                f"Tổng số {orgs.total} tổ chức đảng; đã xếp loại {orgs.classified}: "
                + "; ".join(
                    f"{level.label} {orgs.decided[level]} ({_pct(orgs.share(level))})" for level in LEVELS
                )
                + "."
            ),
            _level_table(s.organization_rows, orgs, "Nhóm tổ chức"),
        ]
    if members.total:
        body += [
            Heading("2. Đảng viên", level=2),
            Paragraph(
                f"Tổng số {members.total} đảng viên; đã xếp loại {members.classified}; miễn đánh giá {members.excused}: "
                + "; ".join(
                    f"{level.label} {members.decided[level]} ({_pct(members.share(level))})"
                    for level in LEVELS
                )
                + "."
            ),
            _level_table(s.member_rows, members, "Tổ chức cơ sở đảng"),
        ]
    if s.quota_applies:
        broken = [q for q in s.quota if not q.ok]
        body.append(Heading("3. Tỷ lệ Hoàn thành xuất sắc nhiệm vụ", level=2))
        body.append(
            Paragraph(
                "Tất cả các tổ chức đều bảo đảm tỷ lệ Hoàn thành xuất sắc nhiệm vụ theo quy định."
                if not broken
                else "Vượt tỷ lệ: "
                + "; ".join(f"{q.group} ({q.excellent}/{q.allowed} cho phép)" for q in broken)
                + "."
            )
        )
    body.append(Heading("4. So sánh với năm trước", level=2))
    body.append(
        Table(
            columns=["Mức xếp loại", f"Năm {report.year}", "Tỷ lệ", f"Năm {report.year - 1}", "Tỷ lệ"],
            rows=[
                [row["label"], row["now"], _pct(row["now_share"]), row["before"], _pct(row["before_share"])]
                for row in report.comparison()
            ],
            font_pt=11,
        )
    )
    kept = sum(1 for p in report.pledges if not p["broken"] and not p["pending"])
    broke = sum(1 for p in report.pledges if p["broken"])
    body.append(Heading("5. Thực hiện bản cam kết tu dưỡng, rèn luyện, phấn đấu", level=2))
    body.append(
        Paragraph(
            f"{len(report.pledges)} đảng viên có bản cam kết: {kept} đảng viên thực hiện đầy đủ, {broke} đảng viên "
            "còn nội dung chưa thực hiện (danh sách tại phụ lục)."
        )
    )
    if report.overrides:
        body.append(Heading("6. Trường hợp cấp ủy quyết định khác quy tắc", level=2))
        body += [
            Paragraph(f"{o['name']} ({o['organization']}): {short(o['level'])} — lý do: {o['reason']}")
            for o in report.overrides
        ]
    body += [
        Heading("III. ĐÁNH GIÁ CHUNG"),
        Paragraph("Ưu điểm: ……"),
        Paragraph("Hạn chế, nguyên nhân: ……"),
        Heading("IV. PHƯƠNG HƯỚNG, GIẢI PHÁP"),
        Paragraph("……"),
    ]
    spec = PartyDocument(
        **issuer.document_fields(),
        number="",
        doc_abbreviation="BC",
        issuer_abbreviation=organization.abbreviation or organization.code,
        place=settings.DOCUMENT_PLACE_NAME,
        issued_on=today,
        doc_type="BÁO CÁO",
        summary=f"Kết quả kiểm điểm, đánh giá, xếp loại chất lượng tổ chức đảng và đảng viên năm {report.year}",
        body=body,
        recipients=issuer.recipients("Các tổ chức cơ sở đảng"),
    )
    return render_party_document(spec)


def _counts_sheet(title: str, heading: str, label: str, rows: list[Counts], note: str = "") -> AnnexSheet:
    columns = [
        Column("STT", kind="int", width=6),
        Column(label, width=42),
        Column("Số được xếp loại", kind="int", total=True),
    ]
    for level in LEVELS:
        columns.append(Column(short(level), kind="int", total=True, width=10))
    for index, level in enumerate(LEVELS):
        col = chr(ord("D") + index)
        columns.append(
            Column(
                f"Tỷ lệ {short(level)}",
                kind="percent",
                width=11,
                formula=f"=IF(C{{row}}=0,0,{col}{{row}}/C{{row}})",
            )
        )
    columns += [
        Column("Miễn đánh giá", kind="int", total=True, width=10),
        Column("Chưa xếp loại", kind="int", total=True, width=10),
    ]
    data = [
        [
            i,
            row.label,
            row.classified,
            *[row.decided[level] for level in LEVELS],
            *[None] * 4,
            row.excused,
            sum(row.proposed.values()) + row.waiting,
        ]
        for i, row in enumerate(rows, 1)
    ]
    return AnnexSheet(title=title, heading=heading.split("\n"), columns=columns, rows=data, note=note)


def year_report_xlsx(*, report: YearReport) -> bytes:
    s = report.summary
    sheets = [
        _counts_sheet(
            "PL1 Đảng viên",
            f"PHỤ LỤC 1\nKết quả xếp loại chất lượng đảng viên năm {report.year} theo tổ chức cơ sở đảng — {report.organization.name}",
            "Tổ chức cơ sở đảng",
            s.member_rows,
        ),
        _counts_sheet(
            "PL2 Tổ chức đảng",
            f"PHỤ LỤC 2\nKết quả xếp loại chất lượng tổ chức đảng năm {report.year} theo nhóm — {report.organization.name}",
            "Nhóm tổ chức",
            s.organization_rows,
        ),
        AnnexSheet(
            title="PL3 Tỷ lệ HTXSNV",
            heading=["PHỤ LỤC 3", f"Kiểm tra tỷ lệ Hoàn thành xuất sắc nhiệm vụ năm {report.year}"],
            columns=[
                Column("Tổ chức, nhóm", width=42),
                Column("HTXSNV", kind="int"),
                Column("HTTNV", kind="int"),
                Column("Tối đa HTXSNV", kind="int"),
                Column("Tỷ lệ quy định (%)", kind="decimal"),
                Column("Đạt", width=10),
            ],
            rows=[
                [q.group, q.excellent, q.good, q.allowed, float(q.percent), "Đạt" if q.ok else "Vượt"]
                for q in s.quota
            ],
            note="" if s.quota_applies else "Bộ quy định của năm không áp dụng tỷ lệ.",
        ),
        AnnexSheet(
            title="PL4 So sánh năm trước",
            heading=[
                "PHỤ LỤC 4",
                f"So sánh kết quả xếp loại đảng viên năm {report.year} với năm {report.year - 1}",
            ],
            columns=[
                Column("Mức xếp loại", width=34),
                Column(f"Năm {report.year}", kind="int", total=True),
                Column("Tỷ lệ", kind="percent", formula="=IF({total}=0,0,B{row}/{total})"),
                Column(f"Năm {report.year - 1}", kind="int", total=True),
                Column("Tỷ lệ ", kind="percent", formula="=IF({total}=0,0,D{row}/{total})"),
                Column("Tăng (+), giảm (−)", kind="int", formula="=B{row}-D{row}"),
            ],
            rows=[[row["label"], row["now"], None, row["before"], None, None] for row in report.comparison()],
        ),
        AnnexSheet(
            title="PL5 Bản cam kết",
            heading=[
                "PHỤ LỤC 5",
                f"Đảng viên thực hiện bản cam kết tu dưỡng, rèn luyện, phấn đấu năm {report.year}",
            ],
            columns=[
                Column("STT", kind="int", width=6),
                Column("Họ và tên", width=30),
                Column("Chi bộ", width=34),
                Column("Đã thực hiện", kind="int", total=True),
                Column("Chưa thực hiện", kind="int", total=True),
                Column("Chưa đến hạn", kind="int", total=True),
                Column("Mức xếp loại", width=12),
            ],
            rows=[
                [i, p["name"], p["organization"], p["kept"], p["broken"], p["pending"], short(p["level"])]
                for i, p in enumerate(report.pledges, 1)
            ],
        ),
    ]
    if report.overrides:
        sheets.append(
            AnnexSheet(
                title="PL6 Quyết định khác quy tắc",
                heading=["PHỤ LỤC 6", "Trường hợp cấp ủy quyết định khác quy tắc xếp loại (có lý do)"],
                columns=[
                    Column("Họ và tên", width=28),
                    Column("Chi bộ", width=30),
                    Column("Mức quyết định", width=12),
                    Column("Quy tắc", width=60),
                    Column("Lý do", width=50),
                ],
                rows=[
                    [o["name"], o["organization"], short(o["level"]), " ".join(o["caps"]), o["reason"]]
                    for o in report.overrides
                ],
            )
        )
    return build_workbook(sheets)


def period_summary_xlsx(*, period: Period, summary: Summary) -> bytes:
    """The period's figures as the page shows them (members by grassroots organisation, collectives by group)."""
    sheets = []
    if summary.members.total:
        sheets.append(
            _counts_sheet(
                "Đảng viên",
                f"{period.name}\n{period.organization.name} — kết quả xếp loại đảng viên",
                "Tổ chức cơ sở đảng",
                summary.member_rows,
            )
        )
    if summary.organizations.total:
        sheets.append(
            _counts_sheet(
                "Tổ chức đảng",
                f"{period.name}\n{period.organization.name} — kết quả xếp loại tổ chức đảng",
                "Nhóm tổ chức",
                summary.organization_rows,
            )
        )
    return build_workbook(sheets or [_counts_sheet("Kết quả", period.name, "Tổ chức", [])])


def reviews_xlsx(*, period: Period, reviews: list[Review], show_decision) -> bytes:
    """The list of the period's reviews exactly as the page shows it (its filters and order)."""
    rows = []
    for i, review in enumerate(reviews, 1):
        rows.append(
            [
                i,
                review.subject_name,
                review.home_organization.name,
                review.get_subject_kind_display(),
                ("Dự bị; " if review.is_probationary else "")
                + ("Miễn sinh hoạt" if review.is_exempt else ""),
                review.get_state_display(),
                float(review.self_score) if review.self_score is not None else None,
                float(review.proposed_score) if review.proposed_score is not None else None,
                short(review.proposed_level),
                short(review.decided_level) if show_decision(review) else "",
            ]
        )
    return build_workbook(
        [
            AnnexSheet(
                title="Danh sách",
                heading=[period.name, period.organization.name],
                columns=[
                    Column("STT", kind="int", width=6),
                    Column("Đối tượng", width=30),
                    Column("Nơi kiểm điểm", width=30),
                    Column("Loại", width=22),
                    Column("Ghi chú", width=18),
                    Column("Trạng thái", width=22),
                    Column("Điểm tự chấm", kind="decimal"),
                    Column("Điểm đề xuất", kind="decimal"),
                    Column("Mức đề xuất", width=12),
                    Column("Mức quyết định", width=12),
                ],
                rows=rows,
            )
        ]
    )
