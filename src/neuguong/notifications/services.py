"""Writes about notifications. `notify` is called by domain services inside their own transaction: the
notification rows (and their e-mail outbox rows) are written with the change, so a rolled-back change
tells nobody, and the e-mails leave after the commit (a task enqueued with `transaction.on_commit`; the
scheduler runs the same sender every few minutes as a safety net). A sender that commits each row on its
own (an outbox, a loop over meetings or drafts) runs inside `emails_sent_once()`, so the e-mail task is
enqueued once for the whole batch, not once per notification."""

import contextvars
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.utils import timezone

from neuguong.audit.services import audit_record
from neuguong.core.errors import BusinessError, OutOfScope

from .events import NotificationEvent
from .kinds import declared_kinds
from .kinds import kind as kind_of
from .models import Delivery, EmailDelivery, Notification, Preference

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.db.models import Model

MSG_DELIVERY = "Cách nhận thông báo không hợp lệ."
MSG_KIND = "Loại thông báo không có trong danh sách."
MSG_NOT_YOURS = "Thông báo này không phải của bạn."
TITLE_MAX = 255
TEXT_MAX = 5000


def _user_ids(recipients: Iterable) -> list[int]:
    ids: list[int] = []
    for recipient in recipients:
        pk = recipient if isinstance(recipient, int) else getattr(recipient, "pk", None)
        if pk is not None and pk not in ids:
            ids.append(pk)
    return ids


def deliveries_for(user_ids: list[int], kind: str) -> dict[int, str]:
    """{user id: delivery} for one kind: the user's choice, else the kind's default. One query."""
    default = kind_of(kind).default
    chosen = dict(
        Preference.objects.filter(user_id__in=user_ids, kind=kind).values_list("user_id", "delivery")
    )
    return {pk: chosen.get(pk, default) for pk in user_ids}


def _enqueue_sending() -> None:
    from .tasks import send_notification_emails

    send_notification_emails.enqueue()


# Set inside `emails_sent_once()`: notify() marks e-mail as written here instead of enqueuing the sender.
# A context variable, so each worker thread (and nothing else) has its own batch.
_batch: contextvars.ContextVar[dict[str, bool] | None] = contextvars.ContextVar("emails_batch", default=None)


@contextmanager
def emails_sent_once() -> Iterator[None]:
    """Inside, notifications write their e-mail rows as usual but enqueue no sender; on the way out one
    sender is enqueued (after the surrounding transaction commits, at once outside any) if any e-mail was
    written. For senders that commit row by row: 3,896 e-mail tasks were waiting for 3,894 reminders sent
    on the national database before (docs/scaling.md). Nested, the outermost enqueues."""
    if _batch.get() is not None:
        yield
        return
    batch = {"emails": False}
    token = _batch.set(batch)
    try:
        yield
    finally:
        _batch.reset(token)
        # Also after an error: what was committed before it is sent (a sender finding nothing is harmless).
        if batch["emails"]:
            _send_after_commit()


def _send_after_commit() -> None:
    """Enqueue the e-mail sender once per transaction, however many notifications it wrote (once per
    batch inside `emails_sent_once()`)."""
    batch = _batch.get()
    if batch is not None:
        batch["emails"] = True
        return
    pending = getattr(connection, "run_on_commit", [])
    if any(entry[1] is _enqueue_sending for entry in pending):
        return
    transaction.on_commit(_enqueue_sending)


@dataclass(frozen=True)
class Notice:
    """One notification of `notify_many`: who is told, about what, in what words."""

    recipient_id: int
    target: "Model | None"
    title: str
    text: str = ""
    url: str | None = None


def notify(
    *,
    kind: str,
    recipients: Iterable,
    actor: "User | None",
    target,
    title: str,
    text: str = "",
    url: str | None = None,
) -> list[Notification]:
    """Tell `recipients` (users or user ids) about `target`. The actor is never told of their own action;
    inactive accounts are skipped. Each recipient gets the kind as they chose: in the app only, by e-mail
    (an outbox row, sent once after the commit), or in the next daily digest."""
    actor_id = getattr(actor, "pk", None)
    notices = [
        Notice(recipient_id=pk, target=target, title=title, text=text, url=url)
        for pk in _user_ids(recipients)
        if pk != actor_id
    ]
    return _write(kind, notices, actor_id=actor_id)


def notify_many(*, kind: str, notices: Iterable[Notice]) -> list[Notification]:
    """Many notifications of one kind, each with its own recipient, object and words, from no actor (a
    batch of reminders), written with a handful of queries whatever their number: the same rows as one
    `notify` per notice."""
    return _write(kind, list(notices), actor_id=None)


def _write(kind: str, notices: list[Notice], *, actor_id: int | None) -> list[Notification]:
    kind_of(kind)  # refuses an undeclared kind
    if not notices:
        return []
    active = set(
        get_user_model()
        .objects.filter(pk__in={n.recipient_id for n in notices}, is_active=True)
        .values_list("pk", flat=True)
    )
    notices = sorted((n for n in notices if n.recipient_id in active), key=lambda n: n.recipient_id)
    if not notices:
        return []
    delivery = deliveries_for(sorted(active), kind)
    now = timezone.now()
    rows = Notification.objects.bulk_create([_row(kind, n, actor_id, delivery, now) for n in notices])
    emails = [EmailDelivery(notification=row) for row in rows if row.delivery == Delivery.EMAIL]
    if emails:
        EmailDelivery.objects.bulk_create(emails)
        _send_after_commit()
    return rows


def _row(kind: str, notice: Notice, actor_id, delivery: dict[int, str], now) -> Notification:
    target = notice.target
    url = notice.url
    if url is None:
        url = getattr(target, "get_absolute_url", lambda: "")()
    return Notification(
        recipient_id=notice.recipient_id,
        kind=kind,
        actor_id=actor_id,
        title=notice.title.strip()[:TITLE_MAX],
        text=(notice.text or "").strip()[:TEXT_MAX],
        url=url or "",
        # get_for_model is cached per model: one query per model and process at most.
        target_type=ContentType.objects.get_for_model(type(target)) if target is not None else None,
        target_id=getattr(target, "pk", None),
        target_repr=str(target)[:255] if target is not None else "",
        delivery=delivery[notice.recipient_id],
        created_at=now,
    )


def settle(*, target, kinds) -> int:
    """What these notifications asked for has been done (the report was reviewed): they are read for
    everyone they went to, so the count in the menu says only what still waits. Returns how many."""
    return Notification.objects.filter(
        target_type=ContentType.objects.get_for_model(type(target)),
        target_id=target.pk,
        kind__in=[str(kind) for kind in kinds],
        read_at__isnull=True,
    ).update(read_at=timezone.now())


@transaction.atomic
def notification_open(*, user: "User", notification: Notification) -> Notification:
    """The user opens one of their notifications: it is read from now on."""
    if notification.recipient_id != user.pk:
        raise OutOfScope(MSG_NOT_YOURS)  # the selectors answer 404 before this
    if notification.read_at is None:
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=timezone.now())
        notification.read_at = timezone.now()
    return notification


@transaction.atomic
def notifications_mark_all_read(*, user: "User") -> int:
    """Mark every unread notification of the user read; returns how many."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())


@transaction.atomic
def preferences_save(*, actor: "User", choices: dict[str, str]) -> int:
    """Save the user's delivery per kind (a kind set back to its default keeps no row). Returns how many
    kinds changed."""
    kinds = {k.code: k for k in declared_kinds()}
    for code, delivery in choices.items():
        if code not in kinds:
            raise BusinessError(MSG_KIND, field=code)
        if delivery not in Delivery.values:
            raise BusinessError(MSG_DELIVERY, field=code)
    current = dict(Preference.objects.select_for_update().filter(user=actor).values_list("kind", "delivery"))
    changes = {}
    for code, delivery in choices.items():
        old = current.get(code, kinds[code].default)
        if old == delivery:
            continue
        # Read in the history as labels: "Có báo cáo tiến độ chờ xem xét: Chỉ trong ứng dụng → …".
        changes[kinds[code].label] = {"old": Delivery(old).label, "new": Delivery(delivery).label}
        if delivery == kinds[code].default:
            Preference.objects.filter(user=actor, kind=code).delete()
        else:
            Preference.objects.update_or_create(user=actor, kind=code, defaults={"delivery": delivery})
    if changes:
        audit_record(
            actor=actor,
            action=NotificationEvent.PREFERENCES_CHANGED,
            # The account itself (a request's user is a lazy wrapper the trail cannot type).
            target=get_user_model().objects.only("pk", "username").get(pk=actor.pk),
            changes=changes,
            org_path="",
        )
    return len(changes)
