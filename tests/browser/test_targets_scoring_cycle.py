"""A full yearly scoring cycle in the browser for two agencies: each self-scores (with an evidence file or
an explanation) and submits; the appraisal team scores and comments every component and sends its
comments; the agency sees the comments but not the scores, responds once; the team finalises; the ranking
and the transparency page show the right totals and ranks."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from neuguong.core.dates import local_today
from neuguong.targets.models import AgencyAssessment, Component, ScoringCycle
from neuguong.targets.tests.factories import PDF, agencies_for, open_cycle

from .conftest import login_in_browser

pytestmark = pytest.mark.django_db(transaction=True)

CODES = ["1.1.1", "1.1.2", "1.2.1", "2.1.1", "2.1.2"]


def _accept_confirms(page):
    page.on("dialog", lambda dialog: dialog.accept())


def _self_score(page, base, assessment, components, values, evidence):
    page.goto(f"{base}/chi-tieu/cham-diem/danh-gia/{assessment.pk}/")
    for code, value in zip(CODES, values, strict=True):
        row = page.locator(f"#c{components[code].pk} .self-cell form")
        row.locator("input[name=score]").fill(value)
        if code == "1.1.1":
            row.locator("input[name=files]").set_input_files(str(evidence))
        else:
            row.locator("textarea[name=explanation]").fill(f"Thuyết minh tiêu chí {code}")
        row.locator("button").click()
        page.wait_for_load_state("networkidle")
        expect(page.locator(".alert-success")).to_contain_text(f"Đã lưu điểm tự chấm {code}")
    page.fill("textarea[name=difficulties]", "Thiếu cán bộ chuyên trách")
    page.click("#submit-assessment")
    expect(page.locator("#assessment-status")).to_have_text("Đã nộp")


def _appraise(page, base, assessment, components, values):
    page.goto(f"{base}/chi-tieu/cham-diem/danh-gia/{assessment.pk}/")
    for code, value in zip(CODES, values, strict=True):
        row = page.locator(f"#c{components[code].pk} .appraisal-cell form")
        row.locator("input[name=score]").fill(value)
        row.locator("textarea[name=comment]").fill(f"Nhận xét {code}: cần bổ sung")
        row.locator("button").click()
        page.wait_for_load_state("networkidle")
    page.click("#send-for-response")
    expect(page.locator("#assessment-status")).to_have_text("Chờ giải trình")


def test_full_scoring_cycle_in_the_browser(browser_page, tree, tmp_path):
    agency_a, _, agency_b = agencies_for(tree)
    cycle = open_cycle(
        tree, [agency_a, agency_b], deadline=local_today() + dt.timedelta(days=7), survey_max=0
    )
    components = {c.code: c for c in Component.objects.filter(criterion__area__scoring_set=cycle.scoring_set)}
    a = AgencyAssessment.objects.get(cycle=cycle, agency=agency_a)
    b = AgencyAssessment.objects.get(cycle=cycle, agency=agency_b)
    evidence = tmp_path / "ke-hoach-cchc.pdf"
    evidence.write_bytes(PDF)
    page = browser_page
    base = page.base_url
    _accept_confirms(page)

    login_in_browser(page, "secretary_a")
    _self_score(page, base, a, components, ["4", "2", "6", "9,5", "8"], evidence)
    # A self-score above the maximum is refused next to the field, input kept.
    page.context.clear_cookies()
    login_in_browser(page, "secretary_b")
    page.goto(f"{base}/chi-tieu/cham-diem/danh-gia/{b.pk}/")
    row = page.locator(f"#c{components['1.1.1'].pk} .self-cell form")
    row.locator("input[name=score]").fill("5")
    row.locator("textarea[name=explanation]").fill("Giữ nội dung")
    row.locator("button").click()
    expect(page.locator(f"#c{components['1.1.1'].pk} .invalid-feedback")).to_contain_text(
        "vượt quá điểm tối đa 4"
    )
    expect(page.locator(f"#c{components['1.1.1'].pk} textarea[name=explanation]")).to_have_value(
        "Giữ nội dung"
    )
    _self_score(page, base, b, components, ["3", "1", "4", "6", "5"], evidence)

    page.context.clear_cookies()
    login_in_browser(page, "staff")  # the appraisal team
    _appraise(page, base, a, components, ["4", "2", "5", "9", "7,5"])
    _appraise(page, base, b, components, ["3", "1", "4", "5", "5"])

    page.context.clear_cookies()
    login_in_browser(page, "secretary_a")
    page.goto(f"{base}/chi-tieu/cham-diem/danh-gia/{a.pk}/")
    expect(page.locator("#score-table")).to_contain_text("Nhận xét 1.2.1: cần bổ sung")
    expect(page.locator("#appraised-total")).to_have_count(0)
    page.fill(f"textarea[name=response_{components['1.2.1'].pk}]", "Đã gửi đủ 4 báo cáo quý")
    page.fill("#response_text", "Đề nghị tổ thẩm định xem xét lại tiêu chí 1.2.1")
    page.click("#send-response")
    expect(page.locator("#assessment-status")).to_have_text("Đã giải trình")

    page.context.clear_cookies()
    login_in_browser(page, "staff")
    for assessment in (a, b):
        page.goto(f"{base}/chi-tieu/cham-diem/danh-gia/{assessment.pk}/")
        page.click("#finalise")
        expect(page.locator("#assessment-status")).to_have_text("Đã công bố kết quả")
    page.goto(f"{base}/chi-tieu/cham-diem/dot/{cycle.pk}/xep-hang/")
    rows = page.locator("#ranking-table tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("Sở Tài chính")
    expect(rows.nth(0)).to_contain_text("27,5")
    expect(rows.nth(1)).to_contain_text("Sở Tư pháp")
    expect(rows.nth(1)).to_contain_text("18")
    page.screenshot(path="var/screenshots/targets-ranking.png", full_page=True)

    page.context.clear_cookies()
    login_in_browser(page, "secretary_a")
    page.goto(f"{base}/chi-tieu/cham-diem/danh-gia/{a.pk}/cong-khai/")
    expect(page.locator("#arithmetic")).to_contain_text("11 + 16,5 = 27,5")
    expect(page.locator("#rank")).to_have_text("1")
    expect(page.locator("#transparency-table")).to_contain_text("ke-hoach-cchc.pdf")
    expect(page.locator("#transparency-table")).to_contain_text("Đã gửi đủ 4 báo cáo quý")
    page.screenshot(path="var/screenshots/targets-transparency.png", full_page=True)
    assert ScoringCycle.objects.get(pk=cycle.pk).assessments.filter(status="finalised").count() == 2
