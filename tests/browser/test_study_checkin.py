"""A secretary shows the session's QR code in the room; a member opens its link on a phone, logs in and
checks in; the attendance sheet shows the QR mark. A link for another session is refused on the phone."""

import re

import pytest
from playwright.sync_api import expect

from neuguong.study import rules, services
from neuguong.study.models import Attendance

from .conftest import login_in_browser

pytestmark = pytest.mark.django_db(transaction=True)


def _no_horizontal_overflow(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def _campaign(tree):
    campaign = services.campaign_create(
        actor=tree.secretary_a,
        title="Nghị quyết số 57-NQ/TW về khoa học, công nghệ",
        level="grassroots",
        organizer=tree.org_a,
        reflection_questions=["Liên hệ bản thân?"],
    )
    services.invitees_generate(actor=tree.secretary_a, campaign=campaign)
    from neuguong.core.dates import local_today

    session = services.session_add(
        actor=tree.secretary_a,
        campaign=campaign,
        title="Hội nghị quán triệt",
        held_on=local_today(),
        place="Hội trường",
    )
    return campaign, session


def test_member_checks_in_by_qr_on_a_phone(browser_page, phone_page, tree):
    campaign, session = _campaign(tree)
    desk = browser_page
    login_in_browser(desk, "secretary_a")
    desk.goto(f"{desk.base_url}/hoc-tap/{campaign.pk}/")
    desk.click("text=Mã QR")
    expect(desk.locator("img[alt='Mã QR tự điểm danh']")).to_be_visible()
    checkin_url = desk.locator("a", has_text="/tu-diem-danh/").get_attribute("href")
    assert re.search(rf"/hoc-tap/{campaign.pk}/buoi/{session.pk}/tu-diem-danh/\?t=", checkin_url)

    phone = phone_page
    phone.goto(checkin_url)  # not logged in yet: the login page keeps the link as `next`
    phone.fill("input[name=username]", "member_a")
    phone.fill("input[name=password]", "Matkhau@123")
    phone.click("button[type=submit]")
    phone.wait_for_load_state("networkidle")
    confirm = phone.get_by_role("button", name="Xác nhận có mặt")
    expect(confirm).to_be_visible()
    assert _no_horizontal_overflow(phone)
    confirm.click()
    expect(phone.locator("#checkin-done")).to_contain_text("Đã ghi nhận có mặt")
    assert _no_horizontal_overflow(phone)
    phone.screenshot(path="var/screenshots/study-checkin-phone.png", full_page=True)
    assert Attendance.objects.get().method == "qr"

    desk.goto(f"{desk.base_url}/hoc-tap/{campaign.pk}/buoi/{session.pk}/diem-danh/")
    row = desk.locator("tr", has_text="Nguyễn Nam Đình")
    expect(row.locator(".badge")).to_have_text("QR")
    expect(desk.locator("#session-counts")).to_contain_text("có mặt 1")


def test_link_of_another_session_is_refused_on_the_phone(phone_page, tree):
    campaign, session = _campaign(tree)
    other = services.session_add(
        actor=tree.secretary_a, campaign=campaign, title="Buổi 2", held_on=session.held_on, place="Phòng họp"
    )
    phone = phone_page
    login_in_browser(phone, "member_a")
    token = rules.checkin_token(campaign.pk, other.pk)
    phone.goto(f"{phone.base_url}/hoc-tap/{campaign.pk}/buoi/{session.pk}/tu-diem-danh/?t={token}")
    expect(phone.locator("#checkin-error")).to_have_text(services.MSG_QR_MISMATCH)
    expect(phone.get_by_role("button", name="Xác nhận có mặt")).to_have_count(0)
    assert not Attendance.objects.exists()
