"""A draft put to comment, end to end in a real browser: the bloc office writes a draft and puts it to its
organisations; a member comments from a 390 px phone; an organisation's secretary sends its collective
comment from a PC; the drafting committee ends the consultation, revises the text in a new version, answers
every comment, approves, prints the synthesis report and adopts the text (registered in the documents
register), then in one step makes its targets indicators and its tasks a plan on the adopted document.
Screenshots at 1366 and 390 px go to /work/shots/consultation when that folder exists."""

import io
import os
from pathlib import Path

import pytest
from django.apps import apps
from docx import Document as DocxDocument
from playwright.sync_api import expect

from neuguong.consultation.models import Comment, Draft, DraftState
from neuguong.documents.models import Document
from neuguong.targets.models import Indicator

from .conftest import login_in_browser

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = Path(os.environ.get("CONSULTATION_SHOTS", "/work/shots/consultation"))
TEXT = """Căn cứ Điều lệ Đảng;
I. MỤC TIÊU, CHỈ TIÊU
1. Mục tiêu chung
Nâng cao chất lượng lãnh đạo của cấp ủy đối với cải cách hành chính.
2. Chỉ tiêu
a) 100% cơ quan có kế hoạch cải cách hành chính hằng năm.
b) Tỷ lệ hồ sơ giải quyết đúng hạn đạt từ 98% trở lên.
II. NHIỆM VỤ, GIẢI PHÁP
1. Nâng cao nhận thức của cấp ủy, người đứng đầu
2. Đẩy mạnh ứng dụng công nghệ thông tin
"""


def _shot(page, name: str) -> None:
    if SHOTS.is_dir():
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _no_sideways_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{page.url} scrolls sideways ({width} px)"


def _submit(page):
    page.click("main form button[type=submit]")
    page.wait_for_load_state("networkidle")


def _plan_made(office, document) -> None:
    """In the same step the tasks became the items of a plan on the adopted document (plans module)."""
    expect(office.locator(".alert-success").nth(1)).to_contain_text("với 2 mục từ văn bản")
    plan = apps.get_model("plans", "Plan").objects.get()
    assert plan.document == document
    assert list(plan.items.order_by("position").values_list("number", flat=True)) == ["II.1", "II.2"]
    office.click("main .alert-info a")
    expect(office.locator("main")).to_contain_text("Nâng cao nhận thức của cấp ủy, người đứng đầu")
    _shot(office, "journey_07c_plan_1366")


def test_a_draft_from_writing_to_adoption(browser, browser_page, phone_page, live_server, tree):
    office = browser_page
    office.on("dialog", lambda dialog: dialog.accept())
    login_in_browser(office, "staff")
    office.goto(f"{office.base_url}/du-thao/")
    office.click("text=Dự thảo mới")
    office.select_option("#id_kind", "resolution")
    office.fill(
        "#id_title", "Nghị quyết về tăng cường sự lãnh đạo của Đảng đối với công tác cải cách hành chính"
    )
    office.evaluate(
        """() => {
          const pad = (n) => String(n).padStart(2, '0');
          const local = (d) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
          const now = new Date();
          document.querySelector('#id_opens_at').value = local(new Date(now.getTime() - 60000));
          document.querySelector('#id_closes_at').value = local(new Date(now.getTime() + 7 * 86400000));
        }"""
    )
    office.fill("#id_text", TEXT)
    _submit(office)
    expect(office.locator(".alert-success")).to_contain_text("Đã tạo dự thảo")
    expect(office.locator("main")).to_contain_text("2. Chỉ tiêu")
    office.click("button:has-text('Đưa ra lấy ý kiến')")
    office.wait_for_load_state("networkidle")
    expect(office.locator(".alert-success")).to_contain_text("Đã đưa dự thảo")
    draft = Draft.objects.get()
    assert draft.state == DraftState.OPEN and draft.audience_root == tree.root
    _shot(office, "journey_01_office_opened_1366")

    # A member comments from a phone.
    phone = phone_page
    login_in_browser(phone, "member_a")
    phone.goto(f"{phone.base_url}/du-thao/{draft.pk}/")
    _no_sideways_scroll(phone)
    _shot(phone, "journey_02_member_draft_390")
    goal = phone.locator("article", has_text="2. Chỉ tiêu").first
    goal.locator("text=Góp ý phần này").click()
    phone.wait_for_load_state("networkidle")
    phone.click("label:has-text('Không tán thành')")
    _submit(phone)
    expect(phone.locator("main")).to_contain_text("Không tán thành thì cần nêu lý do.")
    _no_sideways_scroll(phone)
    _shot(phone, "journey_03_member_refused_390")
    phone.click("label:has-text('Đồng ý một phần')")
    phone.fill("#id_text", "Đề nghị nêu lộ trình thực hiện chỉ tiêu theo từng năm.")
    _submit(phone)
    expect(phone.locator(".alert-success")).to_contain_text("Đã gửi ý kiến «Đồng ý một phần» về 2. Chỉ tiêu.")
    expect(phone.locator("main")).to_contain_text("Đã góp ý: đồng ý một phần")
    _no_sideways_scroll(phone)

    # An organisation's secretary sends its collective comment from a PC.
    secretary_context = browser.new_context(
        viewport={"width": 1366, "height": 900}, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh"
    )
    secretary = secretary_context.new_page()
    secretary.base_url = live_server.url
    login_in_browser(secretary, "secretary_b")
    secretary.goto(f"{secretary.base_url}/du-thao/{draft.pk}/")
    secretary.click("text=Gửi ý kiến tập thể của tổ chức")
    secretary.fill("#id_participant_count", "12")
    secretary.click("label:has-text('Tán thành')")
    _submit(secretary)
    expect(secretary.locator(".alert-success")).to_contain_text(
        "Đã gửi ý kiến tập thể của Chi bộ Sở Tư pháp (12 đảng viên"
    )
    secretary_context.close()
    assert Comment.objects.count() == 2

    # The drafting committee: end early, revise in version 2, answer every comment, approve.
    office.goto(f"{office.base_url}/du-thao/{draft.pk}/")
    office.click("button:has-text('Kết thúc lấy ý kiến')")
    office.wait_for_load_state("networkidle")
    office.click("text=Tạo bản dự thảo mới")
    _submit(office)
    expect(office.locator(".alert-success")).to_contain_text("Đã tạo dự thảo lần 2")
    office.locator("article", has_text="2. Chỉ tiêu").first.locator("a:has-text('Sửa')").click()
    office.fill("#id_title", "Chỉ tiêu (lộ trình từng năm tại Phụ lục)")
    _submit(office)
    office.goto(f"{office.base_url}/du-thao/{draft.pk}/so-sanh/")
    expect(office.locator("main")).to_contain_text("1 phần sửa")
    expect(office.locator("ins.diff-ins")).to_contain_text("(lộ trình từng năm tại Phụ lục)")
    _shot(office, "journey_04_diff_1366")
    office.goto(f"{office.base_url}/du-thao/{draft.pk}/y-kien/")
    office.locator("li", has_text="Nguyễn Nam Đình").locator("text=Tiếp thu, giải trình").click()
    office.click("label:has-text('Tiếp thu')")
    office.fill("#id_text", "Đã bổ sung lộ trình tại Phụ lục.")
    office.click("button:has-text('Lưu và sang ý kiến chưa xử lý tiếp theo')")
    office.wait_for_load_state("networkidle")
    expect(office.locator("h1")).to_contain_text("Ý kiến của Chi bộ Sở Tư pháp")
    office.click("label:has-text('Đã có trong dự thảo')")
    _submit(office)
    expect(office.locator("main")).to_contain_text("Mọi ý kiến đã được tiếp thu, giải trình.")
    _shot(office, "journey_05_comments_answered_1366")
    office.goto(f"{office.base_url}/du-thao/{draft.pk}/")
    office.click("button:has-text('Duyệt báo cáo tổng hợp')")
    office.wait_for_load_state("networkidle")
    expect(office.locator(".alert-success")).to_contain_text("Đã duyệt báo cáo tổng hợp")

    # The synthesis report, printed.
    office.click("main a.btn:has-text('Báo cáo tổng hợp')")
    expect(office.locator("h1")).to_contain_text(
        "Báo cáo tổng hợp, tiếp thu, giải trình ý kiến góp ý dự thảo"
    )
    _shot(office, "journey_06_synthesis_1366")
    with office.expect_download() as download:
        office.click("text=Tải báo cáo (DOCX)")
    report = DocxDocument(io.BytesIO(Path(download.value.path()).read_bytes()))
    text = "\n".join(p.text for p in report.paragraphs)
    assert "Đã bổ sung lộ trình tại Phụ lục." in text and "IV. KẾT QUẢ" in text

    # Adopted: registered in the documents register, the text frozen.
    office.goto(f"{office.base_url}/du-thao/{draft.pk}/")
    office.click("text=Thông qua, vào sổ văn bản")
    _submit(office)
    expect(office.locator(".alert-success")).to_contain_text("Đã thông qua và vào sổ văn bản 01-NQ/ĐUK")
    document = Document.objects.get()
    assert document.number_text == "01-NQ/ĐUK" and document.file_name == "van-ban-thong-qua.docx"
    draft.refresh_from_db()
    assert draft.state == DraftState.ADOPTED and draft.adopted_document == document
    _shot(office, "journey_07_adopted_1366")

    # In one step, the targets of the adopted text become indicators keeping their article.
    office.click("text=Chuyển thành chỉ tiêu, kế hoạch thực hiện")
    office.wait_for_load_state("networkidle")
    expect(office.locator("main")).to_contain_text("Các chỉ tiêu trong văn bản (2)")
    _shot(office, "journey_07b_implement_1366")
    _submit(office)
    expect(office.locator(".alert-success").first).to_contain_text(
        "Đã chuyển 2 phần của văn bản 01-NQ/ĐUK thành chỉ tiêu: 01-NQ.1, 01-NQ.2."
    )
    indicator = Indicator.objects.get(code="01-NQ.1")
    assert indicator.source.startswith("Nghị quyết 01-NQ/ĐUK, I › 2 › a) 100% cơ quan")
    assert indicator.adopted_from.draft == draft
    if apps.is_installed("neuguong.plans"):
        _plan_made(office, document)

    # The member reads the adopted text on the phone.
    phone.goto(f"{phone.base_url}/du-thao/{draft.pk}/")
    expect(phone.locator("main")).to_contain_text("Chỉ tiêu (lộ trình từng năm tại Phụ lục)")
    _no_sideways_scroll(phone)
    _shot(phone, "journey_08_member_adopted_390")
