"""Phones and paper (issue 13, points 4 and 5), on the demo data every role logs into.

- At 390 px no page of the main journeys is wider than the screen, for each demo account; lists are cards.
- Print views (print media) carry the whole filtered list, the organisation, the date, an STT column and
  statuses as text; attendance has a signature column; the pledge is one A4 page.
"""

import subprocess

import pytest
from django.core.management import call_command

from neuguong.commitments.models import Commitment
from neuguong.inspections.models import Inspection
from neuguong.organizations.models import Organization
from neuguong.people.models import Person
from neuguong.portal.demo import DEMO_PASSWORD
from neuguong.study.models import Campaign

from .conftest import login_in_browser

pytestmark = pytest.mark.django_db(transaction=True)

ROLES = ["admin", "vanphong", "kiemtra", "bithu", "dangvien", "ubkt"]
PHONE_WIDTH = 390


@pytest.fixture
def demo():
    call_command("seed_demo", size="tiny", verbosity=0)
    member = Person.objects.get(user__username="dangvien")
    campaign = Campaign.objects.filter(sessions__isnull=False).order_by("pk").first()
    return {
        "member": member,
        "commitment": Commitment.objects.filter(responsible_person=member).order_by("pk").first(),
        "inspection": Inspection.objects.order_by("pk").first(),
        "campaign": campaign,
        "session": campaign.sessions.order_by("pk").first(),
        "organization": member.organization,
        "root": Organization.objects.filter(parent__isnull=True).order_by("pk").first(),
    }


def main_pages(demo) -> list[str]:
    c, s = demo["campaign"], demo["session"]
    return [
        "/",
        "/cam-ket/",
        "/cam-ket/bang/",
        "/cam-ket/tong-hop/",
        f"/cam-ket/{demo['commitment'].pk}/",
        "/cam-ket/lich/",
        "/cam-ket/ban-cam-ket/",
        "/cam-ket/chuong-trinh/",
        "/dang-vien/",
        f"/dang-vien/{demo['member'].pk}/",
        "/to-chuc/",
        f"/to-chuc/{demo['organization'].code}/",
        "/kiem-tra/",
        f"/kiem-tra/{demo['inspection'].pk}/",
        "/kiem-tra/chuong-trinh/",
        "/kiem-tra/bao-phu/",
        "/hoc-tap/",
        f"/hoc-tap/{c.pk}/",
        f"/hoc-tap/{c.pk}/danh-sach/",
        f"/hoc-tap/{c.pk}/buoi/{s.pk}/diem-danh/",
        f"/hoc-tap/{c.pk}/thu-hoach/danh-sach/",
        "/hoc-tap/lop/",
        "/chi-tieu/",
        "/chi-tieu/qua-han/",
        "/chi-tieu/cham-diem/",
        "/thong-bao/",
        "/thong-bao/viec-cho-toi/",
        "/thong-bao/cach-nhan/",
        "/bao-cao/",
        "/van-ban/",
        "/du-lieu/",
        "/khong-co-trang-nay/",
    ]


def test_no_page_of_the_main_journeys_scrolls_sideways_on_a_phone(phone_page, demo):
    page = phone_page
    too_wide = []
    seen = 0
    for role in ROLES:
        page.context.clear_cookies()
        login_in_browser(page, role, DEMO_PASSWORD)
        for path in main_pages(demo):
            response = page.goto(page.base_url + path)
            assert response.status < 500, (role, path, response.status)
            seen += response.status == 200
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > PHONE_WIDTH:
                too_wide.append((role, path, width))
    assert too_wide == []
    assert seen > 80  # the roles really saw the pages (not only 404s)


def test_lists_are_cards_on_a_phone_with_the_status_in_view(phone_page, demo):
    page = phone_page
    login_in_browser(page, "vanphong", DEMO_PASSWORD)
    page.goto(page.base_url + "/cam-ket/bang/")
    row = page.locator("#board-table tbody tr").first
    assert row.evaluate("tr => getComputedStyle(tr).display") == "block"
    status = row.locator("td").last
    assert status.get_attribute("data-label") == "Trạng thái"
    box = status.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE_WIDTH
    # One tap on the card opens the commitment.
    card = row.bounding_box()
    page.mouse.click(card["x"] + card["width"] - 10, card["y"] + card["height"] - 8)
    page.wait_for_url("**/cam-ket/*/")
    page.screenshot(path="var/screenshots/phone-board-card-opened.png")


def _pdf_text(page, tmp_path, name: str) -> tuple[str, int]:
    pdf = tmp_path / f"{name}.pdf"
    page.pdf(path=str(pdf), prefer_css_page_size=True)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True).stdout
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    return text, pages


def test_the_board_prints_whole_with_organisation_date_stt_and_status_text(browser_page, demo, tmp_path):
    page = browser_page
    login_in_browser(page, "vanphong", DEMO_PASSWORD)
    page.goto(page.base_url + "/cam-ket/bang/")
    total = int(page.locator("#board-table p.text-muted").first.inner_text().split()[0])
    assert total > 50, "the demo has more than one page of commitments"
    page.click("button[data-print]")  # a paged list: "In" opens the print view of the whole list
    page.wait_for_url("**print=1**")
    page.emulate_media(media="print")
    rows = page.locator("#board-table tbody tr")
    assert rows.count() == total
    assert page.locator(".pagination").count() == 0
    text, pages = _pdf_text(page, tmp_path, "board")
    assert "STT" in text and demo["root"].name.upper() in text and "Ngày in:" in text
    assert f"\n{total} " in text or f" {total} " in text  # the last STT
    assert "Chưa hoàn thành – trong hạn" in text or "Đã hoàn thành – đúng hạn" in text
    assert pages > 1
    # Statuses are plain black text, not coloured badges.
    badge = page.locator("#board-table tbody tr .badge").first
    assert badge.evaluate("b => getComputedStyle(b).backgroundColor") in ("rgba(0, 0, 0, 0)", "transparent")
    page.screenshot(path="var/screenshots/print-board.png")


def test_summary_and_member_list_print_whole(browser_page, demo, tmp_path):
    page = browser_page
    login_in_browser(page, "vanphong", DEMO_PASSWORD)
    people = Person.objects.count()
    page.goto(page.base_url + "/dang-vien/?print=1")
    assert page.locator("#people-table tbody tr").count() == min(people, 2000)
    page.goto(page.base_url + "/cam-ket/tong-hop/?print=1")
    page.emulate_media(media="print")
    text, _ = _pdf_text(page, tmp_path, "summary")
    assert "STT" in text and "Tỷ lệ hoàn thành đúng hạn" in text


def test_attendance_prints_with_a_signature_column_and_the_pledge_on_one_page(browser_page, demo, tmp_path):
    page = browser_page
    login_in_browser(page, "vanphong", DEMO_PASSWORD)
    c, s = demo["campaign"], demo["session"]
    page.goto(page.base_url + f"/hoc-tap/{c.pk}/buoi/{s.pk}/diem-danh/?print=1")
    page.emulate_media(media="print")
    # The sheet lists who must attend (those who joined after the session are listed too, not counted).
    assert page.locator("form table tbody tr").count() > 0
    assert page.locator(".pagination").count() == 0
    text, _ = _pdf_text(page, tmp_path, "attendance")
    assert "Ký tên" in text and "STT" in text and "Lưu điểm danh" not in text
    page.emulate_media(media="screen")
    page.context.clear_cookies()
    login_in_browser(page, "dangvien", DEMO_PASSWORD)
    page.goto(page.base_url + "/cam-ket/ban-cam-ket/")
    page.emulate_media(media="print")
    text, pages = _pdf_text(page, tmp_path, "pledge")
    assert pages == 1
    assert "BẢN CAM KẾT" in text and "NGƯỜI CAM KẾT" in text and demo["member"].full_name in text
