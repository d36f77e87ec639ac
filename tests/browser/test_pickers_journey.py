"""Names, not codes (issue 13.2), in the browser: the secretary gives a task to a member found by typing
part of the name without diacritics, and filters the board by an organisation's name."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from neuguong.commitments import services
from neuguong.commitments.models import Commitment
from neuguong.core.dates import local_today

from .conftest import login_in_browser, pick

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_task_is_given_to_a_member_chosen_by_name_and_the_board_filters_by_organisation(browser_page, tree):
    page = browser_page
    login_in_browser(page, "secretary_a")
    page.goto(f"{page.base_url}/cam-ket/giao/?org=A")
    page.fill("#id_title", "Nêu gương tiết kiệm trong chi tiêu công")
    # "nguyen van an" without diacritics finds "Nguyễn Văn An", told apart by organisation and position.
    pick(page, "id_people", "nguyen van an", "Nguyễn Văn An")
    chip = page.locator("[data-picker-chosen] li", has_text="Nguyễn Văn An")
    expect(chip).to_contain_text("Chi bộ Phòng Ngân sách")
    pick(page, "id_lead_unit", "phong ngan", "Chi bộ Phòng Ngân sách")
    page.fill("#id_deadline", (local_today() + dt.timedelta(days=30)).isoformat())
    page.click("main form[method=post] button[type=submit]")
    expect(page.locator(".alert-success")).to_contain_text("Đã giao nhiệm vụ «Nêu gương tiết kiệm")
    commitment = Commitment.objects.get(title="Nêu gương tiết kiệm trong chi tiêu công")
    assert commitment.responsible_person == tree.person_a2 and commitment.lead_unit == tree.branch_a

    services.commitment_create(
        actor=tree.staff,
        organization=tree.org_b,
        title="Nhiệm vụ của Sở Tư pháp",
        deadline=local_today() + dt.timedelta(days=10),
        responsible_person=tree.person_b,
        category="exemplary",
    )
    login_in_browser(page, "staff")
    page.goto(f"{page.base_url}/cam-ket/bang/")
    expect(page.locator("#board-table")).to_contain_text("Nhiệm vụ của Sở Tư pháp")
    pick(page, "id_org_filter", "so tu phap", "Chi bộ Sở Tư pháp")
    page.wait_for_url("**org=B**")
    expect(page.locator("#board-table")).to_contain_text("Nhiệm vụ của Sở Tư pháp")
    expect(page.locator("#board-table")).not_to_contain_text("Nêu gương tiết kiệm trong chi tiêu công")
    page.screenshot(path="var/screenshots/pickers-board.png", full_page=True)
