"""A chi bộ's December review of 40 members under 366: a member writes the self-assessment on a 390 px
phone; the secretary, on a PC, reads the member's year (commitments, inspections, study) beside the review,
proposes, decides for the whole chi bộ (a registered QĐ) and publishes, then opens the report; the member
sees the published result. Screenshots at 1366 and 390 px land in /work/shots/evaluation when that folder
exists (looked at by hand)."""

import datetime as dt
from pathlib import Path

import pytest
from playwright.sync_api import expect

from neuguong.access.models import Role
from neuguong.core.dates import local_today
from neuguong.core.tests.factories import PersonFactory, UserFactory, grant
from neuguong.evaluation import services
from neuguong.evaluation.models import Period, PeriodState, Review, ReviewState
from neuguong.evaluation.tests.factories import commitment, open_period, scores

from .conftest import PHONE, login_in_browser

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = Path("/work/shots/evaluation")
WIDE = {"width": 1366, "height": 900}


def _shot(page, name: str) -> None:
    if SHOTS.is_dir():
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), page.url


def _chi_bo(tree, year: int):
    """Chi bộ Sở Tư pháp (org B) with 40 members, each with a year of commitments (all on time, 2 of 5
    exceeding requirements), its member account for Nguyễn Văn Bình."""
    tree.org_b.abbreviation = "CB"  # its register numbers "…-QĐ/CB"
    tree.org_b.save(update_fields=["abbreviation"])
    people = [tree.person_b] + [PersonFactory(organization=tree.org_b) for _ in range(39)]
    for person in people:
        for month in range(1, 6):
            commitment(
                person,
                deadline=dt.date(year, month, 20),
                completed_on=dt.date(year, month, 15),
                outcome="exceeded" if month <= 2 else "met",
                title=f"Nhiệm vụ tháng {month}",
            )
    member = UserFactory(username="dangvien_b")
    grant(member, Role.MEMBER, tree.org_b)
    tree.person_b.user = member
    tree.person_b.save(update_fields=["user"])
    return people


def test_a_chi_bo_runs_its_december_review_of_40_members(browser, live_server, tree):
    today = local_today()
    year = today.year
    people = _chi_bo(tree, year)
    period = open_period(tree, organization=tree.org_b, year=year, actor=tree.secretary_b, today=today)
    assert period.reviews.count() == 40
    # 39 colleagues done already (6 HTXSNV — within 20 % of 33 HTTNV — and the rest HTTNV), through the services.
    for index, person in enumerate(people[1:]):
        review = Review.objects.get(period=period, person=person)
        services.review_self_assess(
            actor=tree.secretary_b, review=review, text="Bản tự kiểm điểm", scores=scores(), today=today
        )
        services.review_propose(
            actor=tree.secretary_b,
            review=review,
            scores=scores(),
            level="" if index < 6 else "htt",
            today=today,
        )
    mine = Review.objects.get(period=period, person=tree.person_b)

    # --- the member, on a phone -------------------------------------------------------------------
    phone = browser.new_context(
        viewport=PHONE, is_mobile=True, has_touch=True, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh"
    )
    member = phone.new_page()
    member.base_url = live_server.url
    login_in_browser(member, "dangvien_b")
    member.goto(f"{live_server.url}/danh-gia/")
    member.click(f"text={period.name}")
    expect(member.locator("#subject-name")).to_have_text(tree.person_b.full_name)
    expect(member.locator("#on-time-rate")).to_have_text("100 %")
    _no_sideways_scroll(member)
    member.fill(
        "textarea[name=text]", "Ưu điểm: hoàn thành đúng hạn mọi nhiệm vụ.\nHạn chế: còn ít sáng kiến."
    )
    for code, value in scores("4.5").items():
        member.fill(f"input[name='s_{code}']", value)
    expect(member.locator("[data-score-total=all]").first).to_have_text("97")
    _shot(member, "member-self-assessment-390")
    member.click("#self-form button")
    expect(member.locator(".alert-success")).to_contain_text("Đã ghi bản tự kiểm điểm")
    expect(member.locator("#review-state")).to_contain_text("Đã tự kiểm điểm")
    _no_sideways_scroll(member)

    # --- the secretary, on a PC -------------------------------------------------------------------
    desk = browser.new_context(viewport=WIDE, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    secretary = desk.new_page()
    secretary.on("dialog", lambda dialog: dialog.accept())
    secretary.base_url = live_server.url
    login_in_browser(secretary, "secretary_b")
    # Her self-assessment waits in the secretary's queue (one line for the period).
    secretary.goto(f"{live_server.url}/thong-bao/viec-cho-toi/")
    expect(secretary.locator("body")).to_contain_text("1 bản tự kiểm điểm chờ kiểm điểm, đề xuất")
    secretary.goto(f"{live_server.url}/danh-gia/kiem-diem/{mine.pk}/")
    facts = secretary.locator("#facts-title").locator("xpath=../..")
    expect(facts).to_contain_text("Hoàn thành đúng hạn")
    expect(facts).to_contain_text("Kiểm tra, giám sát, kỷ luật")
    expect(facts).to_contain_text("Học tập nghị quyết")
    expect(secretary.locator("#on-time-rate")).to_have_text("100 %")
    # The proposal form: the general group from the self-assessment, the task results from the facts.
    expect(secretary.locator("#proposal-form input[name='s_1.1']")).to_have_value("4.50")
    expect(secretary.locator("#proposal-form input[name='s_4.1']")).to_have_value("15.00")
    secretary.select_option("#proposal-form select[name=level]", "htt")
    _shot(secretary, "secretary-review-1366")
    secretary.click("#proposal-form button")
    expect(secretary.locator(".alert-success")).to_contain_text(
        f"Đã đề xuất {tree.person_b.full_name}: Hoàn thành tốt nhiệm vụ"
    )

    secretary.goto(f"{live_server.url}/danh-gia/ky/{period.pk}/")
    expect(secretary.locator("#quota")).to_contain_text("6 HTXSNV / tối đa 6")
    secretary.fill("#decide-form input[name=signer]", "Trần Thị Bí Thư")
    _shot(secretary, "secretary-period-1366")
    secretary.click("#decide-form button")
    expect(secretary.locator(".alert-success")).to_contain_text("Đã quyết định xếp loại")
    period.refresh_from_db()
    assert period.state == PeriodState.DECIDED and period.decision_document.number_text.endswith("-QĐ/CB")
    with secretary.expect_download() as download:
        secretary.click("text=Quyết định (DOCX)")
    assert download.value.suggested_filename == f"quyet-dinh-xep-loai-{year}.docx"
    secretary.click("text=Công bố kết quả")
    expect(secretary.locator(".alert-success")).to_contain_text("Đã công bố kết quả")
    assert Period.objects.get(pk=period.pk).state == PeriodState.PUBLISHED
    secretary.click("text=Báo cáo kết quả")
    expect(secretary.locator("#comparison")).to_contain_text("Hoàn thành tốt nhiệm vụ")
    _shot(secretary, "secretary-report-1366")
    with secretary.expect_download() as download:
        secretary.click("text=Phụ lục (XLSX)")
    assert download.value.suggested_filename == f"phu-luc-xep-loai-{year}.xlsx"

    # --- the member sees the published result ------------------------------------------------------
    member.goto(f"{live_server.url}/danh-gia/cua-toi/")
    expect(member.locator("body")).to_contain_text("Hoàn thành tốt nhiệm vụ")
    _no_sideways_scroll(member)
    _shot(member, "member-result-390")
    member.goto(f"{live_server.url}/thong-bao/")
    expect(member.locator("body")).to_contain_text(
        "Kết quả xếp loại chất lượng đảng viên của đồng chí: Hoàn thành tốt nhiệm vụ"
    )
    _no_sideways_scroll(member)
    assert Review.objects.filter(period=period, state=ReviewState.PUBLISHED).count() == 40
    phone.close()
    desk.close()
