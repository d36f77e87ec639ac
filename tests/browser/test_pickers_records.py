"""The three pickers added last, in the browser (issue 13.2: names, never ids): an appraisal team member chosen
by an account holder's name ("account"), and an inspection's content linked by a commitment's title
("commitment") and by an annual target's indicator ("annual_target"), each typed without diacritics, seen
with where it belongs, chosen, submitted and shown on the page."""

import datetime as dt

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from neuguong.commitments import services as commitment_services
from neuguong.core.dates import local_today
from neuguong.inspections.tests.factories import make_inspection
from neuguong.targets import services as target_services
from neuguong.targets.tests.factories import agencies_for, open_cycle

from .conftest import login_in_browser, pick

pytestmark = pytest.mark.django_db(transaction=True)


def _option(page, field_id: str, typed: str, label: str):
    """Type into the picker and return the option naming `label` once it shows (not chosen yet)."""
    search = page.locator(f"#{field_id}_search")
    search.click()
    search.press_sequentially(typed, delay=20)
    option = page.locator(f"#{field_id}_results .picker-option", has_text=label).first
    expect(option).to_be_visible()
    return option


def test_an_appraisal_team_member_is_chosen_by_the_account_holders_name(browser_page, tree):
    page = browser_page
    agency_a, _, agency_b = agencies_for(tree)
    cycle = open_cycle(tree, [agency_a, agency_b], deadline=local_today() + dt.timedelta(days=10))
    login_in_browser(page, "staff")
    page.goto(page.base_url + reverse("targets:cycle", args=[cycle.pk]))
    # "nguyen nam dinh" finds the account of Nguyễn Nam Đình (member_a), told apart by the organisation.
    option = _option(page, "id_team", "nguyen nam dinh", "Nguyễn Nam Đình")
    expect(option).to_contain_text("Chi bộ Phòng Ngân sách")
    option.click()
    page.locator("form:has(#id_team_search) button", has_text="Lưu").click()
    expect(page.locator(".alert-success")).to_contain_text("Đã cập nhật tổ thẩm định")
    expect(page.locator("#team")).to_contain_text("Nguyễn Nam Đình")
    assert tree.member_a in cycle.team.all()


def test_an_inspection_links_a_commitment_and_an_annual_target_picked_by_name(browser_page, tree):
    page = browser_page
    commitment_services.commitment_create(
        actor=tree.staff,
        organization=tree.org_a,
        title="Xây dựng kế hoạch nêu gương năm nay",
        deadline=local_today() + dt.timedelta(days=30),
        responsible_person=tree.person_a2,
    )
    agency_a, _, _ = agencies_for(tree)
    indicator = target_services.indicator_create(
        actor=tree.staff, organization=tree.root, code="CT1", name="Tỷ lệ hồ sơ đúng hạn", unit="%"
    )
    target_services.annual_target_set(
        actor=tree.staff, indicator=indicator, agency=agency_a, year=local_today().year, target_value="95"
    )
    inspection = make_inspection(tree)
    login_in_browser(page, "staff")
    url = page.base_url + reverse("inspections:content_link", args=[inspection.pk])
    detail = reverse("inspections:detail", args=[inspection.pk])

    page.goto(url)
    option = _option(page, "id_commitment", "xay dung ke hoach", "Xây dựng kế hoạch nêu gương năm nay")
    expect(option).to_contain_text("Nguyễn Văn An")  # the responsible person…
    expect(option).to_contain_text("Đảng bộ Sở Tài chính")  # …and the organisation tell namesakes apart
    option.click()
    page.click("main form[method=post] button[type=submit]")
    page.wait_for_url(f"**{detail}**")
    expect(page.locator("main")).to_contain_text("Xây dựng kế hoạch nêu gương năm nay")

    page.goto(url)
    pick(page, "id_annual_target", "ty le ho so", "Tỷ lệ hồ sơ đúng hạn")
    chip = page.locator("[data-picker-chosen] li", has_text="Tỷ lệ hồ sơ đúng hạn")
    expect(chip).to_contain_text("Sở Tài chính")  # the agency the target is set for
    page.click("main form[method=post] button[type=submit]")
    page.wait_for_url(f"**{detail}**")
    expect(page.locator("main")).to_contain_text("Tỷ lệ hồ sơ đúng hạn")
    assert inspection.content_links.count() == 2
    page.screenshot(path="var/screenshots/pickers-records.png", full_page=True)
