"""A secretary opens her organisation's figures from the home page, checks them against the one figures
selector, writes the "notable examples" part of the commitments report, exports the DOCX (directly and as
a background job) and the XLSX annex, and opens both files; a secretary of another organisation gets 404
for the same pages; the dashboard fits a phone's width."""

import datetime as dt
import re

import pytest
from docx import Document
from openpyxl import load_workbook
from playwright.sync_api import expect

from neuguong.commitments.models import Commitment
from neuguong.commitments.status import DONE_ON_TIME, OPEN_OVERDUE, STATUS_LABELS
from neuguong.commitments.tests.factories import CommitmentFactory
from neuguong.core.dates import local_today
from neuguong.docengine.docformat import document_text
from neuguong.reports.models import ReportDraft, ReportJob
from neuguong.reports.periods import year_period
from neuguong.reports.selectors import report_figures

from .conftest import login_in_browser

pytestmark = pytest.mark.django_db(transaction=True)

NOTABLE = "Đồng chí Nguyễn Nam Đình hoàn thành sớm cam kết đối thoại với cán bộ, đảng viên trong cơ quan."


def _no_horizontal_overflow(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def _in_year(day: dt.date, year: int) -> dt.date:
    """Keep a deadline inside the current calendar year (the dashboard's default period), whatever the day."""
    return min(max(day, dt.date(year, 1, 1)), dt.date(year, 12, 31))


@pytest.fixture
def commitments(tree) -> list[Commitment]:
    """Commitments of organisation A's subtree in several statuses, and one of B that A must not count."""
    today = local_today()
    year = today.year
    past = _in_year(today - dt.timedelta(days=3), year)
    soon = _in_year(today + dt.timedelta(days=5), year)
    a, a2 = tree.person_a, tree.person_a2
    in_a = [
        CommitmentFactory(responsible_person=a, deadline=past, completed_on=past, category="exemplary"),
        CommitmentFactory(responsible_person=a, deadline=past, completed_on=today, category="exemplary"),
        CommitmentFactory(responsible_person=a, deadline=past, category="political"),
        CommitmentFactory(responsible_person=a2, organization=tree.org_a, deadline=soon),
        CommitmentFactory(
            responsible_person=a2,
            deadline=today,
            halt="cancelled",
            halt_reason="Trùng việc",
            halted_by=tree.secretary_a,
        ),
        CommitmentFactory(responsible_person=a2, deadline=past, extension_pending=True),
    ]
    CommitmentFactory(responsible_person=tree.person_b, deadline=past)
    return in_a


def test_secretary_checks_figures_writes_the_report_and_exports_it(browser_page, tree, commitments, tmp_path):
    today = local_today()
    period = year_period(today.year)
    figures = report_figures(user=tree.secretary_a, organization=tree.org_a, period=period, today=today)
    assert figures.totals.total == len(commitments)  # B's commitment is outside A's subtree

    page = browser_page
    login_in_browser(page, "secretary_a")

    # 1. The home page panel (loaded by htmx) leads to the organisation's dashboard.
    page.goto(f"{page.base_url}/")
    panel = page.locator(f"section[aria-labelledby='dash-{tree.org_a.code}']")
    expect(panel).to_contain_text(tree.org_a.name)
    expect(panel.locator("[data-dash-total]")).to_have_text(str(figures.totals.total))
    panel.locator("a:has-text('Chi tiết')").click()
    expect(page.locator("h1")).to_have_text(f"Bảng số liệu — {tree.org_a.name}")
    assert f"/bao-cao/tong-quan/{tree.org_a.code}/" in page.url

    expect(page.locator("td[data-total]")).to_have_text(str(figures.totals.total))
    for code in (OPEN_OVERDUE, DONE_ON_TIME):
        expect(page.locator(f"td[data-status='{code}']")).to_have_text(str(figures.totals.counts[code]))

    # The status chart is an SVG with a text alternative naming each status with its number (charts not
    # drawn yet for these figures come just after the page).
    expect(page.locator("[data-charts-pending]")).to_have_count(0)
    chart = page.locator("svg[role=img]", has=page.locator("title", has_text="Số cam kết theo trạng thái"))
    expect(chart).to_have_count(1)
    alt = chart.get_attribute("aria-label")
    assert alt == chart.locator("desc").text_content()
    for code in (OPEN_OVERDUE, DONE_ON_TIME):
        assert f"{STATUS_LABELS[code]}: {figures.totals.counts[code]}" in alt
    page.screenshot(path="var/screenshots/reports-dashboard.png", full_page=True)

    # 2. The commitments report: write "notable examples", save, reload, the text is kept.
    page.click("a:has-text('Báo cáo kết quả thực hiện trách nhiệm nêu gương')")
    expect(page.locator("h1")).to_contain_text("Báo cáo kết quả thực hiện trách nhiệm nêu gương")
    expect(page.locator("h1")).to_contain_text(tree.org_a.name)
    expect(page.locator("td[data-total]")).to_have_text(str(figures.totals.total))
    page.get_by_label("Những tập thể, cá nhân tiêu biểu").fill(NOTABLE)
    page.click("button:has-text('Lưu bản thảo')")
    expect(page.locator(".alert-success")).to_contain_text("Đã lưu bản thảo báo cáo.")
    page.reload()
    expect(page.get_by_label("Những tập thể, cá nhân tiêu biểu")).to_have_value(NOTABLE)
    page.screenshot(path="var/screenshots/reports-draft.png", full_page=True)
    draft = ReportDraft.objects.get(organization=tree.org_a, kind="commitments")
    assert (draft.period_start, draft.period_end) == (period.start, period.end)
    assert draft.narrative["notable_examples"] == NOTABLE

    # 3a. DOCX from the page's button: the narrative and the organisation are in the document.
    with page.expect_download() as info:
        page.click("a:has-text('Tải DOCX')")
    download = info.value
    assert download.suggested_filename.endswith(".docx")
    docx_path = tmp_path / download.suggested_filename
    download.save_as(docx_path)
    text = document_text(docx_path.read_bytes())
    assert NOTABLE in text.splitlines()
    assert tree.org_a.name in text
    Document(str(docx_path))  # opens as a Word document

    # 3b. The same DOCX made as a background job: progress page, then its download link.
    page.click("button:has-text('Tạo trong nền')")
    expect(page.locator("#job")).to_contain_text("DOCX")
    job = ReportJob.objects.get(requested_by=tree.secretary_a)
    expect(page.locator("#job a.btn")).to_be_visible()
    with page.expect_download() as info:
        page.click("#job a.btn")
    job_docx = tmp_path / f"job-{info.value.suggested_filename}"
    info.value.save_as(job_docx)
    job_text = document_text(job_docx.read_bytes())
    assert NOTABLE in job_text.splitlines() and tree.org_a.name in job_text
    job.refresh_from_db()
    assert job.status == "done" and job.organization_id == tree.org_a.pk

    # 3c. The XLSX annex: its totals row sums to the selector's total, a child's row matches its figures.
    page.go_back()
    expect(page.locator("h1")).to_contain_text("Báo cáo kết quả thực hiện trách nhiệm nêu gương")
    with page.expect_download() as info:
        page.click("a:has-text('Phụ lục XLSX')")
    xlsx_path = tmp_path / info.value.suggested_filename
    info.value.save_as(xlsx_path)
    assert xlsx_path.suffix == ".xlsx"
    ws = load_workbook(xlsx_path)["PL1 Tổ chức trực thuộc"]
    header_row = next(r for r in range(1, 10) if ws.cell(row=r, column=1).value == "STT")
    header = [c.value for c in ws[header_row]]
    total_col = header.index("Tổng số") + 1
    totals_row = next(
        r for r in range(header_row, ws.max_row + 1) if ws.cell(row=r, column=1).value == "Tổng cộng"
    )
    formula = ws.cell(row=totals_row, column=total_col).value
    match = re.fullmatch(r"=SUM\(([A-Z]+\d+):([A-Z]+\d+)\)", formula)
    assert match, formula
    summed = sum(cell.value or 0 for (cell,) in ws[f"{match[1]}:{match[2]}"])
    assert summed == figures.totals.total
    child = next(row for row in figures.by_child if row.key == tree.branch_a.code)
    child_row = next(
        r for r in range(header_row + 1, totals_row) if ws.cell(row=r, column=2).value == child.label
    )
    assert ws.cell(row=child_row, column=total_col).value == child.counts.total
    overdue_col = header.index(STATUS_LABELS[OPEN_OVERDUE]) + 1
    assert ws.cell(row=child_row, column=overdue_col).value == child.counts.counts[OPEN_OVERDUE]


def test_secretary_of_another_organisation_gets_404(browser_page, tree, commitments):
    page = browser_page
    login_in_browser(page, "secretary_b")
    period = year_period(local_today().year)
    code = tree.org_a.code
    for path in (
        f"/bao-cao/tong-quan/{code}/",
        f"/bao-cao/tong-quan/{code}/?{period.query}",
        f"/bao-cao/commitments/{code}/?{period.query}",
        f"/bao-cao/commitments/{code}/tai.docx?{period.query}",
    ):
        response = page.goto(f"{page.base_url}{path}")
        assert response.status == 404, path
        expect(page.locator("body")).not_to_contain_text(tree.org_a.name)
    # Her own dashboard still opens.
    response = page.goto(f"{page.base_url}/bao-cao/tong-quan/{tree.org_b.code}/")
    assert response.status == 200
    expect(page.locator("h1")).to_have_text(f"Bảng số liệu — {tree.org_b.name}")


def test_dashboard_fits_a_phone_screen(phone_page, tree, commitments):
    page = phone_page
    login_in_browser(page, "secretary_a")
    page.goto(f"{page.base_url}/bao-cao/tong-quan/{tree.org_a.code}/")
    expect(page.locator("h1")).to_have_text(f"Bảng số liệu — {tree.org_a.name}")
    expect(page.locator("svg[role=img]").first).to_be_visible()
    expect(page.locator("[data-charts-pending]")).to_have_count(0)
    page.screenshot(path="var/screenshots/reports-dashboard-phone.png", full_page=True)
    assert _no_horizontal_overflow(page)
