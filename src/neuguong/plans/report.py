"""The report "Báo cáo kết quả N năm thực hiện Kế hoạch số …" of a plan, for any period: its figures (the
same `plan_progress` as the page and the API, plus the study campaigns carrying out its items and the
indicators' latest values), its document in the Party format (`docengine`) around the narrative sections
written in a draft, and its XLSX annex. Nothing here counts anything: figures come from the selectors.

The draft (its text, number, signer) is kept by the reports module's drafts, which also renders the
files (DOCX, PDF through LibreOffice, XLSX) and runs `manage.py make_report plan`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings

from neuguong.commitments.status import DONE_LATE, DONE_ON_TIME
from neuguong.core.dates import format_vn
from neuguong.core.text import fold
from neuguong.docengine.charts import Bar, BarChart
from neuguong.docengine.docformat import Heading, Image, Paragraph, PartyDocument, Table
from neuguong.docengine.xlsx import AnnexSheet, Column
from neuguong.organizations.models import Organization

from .models import Plan
from .report_sections import NARRATIVE_SECTIONS
from .selectors import (
    CampaignFigures,
    GroupRow,
    HeadRow,
    IndicatorSummary,
    PlanProgress,
    indicator_summaries,
    plan_progress,
    study_figures,
)

KIND_WORDS = {
    "plan": "Kế hoạch",
    "program": "Chương trình",
    "project": "Đề án",
    "resolution": "Nghị quyết",
    "directive": "Chỉ thị",
    "conclusion": "Kết luận",
}
CHART_MAX_BARS = 15


@dataclass
class PlanReportFigures:
    """Every figure of the report, for one user (their part of the plan), period and day."""

    plan: Plan
    progress: PlanProgress
    issuer: Organization  # who reports: the plan's organisation, or the reader's own for her part
    campaigns: list[CampaignFigures] = field(default_factory=list)
    indicators: list[IndicatorSummary] = field(default_factory=list)

    @property
    def start(self) -> dt.date:
        return self.progress.start or self.plan.starts_on

    @property
    def end(self) -> dt.date:
        return self.progress.end or self.progress.today

    def as_dict(self) -> dict:
        return {
            **self.progress.as_dict(),
            "issuer": self.issuer.code,
            "heads": [
                {
                    "person_id": h.person_id,
                    "name": h.name,
                    "organization": h.organization,
                    **h.counts.as_dict(),
                }
                for h in self.progress.heads
            ],
            "campaigns": [
                {
                    "campaign": c.campaign.pk,
                    "item": c.item.pk,
                    "sessions": c.sessions,
                    "invited": c.invited,
                    "attended": c.attended + c.made_up,
                    "attendance_rate": c.attendance_rate,
                    "reflections_submitted": c.reflections_submitted,
                    "reflections_with_plans": c.reflections_with_plans,
                }
                for c in self.campaigns
            ],
        }


def default_period(plan: Plan, today: dt.date) -> tuple[dt.date, dt.date]:
    """The first whole year of the plan (from the day it starts), or up to today if not yet a year."""
    try:
        year_on = plan.starts_on.replace(year=plan.starts_on.year + 1)
    except ValueError:  # 29/02
        year_on = plan.starts_on.replace(year=plan.starts_on.year + 1, day=28)
    return plan.starts_on, min(year_on - dt.timedelta(days=1), max(today, plan.starts_on))


def plan_report_figures(
    *, user, plan: Plan, start: dt.date, end: dt.date, today: dt.date, issuer: Organization | None = None
) -> PlanReportFigures:
    """The report's figures: the plan's progress for the commitments due in [start, end] as of `today`
    (the page's and the API's selector), the study campaigns and the indicators."""
    progress = plan_progress(user=user, plan=plan, today=today, start=start, end=end)
    items = [row.item for row in progress.rows]
    return PlanReportFigures(
        plan=plan,
        progress=progress,
        issuer=issuer or report_issuer(plan, progress),
        campaigns=study_figures(user=user, items=items),
        indicators=indicator_summaries(
            user=user, items=items, organization=progress.base or plan.applies_to, today=today
        ),
    )


def report_issuer(plan: Plan, progress: PlanProgress) -> Organization:
    """Who reports on the plan: its own organisation for a reader of all of it; a secretary reports on her
    part (her organisation), as each grassroots organisation reports upward."""
    if progress.full or progress.base is None:
        return plan.organization
    return progress.base


def duration_words(plan: Plan, end: dt.date) -> str:
    """'1 năm', '2 năm', '6 tháng' since the plan started (the report's name)."""
    months = (
        (end.year - plan.starts_on.year) * 12
        + end.month
        - plan.starts_on.month
        + (1 if end.day >= plan.starts_on.day else 0)
    )
    months = max(months, 1)
    if months >= 12 and months % 12 in (0, 1, 11):
        return f"{round(months / 12)} năm"
    return f"{months} tháng"


def report_summary(figures: PlanReportFigures) -> str:
    """The summary (trích yếu): 'Kết quả 1 năm thực hiện Kế hoạch số 165-KH/ĐUK ngày 31/10/2019 …'."""
    plan = figures.plan
    kind = KIND_WORDS.get(plan.document.doc_type, plan.kind_label)
    cited = (
        f"{kind} số {plan.document.number_text} ngày {format_vn(plan.document.issued_on)} của "
        f"{issuing_authority(plan.organization)} về {_lower_first(plan.title)}"
    )
    if figures.start <= plan.starts_on:
        # From the plan's start: "N năm thực hiện …" (what has been done so far).
        return f"Kết quả {duration_words(plan, figures.end)} thực hiện {cited}"
    return f"Kết quả thực hiện {cited} từ {format_vn(figures.start)} đến {format_vn(figures.end)}"


def issuing_authority(organization: Organization) -> str:
    """Who issued the plan, as a report cites it: 'Ban Thường vụ Đảng ủy Khối Các cơ quan tỉnh' (a committee
    above grassroots level), 'Đảng ủy …' (a grassroots committee), 'Chi bộ …'."""
    from neuguong.docengine.issuers import COMMITTEE_KINDS, SUPERIOR, committee_name

    if organization.kind == SUPERIOR:
        return f"Ban Thường vụ {committee_name(organization.name)}"
    if organization.kind in COMMITTEE_KINDS:
        return committee_name(organization.name)
    return organization.name


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[:2] != text[:2].upper() else text


def pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}".replace(".", ",") + "%"


def summary_sentence(figures: PlanReportFigures) -> str:
    """The generated paragraph of figures (not editable): what was due, done, on time, still open."""
    p = figures.progress
    t = p.totals
    who = figures.issuer.name if not p.full else f"toàn {p.plan.applies_to.name}"
    if not t.total:
        return (
            f"Từ {format_vn(figures.start)} đến {format_vn(figures.end)}, {who} chưa có nhiệm vụ nào "
            f"thực hiện {p.plan.document.number_text} đến hạn; chưa có số liệu để tổng hợp."
        )
    return (
        f"Từ {format_vn(figures.start)} đến {format_vn(figures.end)}, {who} có {t.total} nhiệm vụ thực hiện "
        f"{p.plan.document.number_text} đến hạn (số liệu tính đến ngày {format_vn(p.today)}); đã hoàn thành "
        f"{t.done} ({pct(t.completion_rate)} số nhiệm vụ còn hiệu lực), trong đó đúng hạn "
        f"{t.counts[DONE_ON_TIME]}, quá hạn {t.counts[DONE_LATE]}; chưa hoàn thành {t.open}, trong đó quá hạn "
        f"{t.overdue}. Tỷ lệ hoàn thành đúng hạn {pct(t.on_time_rate)} "
        f"({pct(t.on_time_share_of_done)} trong số đã hoàn thành). Tiến độ chung"
        f"{' (theo trọng số các mục)' if p.weighted else ''}: {pct(p.progress)}."
    )


def exemplary_sentence(figures: PlanReportFigures) -> str:
    e = figures.progress.exemplary
    if not e.total:
        return "Trong kỳ không có nhiệm vụ trách nhiệm nêu gương nào đến hạn."
    return (
        f"Nhiệm vụ trách nhiệm nêu gương (Quy định 101-QĐ/TW, Quy định 55-QĐ/TW, Quy định 08-QĐi/TW): "
        f"{e.total} nhiệm vụ; đã hoàn thành {e.done}, trong đó đúng hạn {e.counts[DONE_ON_TIME]}; quá hạn "
        f"chưa hoàn thành {e.overdue}; tỷ lệ hoàn thành đúng hạn {pct(e.on_time_rate)}."
    )


# ------------------------------------------------------------------------------------------- tables
def _counts_cells(counts) -> list:
    return [
        counts.live,
        counts.counts[DONE_ON_TIME],
        counts.counts[DONE_LATE],
        counts.open_on_time,
        counts.overdue,
        counts.on_time_rate,
    ]


COUNT_COLUMNS = [
    "Tổng số",
    "Xong đúng hạn",
    "Xong quá hạn",
    "Chưa xong, trong hạn",
    "Chưa xong, quá hạn",
    "Tỷ lệ đúng hạn (%)",
]


def item_table(figures: PlanReportFigures) -> Table:
    """Bảng 1: each item (with its sub-items' commitments), its progress; the plan's total last."""
    rows = [
        [row.item.number, row.item.title, *_counts_cells(row.total), row.progress]
        for row in figures.progress.rows
    ]
    return Table(
        ["Mục", "Nội dung", *COUNT_COLUMNS, "Tiến độ (%)"],
        rows,
        total_row=["", "Toàn kế hoạch", *_counts_cells(figures.progress.totals), figures.progress.progress],
        widths_mm=[13, 50, 14, 14, 14, 15, 15, 15, 15],
        caption="Bảng 1. Kết quả thực hiện theo từng mục của kế hoạch",
        font_pt=10,
    )


def group_table(rows: list[GroupRow], *, header: str, caption: str, totals) -> Table:
    return Table(
        ["STT", header, *COUNT_COLUMNS],
        [[i + 1, row.label, *_counts_cells(row.counts)] for i, row in enumerate(rows)],
        total_row=["", "Tổng cộng", *_counts_cells(totals)],
        widths_mm=[11, 58, 16, 16, 16, 16, 16, 16],
        caption=caption,
        font_pt=10,
    )


def heads_table(heads: list[HeadRow]) -> Table:
    return Table(
        [
            "STT",
            "Họ và tên",
            "Tổ chức đảng",
            "Tổng số",
            "Đã hoàn thành",
            "Quá hạn chưa xong",
            "Tỷ lệ đúng hạn (%)",
        ],
        [
            [
                i + 1,
                h.name,
                h.organization,
                h.counts.live,
                h.counts.done,
                h.counts.overdue,
                h.counts.on_time_rate,
            ]
            for i, h in enumerate(heads)
        ],
        widths_mm=[11, 40, 50, 16, 16, 16, 16],
        caption="Bảng 4. Kết quả thực hiện của người đứng đầu cơ quan, đơn vị",
        font_pt=10,
    )


def campaigns_table(campaigns: list[CampaignFigures]) -> Table:
    return Table(
        [
            "STT",
            "Đợt học tập (mục)",
            "Buổi học",
            "Triệu tập",
            "Dự học (kể cả học bù)",
            "Tỷ lệ dự (%)",
            "Thu hoạch đã nộp",
            "Có kế hoạch vận dụng",
        ],
        [
            [
                i + 1,
                f"{c.campaign.title} ({c.item.number})",
                c.sessions,
                c.invited,
                c.attended + c.made_up,
                c.attendance_rate,
                c.reflections_submitted,
                c.reflections_with_plans,
            ]
            for i, c in enumerate(campaigns)
        ],
        widths_mm=[10, 55, 14, 16, 18, 16, 18, 18],
        caption="Bảng 5. Học tập, quán triệt nghị quyết theo các mục của đề án",
        font_pt=10,
    )


def indicators_table(indicators: list[IndicatorSummary]) -> Table:
    return Table(
        [
            "STT",
            "Chỉ tiêu",
            "Kỳ gần nhất",
            "Đơn vị báo cáo",
            "Đạt, vượt",
            "Giá trị bình quân",
            "Chỉ tiêu bình quân",
        ],
        [
            [
                i + 1,
                f"{s.indicator.name} ({s.indicator.unit})",
                s.period_label or "chưa có số liệu",
                f"{s.reported}/{s.agencies}",
                s.reached,
                None if s.value_mean is None else float(s.value_mean),
                None if s.target_mean is None else float(s.target_mean),
            ]
            for i, s in enumerate(indicators)
        ],
        widths_mm=[10, 55, 25, 18, 15, 21, 21],
        caption="Bảng 6. Chỉ tiêu gắn với các mục của kế hoạch (số liệu kỳ gần nhất)",
        font_pt=10,
    )


def child_chart(figures: PlanReportFigures) -> BarChart:
    """On-time rate of each organisation (numbered as in Bảng 3); beyond 15 rows, the 15 lowest."""
    numbered = [(i + 1, row) for i, row in enumerate(figures.progress.by_child)]
    title = (
        f"Tỷ lệ hoàn thành đúng hạn theo tổ chức, từ {format_vn(figures.start)} đến {format_vn(figures.end)}"
    )
    if len(numbered) > CHART_MAX_BARS:
        rated = [pair for pair in numbered if pair[1].counts.on_time_rate is not None]
        numbered = sorted(rated, key=lambda pair: (pair[1].counts.on_time_rate, pair[0]))[:CHART_MAX_BARS]
        title += f" — {CHART_MAX_BARS} tổ chức có tỷ lệ thấp nhất"
    patterns = ("solid", "diagonal", "dots", "cross", "horizontal")
    return BarChart(
        title=title,
        bars=[
            Bar(row.label, row.counts.on_time_rate, patterns[i % len(patterns)], number=n)
            for i, (n, row) in enumerate(numbered)
        ],
        max_value=100,
        unit="%",
    )


# ---------------------------------------------------------------------------------------- document
def _narrative(narrative: dict, names: tuple[str, ...], number: list[int]) -> list:
    headings = dict(NARRATIVE_SECTIONS)
    blocks: list = []
    for name in names:
        text = (narrative.get(name) or "").strip()
        if not text:
            continue
        number[0] += 1
        blocks.append(Heading(f"{number[0]}. {headings[name]}", 2))
        blocks.extend(Paragraph(line.strip()) for line in text.splitlines() if line.strip())
    return blocks


def report_document(
    figures: PlanReportFigures,
    *,
    narrative: dict,
    issued_on: dt.date,
    number: str = "",
    signing_authority: str = "",
    signer_position: str = "",
    signer_name: str = "",
    recipients: list[str] | None = None,
) -> PartyDocument:
    """The report in the Party format: generated figures and tables, the draft's text around them; who
    issues and signs by the one rule (docengine.issuers), unless the draft says otherwise."""
    from neuguong.people.selectors import document_issuer

    p = figures.progress
    body: list = [Heading("I. KẾT QUẢ THỰC HIỆN")]
    n = [0]
    body += _narrative(narrative, ("intro",), n)
    n[0] += 1
    body += [Heading(f"{n[0]}. Kết quả thực hiện các nhiệm vụ", 2), Paragraph(summary_sentence(figures))]
    if p.totals.total:
        body.append(item_table(figures))
        if p.by_lead_unit:
            n[0] += 1
            body += [
                Heading(f"{n[0]}. Kết quả theo đơn vị chủ trì", 2),
                group_table(
                    p.by_lead_unit,
                    header="Đơn vị chủ trì",
                    caption="Bảng 2. Kết quả theo đơn vị chủ trì",
                    totals=p.totals,
                ),
            ]
        if p.by_child:
            n[0] += 1
            body += [
                Heading(f"{n[0]}. Kết quả theo tổ chức", 2),
                group_table(
                    p.by_child,
                    header="Tổ chức",
                    caption="Bảng 3. Kết quả theo tổ chức",
                    totals=_sum(p.by_child),
                ),
            ]
            chart = child_chart(figures)
            if chart.bars:
                body.append(
                    Image(
                        chart.png(), chart.alt_text(), 150, f"Biểu đồ 1. {chart.title} (số thứ tự như Bảng 3)"
                    )
                )
        n[0] += 1
        body.append(Heading(f"{n[0]}. Người đứng đầu cơ quan, đơn vị", 2))
        if p.heads:
            behind = len(p.heads_behind)
            body.append(
                Paragraph(
                    f"{len(p.heads)} người đứng đầu có nhiệm vụ trong kỳ; "
                    + (
                        f"{behind} người còn nhiệm vụ quá hạn chưa hoàn thành."
                        if behind
                        else "không ai còn nhiệm vụ quá hạn."
                    )
                )
            )
            body.append(heads_table(p.heads))
        else:
            body.append(
                Paragraph("Không có người đứng đầu cơ quan, đơn vị nào có nhiệm vụ của kế hoạch trong kỳ.")
            )
    n[0] += 1
    body += [Heading(f"{n[0]}. Thực hiện trách nhiệm nêu gương", 2), Paragraph(exemplary_sentence(figures))]
    if figures.campaigns:
        n[0] += 1
        body += [Heading(f"{n[0]}. Học tập, quán triệt nghị quyết", 2), campaigns_table(figures.campaigns)]
    if figures.indicators:
        n[0] += 1
        body += [Heading(f"{n[0]}. Chỉ tiêu", 2), indicators_table(figures.indicators)]
    body += _narrative(narrative, ("results", "notable_examples"), n)
    part_two = _narrative(narrative, ("limitations", "lessons"), [0])
    if part_two:
        body += [Heading("II. HẠN CHẾ, KHUYẾT ĐIỂM VÀ NGUYÊN NHÂN"), *part_two]
    part_three = _narrative(narrative, ("next_steps", "recommendations"), [0])
    if part_three:
        body += [Heading(f"{'III' if part_two else 'II'}. PHƯƠNG HƯỚNG, NHIỆM VỤ VÀ KIẾN NGHỊ"), *part_three]
    issuer = document_issuer(
        organization=figures.issuer,
        on=issued_on,
        deputy=fold(signer_position).startswith("pho") if signer_position.strip() else None,
    )
    fields = issuer.document_fields()
    if signing_authority.strip():
        fields["signing_authority"] = signing_authority
    if signer_position.strip():
        fields["signer_position"] = signer_position
    if signer_name.strip():
        fields["signer_name"] = signer_name
    return PartyDocument(
        **fields,
        number=number,
        doc_abbreviation="BC",
        issuer_abbreviation=figures.issuer.abbreviation or figures.issuer.code,
        place=settings.DOCUMENT_PLACE_NAME,
        issued_on=issued_on,
        doc_type="BÁO CÁO",
        summary=report_summary(figures),
        body=body,
        recipients=recipients or issuer.recipients(),
    )


def _sum(rows: list[GroupRow]):
    from .progress import Counts

    total = Counts()
    for row in rows:
        total.merge(row.counts)
    return total


# ------------------------------------------------------------------------------------------- annex
def _count_columns() -> list[Column]:
    # D..I: total, on time, late, open on time, open overdue, rate (domain notes, section 13)
    return [
        Column("Tổng số (còn hiệu lực)", kind="int", total=True),
        Column("Xong đúng hạn", kind="int", total=True),
        Column("Xong quá hạn", kind="int", total=True),
        Column("Chưa xong, trong hạn", kind="int", total=True),
        Column("Chưa xong, quá hạn", kind="int", total=True),
    ]


def _rate(first: str, late: str, overdue: str) -> Column:
    return Column(
        "Tỷ lệ đúng hạn",
        kind="percent",
        formula=f'=IF({first}{{row}}+{late}{{row}}+{overdue}{{row}}=0,"",{first}{{row}}/({first}{{row}}+{late}{{row}}+{overdue}{{row}}))',
    )


def _cells(counts) -> list:
    return [
        counts.live,
        counts.counts[DONE_ON_TIME],
        counts.counts[DONE_LATE],
        counts.open_on_time,
        counts.overdue,
    ]


def _group_sheet(title: str, heading: str, head: list[str], label_header: str, rows) -> AnnexSheet:
    """An annex sheet of counts per group (lead unit, organisation): STT, label, the counts, the rate."""
    return AnnexSheet(
        title=title,
        heading=[heading, *head],
        columns=[
            Column("STT", kind="int", width=6),
            Column(label_header, width=42),
            *_count_columns(),
            _rate("D", "E", "G"),
        ],
        rows=[[i + 1, row.label, *_cells(row.counts), None] for i, row in enumerate(rows)],
    )


def annex_sheets(figures: PlanReportFigures) -> list[AnnexSheet]:
    p = figures.progress
    head = [
        figures.issuer.name.upper(),
        f"{p.plan.reference}: {p.plan.title}",
        f"Nhiệm vụ có thời hạn từ {format_vn(figures.start)} đến {format_vn(figures.end)}, số liệu ngày {format_vn(p.today)}",
    ]
    items = [
        [
            row.item.number,
            row.item.title,
            row.item.lead_unit.name,
            row.item.deadline,
            *_cells(row.total),
            None,
            None if row.progress is None else row.progress / 100,
        ]
        for row in p.rows
    ]
    items.append(
        [
            "",
            "Toàn kế hoạch",
            "",
            None,
            *_cells(p.totals),
            None,
            None if p.progress is None else p.progress / 100,
        ]
    )
    sheets = [
        AnnexSheet(
            title="PL1 Theo mục",
            heading=["PHỤ LỤC 1. KẾT QUẢ THỰC HIỆN THEO TỪNG MỤC (mỗi mục gồm cả các mục con)", *head],
            columns=[
                Column("Mục", width=10),
                Column("Nội dung", width=48),
                Column("Đơn vị chủ trì", width=26),
                Column("Thời hạn", kind="date", width=12),
                *[Column(c.header, kind="int") for c in _count_columns()],
                _rate("F", "G", "I"),
                Column("Tiến độ", kind="percent"),
            ],
            rows=items,
        ),
        _group_sheet(
            "PL2 Đơn vị chủ trì",
            "PHỤ LỤC 2. KẾT QUẢ THEO ĐƠN VỊ CHỦ TRÌ",
            head,
            "Đơn vị chủ trì",
            p.by_lead_unit,
        ),
        _group_sheet("PL3 Theo tổ chức", "PHỤ LỤC 3. KẾT QUẢ THEO TỔ CHỨC", head, "Tổ chức", p.by_child),
        AnnexSheet(
            title="PL4 Người đứng đầu",
            heading=["PHỤ LỤC 4. KẾT QUẢ CỦA NGƯỜI ĐỨNG ĐẦU CƠ QUAN, ĐƠN VỊ", *head],
            columns=[
                Column("STT", kind="int", width=6),
                Column("Họ và tên", width=28),
                Column("Tổ chức đảng", width=36),
                *_count_columns(),
                Column(
                    "Tỷ lệ đúng hạn",
                    kind="percent",
                    formula='=IF(E{row}+F{row}+H{row}=0,"",E{row}/(E{row}+F{row}+H{row}))',
                ),
            ],
            rows=[[i + 1, h.name, h.organization, *_cells(h.counts), None] for i, h in enumerate(p.heads)],
        ),
    ]
    if figures.campaigns:
        sheets.append(
            AnnexSheet(
                title="PL5 Học tập nghị quyết",
                heading=["PHỤ LỤC 5. HỌC TẬP, QUÁN TRIỆT NGHỊ QUYẾT", *head],
                columns=[
                    Column("STT", kind="int", width=6),
                    Column("Đợt học tập", width=48),
                    Column("Mục", width=14),
                    Column("Buổi học", kind="int", total=True),
                    Column("Triệu tập", kind="int", total=True),
                    Column("Dự học (kể cả học bù)", kind="int", total=True),
                    Column("Thu hoạch đã nộp", kind="int", total=True),
                    Column("Có kế hoạch vận dụng", kind="int", total=True),
                ],
                rows=[
                    [
                        i + 1,
                        c.campaign.title,
                        c.item.number,
                        c.sessions,
                        c.invited,
                        c.attended + c.made_up,
                        c.reflections_submitted,
                        c.reflections_with_plans,
                    ]
                    for i, c in enumerate(figures.campaigns)
                ],
            )
        )
    if figures.indicators:
        sheets.append(
            AnnexSheet(
                title="PL6 Chỉ tiêu",
                heading=["PHỤ LỤC 6. CHỈ TIÊU (SỐ LIỆU KỲ GẦN NHẤT)", *head],
                columns=[
                    Column("STT", kind="int", width=6),
                    Column("Chỉ tiêu", width=48),
                    Column("Đơn vị tính", width=12),
                    Column("Kỳ", width=16),
                    Column("Đơn vị báo cáo", kind="int"),
                    Column("Số đơn vị", kind="int"),
                    Column("Đạt, vượt", kind="int"),
                    Column("Giá trị bình quân", kind="decimal"),
                    Column("Chỉ tiêu bình quân", kind="decimal"),
                ],
                rows=[
                    [
                        i + 1,
                        s.indicator.name,
                        s.indicator.unit,
                        s.period_label,
                        s.reported,
                        s.agencies,
                        s.reached,
                        None if s.value_mean is None else float(s.value_mean),
                        None if s.target_mean is None else float(s.target_mean),
                    ]
                    for i, s in enumerate(figures.indicators)
                ],
            )
        )
    return sheets


def report_filename(figures: PlanReportFigures, fmt: str) -> str:
    number = "".join(ch if ch.isalnum() else "-" for ch in fold(figures.plan.document.number_text))
    return f"bao-cao-thuc-hien-{number}-{figures.start:%Y%m%d}-{figures.end:%Y%m%d}.{fmt}"
