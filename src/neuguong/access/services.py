import datetime as dt
import secrets
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from neuguong.core.errors import BusinessError

from . import events

if TYPE_CHECKING:  # organizations sit above access (they use its scope rule)
    from neuguong.organizations.models import Organization

from .models import AccountState, ApiToken, LoginAttempt, Role, RoleAssignment, hash_token

MSG_UNKNOWN_ROLE = "Vai trò «{role}» không tồn tại. Chọn một trong: {choices}."
MSG_TOO_MANY_ATTEMPTS = "Bạn đã đăng nhập sai quá nhiều lần. Vui lòng thử lại sau {minutes} phút."


@transaction.atomic
def role_grant(*, actor, username: str, role: str, organization: "Organization", password: str | None = None):
    """Give `username` a role over an organisation's subtree, creating the account if needed."""
    if role not in Role.values:
        raise BusinessError(MSG_UNKNOWN_ROLE.format(role=role, choices=", ".join(Role.values)), field="role")
    user_model = get_user_model()
    user, created = user_model.objects.get_or_create(username=username)
    if password:
        user.set_password(password)
        user.save()
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


def api_token_create(*, user) -> str:
    """Create a bearer token; the raw value is returned once and only its hash is kept."""
    raw = secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, key_hash=hash_token(raw), prefix=raw[:8])
    return raw


def api_token_user(raw: str):
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=hash_token(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def login_is_throttled(*, username: str, ip_address: str | None) -> bool:
    """Too many recent failures for this username or from this address (shared by all app servers)."""
    since = timezone.now() - dt.timedelta(minutes=settings.LOGIN_FAILURE_WINDOW_MINUTES)
    recent = LoginAttempt.objects.filter(attempted_at__gte=since, succeeded=False)
    limit = settings.LOGIN_FAILURE_LIMIT
    if recent.filter(username=username.lower()).count() >= limit:
        return True
    return bool(ip_address) and recent.filter(ip_address=ip_address).count() >= limit * 4


def login_attempt_record(*, username: str, ip_address: str | None, succeeded: bool) -> None:
    LoginAttempt.objects.create(username=username.lower()[:150], ip_address=ip_address, succeeded=succeeded)
    if succeeded:
        LoginAttempt.objects.filter(username=username.lower(), succeeded=False).delete()


def password_change_required(user) -> bool:
    state = AccountState.objects.filter(user=user).first()
    return bool(state and state.must_change_password)


def password_change_done(user) -> None:
    AccountState.objects.filter(user=user).update(must_change_password=False)


def throttle_message() -> str:
    return MSG_TOO_MANY_ATTEMPTS.format(minutes=settings.LOGIN_FAILURE_WINDOW_MINUTES)
