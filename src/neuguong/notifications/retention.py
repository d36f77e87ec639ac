"""Retention of notifications: what was read long ago, and the sent daily digests, are deleted so the
tables do not grow with the nation (docs/scaling.md). Unread notifications are kept whatever their age:
nobody has been told yet."""

import datetime as dt

from django.utils import timezone

from .models import Digest, Notification, OutboxStatus

# As long as the reminders (commitments.reminders.RETENTION_DAYS): a review period and a little more.
RETENTION_DAYS = 400
PRUNE_BATCH = 10_000


def prune_notifications(*, now: dt.datetime | None = None, keep_days: int | None = None) -> dict[str, int]:
    """Delete notifications read more than `keep_days` ago (their e-mail rows with them) and digests sent
    or cancelled that long ago, a batch at a time. Returns how many rows of each went."""
    keep = RETENTION_DAYS if keep_days is None else keep_days
    cutoff = (now or timezone.now()) - dt.timedelta(days=keep)
    old = {
        "notifications": Notification.objects.filter(read_at__lt=cutoff),
        "digests": Digest.objects.filter(
            status__in=(OutboxStatus.SENT, OutboxStatus.CANCELLED), due_on__lt=cutoff.date()
        ),
    }
    deleted = dict.fromkeys(old, 0)
    for name, queryset in old.items():
        while ids := list(queryset.values_list("pk", flat=True)[:PRUNE_BATCH]):
            queryset.model._default_manager.filter(pk__in=ids).delete()
            deleted[name] += len(ids)
    return deleted
