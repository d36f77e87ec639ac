"""Inspection journey in a real browser: office staff plan a program and item and issue the decision with
its file; the subject's secretary uploads the self-report and cannot open the draft; the committee issues
the conclusion, notifies it, and the subject reads the notice of conclusion."""

import datetime as dt
from pathlib import Path

import pytest
from playwright.sync_api import expect

from neuguong.core.dates import local_today
from neuguong.core.tests.factories import PersonFactory
from neuguong.inspections import services
from neuguong.inspections.models import Inspection, InspectionState

from .conftest import login_in_browser, pick

pytestmark = pytest.mark.django_db(transaction=True)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _submit(page):
    page.click("main form button[type=submit]")
    page.wait_for_load_state("networkidle")


def test_an_inspection_from_program_to_notice_of_conclusion(
    browser_page, browser, live_server, tree, tmp_path
):
    today = local_today()
    PersonFactory(full_name="Trần Văn Trưởng Đoàn", organization=tree.root, card_number="99990001")
    upload = Path(tmp_path) / "quyet-dinh.pdf"
    upload.write_bytes(PDF)

    page = browser_page
    login_in_browser(page, "staff")
    page.goto(f"{page.base_url}/kiem-tra/chuong-trinh/them/")
    pick(page, "id_organization", "dang bo khoi", "Đảng bộ Khối Các cơ quan tỉnh")
    page.select_option("#id_body", "commission")
    page.fill("#id_title", "Chương trình kiểm tra, giám sát năm nay")
    _submit(page)
    expect(page.locator("h1")).to_contain_text("Chương trình kiểm tra, giám sát năm nay")

    page.click("text=Thêm cuộc kiểm tra, giám sát")
    page.select_option("#id_kind", "duty_inspection")
    page.fill("#id_title", "Kiểm tra trách nhiệm nêu gương")
    page.fill("#id_planned_start", dt.date(today.year, 1, 1).isoformat())
    page.fill("#id_planned_end", today.isoformat())
    pick(page, "id_subject_organizations", "so tai chinh", "Đảng bộ Sở Tài chính")
    pick(page, "id_leader", "truong doan", "Trần Văn Trưởng Đoàn")
    _submit(page)
    expect(page.locator("h1")).to_contain_text("Kiểm tra trách nhiệm nêu gương")

    page.click("a[href$='/buoc/decide/']")
    page.fill("#id_number", "05-QĐ/UBKTĐUK")
    page.set_input_files("#id_file", str(upload))
    _submit(page)
    expect(page.locator("main")).to_contain_text("Đã có quyết định")
    expect(page.locator("main")).to_contain_text("quyet-dinh.pdf")

    inspection = Inspection.objects.get()
    for action in ("plan", "notify"):
        services.inspection_transition(
            actor=tree.staff,
            inspection=inspection,
            action=action,
            happened_on=today,
            files=[_pdf()] if action == "plan" else [],
        )

    # The subject's secretary, on a phone-sized window of their own, uploads the self-report.
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN")
    subject = context.new_page()
    subject.base_url = live_server.url
    login_in_browser(subject, "secretary_a")
    subject.goto(f"{subject.base_url}/kiem-tra/{inspection.pk}/")
    subject.click("a[href$='/buoc/self_report/']")
    report = Path(tmp_path) / "bao-cao-giai-trinh.pdf"
    report.write_bytes(PDF)
    subject.set_input_files("#id_file", str(report))
    _submit(subject)
    expect(subject.locator("main")).to_contain_text("bao-cao-giai-trinh.pdf")

    services.finding_add(actor=tree.staff, inspection=inspection, text="Phát hiện MẬT của đoàn")
    services.inspection_transition(
        actor=tree.staff, inspection=inspection, action="submit_draft", happened_on=today, note="Dự thảo MẬT"
    )
    response = subject.goto(f"{subject.base_url}/kiem-tra/{inspection.pk}/buoc/conclude/")
    assert response.status == 404
    subject.goto(f"{subject.base_url}/kiem-tra/{inspection.pk}/")
    assert "Dự thảo MẬT" not in subject.content() and "Phát hiện MẬT" not in subject.content()

    # The committee issues the conclusion and its notice in the browser.
    page.goto(f"{page.base_url}/kiem-tra/{inspection.pk}/")
    page.click("a[href$='/buoc/conclude/']")
    page.fill("#id_number", "12-KL/UBKTĐUK")
    _submit(page)
    expect(page.locator("main")).to_contain_text("Đã ban hành kết luận")
    page.click("a[href$='/buoc/notify_conclusion/']")
    page.fill("#id_note", "Đảng ủy A cơ bản thực hiện tốt; khắc phục hạn chế trong 30 ngày.")
    _submit(page)
    expect(page.locator("main")).to_contain_text("Đã thông báo kết luận")

    subject.goto(f"{subject.base_url}/kiem-tra/{inspection.pk}/")
    expect(subject.locator("main")).to_contain_text("khắc phục hạn chế trong 30 ngày")
    assert "Dự thảo MẬT" not in subject.content()
    Path("var/screenshots").mkdir(parents=True, exist_ok=True)
    subject.screenshot(path="var/screenshots/inspection-subject-notice.png", full_page=True)
    context.close()
    inspection.refresh_from_db()
    assert inspection.state == InspectionState.NOTICE_ISSUED


def _pdf():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("ke-hoach.pdf", PDF, content_type="application/pdf")
