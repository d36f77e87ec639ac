"""A head of agency reports progress with an evidence file from a phone-sized screen; the secretary sees
the report and accepts it; nothing overflows the phone's width."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from neuguong.commitments import services
from neuguong.commitments.models import Evidence, ProgressReport
from neuguong.core.dates import local_today

from .conftest import login_in_browser

pytestmark = pytest.mark.django_db(transaction=True)

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)


def _no_horizontal_overflow(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_head_reports_progress_with_evidence_from_a_phone(phone_page, browser_page, tree, tmp_path):
    commitment = services.commitment_create(
        actor=tree.secretary_a,
        organization=tree.org_a,
        title="Nêu gương đối thoại với cán bộ, đảng viên",
        deadline=local_today() + dt.timedelta(days=6),
        responsible_person=tree.person_a,
        category="exemplary",
    )
    evidence_file = tmp_path / "bien-ban-doi-thoai.png"
    evidence_file.write_bytes(PNG)

    page = phone_page
    login_in_browser(page, "member_a")
    page.goto(f"{page.base_url}/cam-ket/")
    expect(page.locator("h1")).to_have_text("Việc của tôi")
    assert _no_horizontal_overflow(page)
    page.locator(
        ".list-group-item-action", has_text="Nêu gương đối thoại với cán bộ, đảng viên"
    ).first.click()
    expect(page.locator("h1")).to_contain_text("Nêu gương đối thoại")
    page.click("text=Báo cáo tiến độ")
    page.fill("input[name=percent]", "60")
    page.fill("textarea[name=text]", "Đã tổ chức đối thoại tại 2/3 phòng")
    page.set_input_files("input[name=files]", str(evidence_file))
    assert _no_horizontal_overflow(page)
    page.screenshot(path="var/screenshots/commitment-report-phone.png", full_page=True)
    page.click("button:has-text('Gửi báo cáo')")
    expect(page.locator(".alert-success")).to_contain_text("Đã gửi báo cáo tiến độ")
    expect(page.locator("main")).to_contain_text("bien-ban-doi-thoai.png")
    expect(page.locator("main")).to_contain_text("Tiến độ 60 %")
    assert _no_horizontal_overflow(page)

    report = ProgressReport.objects.get(commitment=commitment)
    assert report.on_behalf_of is None
    assert Evidence.objects.get(report=report).content_type == "image/png"

    # The secretary, on a desktop, accepts the report.
    desk = browser_page
    login_in_browser(desk, "secretary_a")
    desk.goto(f"{desk.base_url}/cam-ket/{commitment.pk}/")
    desk.click("button:has-text('Chấp nhận')")
    expect(desk.locator(".alert-success")).to_contain_text("Đã xem xét báo cáo")
    report.refresh_from_db()
    assert report.review_state == "accepted"


def test_executable_evidence_is_refused_on_the_phone_with_the_input_kept(phone_page, tree, tmp_path):
    commitment = services.commitment_create(
        actor=tree.secretary_a,
        organization=tree.org_a,
        title="Viết bài thu hoạch",
        deadline=local_today() + dt.timedelta(days=6),
        responsible_person=tree.person_a,
    )
    bad = tmp_path / "anh.exe"
    bad.write_bytes(b"MZ\x90\x00" + b"\x00" * 60)
    page = phone_page
    login_in_browser(page, "member_a")
    page.goto(f"{page.base_url}/cam-ket/{commitment.pk}/bao-cao/")
    page.fill("input[name=percent]", "30")
    page.fill("textarea[name=text]", "Nội dung giữ lại")
    page.set_input_files("input[name=files]", str(bad))
    page.click("button:has-text('Gửi báo cáo')")
    expect(page.locator(".invalid-feedback")).to_contain_text("Tệp «anh.exe» không được chấp nhận")
    expect(page.locator("textarea[name=text]")).to_have_value("Nội dung giữ lại")
    assert not ProgressReport.objects.exists()
