"""The live server behind the browser tests writes from several request threads at once without failing.

Django's default SQLite test database is in memory, in shared-cache mode: each request thread of the live
server opens its own connection to it, and shared-cache locks are refused at once ("database table is
locked", no busy timeout), so two requests writing together could fail: a sign-in whose session could not
be written while the previous page's panels wrote (browser tests signed out at random on a loaded CI
machine). settings/test.py puts the SQLite test database in a file instead: WAL, IMMEDIATE transactions
and the busy timeout as in production.
"""

import concurrent.futures
import http.cookiejar
import re
import urllib.parse
import urllib.request

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "Matkhau@123"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _sign_in(base_url: str, username: str) -> int:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _NoRedirect())
    with opener.open(f"{base_url}/tai-khoan/dang-nhap/", timeout=60) as response:
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.read().decode()).group(1)
    body = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token, "username": username, "password": PASSWORD}
    ).encode()
    request = urllib.request.Request(
        f"{base_url}/tai-khoan/dang-nhap/", data=body, headers={"Referer": base_url}, method="POST"
    )
    try:
        with opener.open(request, timeout=60) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_the_sqlite_test_database_is_a_file_each_thread_opens():
    if connection.vendor == "sqlite":
        assert not connection.is_in_memory_db()


def test_twelve_sign_ins_at_once_through_the_live_server_all_succeed(live_server):
    users = get_user_model().objects
    names = [f"dongthoi{i}" for i in range(12)]
    for name in names:
        users.create_user(username=name, password=PASSWORD)
    with concurrent.futures.ThreadPoolExecutor(max_workers=12) as pool:
        statuses = list(pool.map(lambda name: _sign_in(live_server.url, name), names * 2))
    assert statuses == [302] * 24
