"""A campaign end to end in the browser: the secretary creates it, invites, adds a session and shows the QR
code; a member checks in, writes a reflection and plan, and takes the quiz on a phone; the secretary
grades the reflection (its plan item becomes a commitment), imports the question bank and downloads
the report."""

import datetime as dt
import io

import pytest
from openpyxl import Workbook
from playwright.sync_api import expect

from neuguong.commitments.models import Commitment
from neuguong.core.dates import LOCAL_ZONE, local_today
from neuguong.study.models import Attendance, QuizAttempt, Reflection

from .conftest import login_in_browser, pick

pytestmark = pytest.mark.django_db(transaction=True)


def _bank(path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Câu hỏi", "A", "B", "C", "Đáp án"])
    sheet.append(["Nghị quyết 57 xác định đột phá nào?", "Khoa học, công nghệ", "Du lịch", "Khác", "A"])
    sheet.append(["Yêu cầu 'ba rõ' gồm?", "Rõ việc, rõ người, rõ thời gian", "Rõ tiền", "Rõ hàng", "A"])
    sheet.append(["Chủ thể của đổi mới sáng tạo?", "Doanh nghiệp", "Người dân", "Cả hai", "C"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    path.write_bytes(buffer.getvalue())
    return path


def test_campaign_runs_end_to_end(browser_page, phone_page, tree, tmp_path):
    desk, phone = browser_page, phone_page
    login_in_browser(desk, "secretary_a")
    desk.goto(f"{desk.base_url}/hoc-tap/them/")
    desk.fill("input[name=title]", "Nghị quyết số 57-NQ/TW về khoa học, công nghệ")
    desk.select_option("select[name=level]", "grassroots")
    pick(desk, "id_organizer", "so tai chinh", "Đảng bộ Sở Tài chính")
    desk.fill("textarea[name=reflection_questions]", "Nội dung cốt lõi?\nLiên hệ bản thân?")
    desk.click("button[type=submit]")
    expect(desk.locator("h1")).to_contain_text("Nghị quyết số 57-NQ/TW")
    desk.click("text=Lập danh sách triệu tập")
    expect(desk.locator(".alert-success")).to_contain_text("Đã bổ sung 2 người")
    desk.click("text=Thêm buổi")
    desk.fill("input[name=title]", "Hội nghị quán triệt")
    desk.fill("input[name=held_on]", local_today().isoformat())
    desk.fill("input[name=place]", "Hội trường Sở Tài chính")
    desk.click("button[type=submit]")
    desk.click("text=Mã QR")
    checkin_url = desk.locator("a", has_text="/tu-diem-danh/").get_attribute("href")

    login_in_browser(phone, "member_a")
    phone.goto(checkin_url)
    phone.get_by_role("button", name="Xác nhận có mặt").click()
    expect(phone.locator("#checkin-done")).to_be_visible()
    phone.click("text=Xem đợt học tập")
    phone.click("text=Bài thu hoạch và kế hoạch vận dụng")
    phone.fill("textarea[name=answer_0]", "Ba đột phá chiến lược.")
    phone.fill("textarea[name=answer_1]", "Số hóa hồ sơ dự toán tại phòng.")
    phone.fill("input[name=plan_0_title]", "Số hóa 100% hồ sơ dự toán")
    phone.fill("input[name=plan_0_deadline]", (local_today() + dt.timedelta(days=90)).isoformat())
    phone.get_by_role("button", name="Nộp bài").click()
    expect(phone.locator(".alert-success")).to_contain_text("Đã nộp bài thu hoạch")
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")

    campaign_url = checkin_url.split("/buoi/")[0] + "/"
    desk.goto(campaign_url + "thu-hoach/danh-sach/")
    desk.click("text=Nguyễn Nam Đình")
    desk.select_option("select[name=grade]", "good")
    desk.fill("textarea[name=note]", "Kế hoạch cụ thể.")
    desk.get_by_role("button", name="Chấm bài").click()
    expect(desk.locator("#reflection-status")).to_have_text("Đã chấm")
    expect(desk.locator("text=đã thành cam kết")).to_be_visible()
    assert Commitment.objects.get().source_kind == "study_plan"

    desk.goto(campaign_url + "cau-hoi/")
    desk.set_input_files("input[name=file]", str(_bank(tmp_path / "ngan-hang.xlsx")))
    desk.get_by_role("button", name="Nhập câu hỏi").click()
    expect(desk.locator(".alert-success")).to_contain_text("Đã nhập 3 câu hỏi")
    desk.goto(campaign_url + "thi/them/")
    now = dt.datetime.now(LOCAL_ZONE)
    desk.fill("input[name=opens_at]", (now - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"))
    desk.fill("input[name=closes_at]", (now + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"))
    desk.fill("input[name=question_count]", "3")
    desk.fill("input[name=time_limit_minutes]", "10")
    desk.click("button[type=submit]")
    expect(desk.locator("h1")).to_contain_text("Thi tìm hiểu nghị quyết")
    round_url = desk.url

    phone.goto(round_url)
    phone.get_by_role("button", name="Bắt đầu làm bài").click()
    expect(phone.locator("fieldset")).to_have_count(3)
    assert "Đáp án" not in phone.content()
    phone.locator("fieldset input[type=checkbox]").first.check()
    phone.get_by_role("button", name="Nộp bài").click()
    # Two questions unanswered: the page says which and waits for a second press.
    warning = phone.locator("[data-quiz-warning]")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("Còn 2 câu chưa trả lời: câu 2, 3")
    assert QuizAttempt.objects.get().submitted_at is None
    phone.get_by_role("button", name="Nộp bài").click()
    expect(phone.locator(".alert-success")).to_contain_text("Đã nộp bài")
    # The review of the answers follows (the key only once the round has closed).
    expect(phone.locator("[data-review-question]")).to_have_count(3)
    expect(phone.locator("text=Chưa trả lời")).to_have_count(2)
    assert "đáp án đúng</span>" not in phone.content()
    phone.screenshot(path="var/screenshots/study-quiz-phone.png", full_page=True)

    desk.goto(campaign_url)
    stats = desk.locator("#org-stats tfoot")
    expect(stats).to_contain_text("Tổng cộng")
    with desk.expect_download() as download:
        desk.click("text=Báo cáo (DOCX)")
    assert download.value.suggested_filename.endswith("bao-cao.docx")
    desk.screenshot(path="var/screenshots/study-campaign.png", full_page=True)
    assert Attendance.objects.get().method == "qr"
    assert Reflection.objects.get().grade == "good"
    assert QuizAttempt.objects.get().submitted_at is not None
