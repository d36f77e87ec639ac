"""A month's chi bộ meeting end to end in the browser: the secretary plans and announces it on a PC, a member
is told (notifications), confirms on a 390 px phone and checks in with the QR code, the secretary records the meeting (attendance,
resolution items, the resolution approved), the items appear on the member's "Việc của tôi", the next
meeting's page opens with them, and the committee's compliance report shows the year."""

import contextlib
import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from neuguong.meetings.models import Meeting

from .conftest import login_in_browser

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = "/work/shots/meetings"


def _local(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def _pick(page, field: str, text: str, option: str) -> None:
    """Choose a record in a search-as-you-type picker by typing part of its name."""
    page.fill(f"#id_{field}_search", text)
    page.locator(f"#id_{field}_results .picker-option", has_text=option).first.click()


def _no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def _shot(page, name: str) -> None:
    with contextlib.suppress(OSError):  # a machine without the shots folder still runs the journey
        page.screenshot(path=f"{SHOTS}/journey-{name}.png", full_page=True)


def test_a_months_meeting_from_plan_to_the_committees_report(browser_page, phone_page, tree):
    desk, phone = browser_page, phone_page
    login_in_browser(desk, "secretary_a")

    # Plan the month's regular meeting on a PC, names chosen by typing.
    desk.goto(f"{desk.base_url}/sinh-hoat/them/")
    _pick(desk, "organization", "ngan sach", "Chi bộ Phòng Ngân sách")
    desk.select_option("select[name=kind]", "regular")
    desk.fill("input[name=starts_at]", _local(timezone.now() + dt.timedelta(minutes=20)))
    desk.fill("input[name=place]", "Phòng họp tầng 2, Sở Tài chính")
    desk.fill("textarea[name=topic]", "Kiểm điểm nhiệm vụ tháng; học tập Quy định 08-QĐi/TW")
    _pick(desk, "preparer", "van an", "Nguyễn Văn An")
    desk.click("button[type=submit]")
    expect(desk.locator(".alert-success")).to_contain_text("Đã lên lịch")
    meeting = Meeting.objects.get()
    desk.once("dialog", lambda dialog: dialog.accept())
    desk.get_by_role("button", name="Thông báo").click()
    expect(desk.locator(".alert-success")).to_contain_text("tới 2 đảng viên và cấp ủy cấp trên")
    _shot(desk, "1-announced-pc")

    # A member reads it on the phone and confirms.
    login_in_browser(phone, "member_a")
    phone.goto(f"{phone.base_url}/thong-bao/")  # told in the app (and by e-mail through the outbox)
    expect(phone.locator("body")).to_contain_text(f"Chi bộ Phòng Ngân sách: {meeting.title.lower()}")
    phone.goto(f"{phone.base_url}/")
    phone.locator("a", has_text="Xác nhận").first.click()
    phone.get_by_role("button", name="Xác nhận dự họp").click()
    expect(phone.locator(".alert-success")).to_have_text("Đã xác nhận dự họp.")
    expect(phone.locator("#my-reply")).to_contain_text("Sẽ dự họp")
    _no_sideways_scroll(phone)
    _shot(phone, "2-member-confirms-phone")

    # At the meeting: the QR code in the room, the member checks in from the phone.
    desk.goto(f"{desk.base_url}/sinh-hoat/{meeting.pk}/ma-qr/")
    checkin_url = desk.locator("#checkin-link").get_attribute("href")
    phone.goto(checkin_url)
    phone.get_by_role("button", name="Xác nhận có mặt").click()
    expect(phone.locator("#checkin-done")).to_be_visible()
    _no_sideways_scroll(phone)

    # Afterwards the secretary records it (the clock moved on: the meeting began two hours ago).
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - dt.timedelta(hours=2))
    desk.goto(f"{desk.base_url}/sinh-hoat/{meeting.pk}/da-hop/")
    desk.fill("input[name=started_at]", _local(timezone.now() - dt.timedelta(hours=2)))
    desk.fill("input[name=ended_at]", _local(timezone.now() - dt.timedelta(minutes=15)))
    desk.click("button[type=submit]")
    expect(desk.locator(".alert-success")).to_contain_text("đã họp")
    desk.goto(f"{desk.base_url}/sinh-hoat/{meeting.pk}/diem-danh/")
    desk.select_option(f"select[name=status_{tree.person_a2.pk}]", "excused")
    desk.fill(f"input[name=reason_{tree.person_a2.pk}]", "Đi công tác Hà Nội")
    desk.click("button[type=submit]")
    expect(desk.locator(".alert-success")).to_contain_text("Đã lưu điểm danh")
    expect(desk.locator("#attendance-counts")).to_contain_text("có mặt 1")
    desk.goto(f"{desk.base_url}/sinh-hoat/{meeting.pk}/giao-viec/")
    desk.fill("input[name=items-0-title]", "Hoàn thành số hóa hồ sơ dự toán của phòng")
    _pick(desk, "items-0-responsible_person", "nam dinh", "Nguyễn Nam Đình")
    desk.fill("input[name=items-0-deadline]", (timezone.localdate() + dt.timedelta(days=25)).isoformat())
    desk.click("button[type=submit]")
    expect(desk.locator(".alert-success")).to_contain_text(
        "Đã giao 1 nhiệm vụ theo nghị quyết cho Nguyễn Nam Đình"
    )
    desk.goto(f"{desk.base_url}/sinh-hoat/{meeting.pk}/nghi-quyet/")
    desk.fill("textarea[name=body]", "Chi bộ lãnh đạo phòng hoàn thành nhiệm vụ tháng.")
    desk.fill("textarea[name=closing]", "Tháng tới tập trung số hóa hồ sơ.")
    desk.fill("input[name=votes_for]", "1")
    desk.fill("input[name=votes_against]", "0")
    desk.fill("input[name=votes_abstain]", "0")
    desk.once("dialog", lambda dialog: dialog.accept())
    desk.get_by_role("button", name="Lưu và duyệt").click()
    expect(desk.locator(".alert-success").last).to_contain_text("Đã duyệt nghị quyết")
    expect(desk.locator("#records")).to_contain_text("Đã duyệt")
    with desk.expect_download() as download:
        desk.locator("#records a", has_text="DOCX").last.click()
    assert download.value.suggested_filename.startswith("nghi-quyet-A1-")
    _shot(desk, "3-recorded-pc")

    # The member finds the task on "Việc của tôi".
    phone.goto(f"{phone.base_url}/cam-ket/")
    expect(phone.locator("body")).to_contain_text("Hoàn thành số hóa hồ sơ dự toán của phòng")
    _no_sideways_scroll(phone)
    _shot(phone, "4-my-tasks-phone")

    # The next meeting opens with what was decided last time and where it stands.
    desk.goto(f"{desk.base_url}/sinh-hoat/them/?org=A1")
    _pick(desk, "organization", "ngan sach", "Chi bộ Phòng Ngân sách")
    desk.select_option("select[name=kind]", "thematic")
    desk.fill("input[name=starts_at]", _local(timezone.now() + dt.timedelta(days=10)))
    desk.fill("input[name=place]", "Hội trường Sở Tài chính")
    desk.fill("textarea[name=topic]", "Chuyên đề: trách nhiệm nêu gương")
    desk.click("button[type=submit]")
    desk.once("dialog", lambda dialog: dialog.accept())
    desk.get_by_role("button", name="Thông báo").click()
    phone.goto(f"{phone.base_url}/sinh-hoat/{Meeting.objects.latest('pk').pk}/")
    last_time = phone.locator("#last-time")
    expect(last_time).to_contain_text("Hoàn thành số hóa hồ sơ dự toán của phòng")
    expect(last_time).to_contain_text("Chưa hoàn thành – trong hạn")
    _no_sideways_scroll(phone)
    _shot(phone, "5-next-meeting-phone")

    # The committee's compliance report shows the year.
    desk.goto(f"{desk.base_url}/sinh-hoat/tuan-thu/?org=A")
    row = desk.locator("#branch-rows .list-group-item", has_text="Chi bộ Phòng Ngân sách")
    month = timezone.localdate().month
    expect(row.locator(".month-cell").nth(month - 1)).to_have_class("month-cell month-held")
    expect(desk.locator("#compliance-totals")).to_contain_text("1 lượt chi bộ họp đúng tháng")
    _shot(desk, "6-compliance-pc")
