"""Real-browser tests: Playwright driving Debian's Chromium (/usr/bin/chromium), never a downloaded browser.

Without Chromium the tests are skipped with a loud message; under CI=true that is a failure instead.
"""

import os
import shutil
import warnings

import pytest
from playwright.sync_api import expect

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}

# Playwright's sync API runs an event loop; Django must allow ORM calls from the test thread meanwhile.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _chromium_available() -> bool:
    return os.path.exists(CHROMIUM) or shutil.which("chromium") is not None


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not _chromium_available():
        message = f"Chromium not found at {CHROMIUM}: browser tests cannot run (apt-get install chromium)."
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message, pytrace=False)
        warnings.warn(message, stacklevel=1)
        print(f"\n\n!!!!! SKIPPING BROWSER TESTS: {message} !!!!!\n", flush=True)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def browser_page(browser, live_server):
    """A fresh desktop page; `browser_page.base_url` is the live server's address."""
    context = browser.new_context(viewport=DESKTOP, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.base_url = live_server.url
    yield page
    context.close()


@pytest.fixture
def phone_page(browser, live_server):
    """A phone-sized page (390×844, touch)."""
    context = browser.new_context(
        viewport=PHONE, is_mobile=True, has_touch=True, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh"
    )
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.base_url = live_server.url
    yield page
    context.close()


def login_in_browser(page, username: str, password: str = "Matkhau@123") -> None:
    """Log in through the real login form."""
    page.goto(f"{page.base_url}/tai-khoan/dang-nhap/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    # Wait for the POST's own navigation: "networkidle" alone could return before the click's request
    # left, and the next goto then cancelled the login (a flaky sign-in on a loaded machine).
    with page.expect_navigation():
        page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")


def pick(page, field_id: str, typed: str, choose: str) -> None:
    """Choose in a search-as-you-type picker (core/widgets.py): type into its search box as a person
    would, then click the option naming `choose`."""
    search = page.locator(f"#{field_id}_search")
    search.click()
    search.press_sequentially(typed, delay=20)
    option = page.locator(f"#{field_id}_results .picker-option", has_text=choose).first
    expect(option).to_be_visible()
    option.click()
