"""Every form the browser sends carries a fresh idempotency key (app.js), so the load balancer may resend
it to another app server without the write happening twice (core/idempotency.py)."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from neuguong.commitments import services
from neuguong.commitments.models import ProgressReport
from neuguong.core.dates import local_today
from neuguong.core.models import IdempotencyKey

from .conftest import login_in_browser

pytestmark = pytest.mark.django_db(transaction=True)


def test_forms_and_their_buttons_send_a_new_key_each_time(browser_page, tree):
    commitment = services.commitment_create(
        actor=tree.staff,
        organization=tree.org_a,
        title="Nêu gương học tập nghị quyết",
        deadline=local_today() + dt.timedelta(days=6),
        responsible_person=tree.person_a,
    )
    page = browser_page
    login_in_browser(page, "member_a")
    for percent in ("30", "50"):
        page.goto(f"{page.base_url}/cam-ket/{commitment.pk}/bao-cao/")
        page.fill("input[name=percent]", percent)
        page.fill("textarea[name=text]", f"Đã làm {percent} %")
        with page.expect_request(lambda r: r.method == "POST") as sent:
            page.click("button:has-text('Gửi báo cáo')")
        assert "idempotency_key=" in sent.value.url
        expect(page.locator(".alert-success")).to_be_visible()
    keys = IdempotencyKey.objects.filter(user=tree.member_a)
    assert keys.count() == 2  # one per sending, each kept with the page it led to
    assert set(keys.values_list("location", flat=True)) == {f"/cam-ket/{commitment.pk}/"}
    assert ProgressReport.objects.filter(commitment=commitment).count() == 2

    # A button with its own formaction ("Trả lại") gets the key on that address.
    login_in_browser(page, "secretary_a")
    page.goto(f"{page.base_url}/cam-ket/{commitment.pk}/")
    page.locator("input[name=note]").first.fill("Chưa có minh chứng")
    with page.expect_request(lambda r: r.method == "POST") as sent:
        page.locator("button:has-text('Trả lại')").first.click()
    assert "/return/?idempotency_key=" in sent.value.url
    page.wait_for_load_state("networkidle")
    assert IdempotencyKey.objects.filter(user=tree.secretary_a, path__endswith="/return/").count() == 1
