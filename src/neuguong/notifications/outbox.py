"""Sending an outbox: any `OutboxRow` model (notification e-mails and digests here; commitments' `Reminder`
and study's `ReflectionReminder`). One sender for every module.

Rows are claimed (ready → sending) so two workers never send the same row: on PostgreSQL CLAIM rows at
a time with SELECT … FOR UPDATE SKIP LOCKED, so workers side by side take different rows (claiming one by
one, two workers listed the same first rows and raced for them: bench/README.md, "Task queue"); elsewhere
(SQLite: one writer at a time) one by one with a guarded UPDATE. A row is checked once more just before
sending (`still_relevant`), delivered and marked sent in one transaction (what delivery writes and the
row's "sent" commit together), or failed to be retried up to MAX_ATTEMPTS. A worker that died mid-send
leaves rows in `sending`: after STUCK_AFTER they are retried. What one call delivers enqueues the
notification e-mail sender once (`services.emails_sent_once`, one of AROUND_EACH_CALL), however many rows
became notifications.
"""

import datetime as dt
import logging
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager, ExitStack
from itertools import batched

from django.db import connection, transaction
from django.db.models import F, Q

from .models import OutboxRow, OutboxStatus

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
STUCK_AFTER = dt.timedelta(minutes=30)

# What every call runs inside; the notifications app adds `services.emails_sent_once` in `ready()`. Not
# imported here: the e-mail sender itself sends through this outbox (services → tasks → mail → outbox),
# and the engine stays below what it sends.
AROUND_EACH_CALL: list[Callable[[], AbstractContextManager]] = []
BATCH = 2000  # rows one call sends at most (a task that sent a full batch enqueues the next)
CLAIM = 200  # rows claimed per statement on PostgreSQL


def plan_rows[R: OutboxRow](model: type[R], rows: Iterable[R]) -> int:
    """Write planned outbox rows BATCH at a time as `rows` yields them (a row already planned is skipped by
    the model's unique constraint, so planning twice sends nothing twice); returns how many are new, as
    the database counted each INSERT (counting the table before and after read tens of millions of rows
    at national size). Each batch commits on its own unless the caller holds a transaction."""
    manager = model._default_manager
    inserted = [0]

    def count_inserted(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if sql.lstrip()[:6].upper() == "INSERT":
            inserted[0] += max(context["cursor"].rowcount, 0)
        return result

    with connection.execute_wrapper(count_inserted):
        for chunk in batched(rows, BATCH):
            manager.bulk_create(chunk, ignore_conflicts=True)
    return inserted[0]


def send_outbox[R: OutboxRow, D: (dt.date, None)](
    model: type[R],
    *,
    now: dt.datetime,
    today: D,
    related: tuple[str, ...],
    still_relevant: Callable[[R], bool],
    deliver: Callable[[R, D], None],
    deliver_all: Callable[[list[R], D], None] | None = None,
    retry_after: dt.timedelta = dt.timedelta(0),
) -> dict[str, int]:
    """Send every ready (or retryable failed) row of `model` due by `today` (None: rows without a due
    date, due as soon as written). Returns counts by outcome.

    With `deliver_all` (the same delivery for many rows, written in a few statements) each claim of up to
    CLAIM rows is delivered and marked sent in one transaction; if that fails, the claim is delivered row
    by row with `deliver`, so one bad row fails alone and the rest are sent.

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

    def may_send(status, attempts, claimed_at) -> bool:
        return (
            status == OutboxStatus.READY or claimed_at is None or claimed_at <= now - retry_after * attempts
        )

    handled = 0
    after: int | None = 0
    with ExitStack() as around:
        for context in AROUND_EACH_CALL:
            around.enter_context(context())
        while handled < BATCH:
            pks, after = _claim(
                model, due.filter(pk__gt=after), now=now, may_send=may_send, limit=min(CLAIM, BATCH - handled)
            )
            if after is None:
                break
            handled += len(pks)
            rows = model._default_manager.select_related(*related).in_bulk(pks)
            claimed = [rows[pk] for pk in pks]
            if deliver_all is not None and _send_together(
                model,
                claimed,
                now=now,
                today=today,
                still_relevant=still_relevant,
                deliver_all=deliver_all,
                result=result,
            ):
                continue
            for row in claimed:
                outcome = _send_one(
                    model, row, now=now, today=today, still_relevant=still_relevant, deliver=deliver
                )
                result[outcome] += 1
    return result


def full_batch(result: dict[str, int]) -> bool:
    """Whether a `send_outbox` call stopped at BATCH rows (so more may be due: send again now)."""
    return result.get("sent", 0) + result.get("failed", 0) + result.get("cancelled", 0) >= BATCH


def _claim(
    model, due, *, now: dt.datetime, may_send: Callable[..., bool], limit: int
) -> tuple[list[int], int | None]:
    """Mark up to `limit` due rows as this worker's (sending): their ids, lowest first, and the highest id
    looked at (None: nothing left to look at; a failed row not yet due for a retry is passed over)."""
    candidates = due.values_list("pk", "status", "attempts", "claimed_at").order_by("pk")
    claim = {"status": OutboxStatus.SENDING, "claimed_at": now, "attempts": F("attempts") + 1}
    if connection.features.has_select_for_update_skip_locked:
        with transaction.atomic():
            # Rows another worker holds are skipped, not waited for; the UPDATE commits the claim.
            rows = list(candidates.select_for_update(skip_locked=True)[:limit])
            pks = [pk for pk, *state in rows if may_send(*state)]
            model._default_manager.filter(pk__in=pks).update(**claim)
        return pks, (rows[-1][0] if rows else None)
    pks = []
    rows = list(candidates[:limit])
    for pk, *state in rows:
        # Claim: only the worker whose UPDATE changes the row sends it.
        if may_send(*state) and model._default_manager.filter(
            Q(status=OutboxStatus.READY) | Q(status=OutboxStatus.FAILED), pk=pk
        ).update(**claim):
            pks.append(pk)
    return pks, (rows[-1][0] if rows else None)


def _send_together(model, rows, *, now, today, still_relevant, deliver_all, result) -> bool:
    """Deliver the claimed `rows` at once and mark them sent (the moot ones cancelled), in one transaction;
    False (nothing written) when that failed, for the caller to send them one by one."""
    relevant = [row for row in rows if still_relevant(row)]
    sent = {row.pk for row in relevant}
    moot = [row.pk for row in rows if row.pk not in sent]
    try:
        with transaction.atomic():
            if relevant:
                deliver_all(relevant, today)
                model._default_manager.filter(pk__in=sent).update(status=OutboxStatus.SENT, sent_at=now)
            if moot:
                model._default_manager.filter(pk__in=moot).update(status=OutboxStatus.CANCELLED)
    except Exception as exc:  # the rows are sent one by one instead, each failing alone
        logger.warning("%s: %s rows failed together (%s); sent one by one", model._meta.label, len(rows), exc)
        return False
    result["sent"] += len(relevant)
    result["cancelled"] += len(moot)
    return True


def _send_one(model, row, *, now, today, still_relevant, deliver) -> str:
    if not still_relevant(row):
        model._default_manager.filter(pk=row.pk).update(status=OutboxStatus.CANCELLED)
        return "cancelled"
    try:
        with transaction.atomic():
            deliver(row, today)
            model._default_manager.filter(pk=row.pk).update(status=OutboxStatus.SENT, sent_at=now)
    except Exception as exc:  # any delivery failure is retried on a later run
        logger.warning("%s %s failed: %s", model._meta.label, row.pk, exc)
        model._default_manager.filter(pk=row.pk).update(status=OutboxStatus.FAILED, last_error=str(exc)[:500])
        return "failed"
    return "sent"
