import os
import subprocess
import sys
import unicodedata

import pytest
from django.conf import settings
from django.urls import reverse


@pytest.mark.parametrize(
    "query", ["nguyen nam dinh", "Nguyen Nam Dinh", unicodedata.normalize("NFD", "Nguyễn Nam Đình"), "đình"]
)
def test_global_search_ignores_diacritics_case_and_form(tree, login, query):
    response = login(tree.secretary_a).get(reverse("portal:search"), {"q": query})
    assert [p.full_name for p in response.context["people"]] == ["Nguyễn Nam Đình"]


def test_global_search_does_not_leak_other_organisations(tree, login):
    response = login(tree.secretary_b).get(reverse("portal:search"), {"q": "nguyen"})
    assert [p.full_name for p in response.context["people"]] == ["Nguyễn Văn Bình"]
    assert [o.code for o in response.context["organizations"]] == []


def test_search_with_a_huge_query_is_fine(tree, login):
    assert login(tree.staff).get(reverse("portal:search"), {"q": "đ" * 10_000}).status_code == 200


def test_pages_require_login(client):
    response = client.get(reverse("people:list"))
    assert response.status_code == 302 and reverse("access:login") in response["Location"]


def test_pages_are_vietnamese_and_send_security_headers(tree, login):
    response = login(tree.staff).get(reverse("portal:home"))
    assert response["Content-Language"] == "vi"
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert '<html lang="vi">' in response.content.decode()


def test_organisation_page_outside_scope_is_404(tree, login):
    client = login(tree.secretary_b)
    assert client.get(reverse("organizations:detail", args=["A"])).status_code == 404
    assert client.get(reverse("organizations:detail", args=["B"])).status_code == 200


def test_deploy_checklist_passes_with_production_settings():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "neuguong.settings.production",
        "SECRET_KEY": "x" * 20 + "-production-secret-for-the-check-0123456789abcdef",
        "ALLOWED_HOSTS": "neuguong.example.vn",
    }
    # The browser tests' harness allows sync ORM calls inside Playwright's loop; a deployment never does.
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    "params",
    [
        {"q": "\x00"},
        {"q": "%"},
        {"q": "' OR 1=1 --"},
        {"q": "̀́"},
        {"q": "nguyen", "go": "1"},
        {"q": ["a", "b"]},
    ],
)
def test_search_with_odd_input_never_crashes(tree, login, params):
    assert login(tree.secretary_a).get(reverse("portal:search"), params).status_code in (200, 302)


def test_the_home_page_and_floor_open_for_every_role(tree, login):
    for user in (tree.staff, tree.secretary_a, tree.inspector_a, tree.member_a, tree.outsider):
        client = login(user)
        assert client.get(reverse("portal:home")).status_code == 200
        assert client.get(reverse("portal:floor")).status_code == 200
