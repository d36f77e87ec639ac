"""API tokens end (issue 19, point 9): they expire after API_TOKEN_DAYS, `revoke_api_token USERNAME` revokes
them, a password change revokes them, and a user sees and revokes their own tokens on their account page."""

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from neuguong.access.models import ApiToken
from neuguong.access.services import api_token_create

API = "/api/v1/organizations"


def call(client, token):
    return client.get(API, HTTP_AUTHORIZATION=f"Bearer {token}")


@pytest.fixture
def clock(monkeypatch):
    class Clock:
        offset = dt.timedelta()

        def advance(self, **kwargs):
            self.offset += dt.timedelta(**kwargs)

    real_now = timezone.now
    c = Clock()
    monkeypatch.setattr("django.utils.timezone.now", lambda: real_now() + c.offset)
    return c


def test_a_token_expires_after_api_token_days(tree, client, clock, settings):
    assert settings.API_TOKEN_DAYS == 90
    token = api_token_create(user=tree.staff)
    assert call(client, token).status_code == 200
    clock.advance(days=89, hours=23)
    assert call(client, token).status_code == 200
    clock.advance(hours=2)
    assert call(client, token).status_code == 401


def test_the_lifetime_is_configurable(tree, client, clock, settings):
    settings.API_TOKEN_DAYS = 7
    token = api_token_create(user=tree.staff)
    clock.advance(days=8)
    assert call(client, token).status_code == 401


def test_revoke_api_token_revokes_every_token_of_the_user(tree, client):
    first, second = api_token_create(user=tree.staff), api_token_create(user=tree.staff)
    other = api_token_create(user=tree.secretary_a)
    out = io.StringIO()
    call_command("revoke_api_token", "staff", stdout=out)
    assert "Đã thu hồi 2 mã truy cập API của staff." in out.getvalue()
    assert call(client, first).status_code == 401 and call(client, second).status_code == 401
    assert call(client, other).status_code == 200
    assert ApiToken.objects.filter(user=tree.staff, revoked_at__isnull=False).count() == 2


def test_revoke_api_token_for_an_unknown_user_fails_clearly(db):
    with pytest.raises(CommandError, match="Không có người dùng «ai»"):
        call_command("revoke_api_token", "ai")


def test_a_password_change_revokes_the_users_tokens(tree, client):
    token = api_token_create(user=tree.secretary_a)
    client.force_login(tree.secretary_a)
    response = client.post(
        reverse("access:password_change"),
        {
            "old_password": "Matkhau@123",
            "new_password1": "Mot-mat-khau-moi-2026",
            "new_password2": "Mot-mat-khau-moi-2026",
        },
    )
    assert response.status_code == 302
    assert call(client, token).status_code == 401


def test_setting_a_password_with_grant_role_revokes_the_users_tokens(tree, client):
    token = api_token_create(user=tree.secretary_a)
    call_command(
        "grant_role",
        "secretary_a",
        "secretary",
        "A",
        "--password",
        "Mot-mat-khau-moi-2026",
        stdout=io.StringIO(),
    )
    assert call(client, token).status_code == 401


def test_the_account_page_lists_only_the_users_own_tokens_and_revokes_them(tree, client):
    token = api_token_create(user=tree.secretary_a)
    foreign = api_token_create(user=tree.staff)
    client.force_login(tree.secretary_a)
    page = client.get(reverse("access:account")).content.decode()
    assert token[:8] in page and foreign[:8] not in page
    assert token not in page  # only the prefix is ever shown
    mine = ApiToken.objects.get(user=tree.secretary_a)
    response = client.post(reverse("access:token_revoke", args=[mine.pk]))
    assert response.status_code in (302, 303)
    assert call(client, token).status_code == 401
    theirs = ApiToken.objects.get(user=tree.staff)
    assert client.post(reverse("access:token_revoke", args=[theirs.pk])).status_code == 404
    assert call(client, foreign).status_code == 200


def test_a_user_creates_a_token_on_the_account_page_and_sees_it_once(tree, client):
    client.force_login(tree.secretary_a)
    response = client.post(reverse("access:token_create"), {"name": "Máy chấm công"})
    assert response.status_code == 200
    raw = response.context["new_token"]
    assert raw in response.content.decode()
    assert call(client, raw).status_code == 200
    page = client.get(reverse("access:account")).content.decode()
    assert raw not in page and "Máy chấm công" in page


def test_the_account_page_needs_a_login(client):
    response = client.get(reverse("access:account"))
    assert response.status_code == 302
