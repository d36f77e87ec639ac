"""The two scoring reports as Party-format DOCX (through `neuguong.docengine`), filled here from the same
figures the pages show, and their XLSX annexes (through `neuguong.docengine.xlsx`).

- self_assessment_report: the agency's báo cáo tự đánh giá (summary by criterion and component,
  explanations where evidence is missing, difficulties and recommendations);
- ranking_report: the bloc's báo cáo kết quả chấm điểm, xếp hạng.
"""

import datetime as dt
from collections import Counter

from django.conf import settings

from neuguong.docengine.docformat import Heading, Paragraph, PartyDocument, Table, render_party_document
from neuguong.docengine.xlsx import AnnexSheet, Column, build_workbook
from neuguong.people.selectors import document_issuer

from .rules import format_number as num


def _report(organization, today: dt.date, summary: str, body: list, *recipients: str) -> bytes:
    """A BÁO CÁO of the organisation, numbered at issue, issued and signed by the one rule."""
    issuer = document_issuer(organization=organization, on=today)
    spec = PartyDocument(
        **issuer.document_fields(),
        number="",
        doc_abbreviation="BC",
        issuer_abbreviation=organization.abbreviation,
        place=settings.DOCUMENT_PLACE_NAME,
        issued_on=today,
        doc_type="BÁO CÁO",
        summary=summary,
        body=body,
        recipients=issuer.recipients(*recipients),
    )
    return render_party_document(spec)


def self_assessment_report(*, assessment, breakdown: dict, today: dt.date) -> bytes:
    """Báo cáo tự đánh giá, chấm điểm CCHC of one agency, issued by its Party organisation."""
    cycle = assessment.cycle
    organization = assessment.agency.organization
    show = breakdown["show_appraisal"]
    columns = ["Mã", "Tiêu chí", "Điểm tối đa", "Điểm tự chấm"] + (["Điểm thẩm định"] if show else [])
    rows = []
    for area in breakdown["areas"]:
        rows.append(
            [area["area"].code, area["area"].name.upper(), num(area["max_total"]), num(area["self_total"])]
            + ([num(area["appraised_total"])] if show else [])
        )
        for criterion in area["criteria"]:
            rows.append(
                [
                    criterion["criterion"].code,
                    criterion["criterion"].name,
                    num(criterion["max_total"]),
                    num(criterion["self_total"]),
                ]
                + ([num(criterion["appraised_total"])] if show else [])
            )
            for item in criterion["components"]:
                rows.append(
                    [
                        item["component"].code,
                        item["component"].name,
                        num(item["component"].max_points),
                        num(item["self_score"]),
                    ]
                    + ([num(item["appraised"])] if show else [])
                )
    total = ["", "TỔNG CỘNG", num(breakdown["max_set"]), num(breakdown["self_total"])] + (
        [num(breakdown["appraised_total"])] if show else []
    )
    explained = [
        item
        for area in breakdown["areas"]
        for criterion in area["criteria"]
        for item in criterion["components"]
        if not item["evidence"] and item["score"] and item["score"].explanation
    ]
    with_evidence = sum(
        1
        for area in breakdown["areas"]
        for c in area["criteria"]
        for item in c["components"]
        if item["evidence"]
    )
    components = sum(len(c["components"]) for area in breakdown["areas"] for c in area["criteria"])
    body = [
        Heading("I. KẾT QUẢ TỰ ĐÁNH GIÁ, CHẤM ĐIỂM"),
        Paragraph(
            f"Thực hiện {cycle.name}, {assessment.agency.name} đã tự đánh giá, chấm điểm {components} tiêu chí "
            f"thành phần theo {cycle.scoring_set.name} (năm {cycle.scoring_set.year}, phiên bản "
            f"{cycle.scoring_set.version}). Tổng điểm tự chấm: {num(breakdown['self_total'])}/"
            f"{num(breakdown['max_set'])} điểm ({breakdown['self_arithmetic']}); {with_evidence} tiêu chí thành "
            f"phần có tài liệu kiểm chứng, {len(explained)} tiêu chí thành phần có thuyết minh thay tài liệu."
        ),
    ]
    if show:
        body.append(
            Paragraph(
                f"Kết quả thẩm định: {breakdown['arithmetic']}; điểm cuối cùng {num(breakdown['final'])}/"
                f"{num(breakdown['maximum'])} ({num(breakdown['percent'])} %), xếp loại {breakdown['band']}."
            )
        )
    body.append(
        Table(
            columns=columns,
            rows=rows,
            total_row=total,
            widths_mm=[14, 93, 19, 19, 20] if show else [15, 110, 20, 20],
            caption="Bảng tổng hợp điểm theo tiêu chí và tiêu chí thành phần",
            font_pt=11,
        )
    )
    body.append(Heading("II. GIẢI TRÌNH CÁC TIÊU CHÍ KHÔNG CÓ TÀI LIỆU KIỂM CHỨNG"))
    if explained:
        body += [Paragraph(f"- Tiêu chí {i['component'].code}: {i['score'].explanation}") for i in explained]
    else:
        body.append(Paragraph("Tất cả tiêu chí thành phần đều có tài liệu kiểm chứng kèm theo."))
    body += [
        Heading("III. KHÓ KHĂN, VƯỚNG MẮC"),
        *[Paragraph(line) for line in (assessment.difficulties or "Không có.").splitlines() if line.strip()],
        Heading("IV. KIẾN NGHỊ, ĐỀ XUẤT"),
        *[
            Paragraph(line)
            for line in (assessment.recommendations or "Không có.").splitlines()
            if line.strip()
        ],
        Paragraph(
            "Chi tiết điểm và tài liệu kiểm chứng từng tiêu chí thành phần tại Phụ lục kèm theo.", italic=True
        ),
    ]
    return _report(
        organization,
        today,
        f"Kết quả tự đánh giá, chấm điểm cải cách hành chính năm {cycle.year}",
        body,
        "Tổ thẩm định",
    )


def ranking_report(*, cycle, ranking: dict, today: dt.date) -> bytes:
    """Báo cáo kết quả chấm điểm, xếp hạng CCHC of the agencies of a cycle, issued by the organiser."""
    rows = ranking["rows"]
    organization = cycle.organization
    finals = [r.final for r in rows]
    bands = Counter(r.band for r in rows)
    body = [
        Heading("I. KẾT QUẢ CHUNG"),
        Paragraph(
            f"Thực hiện {cycle.name} theo {cycle.scoring_set.name} (phiên bản {cycle.scoring_set.version}), "
            f"tổ thẩm định đã thẩm định và công bố kết quả của {ranking['finalised']} cơ quan, đơn vị; thang "
            f"điểm tối đa {num(ranking['maximum'])} điểm"
            + (
                f" (gồm {num(cycle.survey_max_points)} điểm điều tra xã hội học)"
                if cycle.survey_max_points
                else ""
            )
            + "."
        ),
    ]
    if finals:
        mean = sum(finals) / len(finals)
        body.append(
            Paragraph(
                f"Điểm bình quân {num(mean.quantize(finals[0].__class__('0.01')))}; cao nhất {num(max(finals))}; "
                f"thấp nhất {num(min(finals))}."
            )
        )
        body.append(
            Table(
                columns=["Xếp loại", "Số cơ quan, đơn vị"],
                rows=[[band, count] for band, count in bands.most_common()],
                widths_mm=[100, 65],
                caption="Số cơ quan, đơn vị theo xếp loại",
            )
        )
    body += [
        Heading("II. BẢNG XẾP HẠNG"),
        Table(
            columns=[
                "Hạng",
                "Cơ quan, đơn vị",
                "Tự chấm",
                "Thẩm định",
                "Điều tra",
                "Điểm cuối cùng",
                "Xếp loại",
            ],
            rows=[
                [
                    r.rank,
                    r.assessment.agency.name,
                    num(r.self_total),
                    num(r.appraised_total),
                    num(r.survey),
                    num(r.final),
                    r.band,
                ]
                for r in rows
            ],
            widths_mm=[12, 58, 17, 19, 16, 20, 23],
            font_pt=11,
        ),
        Paragraph(
            "Điểm cuối cùng là tổng điểm thẩm định các tiêu chí thành phần cộng điểm điều tra xã hội học, tính lại "
            "từ điểm từng tiêu chí thành phần; các cơ quan bằng điểm thì đồng hạng. Chi tiết tại Phụ lục và trang "
            "công khai kết quả của từng cơ quan.",
            italic=True,
        ),
    ]
    return _report(
        organization,
        today,
        f"Kết quả chấm điểm, xếp hạng cải cách hành chính năm {cycle.year}",
        body,
        "Các cơ quan, đơn vị được đánh giá",
    )


def ranking_annex(*, cycle, ranking: dict) -> bytes:
    """Phụ lục: the ranking with real numbers; the final score is a formula over its parts."""
    sheet = AnnexSheet(
        title="PL Xếp hạng",
        heading=["PHỤ LỤC", f"Kết quả chấm điểm, xếp hạng — {cycle.name}"],
        columns=[
            Column("Hạng", kind="int", width=8),
            Column("Mã", width=10),
            Column("Cơ quan, đơn vị", width=40),
            Column("Tự chấm", kind="decimal"),
            Column("Thẩm định", kind="decimal"),
            Column("Điều tra", kind="decimal"),
            Column("Điểm cuối cùng", kind="decimal", formula="=E{row}+F{row}"),
            Column("Xếp loại", width=14),
        ],
        rows=[
            [
                r.rank,
                r.assessment.agency.code,
                r.assessment.agency.name,
                float(r.self_total),
                float(r.appraised_total),
                float(r.survey),
                None,
                r.band,
            ]
            for r in ranking["rows"]
        ],
    )
    return build_workbook([sheet])


def breakdown_annex(*, assessment, breakdown: dict) -> bytes:
    """Phụ lục: every component's scores, evidence or explanation, comment and response."""
    show = breakdown["show_appraisal"]
    rows = []
    for area in breakdown["areas"]:
        for criterion in area["criteria"]:
            for item in criterion["components"]:
                score = item["score"]
                rows.append(
                    [
                        item["component"].code,
                        item["component"].name,
                        float(item["component"].max_points),
                        float(item["self_score"]) if item["self_score"] is not None else None,
                        float(item["appraised"]) if item["appraised"] is not None else None,
                        ", ".join(e.original_name for e in item["evidence"]),
                        score.explanation if score else "",
                        item["comment"],
                        score.response if (score and show) else "",
                    ]
                )
    sheet = AnnexSheet(
        title="PL Bảng điểm",
        heading=["PHỤ LỤC", f"Bảng điểm chi tiết — {assessment.agency.name} — {assessment.cycle.name}"],
        columns=[
            Column("Mã", width=8),
            Column("Tiêu chí thành phần", width=60),
            Column("Điểm tối đa", kind="decimal", total=True),
            Column("Tự chấm", kind="decimal", total=True),
            Column("Thẩm định", kind="decimal", total=show),
            Column("Tài liệu kiểm chứng", width=30),
            Column("Thuyết minh", width=30),
            Column("Nhận xét thẩm định", width=30),
            Column("Giải trình", width=30),
        ],
        rows=rows,
    )
    return build_workbook([sheet])
