"""What people see when something goes wrong: the site's Vietnamese pages with its layout and a way home,
with DEBUG off (production, tests) and under `make run` (dev settings)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client, override_settings

from neuguong.core.tests.factories import UserFactory

HOME_LINK = 'href="/">Về trang chủ</a>'


def _assert_site_page(body: str, heading: str) -> None:
    assert heading in body
    assert 'lang="vi"' in body and "bg-party" in body and "Nêu Gương" in body  # the site's layout
    assert HOME_LINK in body
    assert "Not Found" not in body and "Forbidden" not in body and "Server Error" not in body


@pytest.mark.django_db
def test_a_missing_page_is_the_vietnamese_404_page(client):
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    _assert_site_page(response.content.decode(), "Không tìm thấy trang")


@pytest.mark.django_db
def test_a_logged_in_user_gets_the_404_page_with_the_menu(client):
    client.force_login(UserFactory())
    response = client.get("/khong-co-trang-nay/")
    body = response.content.decode()
    assert response.status_code == 404
    _assert_site_page(body, "Không tìm thấy trang")
    assert "Đăng xuất" in body


@pytest.mark.django_db
@override_settings(ROOT_URLCONF="neuguong.core.tests.error_urls")
def test_a_refusal_is_the_vietnamese_403_page(client):
    response = client.get("/_loi/403/")
    assert response.status_code == 403
    _assert_site_page(response.content.decode(), "Không được phép")


@pytest.mark.django_db
@override_settings(ROOT_URLCONF="neuguong.core.tests.error_urls")
def test_a_crash_is_the_vietnamese_500_page():
    response = Client(raise_request_exception=False).get("/_loi/500/")
    assert response.status_code == 500
    _assert_site_page(response.content.decode(), "Đã có lỗi hệ thống")


@pytest.mark.django_db
def test_a_form_sent_without_its_security_token_gets_the_vietnamese_csrf_page():
    response = Client(enforce_csrf_checks=True).post(
        "/tai-khoan/dang-nhap/", {"username": "a", "password": "b"}
    )
    assert response.status_code == 403
    _assert_site_page(response.content.decode(), "Trang đã cũ, chưa gửi được")


def test_make_run_settings_show_the_vietnamese_pages_and_serve_static_files(tmp_path):
    """`make run` uses the dev settings: DEBUG is off unless asked for, so a missing page is the site's
    404 (not Django's English technical page), and WhiteNoise serves the stylesheets without collectstatic."""
    script = (
        "import django; django.setup()\n"
        "from django.conf import settings\n"
        "from django.test import Client\n"
        "from django.test.utils import setup_test_environment\n"
        "setup_test_environment()\n"
        "print('DEBUG', settings.DEBUG)\n"
        "c = Client()\n"
        "r = c.get('/khong-co-trang-nay/')\n"
        "print('404', r.status_code, 'Không tìm thấy trang' in r.content.decode(), 'technical' in r.content.decode())\n"
        "r = c.get('/static/neuguong/app.css')\n"
        "print('CSS', r.status_code)\n"
    )
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DEBUG", "DATABASE_URL", "DATABASE_REPLICA_URL", "PYTEST_XDIST_WORKER")
    }
    env |= {"DJANGO_SETTINGS_MODULE": "neuguong.settings.dev", "SQLITE_PATH": str(tmp_path / "dev.sqlite3")}
    src = Path(__file__).resolve().parents[3]
    result = subprocess.run(
        [sys.executable, "-c", script], env=env, cwd=src.parent, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.split("\n")
    assert "DEBUG False" in lines
    assert "404 404 True False" in lines
    assert "CSS 200" in lines
