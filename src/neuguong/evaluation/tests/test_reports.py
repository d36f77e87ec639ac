"""The decision with its list and the year report with its annexes come from the same selector as the
page and the API: the figures agree across page, DOCX, XLSX and API."""

import datetime as dt
import io
import re

import pytest
from openpyxl import load_workbook

from neuguong.access.services import api_token_create
from neuguong.docengine.docformat import document_text
from neuguong.evaluation import selectors, services

from .factories import YEAR, open_period, review_of, self_and_propose

LATER = dt.date(YEAR + 1, 1, 6)


@pytest.fixture
def decided(tree):
    """2025 under 366 for org A decided (both members HTTNV), and 2024 under 124 (one HTNV, one HTTNV)."""
    last = open_period(tree, code="124", year=YEAR - 1, includes_organizations=False)
    for person, grade in ((tree.person_a, "good"), (tree.person_a2, "average")):
        review = review_of(last, person)
        grades = {leaf.code: grade for leaf in services.review_criteria(review).leaves}
        services.review_self_assess(
            actor=tree.secretary_a, review=review, text="x", grades=grades, today=dt.date(YEAR - 1, 12, 1)
        )
        services.review_propose(
            actor=tree.secretary_a, review=review, grades=grades, today=dt.date(YEAR - 1, 12, 10)
        )
    services.period_decide(actor=tree.secretary_a, period=last, decided_on=dt.date(YEAR, 1, 5), today=LATER)
    period = open_period(tree, includes_organizations=False)
    self_and_propose(tree, review_of(period, tree.person_a))
    self_and_propose(tree, review_of(period, tree.person_a2))
    services.period_decide(
        actor=tree.secretary_a, period=period, decided_on=dt.date(YEAR, 12, 28), today=LATER
    )
    period.refresh_from_db()
    return period


@pytest.mark.django_db
def test_the_decision_docx_lists_every_member_with_the_level(tree, decided):
    text = document_text(decided.decision_document.file.read())
    assert "QUYẾT ĐỊNH" in text and decided.decision_document.number_text in text
    assert "Về việc xếp loại chất lượng đảng viên năm 2025".lower() in text.lower()
    assert tree.person_a.full_name in text and tree.person_a2.full_name in text
    assert "Hoàn thành tốt nhiệm vụ: 2" in text
    assert "Căn cứ Quy định 366-QĐ/TW" in text


@pytest.mark.django_db
def test_the_year_report_agrees_on_page_docx_xlsx_and_api(tree, decided, login, client):
    report = selectors.year_report(user=tree.secretary_a, organization=tree.org_a, year=YEAR)
    assert report.summary.members.decided["htt"] == 2
    assert [row["before"] for row in report.comparison()] == [0, 1, 1, 0]
    browser = login(tree.secretary_a)
    page = browser.get(f"/danh-gia/bao-cao/?org=A&year={YEAR}").content.decode()
    assert re.search(
        r'id="comparison".*?Hoàn thành tốt nhiệm vụ</td><td class="text-end" data-label="Năm 2025">2</td>',
        page,
        re.S,
    )
    docx = document_text(browser.get(f"/danh-gia/bao-cao/?org=A&year={YEAR}&format=docx").content)
    assert (
        "KẾT QUẢ KIỂM ĐIỂM, ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG TỔ CHỨC ĐẢNG VÀ ĐẢNG VIÊN NĂM 2025".lower()
        in docx.lower()
    )
    assert "Hoàn thành tốt nhiệm vụ 2 (100 %)" in docx
    workbook = load_workbook(
        io.BytesIO(browser.get(f"/danh-gia/bao-cao/?org=A&year={YEAR}&format=xlsx").content)
    )
    rows = [list(r) for r in workbook["PL1 Đảng viên"].iter_rows(values_only=True)]
    header = next(r for r in rows if r and "HTTNV" in r)
    data = rows[rows.index(header) + 1]
    assert data[header.index("HTTNV")] == 2 and data[header.index("Số được xếp loại")] == 2
    comparison = [list(r) for r in workbook["PL4 So sánh năm trước"].iter_rows(values_only=True)]
    good = next(r for r in comparison if r and r[0] == "Hoàn thành tốt nhiệm vụ")
    assert good[1] == 2 and good[3] == 1
    token = api_token_create(user=tree.secretary_a)
    token = token[1] if isinstance(token, tuple) else token
    summary = client.get(
        f"/api/v1/evaluation/periods/{decided.pk}/summary", HTTP_AUTHORIZATION=f"Bearer {token}"
    ).json()
    assert summary["levels"]["htt"] == data[header.index("HTTNV")] == report.summary.members.decided["htt"]


@pytest.mark.django_db
def test_another_subtree_gets_no_report(tree, decided, login):
    assert login(tree.secretary_b).get(f"/danh-gia/bao-cao/?org=A&year={YEAR}&format=docx").status_code == 404
