import io

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.urls import reverse

from neuguong.access.models import AccountState, ApiToken, RoleAssignment, hash_token
from neuguong.access.throttle import MSG_THROTTLED
from neuguong.access.views import MSG_BAD_LOGIN


def test_login_with_wrong_password_shows_a_vietnamese_error(client, tree):
    response = client.post(reverse("access:login"), {"username": "staff", "password": "sai"})
    assert MSG_BAD_LOGIN in response.content.decode()


def test_login_is_throttled_after_repeated_failures(client, tree):
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        client.post(reverse("access:login"), {"username": "staff", "password": "sai"})
    response = client.post(reverse("access:login"), {"username": "staff", "password": "Matkhau@123"})
    assert response.status_code == 429
    assert MSG_THROTTLED.format(wait="1 phút") in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_successful_login_redirects_home(client, tree):
    response = client.post(reverse("access:login"), {"username": "staff", "password": "Matkhau@123"})
    assert response.status_code == 302
    assert client.get(reverse("portal:home")).status_code == 200


def test_open_redirect_after_login_is_ignored(client, tree):
    response = client.post(
        reverse("access:login") + "?next=https://evil.example/",
        {"username": "staff", "password": "Matkhau@123"},
    )
    assert response["Location"] == reverse("portal:home")


def test_forced_password_change_blocks_other_pages(client, tree):
    AccountState.objects.create(user=tree.secretary_a, must_change_password=True)
    client.force_login(tree.secretary_a)
    response = client.get(reverse("people:list"))
    assert response.status_code == 302 and response["Location"] == reverse("access:password_change")
    response = client.post(
        reverse("access:password_change"),
        {
            "old_password": "Matkhau@123",
            "new_password1": "Mot-mat-khau-moi-2026",
            "new_password2": "Mot-mat-khau-moi-2026",
        },
    )
    assert response.status_code == 302
    assert client.get(reverse("people:list")).status_code == 200


def test_production_hashers_start_with_argon2():
    from neuguong.settings import base

    assert base.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_grant_role_creates_user_and_assignment(tree):
    out = io.StringIO()
    call_command("grant_role", "bithu_moi", "secretary", "A", "--password", "Mot-mat-khau-2026", stdout=out)
    assignment = RoleAssignment.objects.get(user__username="bithu_moi")
    assert assignment.organization == tree.org_a and assignment.role == "secretary"
    assert assignment.user.check_password("Mot-mat-khau-2026")


def test_grant_role_with_unknown_role_fails_clearly(tree):
    with pytest.raises(CommandError, match="Vai trò «boss» không tồn tại"):
        call_command("grant_role", "x", "boss", "A")


def test_grant_role_with_unknown_org_fails_clearly(tree):
    with pytest.raises(CommandError, match="Không tìm thấy tổ chức có mã «ZZZ»"):
        call_command("grant_role", "x", "member", "ZZZ")


def test_create_api_token_prints_only_the_token(tree):
    out = io.StringIO()
    call_command("create_api_token", "staff", stdout=out)
    token = out.getvalue().strip()
    assert "\n" not in token and " " not in token
    assert ApiToken.objects.filter(key_hash=hash_token(token), user=tree.staff).exists()
