"""E-mail of notifications, through the outbox (`outbox.send_outbox`), with the mailer of MAILERS.

- `send_emails(now=..., today=...)`: every ready `EmailDelivery` is claimed, checked once more (a read
  notification or a moot one — the report was reviewed meanwhile — is cancelled), sent, marked sent, or
  failed and retried later. Run after each commit that wrote notifications and every few minutes.
- `plan_digests(today=...)` / `send_digests(...)`: one e-mail per user and day listing the notifications of
  that day the user asked to get in a digest, sent the next day; nothing left unread and relevant, no mail.
Both take the clock explicitly: tests drive them with a fake one; the tasks pass the real one.
"""

import contextvars
import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.core.mail import EmailMessage, mailers
from django.urls import reverse

from neuguong.core.dates import LOCAL_ZONE, format_vn

from .kinds import is_relevant, label_for
from .models import Delivery, Digest, EmailDelivery, Notification
from .outbox import plan_rows, send_outbox

RETRY_AFTER = dt.timedelta(minutes=5)
DIGEST_LOOKBACK_DAYS = 3
DIGEST_MAX_LINES = 100


def absolute(url: str) -> str:
    """A link usable outside the site: SITE_URL (e.g. https://neuguong.example.vn) before the path."""
    base = getattr(settings, "SITE_URL", "").rstrip("/")
    return f"{base}{url}" if url.startswith("/") and base else url


def open_link(notification: Notification) -> str:
    """The link in an e-mail opens the notification (marking it read), then its object."""
    return absolute(reverse("notifications:open", args=[notification.pk]))


def address_of(user) -> str:
    """The user's e-mail, else the one on their member record."""
    if user.email:
        return user.email
    person = getattr(user, "person", None)
    return getattr(person, "email", "") or ""


# The mailer `one_connection()` keeps open for this thread's sending (a context variable: each worker thread
# has its own).
_open_mailer: contextvars.ContextVar = contextvars.ContextVar("open_mailer", default=None)


@contextmanager
def one_connection() -> Iterator[None]:
    """Inside, this thread's e-mails go through one connection to the mail server, opened at the first and
    closed at the end (SMTP otherwise connects and logs in once per e-mail: 2,000 times a batch). After a
    failed e-mail the connection is closed and the next one opens a fresh connection."""
    mailer = mailers.default
    token = _open_mailer.set(mailer)
    try:
        yield
    finally:
        _open_mailer.reset(token)
        mailer.close()


def _send(subject: str, body: str, to: str) -> None:
    message = EmailMessage(subject=subject, body=body, to=[to])
    mailer = _open_mailer.get()
    if mailer is None:
        message.send()
        return
    try:
        mailer.open()  # once: already open, it does nothing (and send_messages then leaves it open)
        mailer.send_messages([message])
    except Exception:
        mailer.close()
        raise


def _email_still_relevant(row: EmailDelivery) -> bool:
    notification = row.notification
    return (
        notification.read_at is None
        and bool(address_of(notification.recipient))
        and is_relevant(notification)
    )


def _deliver_email(row: EmailDelivery, today: dt.date | None) -> None:
    notification = row.notification
    lines = [notification.title, ""]
    if notification.text:
        lines += [notification.text, ""]
    if notification.url:
        lines.append(f"Xem: {open_link(notification)}")
    lines += ["", "— Nêu Gương. Đổi cách nhận thông báo: " + absolute(reverse("notifications:preferences"))]
    _send(notification.title, "\n".join(lines), address_of(notification.recipient))


def send_emails(*, now: dt.datetime) -> dict[str, int]:
    """Send every ready (or retryable failed) notification e-mail. Returns counts by outcome."""
    return _send_mail_outbox(
        EmailDelivery,
        now=now,
        today=None,
        related=("notification__recipient__person",),
        still_relevant=_email_still_relevant,
        deliver=_deliver_email,
    )


def _send_mail_outbox(model, **outbox) -> dict[str, int]:
    """An outbox whose rows are e-mails: one connection to the mail server for the call, and a failed row
    retried after RETRY_AFTER × its attempts (a mail server down for an hour uses up no attempts)."""
    with one_connection():
        return send_outbox(model, retry_after=RETRY_AFTER, **outbox)


def _day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(day, dt.time(), tzinfo=LOCAL_ZONE)
    return start, start + dt.timedelta(days=1)


def _digest_lines(recipient_id: int, day: dt.date) -> list[Notification]:
    start, end = _day_bounds(day)
    rows = Notification.objects.filter(
        recipient_id=recipient_id,
        delivery=Delivery.DIGEST,
        created_at__gte=start,
        created_at__lt=end,
        read_at__isnull=True,
    ).order_by("created_at", "id")[: DIGEST_MAX_LINES * 2]
    return [row for row in rows if is_relevant(row)][:DIGEST_MAX_LINES]


def plan_digests(*, today: dt.date) -> int:
    """Add the digest rows of the last few days (before today) for users with digest notifications
    on those days; the unique (user, day) rule makes a repeated run harmless. Returns how many are new."""
    rows = []
    for back in range(DIGEST_LOOKBACK_DAYS, 0, -1):
        day = today - dt.timedelta(days=back)
        start, end = _day_bounds(day)
        users = (
            Notification.objects.filter(delivery=Delivery.DIGEST, created_at__gte=start, created_at__lt=end)
            .values_list("recipient_id", flat=True)
            .distinct()
        )
        rows += [Digest(recipient_id=pk, day=day, due_on=day + dt.timedelta(days=1)) for pk in users]
    return plan_rows(Digest, rows)


def _digest_still_relevant(row: Digest) -> bool:
    return bool(address_of(row.recipient)) and bool(_digest_lines(row.recipient_id, row.day))


def _deliver_digest(row: Digest, today: dt.date) -> None:
    lines = _digest_lines(row.recipient_id, row.day)
    subject = f"Nêu Gương: {len(lines)} thông báo ngày {format_vn(row.day)}"
    body = [f"Các thông báo ngày {format_vn(row.day)} bạn chưa đọc:", ""]
    for n, notification in enumerate(lines, start=1):
        body.append(f"{n}. {notification.title}")
        body.append(
            f"   {label_for(notification.kind)} — {notification.created_at.astimezone(LOCAL_ZONE):%H:%M}"
        )
        if notification.url:
            body.append(f"   {open_link(notification)}")
    body += [
        "",
        "Xem tất cả: " + absolute(reverse("notifications:list")),
        "Đổi cách nhận: " + absolute(reverse("notifications:preferences")),
    ]
    _send(subject, "\n".join(body), address_of(row.recipient))


def send_digests(*, now: dt.datetime, today: dt.date) -> dict[str, int]:
    return _send_mail_outbox(
        Digest,
        now=now,
        today=today,
        related=("recipient__person",),
        still_relevant=_digest_still_relevant,
        deliver=_deliver_digest,
    )
