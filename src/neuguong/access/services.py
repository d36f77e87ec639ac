import datetime as dt
import secrets
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from neuguong.core.errors import BusinessError

from . import events

if TYPE_CHECKING:
    from django.contrib.auth.models import User

if TYPE_CHECKING:  # organizations sit above access (they use its scope rule)
    from neuguong.organizations.models import Organization

from .models import AccountState, ApiToken, Role, RoleAssignment, hash_token

MSG_UNKNOWN_ROLE = "Vai trò «{role}» không tồn tại. Chọn một trong: {choices}."
REASON_BY_OWNER = "Người dùng tự thu hồi"
REASON_COMMAND = "Thu hồi bằng lệnh revoke_api_token"
REASON_PASSWORD = "Mật khẩu đã thay đổi"


@transaction.atomic
def role_grant(
    *,
    actor: "User | None",
    username: str,
    role: str,
    organization: "Organization",
    password: str | None = None,
):
    """Give `username` a role over an organisation's subtree, creating the account if needed."""
    if role not in Role.values:
        raise BusinessError(MSG_UNKNOWN_ROLE.format(role=role, choices=", ".join(Role.values)), field="role")
    user_model = get_user_model()
    if password:
        password_check(
            password,
            user=user_model.objects.filter(username=username).first() or user_model(username=username),
        )
    user, created = user_model.objects.get_or_create(username=username)
    if password:
        user.set_password(password)
        user.save()
        if not created:  # a new password ends every token made with the old one
            api_tokens_revoke(actor=actor, user=user, reason=REASON_PASSWORD)
    elif created:
        user.set_unusable_password()
        user.save()
    assignment, _ = RoleAssignment.objects.get_or_create(
        user=user,
        role=role,
        organization=organization,
        defaults={"granted_by": actor if getattr(actor, "pk", None) else None},
    )
    events.role_granted(actor=actor, assignment=assignment)
    return user, assignment


def password_check(password: str, *, user: "User") -> None:
    """The password rules (settings.AUTH_PASSWORD_VALIDATORS, access/passwords.py) as a BusinessError."""
    try:
        validate_password(password, user=user)
    except ValidationError as exc:
        raise BusinessError(" ".join(exc.messages), field="password") from exc


def api_token_create(*, user: "User", name: str = "", actor=None) -> str:
    """Create a bearer token that ends API_TOKEN_DAYS from now; the raw value is returned once and only its
    hash is kept."""
    raw = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=(name or "").strip()[:64],
        key_hash=hash_token(raw),
        prefix=raw[:8],
        expires_at=timezone.now() + dt.timedelta(days=settings.API_TOKEN_DAYS),
    )
    events.api_token_created(actor=actor or user, token=token)
    return raw


def api_token_user(raw: str):
    """The active user a bearer token belongs to, or None (unknown, revoked, expired or inactive user)."""
    now = timezone.now()
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=hash_token(raw), revoked_at__isnull=True, expires_at__gt=now, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


@transaction.atomic
def api_token_revoke(*, actor: "User | None", token: ApiToken, reason: str = REASON_BY_OWNER) -> ApiToken:
    """Revoke one token (a token already revoked stays as it was)."""
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        events.api_token_revoked(actor=actor, token=token, reason=reason)
    return token


@transaction.atomic
def api_tokens_revoke(*, actor: "User | None", user: "User", reason: str) -> int:
    """Revoke every token of `user` that still works; returns how many."""
    tokens = list(ApiToken.objects.select_for_update().filter(user=user, revoked_at__isnull=True))
    for token in tokens:
        api_token_revoke(actor=actor, token=token, reason=reason)
    return len(tokens)


def api_tokens_of(user: "User"):
    """The tokens a user sees on their account page, newest first (never another user's)."""
    return ApiToken.objects.filter(user=user)


def password_change_required(user: "User") -> bool:
    state = AccountState.objects.filter(user=user).first()
    return bool(state and state.must_change_password)


@transaction.atomic
def password_change_done(user: "User") -> None:
    """After a user chose a new password: no forced change any more, and no token made before it works."""
    AccountState.objects.filter(user=user).update(must_change_password=False)
    api_tokens_revoke(actor=user, user=user, reason=REASON_PASSWORD)
