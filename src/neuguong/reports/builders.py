"""Turn `Figures` (and a draft's text) into the two reports' documents, their annex and their charts.
Figures come only from `selectors.report_figures`; nothing here counts anything."""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Sized

from django.conf import settings
from openpyxl.utils import get_column_letter

from neuguong.commitments.status import (
    DONE_LATE,
    DONE_ON_TIME,
    ON_TIME_RATE_LABEL,
    OPEN_ON_TIME,
    OPEN_OVERDUE,
    STATUS_CODES,
    STATUS_LABELS,
)
from neuguong.core.dates import format_vn
from neuguong.core.text import fold
from neuguong.docengine.charts import Bar, BarChart
from neuguong.docengine.docformat import Block, Heading, Image, Paragraph, PartyDocument, Table, format_cell
from neuguong.docengine.xlsx import AnnexSheet, Column
from neuguong.people.selectors import document_issuer

from .models import NARRATIVE_SECTIONS, ReportKind
from .selectors import Figures, GroupRow

TITLES: dict[str, str] = {
    ReportKind.COMMITMENTS: "Kết quả thực hiện trách nhiệm nêu gương {period}",
    ReportKind.TASKS: "Tình hình thực hiện nhiệm vụ {period}",
}
EMPTY_SENTENCE = (
    "Trong kỳ báo cáo, {org} không có cam kết, nhiệm vụ nào đến hạn; chưa có số liệu để tổng hợp."
)
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII")


def pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}".replace(".", ",") + "%"


def summary_sentence(figures: Figures) -> str:
    """The paragraph of figures opening each report (generated: not editable)."""
    t = figures.totals
    org = figures.organization.name
    if figures.is_empty:
        return EMPTY_SENTENCE.format(org=org)
    n = format_cell
    return (
        f"Trong {figures.period.label}, toàn {org} có {n(t.total)} cam kết, nhiệm vụ đến hạn "
        f"(số liệu tính đến ngày {format_vn(figures.today)}); đã hoàn thành {n(t.done)} "
        f"({pct(t.completion_rate)} số cam kết còn hiệu lực), trong đó đúng hạn {n(t.counts[DONE_ON_TIME])}, "
        f"quá hạn {n(t.counts[DONE_LATE])}; tỷ lệ hoàn thành đúng hạn {pct(t.on_time_rate)}. "
        f"Chưa hoàn thành {n(t.open)}, trong đó quá hạn {n(t.overdue)}."
    )


CHART_MAX_BARS = 15


RATE_PATTERNS = ("solid", "diagonal", "dots", "cross", "horizontal")

RatedRow = tuple[float | None, int, GroupRow]  # (on-time rate, number in the table, row)


def _lowest_rated(rated: Iterable[RatedRow]) -> list[RatedRow]:
    """The CHART_MAX_BARS rows with the lowest on-time rates (rows without a rate left out), by number
    among equal rates."""
    return heapq.nsmallest(
        CHART_MAX_BARS,
        (entry for entry in rated if entry[0] is not None),
        key=lambda entry: (entry[0], entry[1]),
    )


def _rate_bars(rated: list[RatedRow]) -> list[Bar]:
    return [
        Bar(row.label, rate, RATE_PATTERNS[i % len(RATE_PATTERNS)], number=number)
        for i, (rate, number, row) in enumerate(rated)
    ]


def _rate_chart(title: str, rows: list[GroupRow]) -> BarChart:
    """On-time rate per row, numbered as in the table (rows with data only). Beyond CHART_MAX_BARS rows
    the chart keeps those with the lowest rates — the ones needing attention — and says so."""
    # Each row's rate once (1,500 children at a province root).
    numbered: list[RatedRow] = [
        (row.counts.on_time_rate, i + 1, row) for i, row in enumerate(r for r in rows if r.counts.total)
    ]
    if len(numbered) > CHART_MAX_BARS:
        numbered = _lowest_rated(numbered)
        title += f" — {CHART_MAX_BARS} tổ chức có tỷ lệ thấp nhất"
    return BarChart(title=title, bars=_rate_bars(numbered), max_value=100, unit="%")


def child_chart(figures: Figures, *, every_child: bool = False) -> BarChart:
    """The on-time rate per child. The dashboard draws it from the figures' rows: with 52,000 children
    those are the first page by name, and the title says so; a report (`every_child`) reads them all."""
    title = f"Tỷ lệ hoàn thành đúng hạn theo tổ chức trực thuộc, {figures.period.label}"
    if every_child:
        return _rate_chart(title, list(figures.all_child_rows()))
    if not figures.children_complete:
        title += f" (các tổ chức đầu tiên theo tên, trong {figures.children_total:,} tổ chức)".replace(
            ",", "."
        )
    return _rate_chart(title, figures.by_child)


def lead_unit_chart(figures: Figures) -> BarChart:
    return _rate_chart(
        f"Tỷ lệ hoàn thành đúng hạn theo đơn vị chủ trì, {figures.period.label}", figures.by_lead_unit
    )


def status_chart(figures: Figures) -> BarChart:
    patterns = ("solid", "diagonal", "dots", "cross", "horizontal", "outline", "dots", "solid", "diagonal")
    return BarChart(
        title="Số cam kết theo trạng thái",
        bars=[
            Bar(
                STATUS_LABELS[code],
                figures.totals.counts[code],
                patterns[i],
                str(figures.totals.counts[code]),
            )
            for i, code in enumerate(STATUS_CODES)
        ],
    )


def trend_chart(figures: Figures) -> BarChart:
    return BarChart(
        title="Tỷ lệ hoàn thành đúng hạn theo tháng (theo thời hạn)",
        bars=[Bar(row.label, row.counts.on_time_rate) for row in figures.by_month],
        max_value=100,
        unit="%",
        orientation="v",
    )


# ------------------------------------------------------------------------------------------ tables
def _gov_columns() -> list[str]:
    return [
        "Tổng số",
        "Xong đúng hạn",
        "Xong quá hạn",
        "Chưa xong, trong hạn",
        "Chưa xong, quá hạn",
        "Tỷ lệ đúng hạn (%)",
    ]


def _gov_values(row_counts) -> list:
    """Total (live), done on time, done late, open on time, open overdue, % on time."""
    g = row_counts.gov()
    return [
        row_counts.live,
        g[DONE_ON_TIME],
        g[DONE_LATE],
        g[OPEN_ON_TIME],
        g[OPEN_OVERDUE],
        row_counts.on_time_rate,
    ]


def status_table(figures: Figures) -> Table:
    rows = [[i + 1, STATUS_LABELS[code], figures.totals.counts[code]] for i, code in enumerate(STATUS_CODES)]
    return Table(
        ["STT", "Trạng thái", "Số lượng"],
        rows,
        total_row=["", "Tổng cộng", figures.totals.total],
        widths_mm=[15, 110, 40],
        caption="Bảng 1. Cam kết, nhiệm vụ theo trạng thái",
    )


def category_table(figures: Figures) -> Table:
    rows = [
        [
            i + 1,
            row.label,
            row.counts.total,
            row.counts.done,
            row.counts.counts[DONE_ON_TIME],
            row.counts.on_time_rate,
        ]
        for i, row in enumerate(figures.by_category)
    ]
    t = figures.totals
    return Table(
        ["STT", "Nhóm", "Tổng số", "Đã hoàn thành", "Đúng hạn", "Tỷ lệ đúng hạn (%)"],
        rows,
        total_row=["", "Tổng cộng", t.total, t.done, t.counts[DONE_ON_TIME], t.on_time_rate],
        widths_mm=[12, 63, 22, 24, 22, 22],
        caption="Bảng 2. Kết quả theo nhóm cam kết",
    )


# Above this many rows the per-child table is left to the annex (Phụ lục 1) and the body shows the
# CHART_MAX_BARS children with the lowest on-time rates.
CHILD_ROWS_IN_BODY = 200


def lowest_children(figures: Figures) -> tuple[BarChart, Table]:
    """The children with the lowest on-time rates, numbered as in the annex (every row counts there),
    as a chart and a table; read in one pass over the rows, keeping only those few."""
    lowest = _lowest_rated(
        (row.counts.on_time_rate, number, row)
        for number, row in enumerate(figures.all_child_rows(), start=1)
        if row.counts.total
    )
    chart = BarChart(
        title=f"Tỷ lệ hoàn thành đúng hạn theo tổ chức trực thuộc, {figures.period.label}"
        f" — {len(lowest)} tổ chức có tỷ lệ thấp nhất",
        bars=_rate_bars(lowest),
        max_value=100,
        unit="%",
    )
    table = Table(
        ["STT (PL1)", "Tổ chức", "Tổng số", "Đã hoàn thành", "Quá hạn chưa xong", "Tỷ lệ đúng hạn (%)"],
        [
            [number, row.label, row.counts.total, row.counts.done, row.counts.overdue, rate]
            for rate, number, row in lowest
        ],
        widths_mm=[16, 59, 22, 24, 22, 22],  # "STT (PL1)" on one line
        caption=f"Bảng 3. {len(lowest)} tổ chức trực thuộc có tỷ lệ hoàn thành đúng hạn thấp nhất",
    )
    return chart, table


def child_table(figures: Figures, caption: str) -> Table:
    rows = [
        [i + 1, row.label, row.counts.total, row.counts.done, row.counts.overdue, row.counts.on_time_rate]
        for i, row in enumerate(r for r in figures.all_child_rows() if r.counts.total)
    ]
    t = figures.totals
    return Table(
        ["STT", "Tổ chức", "Tổng số", "Đã hoàn thành", "Quá hạn chưa xong", "Tỷ lệ đúng hạn (%)"],
        rows,
        total_row=["", "Tổng cộng", t.total, t.done, t.overdue, t.on_time_rate],
        widths_mm=[12, 63, 22, 24, 22, 22],
        caption=caption,
    )


# Above this many heads with overdue commitments the body lists the HEADS_IN_BODY most overdue and the
# whole list is the annex (Phụ lục 4): at the national root that is 50,000 names, which made the DOCX
# body 200,000 cells long (20 s of python-docx alone).
HEADS_IN_BODY = 30


def heads_table(figures: Figures) -> Table:
    heads = figures.heads_overdue
    shown = heads[:HEADS_IN_BODY]
    rows = [[i + 1, h.name, h.organization, h.overdue] for i, h in enumerate(shown)]
    caption = "Bảng 4. Người đứng đầu cơ quan, đơn vị có cam kết quá hạn"
    if len(shown) < len(heads):
        caption = f"Bảng 4. {len(shown)} người đứng đầu cơ quan, đơn vị có nhiều cam kết quá hạn nhất"
    return Table(
        [
            "STT (PL4)" if len(shown) < len(heads) else "STT",
            "Họ và tên",
            "Tổ chức đảng",
            "Số cam kết quá hạn",
        ],
        rows,
        widths_mm=[16, 54, 65, 30],
        caption=caption,
    )


def heads_paragraph(figures: Figures) -> Paragraph | None:
    """When the body shows only the most overdue heads: how many there are, and where the list is."""
    total = len(figures.heads_overdue)
    if total <= HEADS_IN_BODY:
        return None
    return Paragraph(
        f"Có {format_cell(total)} người đứng đầu cơ quan, đơn vị có cam kết quá hạn; danh sách đầy đủ tại "
        f"Phụ lục 4 (tệp XLSX kèm theo). Dưới đây là {HEADS_IN_BODY} người có nhiều cam kết quá hạn nhất."
    )


def lead_unit_table(figures: Figures) -> Table:
    rows = [[i + 1, row.label, *_gov_values(row.counts)] for i, row in enumerate(figures.by_lead_unit)]
    return Table(
        ["STT", "Đơn vị chủ trì", *_gov_columns()],
        rows,
        total_row=["", "Tổng cộng", *_gov_values(figures.totals)],
        widths_mm=[11, 44, 18, 18, 18, 18, 18, 20],
        caption="Bảng 1. Tình hình thực hiện nhiệm vụ theo đơn vị chủ trì",
        font_pt=11,
    )


# -------------------------------------------------------------------------------------- documents
def _narrative_blocks(kind: str, narrative: dict, numbers: list[str]) -> list[Block]:
    blocks: list[Block] = []
    for name, heading in NARRATIVE_SECTIONS[kind]:
        text = (narrative.get(name) or "").strip()
        if not text:
            continue
        blocks.append(Heading(f"{numbers.pop(0)}. {heading}", 2))
        blocks.extend(Paragraph(line.strip()) for line in text.splitlines() if line.strip())
    return blocks


def report_document(kind: str, figures: Figures, draft, *, issued_on, number: str = "") -> PartyDocument:
    """The DOCX content of a report: generated figures and tables, the draft's text around them."""
    org = figures.organization
    narrative = draft.narrative if draft else {}
    body: list = [Heading("I. TÌNH HÌNH VÀ KẾT QUẢ THỰC HIỆN"), Paragraph(summary_sentence(figures))]
    numbers = [str(i) for i in range(1, 20)]
    if kind == ReportKind.COMMITMENTS:
        body += _narrative_blocks(kind, {"intro": narrative.get("intro", "")}, numbers)
        if not figures.is_empty:
            body.append(Heading(f"{numbers.pop(0)}. Kết quả thực hiện cam kết", 2))
            body += [status_table(figures), category_table(figures)]
            body.append(Heading(f"{numbers.pop(0)}. Kết quả theo tổ chức trực thuộc", 2))
            if figures.child_row_count() > CHILD_ROWS_IN_BODY:
                # The national root has 52,000 children: their table is the annex (Phụ lục 1); the body
                # keeps the ones needing attention most, numbered as in the annex.
                chart, table = lowest_children(figures)
                body.append(
                    Paragraph(
                        f"Kết quả của từng tổ chức trong số {format_cell(figures.child_row_count())} tổ chức "
                        "trực thuộc tại Phụ lục 1 (tệp XLSX kèm theo); dưới đây là các tổ chức có tỷ lệ "
                        "hoàn thành đúng hạn thấp nhất."
                    )
                )
                body.append(table)
                reference = "số thứ tự như Phụ lục 1"
            else:
                chart = child_chart(figures, every_child=True)
                body.append(child_table(figures, "Bảng 3. Kết quả theo tổ chức trực thuộc"))
                reference = "số thứ tự như Bảng 3"
            if chart.bars:
                body.append(
                    Image(chart.png(), chart.alt_text(), 150, f"Biểu đồ 1. {chart.title} ({reference})")
                )
            body.append(Heading(f"{numbers.pop(0)}. Người đứng đầu có cam kết quá hạn", 2))
            if figures.heads_overdue:
                if (pointer := heads_paragraph(figures)) is not None:
                    body.append(pointer)
                body.append(heads_table(figures))
            else:
                body.append(Paragraph("Không có người đứng đầu cơ quan, đơn vị nào có cam kết quá hạn."))
        rest = {k: v for k, v in narrative.items() if k != "intro"}
        body += _narrative_blocks(kind, {"notable_examples": rest.get("notable_examples", "")}, numbers)
        part_two = _narrative_blocks(
            kind,
            {k: rest.get(k, "") for k in ("limitations", "next_steps", "recommendations")},
            [str(i) for i in range(1, 20)],
        )
        if part_two:
            body += [Heading("II. HẠN CHẾ VÀ PHƯƠNG HƯỚNG"), *part_two]
    else:
        body += _narrative_blocks(kind, {"intro": narrative.get("intro", "")}, numbers)
        if not figures.is_empty:
            body.append(Heading(f"{numbers.pop(0)}. Kết quả theo đơn vị chủ trì", 2))
            body.append(lead_unit_table(figures))
            chart = lead_unit_chart(figures)
            if chart.bars:
                body.append(
                    Image(
                        chart.png(), chart.alt_text(), 150, f"Biểu đồ 1. {chart.title} (số thứ tự như Bảng 1)"
                    )
                )
        part_two = _narrative_blocks(
            kind,
            {k: narrative.get(k, "") for k in ("limitations", "next_steps")},
            [str(i) for i in range(1, 20)],
        )
        if part_two:
            body += [Heading("II. TỒN TẠI VÀ NHIỆM VỤ THỜI GIAN TỚI"), *part_two]
    recipients = [line for line in (draft.recipients if draft else "").splitlines() if line.strip()]
    written_position = (draft.signer_position if draft else "").strip()
    # A deputy signs when the draft says so ("Phó Bí thư"), else whoever holds the post that day.
    issuer = document_issuer(
        organization=org,
        on=issued_on,
        deputy=fold(written_position).startswith("pho") if written_position else None,
    )
    fields = issuer.document_fields()
    if draft and draft.signing_authority.strip():  # what the secretary wrote wins over the rule
        fields["signing_authority"] = draft.signing_authority
    if written_position:
        fields["signer_position"] = written_position
    if draft and draft.signer_name.strip():
        fields["signer_name"] = draft.signer_name
    return PartyDocument(
        **fields,
        number=number,
        doc_abbreviation="BC",
        issuer_abbreviation=org.abbreviation or org.code,
        place=settings.DOCUMENT_PLACE_NAME,
        issued_on=issued_on,
        doc_type="BÁO CÁO",
        summary=TITLES[kind].format(period=figures.period.label),
        body=body,
        recipients=recipients or issuer.recipients(),
    )


# ------------------------------------------------------------------------------------------ annex
def _counts_sheet(
    title, heading, label_header, rows: Iterable[GroupRow], kind: str, *, count: int | None = None
) -> AnnexSheet:
    """One annex sheet of counts per row; `rows` may be a generator (then `count` says how many): the
    rows are read as the sheet is written."""
    if kind == ReportKind.TASKS:
        columns = [
            Column("STT", kind="int", width=6),
            Column(label_header, width=42),
            Column("Tổng số (còn hiệu lực)", kind="int", total=True),
            Column("Hoàn thành đúng hạn", kind="int", total=True),
            Column("Hoàn thành quá hạn", kind="int", total=True),
            Column("Chưa hoàn thành trong hạn", kind="int", total=True),
            Column("Chưa hoàn thành quá hạn", kind="int", total=True),
            # The one on-time rate (commitments.status.on_time_rate): D / (D + E + G).
            Column(
                ON_TIME_RATE_LABEL,
                kind="percent",
                formula='=IF(D{row}+E{row}+G{row}=0,"",D{row}/(D{row}+E{row}+G{row}))',
            ),
        ]
        data = ([i + 1, row.label, *_gov_values(row.counts)[:5], None] for i, row in enumerate(rows))
    else:
        columns = [
            Column("STT", kind="int", width=6),
            Column(label_header, width=42),
            *[Column(STATUS_LABELS[code], kind="int", total=True, width=13) for code in STATUS_CODES],
            Column("Tổng số", kind="int", total=True),
            Column("Trong đó chờ xử lý đã quá hạn", kind="int", total=True, width=14),
            Column(ON_TIME_RATE_LABEL, kind="percent", formula=_rate_formula()),
        ]
        data = (
            [
                i + 1,
                row.label,
                *[row.counts.counts[c] for c in STATUS_CODES],
                row.counts.total,
                row.counts.pending_past_deadline,
                None,
            ]
            for i, row in enumerate(rows)
        )
    return AnnexSheet(
        title=title,
        heading=heading,
        columns=columns,
        rows=data,
        row_count=count if count is not None else len(rows) if isinstance(rows, Sized) else 0,
    )


def _rate_formula() -> str:
    """The on-time rate over the status columns (STT, label, then STATUS_CODES, total, pending past):
    done on time / (done on time + done late + open overdue + pending past deadline)."""
    letter = {code: get_column_letter(3 + i) for i, code in enumerate(STATUS_CODES)}
    pending = get_column_letter(3 + len(STATUS_CODES) + 1)
    on_time, late, overdue = letter[DONE_ON_TIME], letter[DONE_LATE], letter[OPEN_OVERDUE]
    counted = f"{on_time}{{row}}+{late}{{row}}+{overdue}{{row}}+{pending}{{row}}"
    return f'=IF({counted}=0,"",{on_time}{{row}}/({counted}))'


def annex_sheets(kind: str, figures: Figures) -> list[AnnexSheet]:
    org, period = figures.organization, figures.period
    head = [f"{org.name.upper()}", f"Số liệu {period.label} (tính đến ngày {format_vn(figures.today)})"]
    if kind == ReportKind.TASKS:
        return [
            _counts_sheet(
                "PL1 Đơn vị chủ trì",
                ["PHỤ LỤC 1. TÌNH HÌNH THỰC HIỆN NHIỆM VỤ THEO ĐƠN VỊ CHỦ TRÌ", *head],
                "Đơn vị chủ trì",
                figures.by_lead_unit,
                kind,
            ),
            _counts_sheet(
                "PL2 Theo tháng", ["PHỤ LỤC 2. THEO THÁNG ĐẾN HẠN", *head], "Tháng", figures.by_month, kind
            ),
        ]
    sheets = [
        _counts_sheet(
            "PL1 Tổ chức trực thuộc",
            ["PHỤ LỤC 1. KẾT QUẢ THEO TỔ CHỨC TRỰC THUỘC", *head],
            "Tổ chức",
            figures.all_child_rows(),
            kind,
            count=figures.child_row_count(),
        ),
        _counts_sheet(
            "PL2 Nhóm cam kết", ["PHỤ LỤC 2. KẾT QUẢ THEO NHÓM", *head], "Nhóm", figures.by_category, kind
        ),
        _counts_sheet(
            "PL3 Theo tháng", ["PHỤ LỤC 3. THEO THÁNG ĐẾN HẠN", *head], "Tháng", figures.by_month, kind
        ),
        AnnexSheet(
            title="PL4 Người đứng đầu",
            heading=["PHỤ LỤC 4. NGƯỜI ĐỨNG ĐẦU CÓ CAM KẾT QUÁ HẠN", *head],
            columns=[
                Column("STT", kind="int", width=6),
                Column("Họ và tên", width=30),
                Column("Tổ chức đảng", width=42),
                Column("Số cam kết quá hạn", kind="int", total=True),
            ],
            rows=[[i + 1, h.name, h.organization, h.overdue] for i, h in enumerate(figures.heads_overdue)],
        ),
    ]
    return sheets
