"""The self-assessment and ranking reports read like real documents, and respect what may be shown."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from neuguong.core.dates import local_today
from neuguong.targets import services
from neuguong.targets.models import (
    AgencyAssessment,
    AssessmentStatus,
    Component,
    ComponentScore,
    ScoringCycle,
)

from .factories import agencies_for, open_cycle, pdf


def text_of(data: bytes) -> str:
    document = Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append(" | ".join(cell.text for cell in row.cells))
    return "\n".join(parts)


@pytest.fixture
def scored(tree):
    agency_a, _agency_a1, agency_b = agencies_for(tree)
    cycle = open_cycle(tree, [agency_a, agency_b], deadline=local_today() + dt.timedelta(days=3))
    a = AgencyAssessment.objects.get(cycle=cycle, agency=agency_a)
    comps = list(Component.objects.filter(criterion__area__scoring_set=cycle.scoring_set).order_by("code"))
    for i, component in enumerate(comps):
        services.self_score_save(
            actor=tree.secretary_a,
            assessment=a,
            component=component,
            score=component.max_points,
            files=[pdf(f"kiem-chung-{component.code}.pdf")] if i else [],
            explanation="Chưa số hóa được văn bản gốc" if i == 0 else "",
        )
    services.assessment_submit(
        actor=tree.secretary_a,
        assessment=a,
        difficulties="Thiếu cán bộ chuyên trách.",
        recommendations="Tập huấn.",
    )
    return cycle, a, comps


def test_self_assessment_report_is_a_party_document_with_summary_explanations_and_hidden_appraisal(
    tree, client, scored
):
    cycle, a, comps = scored
    ScoringCycle.objects.filter(pk=cycle.pk).update(self_deadline=local_today() - dt.timedelta(days=1))
    for component in comps:
        services.appraisal_save(actor=tree.staff, assessment=a, component=component, score="0.25", comment="")
    client.force_login(tree.secretary_a)
    response = client.get(reverse("targets:assessment", args=[a.pk]) + "?format=docx")
    assert response.status_code == 200
    text = text_of(response.content)
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in text
    assert "ĐẢNG ỦY SỞ TÀI CHÍNH" in text and "T/M ĐẢNG ỦY" in text
    assert "Kết quả tự đánh giá, chấm điểm cải cách hành chính năm" in text
    assert "Tổng điểm tự chấm: 30/30 điểm" in text
    assert "Tiêu chí 1.1.1: Chưa số hóa được văn bản gốc" in text
    assert "Thiếu cán bộ chuyên trách." in text and "Tập huấn." in text
    assert "TỔNG CỘNG | 30 | 30" in text
    # The appraisal (0,25 each) is not finalised: not in the agency's report.
    assert "Điểm thẩm định" not in text and "0,25" not in text
    annex = load_workbook(
        io.BytesIO(client.get(reverse("targets:assessment", args=[a.pk]) + "?format=xlsx").content)
    )
    values = list(annex.active.iter_rows(values_only=True))
    assert any(row[0] == "2.1.2" and row[5] == "kiem-chung-2.1.2.pdf" and row[4] is None for row in values)


def test_ranking_report_and_annex(tree, client, scored):
    cycle, a, comps = scored
    ScoringCycle.objects.filter(pk=cycle.pk).update(self_deadline=local_today() - dt.timedelta(days=1))
    for assessment in AgencyAssessment.objects.filter(cycle=cycle):
        for component in comps:
            services.appraisal_save(
                actor=tree.staff,
                assessment=assessment,
                component=component,
                score=component.max_points if assessment.pk == a.pk else 1,
            )
        services.appraisal_send_for_response(actor=tree.staff, assessment=assessment)
        services.assessment_finalise(actor=tree.staff, assessment=assessment)
    assert AgencyAssessment.objects.filter(status=AssessmentStatus.FINALISED).count() == 2
    client.force_login(tree.staff)
    response = client.get(reverse("targets:ranking", args=[cycle.pk]) + "?format=docx")
    text = text_of(response.content)
    assert "ĐẢNG ỦY KHỐI CÁC CƠ QUAN TỈNH" in text
    assert "Kết quả chấm điểm, xếp hạng cải cách hành chính năm" in text
    assert "ĐẢNG BỘ TỈNH NGHỆ AN" in text and "T/M BAN THƯỜNG VỤ" in text
    assert "1 | Sở Tài chính | 30 | 30 | 0 | 30 | Khá" in text
    assert "2 | Sở Tư pháp | 0 | 5 | 0 | 5 | Yếu" in text
    annex = load_workbook(
        io.BytesIO(client.get(reverse("targets:ranking", args=[cycle.pk]) + "?format=xlsx").content)
    )
    rows = [r for r in annex.active.iter_rows(values_only=True) if r and r[1] in ("CQA", "CQB")]
    assert [(r[0], r[1], r[4]) for r in rows] == [(1, "CQA", 30), (2, "CQB", 5)]
    assert str(rows[0][6]).startswith("=E")
    # An agency's secretary gets the report with only her own row, ranked among all.
    client.force_login(tree.secretary_b)
    text = text_of(client.get(reverse("targets:ranking", args=[cycle.pk]) + "?format=docx").content)
    assert "Sở Tư pháp" in text and "Sở Tài chính" not in text
    assert ComponentScore.objects.filter(appraised_score__isnull=True).count() == 0


def test_demo_seeder_builds_targets_and_a_ranked_cycle(tree):
    from neuguong.targets import selectors
    from neuguong.targets.demo import seed_targets
    from neuguong.targets.models import AnnualTarget

    agencies_for(tree)
    seed_targets(root=tree.root, size="bloc", log=lambda _: None, today=dt.date(2026, 11, 27))
    assert AnnualTarget.objects.count() == 12
    last_year = ScoringCycle.objects.get(year=2025)
    ranking = selectors.cycle_ranking(user=tree.staff, cycle=last_year)
    assert len(ranking["rows"]) == 3 and ranking["maximum"] == 110
    assert ranking["rows"][0].rank == 1
    assert services.set_problems(last_year.scoring_set) == []
