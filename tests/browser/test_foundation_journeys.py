"""A branch secretary finds a member without typing diacritics and reads the change history;
a secretary of another organisation cannot reach that member by page, API or search."""

import json

import pytest
from playwright.sync_api import expect

from neuguong.access.services import api_token_create
from neuguong.people.services import person_update

from .conftest import login_in_browser

pytestmark = pytest.mark.django_db(transaction=True)


def test_secretary_searches_without_diacritics_and_sees_history(browser_page, tree):
    person_update(actor=tree.secretary_a, person=tree.person_a, phone="0912345678")
    page = browser_page
    login_in_browser(page, "secretary_a")
    page.goto(f"{page.base_url}/dang-vien/")
    page.fill("#people-q", "nguyen nam dinh")
    expect(page.locator("#people-table tbody tr")).to_have_count(1)
    expect(page.locator("#people-table")).to_contain_text("Nguyễn Nam Đình")
    page.click("text=Nguyễn Nam Đình")
    page.wait_for_selector("h1:has-text('Nguyễn Nam Đình')")
    history = page.locator("#history-title").locator("xpath=../..")
    assert "Lịch sử thay đổi" in history.inner_text()
    assert "0912345678" in history.inner_text()
    assert "secretary_a" in history.inner_text()
    page.screenshot(path="var/screenshots/member-history.png", full_page=True)


def test_secretary_cannot_reach_member_of_another_organisation(browser_page, tree):
    page = browser_page
    login_in_browser(page, "secretary_b")
    response = page.goto(f"{page.base_url}/dang-vien/{tree.person_a.pk}/")
    assert response.status == 404
    page.goto(f"{page.base_url}/tim-kiem/?q=nguyen+nam+dinh")
    assert "Nguyễn Nam Đình" not in page.content()
    token = api_token_create(user=tree.secretary_b)
    api = page.request.get(
        f"{page.base_url}/api/v1/people/{tree.person_a.pk}", headers={"Authorization": f"Bearer {token}"}
    )
    assert api.status == 404
    listing = page.request.get(
        f"{page.base_url}/api/v1/people?q=nguyen", headers={"Authorization": f"Bearer {token}"}
    )
    names = [item["full_name"] for item in json.loads(listing.text())["items"]]
    assert names == ["Nguyễn Văn Bình"]
