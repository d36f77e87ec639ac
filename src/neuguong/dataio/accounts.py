"""Login accounts for an organisation's members in bulk, with one-time passwords to hand out.

The one-time passwords are kept (in the batch's rows) only until the batch file is downloaded once, the
secretary clears them, or ACCOUNT_PASSWORD_DAYS pass (a daily job); they must be changed at first login."""

import datetime as dt
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from neuguong.access.models import AccountState, Role, RoleAssignment
from neuguong.access.scope import scope_for
from neuguong.core.errors import OutOfScope
from neuguong.core.text import fold
from neuguong.organizations.models import Organization
from neuguong.people.models import Person, PersonStatus

from . import events
from .models import AccountBatch, ImportStatus, UsernameScheme

MSG_NO_RIGHT = "Bạn không có quyền cấp tài khoản cho đảng viên của tổ chức này."
SKIP_NO_CARD = "chưa có số thẻ đảng viên"
SKIP_TAKEN = "tên đăng nhập {username} đã được dùng"
# Exempt, deceased, removed, transferred-out members and non-members get no account.
ELIGIBLE_STATUSES = (PersonStatus.OFFICIAL, PersonStatus.PROBATIONARY)
_PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def one_time_password(length: int = 14) -> str:
    """Readable (no 0/O, 1/l/I), random, and within the password rules (12 characters or more); the first
    login must change it anyway."""
    while True:
        value = "".join(secrets.choice(_PASSWORD_ALPHABET) for _ in range(length))
        if (
            any(c.isdigit() for c in value)
            and any(c.isupper() for c in value)
            and any(c.islower() for c in value)
        ):
            return value


def eligible_people(organization: Organization):
    """Members of the subtree still without an account."""
    return (
        Person.objects.filter(
            organization__path__startswith=organization.path, user__isnull=True, status__in=ELIGIBLE_STATUSES
        )
        .select_related("organization")
        .order_by("organization__path", "name_folded", "pk")
    )


def username_for(person: Person, scheme: str) -> str:
    if scheme == UsernameScheme.CARD:
        return person.card_number.lower()
    if scheme == UsernameScheme.ORG_CARD:
        return f"{person.organization.code}.{person.card_number}".lower() if person.card_number else ""
    base = fold(person.full_name).replace(" ", "")
    return f"{base}{person.date_of_birth.year if person.date_of_birth else ''}"


def account_batch_start(*, actor, organization: Organization, scheme: str) -> AccountBatch:
    """Check the right and record the batch; the accounts are made by `account_batch_run` (a task)."""
    if not scope_for(actor).can_write_path(organization.path):
        raise OutOfScope(MSG_NO_RIGHT)
    return AccountBatch.objects.create(actor=actor, organization=organization, scheme=UsernameScheme(scheme))


def account_batch_run(*, batch: AccountBatch) -> AccountBatch:
    """Create the missing accounts (member role, forced password change), one transaction for all."""
    user_model = get_user_model()
    actor, scheme = batch.actor, batch.scheme
    if not scope_for(actor).can_write_path(batch.organization.path):
        raise OutOfScope(MSG_NO_RIGHT)
    people = list(eligible_people(batch.organization))
    wanted = {p.pk: username_for(p, scheme) for p in people}
    taken = set(
        user_model.objects.filter(username__in=[u for u in wanted.values() if u]).values_list(
            "username", flat=True
        )
    )
    rows, skipped = [], []
    with transaction.atomic():
        for person in people:
            username = wanted[person.pk]
            if not username:
                skipped.append([person.full_name, person.organization.name, SKIP_NO_CARD])
                continue
            if scheme == UsernameScheme.NAME_YEAR:
                base, n = username, 1
                while username in taken:
                    n += 1
                    username = f"{base}.{n}"
            elif username in taken:
                skipped.append(
                    [person.full_name, person.organization.name, SKIP_TAKEN.format(username=username)]
                )
                continue
            taken.add(username)
            password = one_time_password()
            user = user_model.objects.create_user(username=username, password=password)
            AccountState.objects.create(user=user, must_change_password=True)
            RoleAssignment.objects.create(
                user=user, role=Role.MEMBER, organization=person.organization, granted_by=actor
            )
            Person.objects.filter(pk=person.pk).update(user=user)
            events.account_created(actor=actor, person=person, username=username)
            rows.append([person.full_name, person.organization.name, username, password])
        batch.rows, batch.skipped, batch.created_count = rows, skipped, len(rows)
        batch.status = ImportStatus.DONE
        batch.save(update_fields=["rows", "skipped", "created_count", "status", "updated_at"])
    return batch


def _forget(batch: AccountBatch) -> None:
    batch.rows = [[name, org, username, ""] for name, org, username, _ in batch.rows]
    batch.cleared_at = timezone.now()
    batch.save(update_fields=["rows", "cleared_at", "updated_at"])


@transaction.atomic
def account_batch_clear(*, actor, batch: AccountBatch) -> None:
    """Forget the printed one-time passwords."""
    if batch.actor_id != actor.pk:
        raise OutOfScope(MSG_NO_RIGHT)
    batch = AccountBatch.objects.select_for_update().get(pk=batch.pk)
    _forget(batch)


@transaction.atomic
def account_batch_download(*, actor, batch: AccountBatch) -> list[list[str]]:
    """The rows for the batch file. The first download carries the one-time passwords and forgets them
    (they are kept only until then, or ACCOUNT_PASSWORD_DAYS); later downloads carry the usernames only."""
    if batch.actor_id != actor.pk:
        raise OutOfScope(MSG_NO_RIGHT)
    batch = AccountBatch.objects.select_for_update().get(pk=batch.pk)
    rows = [list(row) for row in batch.rows]
    if batch.cleared_at is None:
        _forget(batch)
    return rows


def account_passwords_forget(*, now=None) -> int:
    """Daily: forget the one-time passwords of batches older than ACCOUNT_PASSWORD_DAYS not yet cleared."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=settings.ACCOUNT_PASSWORD_DAYS)
    forgotten = 0
    for batch_id in AccountBatch.objects.filter(cleared_at__isnull=True, created_at__lt=cutoff).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            batch = AccountBatch.objects.select_for_update().get(pk=batch_id)
            if batch.cleared_at is None:
                _forget(batch)
                forgotten += 1
    return forgotten
