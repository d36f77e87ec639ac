"""Concurrency through a real server process on SQLite configured by DATABASE_URL (issue 19, points 1, 2)."""

import concurrent.futures
import http.cookiejar
import re
import urllib.error
import urllib.parse
import urllib.request

import pytest
from django.conf import settings

from neuguong.access.views import MSG_BAD_LOGIN

from .live_server import post_json, sqlite_server


def test_sqlite_options_are_the_same_for_the_default_path_and_database_url(tmp_path, monkeypatch):
    from neuguong.settings.env import SQLITE_OPTIONS, database_config

    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("SQLITE_PATH", str(tmp_path / "a.sqlite3"))
    by_path = database_config(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'sub' / 'b.sqlite3'}")
    by_url = database_config(tmp_path)
    assert by_path["OPTIONS"] == by_url["OPTIONS"] == SQLITE_OPTIONS
    assert by_url["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in by_url["OPTIONS"]["init_command"]
    assert (tmp_path / "sub").is_dir()  # SQLite creates the file, not its folder


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with sqlite_server(tmp_path_factory.mktemp("live"), workers=2, threads=20) as running:
        yield running


def test_forty_concurrent_progress_reports_through_a_running_server_all_succeed(server):
    base_url, seed = server
    url = f"{base_url}/api/v1/commitments/{seed['commitment']}/reports"

    def report(n: int) -> tuple[int, str]:
        return post_json(url, {"percent": n % 100, "text": f"Báo cáo lần {n}"}, token=seed["token"])

    with concurrent.futures.ThreadPoolExecutor(max_workers=40) as pool:
        answers = list(pool.map(report, range(40)))
    failures = [(status, body[:200]) for status, body in answers if status != 201]
    assert failures == []


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _login(base_url: str, username: str, password: str) -> tuple[int, str]:
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect()
    )
    url = f"{base_url}/tai-khoan/dang-nhap/"
    with opener.open(url, timeout=60) as page:
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.read().decode()).group(1)
    data = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "username": username, "password": password})
    try:
        with opener.open(url, data=data.encode(), timeout=60) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def test_thirty_parallel_wrong_passwords_on_two_server_processes_are_evaluated_limit_times(server):
    base_url, seed = server
    with concurrent.futures.ThreadPoolExecutor(max_workers=30) as pool:
        answers = list(pool.map(lambda _: _login(base_url, seed["username"], "sai"), range(30)))
    limit = settings.LOGIN_FAILURE_LIMIT
    assert sum(1 for status, body in answers if status == 200 and MSG_BAD_LOGIN in body) == limit
    assert sum(1 for status, _ in answers if status == 429) == 30 - limit
    # Another account at the same address is not refused for it.
    status, _ = _login(base_url, seed["other_username"], seed["password"])
    assert status == 302
