"""The daily loop: a member reports progress with evidence on a 390 px phone; the secretary sees the unread
count and the item in "Việc chờ tôi xử lý", accepts it; the member sees the notification and the accepted
report. Screenshots in var/screenshots/loop-*.png."""

import datetime as dt
import os

import pytest
from playwright.sync_api import expect

from neuguong.commitments import services
from neuguong.commitments.models import ProgressReport
from neuguong.core.dates import local_today
from neuguong.notifications.models import Notification

from .conftest import login_in_browser

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = "var/screenshots"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def shot(page, name: str) -> None:
    os.makedirs(SHOTS, exist_ok=True)
    page.screenshot(path=f"{SHOTS}/loop-{name}.png", full_page=True)


def test_report_accept_and_the_member_is_told(phone_page, browser_page, tree, tmp_path):
    commitment = services.commitment_create(
        actor=tree.secretary_a,
        organization=tree.branch_a,
        title="Đối thoại với cán bộ, đảng viên về cải cách hành chính",
        deadline=local_today() + dt.timedelta(days=12),
        responsible_person=tree.person_a,
        category="exemplary",
    )
    evidence = tmp_path / "bien-ban-doi-thoai.png"
    evidence.write_bytes(PNG)

    # 1. The member, on a phone, reports 90 % with a photo of the minutes.
    phone = phone_page
    login_in_browser(phone, "member_a")
    phone.goto(f"{phone.base_url}/cam-ket/")
    phone.locator(".list-group-item-action", has_text="Đối thoại với cán bộ, đảng viên").first.click()
    phone.click("text=Báo cáo tiến độ")
    phone.fill("input[name=percent]", "90")
    phone.fill("textarea[name=text]", "Đã đối thoại tại 9/10 phòng, còn 1 phòng tuần sau")
    phone.set_input_files("input[name=files]", str(evidence))
    phone.click("button:has-text('Gửi báo cáo')")
    expect(phone.locator(".alert-success")).to_be_visible()
    assert fits(phone)
    shot(phone, "1-member-reported-phone")

    # 2. The secretary sees the unread count in the menu and the item waiting on her home page.
    desk = browser_page
    login_in_browser(desk, "secretary_a")
    expect(desk.locator(".nav-notifications [data-unread-count]")).to_have_text("1")
    panel = desk.locator("#queue-panel-title").locator("xpath=ancestor::section")
    expect(panel).to_contain_text("Việc chờ tôi xử lý: 1 việc")
    expect(panel).to_contain_text("Nguyễn Nam Đình báo cáo 90 % — Đối thoại với cán bộ")
    expect(panel).to_contain_text("Báo cáo chờ xem xét")
    shot(desk, "2-secretary-home")
    panel.locator("a", has_text="Nguyễn Nam Đình báo cáo 90 %").click()
    expect(desk.locator("main")).to_contain_text("bien-ban-doi-thoai.png")
    desk.click("button:has-text('Chấp nhận')")
    expect(desk.locator(".alert-success")).to_contain_text(
        "Đã xem xét báo cáo 90 % của Nguyễn Nam Đình: chấp nhận."
    )
    # The report is reviewed: its notice no longer counts, and nothing waits any more.
    expect(desk.locator(".nav-notifications [data-unread-count]")).to_have_count(0)
    shot(desk, "3-secretary-accepted")
    desk.goto(f"{desk.base_url}/")
    expect(desk.locator("#queue-panel-title")).to_have_count(0)  # nothing waits any more

    # 3. The member, on the phone, sees the count, the notification naming who accepted what, and the
    # accepted report.
    phone.goto(f"{phone.base_url}/")
    badge = phone.locator(".nav-notifications [data-unread-count]")
    expect(badge).to_be_visible()  # outside the collapsed menu, on the phone too
    expect(badge).to_have_text("2")  # the assignment and the acceptance
    shot(phone, "4-member-home-phone")
    phone.click(".nav-notifications")
    expect(phone.locator(".notification-list")).to_contain_text(
        "secretary_a đã chấp nhận báo cáo 90 % — Đối thoại với cán bộ"
    )
    assert fits(phone)
    shot(phone, "5-member-notifications-phone")
    phone.click("text=secretary_a đã chấp nhận báo cáo 90 %")
    expect(phone.locator("main")).to_contain_text("Đã chấp nhận")
    assert fits(phone)
    shot(phone, "6-member-accepted-phone")
    assert ProgressReport.objects.get(commitment=commitment).review_state == "accepted"
    assert Notification.objects.get(kind="commitments.report_accepted").read_at is not None
