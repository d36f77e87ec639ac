"""The office opens Plan 165-KH/ĐUK from its registered document, hangs its items, puts it in force,
assigns an item to every head of agency, watches the progress, and makes the one-year report with its
annex; the figures on the page, the DOCX, the XLSX and the API agree. A secretary sees her part; the plan
page fits a phone's width."""

import datetime as dt

import pytest
from docx import Document
from openpyxl import load_workbook
from playwright.sync_api import expect

from neuguong.commitments.models import Commitment
from neuguong.commitments.services import commitment_complete
from neuguong.core.dates import local_today
from neuguong.docengine.docformat import document_text
from neuguong.documents.models import Document as Register
from neuguong.organizations.models import Agency
from neuguong.plans.models import Plan
from neuguong.plans.selectors import plan_progress

from .conftest import login_in_browser

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = "var/screenshots"


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.fixture
def registered(tree):
    """Plan 165-KH/ĐUK in the bloc's register, issued a month ago; two agencies with their heads."""
    Agency.objects.create(code="CQA", name="Sở Tài chính", organization=tree.org_a, head=tree.person_a)
    Agency.objects.create(code="CQB", name="Sở Tư pháp", organization=tree.org_b, head=tree.person_b)
    return Register.objects.create(
        organization=tree.root,
        doc_type="plan",
        number=165,
        issuer="ĐUK",
        term_key="2025–2030",
        issued_on=local_today() - dt.timedelta(days=30),
        summary="Kế hoạch thực hiện trách nhiệm nêu gương trong các cơ quan cấp tỉnh",
    )


def test_the_office_opens_a_plan_assigns_it_and_reports(browser_page, tree, registered, tmp_path, client):
    page = browser_page
    today = local_today()
    login_in_browser(page, "staff")

    # 1. From the document's page: "Mở theo dõi thực hiện", the form comes filled in from the register.
    page.goto(f"{page.base_url}/van-ban/{registered.pk}/")
    page.click("a:has-text('Mở theo dõi thực hiện')")
    expect(page.locator("h1")).to_have_text("Mở theo dõi thực hiện văn bản")
    expect(page.locator(".picker-chip")).to_contain_text("165-KH/ĐUK")
    page.fill("#id_ends_on", (today + dt.timedelta(days=335)).isoformat())
    page.click("button:has-text('Lưu')")
    expect(page.locator(".alert-success")).to_contain_text("Đã mở theo dõi thực hiện Kế hoạch số 165-KH/ĐUK")
    plan = Plan.objects.get(document=registered)
    expect(page.locator("h1")).to_have_text(plan.reference)

    # 2. Hang two items (the lead unit defaults to the bloc: a chip already chosen).
    for number, title in (
        ("II.2", "Người đứng đầu đăng ký kế hoạch nêu gương"),
        ("II.3", "Người đứng đầu đối thoại với cán bộ"),
    ):
        page.click("a:has-text('Thêm mục')")
        page.fill("#id_number", number)
        page.fill("#id_title", title)
        page.fill("#id_deadline", (today + dt.timedelta(days=60)).isoformat())
        page.click("button:has-text('Lưu'):not([name=again])")
        expect(page.locator(".alert-success")).to_contain_text(f"Đã thêm mục {number}")
    # A deadline outside the plan's period is refused next to the field until a reason is given.
    page.click("a:has-text('Thêm mục')")
    page.fill("#id_title", "Sơ kết")
    page.fill("#id_deadline", (today + dt.timedelta(days=400)).isoformat())
    page.click("button:has-text('Lưu'):not([name=again])")
    expect(page.locator("#id_deadline_reason + .invalid-feedback, .invalid-feedback")).to_contain_text(
        "cần ghi lý do"
    )
    page.fill("#id_deadline_reason", "Sơ kết sau khi hết năm")
    page.click("button:has-text('Lưu'):not([name=again])")
    expect(page.locator(".alert-success")).to_contain_text("Đã thêm mục 3")
    page.click("button:has-text('Bắt đầu thực hiện')")
    expect(page.locator(".alert-success")).to_contain_text("bắt đầu thực hiện từ ngày")
    page.screenshot(path=f"{SHOTS}/plans-detail-empty.png", full_page=True)

    # 3. Assign item II.3 to every head of agency: the form comes with the item, its title and "all heads".
    page.click("a:has-text('Người đứng đầu đối thoại với cán bộ')")
    page.click("a:has-text('Giao nhiệm vụ theo mục này')")
    expect(page.locator("#id_title")).to_have_value("Người đứng đầu đối thoại với cán bộ")
    expect(page.locator("#id_all_heads")).to_be_checked()
    expect(page.locator("[data-name=plan_item] .picker-chip")).to_contain_text("165-KH/ĐUK — Mục II.3")
    page.click("button:has-text('Giao nhiệm vụ')")
    expect(page.locator(".alert-success")).to_contain_text("cho 2 người/đơn vị")
    made = list(Commitment.objects.filter(plan_item__plan=plan).order_by("pk"))
    assert {c.responsible_person for c in made} == {tree.person_a, tree.person_b}
    assert all(c.source == registered for c in made)
    commitment_complete(actor=tree.staff, commitment=made[0], completed_on=today)

    # 4. Watch the progress: the plan's figures are those of its selector (and of the API).
    page.goto(f"{page.base_url}/ke-hoach/{plan.pk}/")
    progress = plan_progress(user=tree.staff, plan=plan, today=today)
    assert (progress.totals.total, progress.totals.done) == (2, 1)
    row = page.locator("tr", has=page.locator("a:has-text('Người đứng đầu đối thoại với cán bộ')"))
    expect(row.locator("td").nth(3)).to_have_text("2")
    expect(row.locator("td").nth(4)).to_have_text("1")
    expect(row.locator("progress")).to_have_attribute("value", "50")
    page.set_viewport_size({"width": 1366, "height": 900})
    page.screenshot(path=f"{SHOTS}/plans-detail-1366.png", full_page=True)

    # 5. The one-year report: the text written, the DOCX and the XLSX annex downloaded and opened.
    page.click("a:has-text('Báo cáo kết quả thực hiện')")
    expect(page.locator("h1")).to_contain_text("Báo cáo kết quả")
    expect(page.locator("h1")).to_contain_text("165-KH/ĐUK")
    # By default the report covers what fell due so far (none yet); the year's report covers the plan's year.
    expect(page.locator("body")).to_contain_text("chưa có nhiệm vụ nào")
    page.fill("#r-end", plan.ends_on.isoformat())
    page.click("button:has-text('Đổi kỳ báo cáo')")
    expect(page.locator("#report-items")).to_contain_text("Người đứng đầu đối thoại với cán bộ")
    page.get_by_label("Những kết quả nổi bật").fill("100 % người đứng đầu đăng ký kế hoạch nêu gương.")
    page.click("button:has-text('Lưu bản thảo')")
    expect(page.locator(".alert-success")).to_contain_text("Đã lưu bản thảo báo cáo thực hiện 165-KH/ĐUK")
    page.screenshot(path=f"{SHOTS}/plans-report-1366.png", full_page=True)
    with page.expect_download() as info:
        page.click("a:has-text('Tải DOCX')")
    docx_path = tmp_path / info.value.suggested_filename
    info.value.save_as(docx_path)
    text = document_text(docx_path.read_bytes())
    assert "100 % người đứng đầu đăng ký kế hoạch nêu gương." in text
    assert "165-KH/ĐUK" in text and "BÁO CÁO" in text
    Document(str(docx_path))
    with page.expect_download() as info:
        page.click("a:has-text('Phụ lục XLSX')")
    xlsx_path = tmp_path / info.value.suggested_filename
    info.value.save_as(xlsx_path)
    sheet = load_workbook(xlsx_path)["PL1 Theo mục"]
    rows = {r[0]: r for r in sheet.iter_rows(values_only=True) if r and r[0] in ("II.2", "II.3")}
    assert rows["II.3"][4] == 2 and rows["II.3"][5] + rows["II.3"][6] == 1

    # 6. The API says the same.
    from neuguong.access.services import api_token_create

    token = api_token_create(user=tree.staff)
    token = token[1] if isinstance(token, tuple) else token
    api = client.get(f"/api/v1/plans/{plan.pk}/progress", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert api["total"] == 2 and api["done"] == 1 and api["progress"] == progress.progress


def test_a_secretary_sees_her_part_and_the_page_fits_a_phone(phone_page, tree, registered):
    from neuguong.commitments.services import commitment_assign
    from neuguong.plans import services

    today = local_today()
    plan = services.plan_create(
        actor=tree.staff,
        document=registered,
        title="Thực hiện trách nhiệm nêu gương",
        organization=tree.root,
        starts_on=registered.issued_on,
        ends_on=today + dt.timedelta(days=300),
        items=[
            {"number": "II.3", "title": "Đối thoại với cán bộ", "deadline": today + dt.timedelta(days=30)}
        ],
    )
    services.plan_put_in_force(actor=tree.staff, plan=plan, on=registered.issued_on)
    item = plan.items.get()
    for organization, person in ((tree.org_a, tree.person_a), (tree.org_b, tree.person_b)):
        commitment_assign(
            actor=tree.staff,
            organization=organization,
            title=item.title,
            deadline=item.deadline,
            people=[person],
            plan_item=item,
        )
    page = phone_page
    login_in_browser(page, "secretary_a")
    page.goto(f"{page.base_url}/ke-hoach/{plan.pk}/")
    expect(page.locator("h1")).to_have_text(plan.reference)
    expect(page.locator("body")).to_contain_text(f"Phần của {tree.org_a.name}")
    # Her part: one commitment (her organisation's), not B's.
    expect(
        page.locator("tr", has=page.locator("a:has-text('Đối thoại với cán bộ')")).locator("td").nth(3)
    ).to_have_text("1")
    expect(page.locator("body")).not_to_contain_text(tree.org_b.name)
    page.screenshot(path=f"{SHOTS}/plans-detail-390.png", full_page=True)
    assert _fits(page)
    page.goto(f"{page.base_url}/bao-cao/ke-hoach/{plan.pk}/")
    expect(page.locator("body")).to_contain_text(f"Cơ quan báo cáo: {tree.org_a.name}")
    page.screenshot(path=f"{SHOTS}/plans-report-390.png", full_page=True)
    assert _fits(page)
