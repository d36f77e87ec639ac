"""Passwords: at least 12 characters, not common, not built on the username or the member's name, wherever
a password is set (issue 19, point 10)."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse

from neuguong.access.passwords import MSG_COMMON_VI, MSG_NAME_BASED, MSG_TOO_SHORT
from neuguong.dataio.accounts import account_batch_run, account_batch_start, one_time_password
from neuguong.portal.demo import DEMO_PASSWORD


def messages_for(password, user=None) -> list[str]:
    try:
        validate_password(password, user=user)
    except ValidationError as exc:
        return exc.messages
    return []


def test_grant_role_refuses_the_password_1_and_creates_nothing(tree):
    with pytest.raises(CommandError) as caught:
        call_command("grant_role", "bithu_moi", "secretary", "A", "--password", "1", stdout=io.StringIO())
    assert MSG_TOO_SHORT.format(min_length=12) in str(caught.value)
    assert not get_user_model().objects.filter(username="bithu_moi").exists()


def test_twelve_characters_are_the_minimum():
    assert messages_for("Chi bo so 3") == [MSG_TOO_SHORT.format(min_length=12)]  # 11
    assert messages_for("Chi bo so 35") == []


@pytest.mark.parametrize("password", ["password1234", "123456789012", "Matkhau@2026", "anhyeuem123456"])
def test_common_passwords_are_refused(password):
    assert messages_for(password)


def test_a_password_built_on_the_username_or_name_is_refused(tree):
    tree.person_b.user = tree.secretary_b
    tree.person_b.save()  # Nguyễn Văn Bình
    user = get_user_model().objects.get(pk=tree.secretary_b.pk)
    assert MSG_NAME_BASED in messages_for("NguyenVanBinh@1980", user)
    assert MSG_NAME_BASED in messages_for("binh.nguyen-2026!", user)
    assert MSG_NAME_BASED in messages_for("Secretary_B-2026-x", user)
    assert messages_for("Chi bo so 3 hop ngay 5", user) == []


def test_the_password_change_page_says_why_in_vietnamese(tree, client):
    client.force_login(tree.secretary_a)
    response = client.post(
        reverse("access:password_change"),
        {"old_password": "Matkhau@123", "new_password1": "Ngan@2026", "new_password2": "Ngan@2026"},
    )
    assert response.status_code == 200
    assert MSG_TOO_SHORT.format(min_length=12) in response.content.decode()


def test_one_time_passwords_of_account_batches_follow_the_rules(tree):
    assert all(len(one_time_password()) >= 12 for _ in range(50))
    batch = account_batch_start(actor=tree.staff, organization=tree.org_b, scheme="name_year")
    account_batch_run(batch=batch)
    _name, _org, username, password = batch.rows[0]
    assert messages_for(password, get_user_model().objects.get(username=username)) == []


@pytest.mark.parametrize("username", ["admin", "vanphong", "kiemtra", "bithu", "dangvien"])
def test_the_demo_password_still_passes(username):
    assert len(DEMO_PASSWORD) == 13
    assert messages_for(DEMO_PASSWORD, get_user_model()(username=username)) == []


def test_a_vietnamese_common_password_is_said_to_be_easy_to_guess():
    assert MSG_COMMON_VI in messages_for("Dangcongsan@1930")
