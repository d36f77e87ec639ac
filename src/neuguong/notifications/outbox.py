"""Sending an outbox: any `OutboxRow` model (notification e-mails and digests here; commitments' `Reminder`
and study's `ReflectionReminder`). One sender for every module.

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

from .models import OutboxRow, OutboxStatus

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
STUCK_AFTER = dt.timedelta(minutes=30)
BATCH = 2000


def send_outbox[R: OutboxRow, D: (dt.date, None)](
    model: type[R],
    *,
    now: dt.datetime,
    today: D,
    related: tuple[str, ...],
    still_relevant: Callable[[R], bool],
    deliver: Callable[[R, D], None],
    retry_after: dt.timedelta = dt.timedelta(0),
) -> dict[str, int]:
    """Send every ready (or retryable failed) row of `model` due by `today` (None: rows without a due
    date, due as soon as written). Returns counts by outcome.

    A failed row is tried again once `retry_after` × its attempts so far has passed since its last try
    (0: on the next run), so a mail server down for an hour does not use up every attempt in minutes."""
    result = {"sent": 0, "failed": 0, "cancelled": 0}
    # `_default_manager` is each outbox model's plain `objects` (none declares another manager).
    model._default_manager.filter(status=OutboxStatus.SENDING, claimed_at__lt=now - STUCK_AFTER).update(
        status=OutboxStatus.FAILED, last_error="Quá thời gian gửi"
    )
    due = model._default_manager.filter(
        Q(status=OutboxStatus.READY) | Q(status=OutboxStatus.FAILED, attempts__lt=MAX_ATTEMPTS)
    )
    if today is not None:
        due = due.filter(due_on__lte=today)
    states = due.values_list("pk", "status", "attempts", "claimed_at")
    pks = [
        pk
        for pk, status, attempts, claimed_at in states.order_by("pk")[:BATCH]
        if status == OutboxStatus.READY or claimed_at is None or claimed_at <= now - retry_after * attempts
    ]
    for pk in pks:
        # Claim: only the worker whose UPDATE changes the row sends it.
        claimed = model._default_manager.filter(
            Q(status=OutboxStatus.READY) | Q(status=OutboxStatus.FAILED), pk=pk
        ).update(status=OutboxStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1)
        if not claimed:
            continue
        row = model._default_manager.select_related(*related).get(pk=pk)
        if not still_relevant(row):
            model._default_manager.filter(pk=pk).update(status=OutboxStatus.CANCELLED)
            result["cancelled"] += 1
            continue
        try:
            with transaction.atomic():
                deliver(row, today)
        except Exception as exc:  # any delivery failure is retried on a later run
            logger.warning("%s %s failed: %s", model._meta.label, pk, exc)
            model._default_manager.filter(pk=pk).update(status=OutboxStatus.FAILED, last_error=str(exc)[:500])
            result["failed"] += 1
        else:
            model._default_manager.filter(pk=pk).update(status=OutboxStatus.SENT, sent_at=now)
            result["sent"] += 1
    return result
