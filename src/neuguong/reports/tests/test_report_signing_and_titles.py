"""A report is issued and signed by the body of its organisation's kind (docengine.issuers), and every
title it prints is said once."""

import datetime as dt

import pytest
from django.urls import reverse

from neuguong.commitments.tests.factories import CommitmentFactory
from neuguong.core.dates import local_today
from neuguong.docengine.docformat import document_text
from neuguong.docengine.titles import doubled_phrases
from neuguong.people.models import Position, PositionTitle
from neuguong.reports import builders
from neuguong.reports.models import ORGANIZATION_REPORT_KINDS, ReportDraft
from neuguong.reports.periods import custom_period, half_period, quarter_period, year_period
from neuguong.reports.selectors import report_figures

pytestmark = pytest.mark.django_db
YEAR = local_today().year


def _download(code, kind="commitments"):
    url = reverse("reports:download", kwargs={"kind": kind, "code": code, "fmt": "docx"})
    return f"{url}?start={YEAR}-01-01&end={YEAR}-12-31"


def test_a_chi_bo_signs_for_the_chi_bo_and_reports_to_the_dang_uy(client, tree):
    """Was "T/M BAN THƯỜNG VỤ / BÍ THƯ", addressed to "Đảng bộ Khối …" (issue 12)."""
    CommitmentFactory(responsible_person=tree.person_b, deadline=dt.date(YEAR, 1, 1))
    Position.objects.create(
        person=tree.person_b,
        title=PositionTitle.SECRETARY,
        organization=tree.org_b,
        started_on=dt.date(2020, 1, 1),
    )
    client.force_login(tree.secretary_b)
    lines = document_text(client.get(_download("B")).content).splitlines()
    assert lines[:3] == ["ĐẢNG BỘ KHỐI CÁC CƠ QUAN TỈNH", "CHI BỘ SỞ TƯ PHÁP", "*"]
    assert lines[-3:] == ["T/M CHI BỘ", "BÍ THƯ", "Nguyễn Văn Bình"]
    assert "- Đảng ủy Khối Các cơ quan tỉnh (để báo cáo)," in lines and "- Lưu." in lines
    assert not any("BAN THƯỜNG VỤ" in line for line in lines)


def test_a_draft_saved_without_an_authority_follows_the_rule_and_a_deputy_signs_for_the_secretary(
    client, tree
):
    client.force_login(tree.secretary_a)
    url = reverse("reports:detail", kwargs={"kind": "commitments", "code": "A"})
    response = client.post(
        f"{url}?start={YEAR}-01-01&end={YEAR}-12-31",
        {"signing_authority": "", "signer_position": "Phó Bí thư", "signer_name": "Trần Thị Hoa"},
    )
    assert response.status_code in (302, 303)
    assert ReportDraft.objects.get(organization=tree.org_a).signing_authority == ""
    lines = document_text(client.get(_download("A")).content).splitlines()
    assert lines[:2] == ["ĐẢNG BỘ KHỐI CÁC CƠ QUAN TỈNH", "ĐẢNG ỦY SỞ TÀI CHÍNH"]
    assert lines[-4:] == ["T/M ĐẢNG ỦY", "K/T BÍ THƯ", "PHÓ BÍ THƯ", "Trần Thị Hoa"]


@pytest.mark.parametrize("kind", ORGANIZATION_REPORT_KINDS)
def test_no_title_of_either_report_says_a_word_twice(tree, kind):
    today = local_today()
    periods = [
        year_period(YEAR),
        half_period(YEAR, 1),
        quarter_period(YEAR, 2),
        custom_period(dt.date(YEAR, 1, 1), dt.date(YEAR, 3, 15)),
    ]
    for period in periods:
        figures = report_figures(user=tree.staff, organization=tree.root, period=period, today=today)
        spec = builders.report_document(kind, figures, None, issued_on=today)
        titles = [spec.field_values()["trich_yeu"]]
        titles += [
            c(figures).title for c in (builders.child_chart, builders.lead_unit_chart, builders.trend_chart)
        ]
        titles += [builders.status_chart(figures).title]
        titles += [block.caption for block in spec.body if getattr(block, "caption", "")]
        titles += [block.text for block in spec.body if type(block).__name__ == "Heading"]
        titles += [line for sheet in builders.annex_sheets(kind, figures) for line in sheet.heading]
        for title in titles:
            assert doubled_phrases(title) == [], title
        assert not spec.field_values()["trich_yeu"].casefold().startswith("báo cáo")
