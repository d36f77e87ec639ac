"""Sending an outbox of reminders (commitments' `Reminder`, study's `ReflectionReminder`: both `OutboxRow`).

Rows are claimed one by one (ready → sending) so two workers never send the same row; a row is checked
once more just before sending (`still_relevant`), delivered inside a transaction, and marked sent, or
failed to be retried up to MAX_ATTEMPTS. A worker that died mid-send leaves rows in `sending`: after
STUCK_AFTER they are retried.
"""

import datetime as dt
import logging
from collections.abc import Callable

from django.db import transaction
from django.db.models import F, Q

from .models import OutboxStatus

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
STUCK_AFTER = dt.timedelta(minutes=30)
BATCH = 2000


def send_outbox(
    model,
    *,
    now: dt.datetime,
    today: dt.date,
    related: tuple[str, ...],
    still_relevant: Callable[[object], bool],
    deliver: Callable[[object, dt.date], None],
) -> dict[str, int]:
    """Send every ready (or retryable failed) row of `model` due by `today`. Returns counts by outcome."""
    result = {"sent": 0, "failed": 0, "cancelled": 0}
    model.objects.filter(status=OutboxStatus.SENDING, claimed_at__lt=now - STUCK_AFTER).update(
        status=OutboxStatus.FAILED, last_error="Quá thời gian gửi"
    )
    due = model.objects.filter(
        Q(status=OutboxStatus.READY) | Q(status=OutboxStatus.FAILED, attempts__lt=MAX_ATTEMPTS),
        due_on__lte=today,
    ).values_list("pk", flat=True)
    for pk in list(due[:BATCH]):
        # Claim: only the worker whose UPDATE changes the row sends it.
        claimed = model.objects.filter(
            Q(status=OutboxStatus.READY) | Q(status=OutboxStatus.FAILED), pk=pk
        ).update(status=OutboxStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1)
        if not claimed:
            continue
        row = model.objects.select_related(*related).get(pk=pk)
        if not still_relevant(row):
            model.objects.filter(pk=pk).update(status=OutboxStatus.CANCELLED)
            result["cancelled"] += 1
            continue
        try:
            with transaction.atomic():
                deliver(row, today)
        except Exception as exc:  # any delivery failure is retried on a later run
            logger.warning("%s %s failed: %s", model._meta.label, pk, exc)
            model.objects.filter(pk=pk).update(status=OutboxStatus.FAILED, last_error=str(exc)[:500])
            result["failed"] += 1
        else:
            model.objects.filter(pk=pk).update(status=OutboxStatus.SENT, sent_at=now)
            result["sent"] += 1
    return result
