import datetime as dt
import secrets

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from neuguong.core.errors import BusinessError
from neuguong.organizations.models import Organization

from . import events
from .models import AccountState, ApiToken, Role, RoleAssignment, hash_token

MSG_UNKNOWN_ROLE = "Vai trò «{role}» không tồn tại. Chọn một trong: {choices}."


@transaction.atomic
def role_grant(*, actor, username: str, role: str, organization: Organization, password: str | None = None):
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


def password_change_required(user) -> bool:
    state = AccountState.objects.filter(user=user).first()
    return bool(state and state.must_change_password)


def password_change_done(user) -> None:
    AccountState.objects.filter(user=user).update(must_change_password=False)
