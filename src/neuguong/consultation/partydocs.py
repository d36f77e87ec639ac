"""The consultation's documents in the Party's format (through `neuguong.docengine`), filled here from
the same figures the pages show:

- the adopted text (NGHỊ QUYẾT, KẾ HOẠCH … with its sections), registered in the documents register;
- "Báo cáo tổng hợp, tiếp thu, giải trình ý kiến góp ý dự thảo …" (DOCX, PDF), from `draft_summary` and
  `synthesis`, with its XLSX annex (participation by organisation, counts by section, every comment).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings

from neuguong.docengine.docformat import Heading, Paragraph, PartyDocument, Table, render_party_document
from neuguong.docengine.xlsx import AnnexSheet, Column, build_workbook
from neuguong.documents.numbers import ABBREVIATION, DocumentType
from neuguong.people.selectors import document_issuer

from .models import CommenterKind, DispositionKind, Draft, DraftVersion, Stance
from .rules import local_time
from .selectors import UNDISPOSED, Summary, SynthesisBlock, group_disposition, sections_of

# Up to this many organisations the participation table is printed in the report itself; beyond, the
# report gives the totals and points to Phụ lục 1.
PARTICIPATION_ROWS_IN_REPORT = 30


def _paragraphs(text: str, **style) -> list[Paragraph]:
    return [Paragraph(line, **style) for line in (text or "").split("\n") if line.strip()]


def _percent(part: int, whole: int) -> str:
    if not whole:
        return "—"
    return f"{100 * part / whole:.1f}".replace(".", ",") + " %"


def section_blocks(version: DraftVersion) -> list:
    """The version's text as body blocks: top-level sections as level-1 headings, their children as
    level-2, deeper ones with a title as level-3; untitled points as paragraphs starting with their number."""
    blocks: list = _paragraphs(version.preamble)
    sections = sections_of(version)
    parents = {s.parent_id for s in sections}
    for section in sections:
        head = " ".join(part for part in (section.number, section.title) if part)
        # A heading has something under it; a numbered sentence alone ("1. Các tổ chức … thực hiện.") is text.
        is_heading = section.depth == 0 or (section.title and (section.text or section.pk in parents))
        if is_heading:
            blocks.append(Heading(head, level=min(section.depth + 1, 3)))
            blocks += _paragraphs(section.text)
            continue
        lines = [line for line in (section.text or section.title).split("\n") if line.strip()] or [""]
        blocks.append(Paragraph(" ".join(part for part in (section.number, lines[0]) if part)))
        blocks += [Paragraph(line) for line in lines[1:]]
    return blocks


def adopted_text_docx(
    *,
    draft: Draft,
    version: DraftVersion,
    doc_type: str,
    number_text: str,
    issued_on: dt.date,
    summary: str,
    signer: str,
) -> bytes:
    """The adopted text as issued by the drafting organisation, numbered `number_text`."""
    issuer = document_issuer(organization=draft.organization, on=issued_on)
    fields = issuer.document_fields()
    if signer:
        fields["signer_name"] = signer
    spec = PartyDocument(
        **fields,
        number=number_text,
        doc_abbreviation=ABBREVIATION[DocumentType(doc_type)],
        issuer_abbreviation=draft.organization.abbreviation,
        place=settings.DOCUMENT_PLACE_NAME,
        issued_on=issued_on,
        doc_type=DocumentType(doc_type).label.upper(),
        summary=summary,
        body=section_blocks(version),
        recipients=issuer.recipients("Các tổ chức cơ sở đảng trực thuộc"),
    )
    return render_party_document(spec)


# ------------------------------------------------------------------------------------ the synthesis report
def report_summary_line(draft: Draft) -> str:
    return f"Tổng hợp, tiếp thu, giải trình ý kiến góp ý dự thảo {draft.title}"


def _commenter(comment) -> str:
    if comment.commenter_kind == CommenterKind.ORGANIZATION:
        return f"{comment.organization.name} (tập thể, {comment.participant_count} đảng viên tham gia)"
    name = comment.person.full_name if comment.person_id else ""
    if comment.commenter_kind == CommenterKind.DELEGATE:
        return f"Đại biểu {name}"
    return f"Đồng chí {name} ({comment.organization.name})"


def _answer(kind: str, text: str, revised) -> str:
    if not kind:
        return "Chưa tiếp thu, giải trình."
    parts = [DispositionKind(kind).label]
    if text:
        parts.append(text)
    line = ": ".join(parts)
    if revised is not None:
        line += f" (xem {revised.label}, dự thảo lần {revised.version.number})"
    return line


def _participation_table(summary: Summary) -> Table:
    rows = [
        [
            i,
            unit.name,
            unit.invited,
            unit.members_commented,
            _percent(unit.members_commented, unit.invited),
            unit.collective,
            unit.participants,
        ]
        for i, unit in enumerate(summary.units, 1)
    ]
    return Table(
        columns=[
            "TT",
            "Tổ chức",
            "Số được lấy ý kiến",
            "Số đảng viên góp ý",
            "Tỷ lệ",
            "Ý kiến tập thể",
            "Số người thảo luận",
        ],
        rows=rows,
        total_row=[
            "",
            "Tổng cộng",
            summary.members_invited,
            summary.members_commented,
            _percent(summary.members_commented, summary.members_invited),
            summary.commenter_kind[CommenterKind.ORGANIZATION],
            summary.participants,
        ],
        widths_mm=[10, 55, 20, 20, 18, 20, 22],
        font_pt=11,
    )


def report_body(draft: Draft, summary: Summary, blocks: list[SynthesisBlock]) -> list:
    version = draft.consulted
    total = summary.total
    stance, answer = summary.stance, summary.disposition
    organizations = summary.commenter_kind[CommenterKind.ORGANIZATION]
    individual = total - organizations
    closed = draft.closed_at if draft.closed_at and draft.closed_at < draft.closes_at else draft.closes_at
    body: list = [Heading("I. TÌNH HÌNH TỔ CHỨC LẤY Ý KIẾN")]
    body.append(
        Paragraph(
            f"{draft.organization.name} đã đưa dự thảo {draft.title} (dự thảo lần {version.number}) ra lấy ý kiến "
            f"từ {local_time(draft.opens_at)} đến {local_time(closed)}."
        )
    )
    body.append(
        Paragraph(
            f"Có {summary.organizations_took_part}/{summary.organizations_invited} tổ chức "
            f"({_percent(summary.organizations_took_part, summary.organizations_invited)}) và "
            f"{summary.members_commented}/{summary.members_invited} đảng viên, đại biểu được lấy ý kiến "
            f"({_percent(summary.members_commented, summary.members_invited)}) đã góp ý, với tổng số {total} ý kiến: "
            f"{organizations} ý kiến tập thể của tổ chức đảng ({summary.participants} lượt đảng viên tham gia thảo luận) "
            f"và {individual} ý kiến cá nhân (trong đó {summary.on_paper} ý kiến do bí thư nhập từ phiếu góp ý giấy)."
        )
    )
    if len(summary.units) <= PARTICIPATION_ROWS_IN_REPORT:
        body.append(_participation_table(summary))
    else:
        body.append(
            Paragraph("Chi tiết tham gia góp ý của từng tổ chức tại Phụ lục 1 kèm theo.", italic=True)
        )
    body.append(Heading("II. TỔNG HỢP Ý KIẾN GÓP Ý"))
    body.append(
        Table(
            columns=["Ý kiến", "Số ý kiến", "Tỷ lệ"],
            rows=[
                [Stance(code).label, stance[code], _percent(stance[code], total)] for code in Stance.values
            ],
            total_row=["Tổng số", total, _percent(total, total)],
            widths_mm=[80, 35, 35],
        )
    )
    section_rows = [
        [
            ("    " * row.depth) + row.label,
            row.total,
            row.stance[Stance.AGREE],
            row.stance[Stance.DISAGREE],
            row.stance[Stance.PARTLY],
        ]
        for row in summary.sections
        if row.total or row.section is None
    ]
    body.append(
        Table(
            columns=["Phần dự thảo", "Số ý kiến", "Tán thành", "Không tán thành", "Đồng ý một phần"],
            rows=section_rows,
            widths_mm=[75, 22, 22, 22, 24],
            caption="Số ý kiến theo từng phần của dự thảo",
            font_pt=11,
        )
    )
    body.append(Heading("III. TIẾP THU, GIẢI TRÌNH Ý KIẾN GÓP Ý"))
    for block in blocks:
        body.append(Heading(block.figures.full_label, level=2))
        for group, comments in block.groups:
            names = "; ".join(sorted({_commenter(c).split(" (")[0] for c in comments}))
            body.append(Paragraph(f"- {group.summary} ({len(comments)} ý kiến: {names})."))
            shared = group_disposition(comments)
            first = comments[0]
            if shared:
                body.append(
                    Paragraph(_answer(shared, first.disposition_text, first.revised_section), italic=True)
                )
            else:
                for comment in comments:
                    body.append(
                        Paragraph(
                            f"{_commenter(comment)} — {_answer(comment.disposition, comment.disposition_text, comment.revised_section)}",
                            italic=True,
                        )
                    )
        plain_agree = [c for c in block.comments if c.stance == Stance.AGREE and not c.text]
        for comment in block.comments:
            if comment in plain_agree:
                continue
            body.append(
                Paragraph(
                    f"- {_commenter(comment)}: {Stance(comment.stance).label.lower()}. {comment.text}".rstrip()
                )
            )
            body.append(
                Paragraph(
                    _answer(comment.disposition, comment.disposition_text, comment.revised_section),
                    italic=True,
                )
            )
        if plain_agree:
            answered = {c.disposition for c in plain_agree}
            line = f"- {len(plain_agree)} ý kiến tán thành, không đề nghị sửa đổi."
            if answered == {DispositionKind.ALREADY_IN_DRAFT}:
                line += " Ban soạn thảo ghi nhận."
            body.append(Paragraph(line))
    body.append(Heading("IV. KẾT QUẢ"))
    body.append(
        Paragraph(
            f"Trong tổng số {total} ý kiến, ban soạn thảo đã tiếp thu {answer[DispositionKind.ACCEPTED]} ý kiến, "
            f"tiếp thu một phần {answer[DispositionKind.PARTLY_ACCEPTED]} ý kiến, giải trình "
            f"{answer[DispositionKind.EXPLAINED]} ý kiến, {answer[DispositionKind.ALREADY_IN_DRAFT]} ý kiến đã có "
            f"trong dự thảo; còn {answer[UNDISPOSED]} ý kiến chưa tiếp thu, giải trình."
        )
    )
    current = draft.current_version
    if current is not None and current.number > version.number:
        body.append(
            Paragraph(
                f"Trên cơ sở tiếp thu ý kiến, ban soạn thảo đã hoàn chỉnh dự thảo lần {current.number} "
                f"để trình {draft.organization.name} xem xét, thông qua."
            )
        )
    return body


def synthesis_report_docx(
    *, draft: Draft, summary: Summary, blocks: list[SynthesisBlock], today: dt.date
) -> bytes:
    issuer = document_issuer(organization=draft.organization, on=today)
    spec = PartyDocument(
        **issuer.document_fields(),
        number="",
        doc_abbreviation="BC",
        issuer_abbreviation=draft.organization.abbreviation,
        place=settings.DOCUMENT_PLACE_NAME,
        issued_on=today,
        doc_type="BÁO CÁO",
        summary=report_summary_line(draft),
        body=report_body(draft, summary, blocks),
        recipients=issuer.recipients("Các đồng chí Ủy viên Ban Chấp hành"),
    )
    return render_party_document(spec)


def _cell(value):
    """Text as text: openpyxl would store a value starting with "=" as a formula."""
    if isinstance(value, str) and value.startswith("="):
        return " " + value
    return value


SHARE = "=IF(C{row}=0,0,D{row}/C{row})"


def annex_sheets(*, draft: Draft, summary: Summary, comments) -> list[AnnexSheet]:
    title = report_summary_line(draft)
    labels = {row.section.pk: row.full_label for row in summary.sections if row.section is not None}
    participation = AnnexSheet(
        title="PL1 Tham gia",
        heading=["PHỤ LỤC 1", "Tham gia góp ý theo tổ chức", title],
        columns=[
            Column("TT", kind="int", width=6),
            Column("Tổ chức", width=45),
            Column("Số được lấy ý kiến", kind="int", total=True),
            Column("Số đảng viên góp ý", kind="int", total=True),
            Column("Tỷ lệ", kind="percent", formula=SHARE),
            Column("Ý kiến tập thể", kind="int", total=True),
            Column("Số người tham gia thảo luận", kind="int", total=True),
            Column("Tổng số ý kiến", kind="int", total=True),
        ],
        rows=[
            [i, _cell(u.name), u.invited, u.members_commented, None, u.collective, u.participants, u.comments]
            for i, u in enumerate(summary.units, 1)
        ],
    )
    by_section = AnnexSheet(
        title="PL2 Theo phần",
        heading=[
            "PHỤ LỤC 2",
            "Số ý kiến theo phần dự thảo, theo ý kiến và theo kết quả tiếp thu, giải trình",
            title,
        ],
        columns=[
            Column("Phần dự thảo", width=50),
            Column("Tổng số", kind="int", total=True),
            *(Column(Stance(code).label, kind="int", total=True) for code in Stance.values),
            *(Column(DispositionKind(code).label, kind="int", total=True) for code in DispositionKind.values),
            Column("Chưa xử lý", kind="int", total=True),
        ],
        rows=[
            [
                _cell(("    " * row.depth) + row.label),
                row.total,
                *(row.stance[code] for code in Stance.values),
                *(row.disposition[code] for code in DispositionKind.values),
                row.disposition[UNDISPOSED],
            ]
            for row in summary.sections
        ],
    )
    rows = []
    for i, c in enumerate(comments, 1):
        rows.append(
            [
                i,
                _cell(
                    labels.get(c.section_id, c.section.label) if c.section is not None else "Toàn bộ dự thảo"
                ),
                _cell(c.commenter_name),
                CommenterKind(c.commenter_kind).label,
                c.participant_count,
                Stance(c.stance).label,
                _cell(c.text),
                _cell(c.group.summary if c.group_id else ""),
                DispositionKind(c.disposition).label if c.disposition else "Chưa xử lý",
                _cell(c.disposition_text),
                _cell(
                    f"{c.revised_section.label} (lần {c.revised_section.version.number})"
                    if c.revised_section_id
                    else ""
                ),
                "Có" if c.on_paper else "",
                local_time(c.created_at),
            ]
        )
    each = AnnexSheet(
        title="PL3 Ý kiến",
        heading=["PHỤ LỤC 3", "Ý kiến góp ý và kết quả tiếp thu, giải trình", title],
        columns=[
            Column("TT", kind="int", width=6),
            Column("Phần dự thảo", width=28),
            Column("Người, tổ chức góp ý", width=30),
            Column("Là", width=16),
            Column("Số người thảo luận", kind="int", width=10),
            Column("Ý kiến", width=14),
            Column("Nội dung góp ý", width=60),
            Column("Nhóm ý kiến", width=30),
            Column("Tiếp thu, giải trình", width=16),
            Column("Nội dung tiếp thu, giải trình", width=50),
            Column("Phần đã sửa", width=28),
            Column("Nhập từ phiếu giấy", width=10),
            Column("Thời điểm gửi", width=18),
        ],
        rows=rows,
    )
    return [participation, by_section, each]


def synthesis_annex_xlsx(*, draft: Draft, summary: Summary, comments) -> bytes:
    return build_workbook(annex_sheets(draft=draft, summary=summary, comments=comments))
