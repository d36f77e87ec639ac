"""An organisation with very many children (the national root has 52,000): the figures hold a page of
them, the annex streams every child, the DOCX body keeps the lowest on-time rates and points to the
annex. The thresholds are lowered here so the small test tree crosses them."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from neuguong.commitments import tally
from neuguong.commitments.tests.factories import CommitmentFactory
from neuguong.core.tests.factories import OrganizationFactory, PersonFactory
from neuguong.docengine.docformat import document_text
from neuguong.reports import builders, selectors
from neuguong.reports.periods import year_period
from neuguong.reports.rendering import report_render

TODAY = dt.date(2026, 7, 15)
YEAR = year_period(2026)


@pytest.fixture
def many_children(tree, monkeypatch):
    """Root: A (2 on time, 1 late), B (one open), C1…C3 (one done late each)."""
    a, b = tree.person_a, tree.person_b
    for completed in (dt.date(2026, 3, 1), dt.date(2026, 2, 1), dt.date(2026, 3, 5)):
        CommitmentFactory(responsible_person=a, deadline=dt.date(2026, 3, 1), completed_on=completed)
    CommitmentFactory(responsible_person=b, deadline=dt.date(2026, 9, 1))
    for i in range(3):
        org = OrganizationFactory(code=f"C{i}", name=f"Chi bộ Cơ quan {i}", parent=tree.root)
        CommitmentFactory(
            responsible_person=PersonFactory(organization=org),
            deadline=dt.date(2026, 4, 1),
            completed_on=dt.date(2026, 4, 2),
        )
    tally.rebuild(TODAY)
    monkeypatch.setattr(selectors, "CHILDREN_IN_FIGURES", 2)
    monkeypatch.setattr(selectors, "CHILD_PAGE", 2)
    monkeypatch.setattr(builders, "CHILD_ROWS_IN_BODY", 2)
    return tree


def test_the_annex_lists_every_child_read_page_by_page(many_children):
    tree = many_children
    figures = selectors.report_figures(user=tree.staff, organization=tree.root, period=YEAR, today=TODAY)
    assert figures.children_total == 5 and len(figures.by_child) == 2
    rendered = report_render(
        user=tree.staff, kind="commitments", organization=tree.root, period=YEAR, fmt="xlsx", today=TODAY
    )
    sheet = load_workbook(io.BytesIO(rendered.data)).worksheets[0]
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    names = [row[1] for row in values if isinstance(row[0], int)]
    assert names == [
        "Chi bộ Cơ quan 0",
        "Chi bộ Cơ quan 1",
        "Chi bộ Cơ quan 2",
        "Chi bộ Sở Tư pháp",
        "Đảng bộ Sở Tài chính",
    ]
    totals = next(row for row in values if row[0] == "Tổng cộng")
    assert totals[2].startswith("=SUM(C")  # formulas over all five rows


def test_the_docx_body_keeps_the_lowest_rates_and_points_to_the_annex(many_children):
    tree = many_children
    rendered = report_render(
        user=tree.staff, kind="commitments", organization=tree.root, period=YEAR, fmt="docx", today=TODAY
    )
    text = document_text(rendered.data)
    assert "trong số 5 tổ chức trực thuộc tại Phụ lục 1" in text
    assert "Bảng 3. 4 tổ chức trực thuộc có tỷ lệ hoàn thành đúng hạn thấp nhất" in text
    assert "Chi bộ Sở Tư pháp" not in text  # nothing done there: no rate, left to the annex
    lines = text.splitlines()
    # The three done late (0 %) first, numbered as in the annex, then A (66.7 %).
    first = lines.index("Chi bộ Cơ quan 0")
    assert lines[first - 1] == "1" and "Đảng bộ Sở Tài chính" in lines[first:]


def test_many_heads_overdue_are_counted_in_chunks_and_the_body_keeps_the_most_overdue(
    client, tree, monkeypatch
):
    """The national root has 50,000 heads with overdue commitments: they are counted a chunk of heads at a
    time (the same counts as one query), the DOCX body and the page keep the most overdue and point to
    Phụ lục 4, which lists them all."""
    from neuguong.organizations.models import Agency

    heads = []
    for i in range(3):
        org = OrganizationFactory(code=f"H{i}", name=f"Đảng bộ Sở {i}", parent=tree.root)
        head = PersonFactory(organization=org, full_name=f"Trần Văn {'ABC'[i]}")
        Agency.objects.create(code=f"CQ{i}", name=f"Sở {i}", organization=org, head=head)
        for _ in range(i + 1):  # C is the most overdue (3), then B (2), then A (1)
            CommitmentFactory(organization=org, responsible_person=head, deadline=dt.date(2026, 5, 1))
        heads.append(head)
    tally.rebuild(TODAY)
    monkeypatch.setattr(selectors, "HEADS_PER_QUERY", 2)
    monkeypatch.setattr(builders, "HEADS_IN_BODY", 2)
    figures = selectors.report_figures(user=tree.staff, organization=tree.root, period=YEAR, today=TODAY)
    assert [(h.name, h.overdue) for h in figures.heads_overdue] == [
        ("Trần Văn C", 3),
        ("Trần Văn B", 2),
        ("Trần Văn A", 1),
    ]
    docx = report_render(
        user=tree.staff, kind="commitments", organization=tree.root, period=YEAR, fmt="docx", today=TODAY
    )
    text = document_text(docx.data)
    assert "Có 3 người đứng đầu cơ quan, đơn vị có cam kết quá hạn; danh sách đầy đủ tại Phụ lục 4" in text
    assert "Bảng 4. 2 người đứng đầu cơ quan, đơn vị có nhiều cam kết quá hạn nhất" in text
    assert "Trần Văn B" in text and "Trần Văn A" not in text
    xlsx = report_render(
        user=tree.staff, kind="commitments", organization=tree.root, period=YEAR, fmt="xlsx", today=TODAY
    )
    annex = load_workbook(io.BytesIO(xlsx.data))["PL4 Người đứng đầu"]
    assert [row[1] for row in annex.iter_rows(values_only=True) if isinstance(row[0], int)] == [
        "Trần Văn C",
        "Trần Văn B",
        "Trần Văn A",
    ]
    client.force_login(tree.staff)
    page = client.get(
        reverse("reports:detail", kwargs={"kind": "commitments", "code": tree.root.code})
        + f"?start={YEAR.start:%Y-%m-%d}&end={YEAR.end:%Y-%m-%d}"
    ).content.decode()
    assert "Trên đây là 2 người có nhiều cam kết quá hạn nhất trong số 3 người" in page
    assert "Trần Văn B" in page and "Trần Văn A" not in page
