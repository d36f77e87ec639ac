"""Reminders and escalation through an outbox.

`plan_reminders(today=...)` writes one `Reminder` row per (recipient, commitment, kind, due date); the
unique constraint makes planning idempotent, so running it twice, or twice a day, sends nothing twice.
Planning reads every open commitment of the tree, so it runs once a day (`plan_reminders_once`, which the
task `plan_commitment_reminders` calls hourly: one UPDATE once the day is planned), and after the first day
it reads only what can be new since the day planned before (`Since`); the hourly sending does not plan
(docs/scaling.md, "The task queue"). `send_due_reminders(now=...)` claims ready rows (ready →
sending), turns each into a notification (in the app, and by e-mail through the notifications outbox as
the recipient chose; one e-mail task per batch), and marks them sent — or failed, to be retried up to
MAX_ATTEMPTS. Both take the date/time explicitly: tests drive them with a fake clock; the tasks pass the
real one.

Policy (configurable with the setting COMMITMENT_REMINDERS): remind 7 and 1 days before the deadline,
weekly while overdue, and escalate to the secretaries of the organisation above after 14 days overdue.
"""

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import chain

from django.conf import settings
from django.db import transaction
from django.db.models import Min, Q
from django.utils import timezone

from neuguong.access.models import Role, RoleAssignment
from neuguong.core.dates import format_vn
from neuguong.notifications.models import OutboxStatus
from neuguong.notifications.outbox import BATCH, plan_rows, send_outbox

from . import notices
from .models import Commitment, Reminder, ReminderKind, ReminderPlanning

DEFAULT_POLICY = {"days_before": (7, 1), "overdue_every_days": 7, "escalate_after_days": 14}


def policy() -> dict:
    return DEFAULT_POLICY | getattr(settings, "COMMITMENT_REMINDERS", {})


def _open_commitments():
    return Commitment.objects.filter(halt="", completed_on__isnull=True)


def _before_due_on(deadline: dt.date, today: dt.date, days_before) -> dt.date | None:
    """The most recent 'n days before' date that has come (a missed run still reminds once, late)."""
    due = [deadline - dt.timedelta(days=n) for n in days_before if deadline - dt.timedelta(days=n) <= today]
    return max(due) if due and today <= deadline else None


def _overdue_due_on(deadline: dt.date, today: dt.date, every: int) -> dt.date:
    """The day after the deadline, then every `every` days (the latest such day by `today`, which is past
    the deadline: only overdue commitments are asked about)."""
    late = (today - deadline).days - 1
    return deadline + dt.timedelta(days=1 + (late // every) * every)


@dataclass(frozen=True)
class Since:
    """The last planned day and when its planning ran: a planning after it reads only the open commitments
    with a reminder due after that day, and those changed since it ran (less CHANGE_MARGIN, for a change
    committed while it read)."""

    day: dt.date
    at: dt.datetime


CHANGE_MARGIN = dt.timedelta(hours=1)


def plan_reminders(*, today: dt.date, since: Since | None = None) -> int:
    """Add the reminder rows due by `today`; returns how many rows are new. Rows are written BATCH at a
    time as they are read: on the national database 14.2 M open commitments are overdue by 14 days or
    more (docs/scaling.md), which held in lists would not fit in a worker's memory.

    With `since` (the day planned last), only what can be new is read: the rows due after `since.day`
    and every row of a commitment changed since (its deadline, person or state). Everything else was
    planned by that day's run or an earlier one (the rows of an unchanged commitment due by that day are
    the same whenever they are computed), so the result is the same as reading every open commitment
    (tested day by day), at a small part of the cost: a national day's escalations are the commitments
    crossing 14 days overdue that day, not the 14 M overdue for longer."""
    rows = chain(
        _before_rows(today, since), _overdue_rows(today, since), _escalations(today=today, since=since)
    )
    return plan_rows(Reminder, rows)


def _changed(since: Since) -> Q:
    return Q(updated_at__gte=since.at - CHANGE_MARGIN)


# A planning that started longer ago than this and did not finish is taken over by the next run (its
# worker died); the rows it wrote stay, and are skipped as already planned.
RUNNING_STALE_AFTER = dt.timedelta(hours=1)


def plan_reminders_once(*, today: dt.date) -> int | None:
    """Plan `today`'s reminders unless that day (or a later one) is planned already, or being planned by
    another worker: then None, at the cost of one short transaction. Each run reads only what can be new
    since the day planned before it (`Since`); the first run reads all.

    Three steps, none of them a long transaction: the day is claimed (`running_on`) in one; the rows are
    read a page at a time (`_pages`) and written a batch at a time, each batch committed (on the first
    national day, 14 M escalations: one transaction would hold them all, and nothing could be sent before
    the end); then the day is marked planned. A run that fails leaves the day unplanned: the next run plans
    it again, the rows written before are skipped (the unique constraint), and a missed day is caught up
    (`_before_due_on` and the weekly overdue date look back). A claim older than RUNNING_STALE_AFTER is a
    worker that died: taken over."""
    ReminderPlanning.objects.get_or_create(pk=1)
    started = timezone.now()
    with transaction.atomic():
        last = ReminderPlanning.objects.select_for_update().get(pk=1)
        if last.planned_on is not None and last.planned_on >= today:
            return None
        if (
            last.running_on == today
            and last.running_since is not None
            and last.running_since > started - RUNNING_STALE_AFTER
        ):
            return None  # another worker is planning the day
        since = Since(last.planned_on, last.planned_at) if last.planned_on and last.planned_at else None
        ReminderPlanning.objects.filter(pk=1).update(running_on=today, running_since=started)
    try:
        planned = plan_reminders(today=today, since=since)
    except BaseException:
        ReminderPlanning.objects.filter(pk=1, running_on=today, running_since=started).update(
            running_on=None, running_since=None
        )
        raise
    # What changed while the rows were read is read again by the next day's run (`Since.at` = the start).
    ReminderPlanning.objects.filter(pk=1).update(
        planned_on=today, planned_at=started, running_on=None, running_since=None
    )
    return planned


def _pages(qs, *fields: str) -> Iterator[tuple]:
    """(pk, *fields) of `qs` in id order, BATCH at a time, each page its own short query (after the last id
    read): no transaction held open and no cursor kept on the server while the rows are written, and a
    worker's memory holds one page whatever the total (14 M rows at national size)."""
    last = 0
    while True:
        page = list(qs.filter(pk__gt=last).order_by("pk").values_list("pk", *fields)[:BATCH])
        yield from page
        if len(page) < BATCH:
            return
        last = page[-1][0]


def _with_person():
    return _open_commitments().filter(responsible_person__user__isnull=False)


def _before_rows(today: dt.date, since: Since | None = None) -> Iterator[Reminder]:
    days_before = tuple(policy()["days_before"])
    horizon = today + dt.timedelta(days=max(days_before, default=0))
    candidates = _with_person().filter(deadline__gte=today, deadline__lte=horizon)
    if since is not None:
        # A row due after since.day: some "n days before" in (since.day, today].
        new = Q(pk__in=[])
        for n in days_before:
            days = dt.timedelta(days=n)
            new |= Q(deadline__gt=since.day + days, deadline__lte=today + days)
        candidates = candidates.filter(new | _changed(since))
    for pk, user_id, deadline in _pages(candidates, "responsible_person__user_id", "deadline"):
        due_on = _before_due_on(deadline, today, days_before)
        if due_on is not None:
            yield Reminder(
                recipient_id=user_id,
                commitment_id=pk,
                kind=ReminderKind.BEFORE,
                due_on=due_on,
                deadline=deadline,
            )


def _overdue_deadlines(today: dt.date, after: dt.date, every: int, oldest: dt.date) -> list[dt.date]:
    """The deadlines (from `oldest`) whose weekly overdue date falls in (after, today]: a day d is such a
    date for the deadlines d - 1, d - 1 - every, d - 1 - 2·every, …"""
    deadlines = []
    for offset in range(1, (today - after).days + 1):
        deadline = after + dt.timedelta(days=offset - 1)
        while deadline >= oldest:
            deadlines.append(deadline)
            deadline -= dt.timedelta(days=every)
    return deadlines


def _overdue_rows(today: dt.date, since: Since | None = None) -> Iterator[Reminder]:
    every = int(policy()["overdue_every_days"])
    candidates = _with_person().filter(deadline__lt=today)
    if since is not None and (today - since.day).days < every:
        # Fewer days than a week since: only the deadlines whose weekly date came in between (one date a
        # week back to the oldest open deadline), and the changed commitments.
        oldest = candidates.aggregate(oldest=Min("deadline"))["oldest"]
        if oldest is None:
            return
        due = _overdue_deadlines(today, since.day, every, oldest)
        candidates = candidates.filter(Q(deadline__in=due) | _changed(since))
    for pk, user_id, deadline in _pages(candidates, "responsible_person__user_id", "deadline"):
        yield Reminder(
            recipient_id=user_id,
            commitment_id=pk,
            kind=ReminderKind.OVERDUE,
            due_on=_overdue_due_on(deadline, today, every),
            deadline=deadline,
        )


def _escalations(*, today: dt.date, since: Since | None = None) -> Iterator[Reminder]:
    """Commitments overdue by the policy's `escalate_after_days` or more: one escalation to each
    secretary of the organisation above the board's organisation (sent once per commitment and
    deadline). The secretaries are read first (one row per secretary in the tree), the commitments
    streamed."""
    escalate_after = int(policy()["escalate_after_days"])
    cutoff = today - dt.timedelta(days=escalate_after)
    secretaries: dict[int, list[int]] = {}
    for org_id, user_id in RoleAssignment.objects.filter(
        role=Role.SECRETARY, user__is_active=True
    ).values_list("organization_id", "user_id"):
        secretaries.setdefault(org_id, []).append(user_id)
    if not secretaries:
        return
    late = _open_commitments().filter(deadline__lte=cutoff, organization__parent__isnull=False)
    if since is not None:
        # An escalation is due on a fixed day (deadline + escalate_after): new only when that day is after
        # since.day, or the commitment changed since.
        late = late.filter(Q(deadline__gt=since.day - dt.timedelta(days=escalate_after)) | _changed(since))
    for pk, parent_id, deadline in _pages(late, "organization__parent_id", "deadline"):
        for user_id in secretaries.get(parent_id, ()):
            yield Reminder(
                recipient_id=user_id,
                commitment_id=pk,
                kind=ReminderKind.ESCALATION,
                due_on=deadline + dt.timedelta(days=escalate_after),
                deadline=deadline,
            )


def _message(reminder: Reminder, today: dt.date) -> tuple[str, str]:
    c = reminder.commitment
    who = (
        c.responsible_person.full_name if c.responsible_person else (c.lead_unit.name if c.lead_unit else "")
    )
    days = (c.deadline - today).days
    if reminder.kind == ReminderKind.BEFORE:
        title = (
            f"Nhắc việc: còn {days} ngày đến hạn — {c.title[:120]}"
            if days
            else f"Nhắc việc: hôm nay đến hạn — {c.title[:120]}"
        )
    elif reminder.kind == ReminderKind.OVERDUE:
        title = f"Quá hạn {-days} ngày — {c.title[:120]}"
    else:
        title = f"Báo cáo cấp trên: nhiệm vụ của {who} ({c.organization.name}) quá hạn {-days} ngày"
    body = (
        f"Nhiệm vụ: {c.title}\nTổ chức: {c.organization.name}\nNgười chịu trách nhiệm: {who}\n"
        f"Thời hạn: {format_vn(c.deadline)}\nTiến độ báo cáo: {c.progress} %\n"
    )
    return title, body


def _still_relevant(reminder: Reminder) -> bool:
    c = reminder.commitment
    if c.halt or c.completed_on is not None:
        return False
    if reminder.deadline != c.deadline:  # rescheduled since planning
        return False
    if reminder.kind != ReminderKind.ESCALATION:
        return c.responsible_person is not None and c.responsible_person.user_id == reminder.recipient_id
    return True


def _deliver(reminder: Reminder, today: dt.date) -> None:
    """The reminder becomes a notification: in the app, and by e-mail as the recipient chose (the
    notifications outbox sends it)."""
    title, body = _message(reminder, today)
    notices.reminder(
        recipient_id=reminder.recipient_id,
        commitment=reminder.commitment,
        escalation=reminder.kind == ReminderKind.ESCALATION,
        title=title,
        text=body,
    )


# How many of a digest's commitments its words list (the board lists them all).
DIGEST_LISTED = 20


def _deliver_all(rows: list[Reminder], today: dt.date) -> None:
    """A claim of reminders become their notifications together: a few statements for up to
    outbox.CLAIM reminders instead of a transaction and five statements each (docs/scaling.md).

    A secretary with several escalations in the claim is told once, with the list (`_digest`): on the
    first national morning ~14 M commitments are 14 days overdue, and a secretary above 300 chi bộ would
    otherwise find hundreds of notifications, one per commitment. Each reminder is still marked sent."""
    items = []
    escalations: dict[int, list[Reminder]] = {}
    for reminder in rows:
        if reminder.kind == ReminderKind.ESCALATION:
            escalations.setdefault(reminder.recipient_id, []).append(reminder)
            continue
        title, body = _message(reminder, today)
        items.append((reminder.recipient_id, reminder.commitment, False, title, body))
    digests = []
    for recipient_id, group in escalations.items():
        if len(group) == 1:
            title, body = _message(group[0], today)
            items.append((recipient_id, group[0].commitment, True, title, body))
        else:
            digests.append(_digest(recipient_id, group, today))
    notices.reminders(items)
    notices.escalation_digests(digests)


def _digest(recipient_id: int, group: list[Reminder], today: dt.date) -> notices.Digest:
    """One notification for a secretary's escalations: how many, the most overdue first, and where
    they are all listed (the board, overdue, of the organisation above them when they share one)."""
    ordered = sorted(group, key=lambda r: (r.commitment.deadline, r.commitment_id))
    escalate_after = int(policy()["escalate_after_days"])
    title = f"Báo cáo cấp trên: {len(group)} nhiệm vụ của tổ chức trực thuộc quá hạn từ {escalate_after} ngày"
    lines = []
    for reminder in ordered[:DIGEST_LISTED]:
        c = reminder.commitment
        lines.append(
            f"– {c.title[:120]} — {notices.who_of(c)} ({c.organization.name}), hạn {format_vn(c.deadline)},"
            f" quá hạn {(today - c.deadline).days} ngày"
        )
    if len(group) > DIGEST_LISTED:
        lines.append(f"… và {len(group) - DIGEST_LISTED} nhiệm vụ khác (xem trên bảng nhiệm vụ).")
    parents = {r.commitment.organization.parent_id for r in group}
    return notices.Digest(
        recipient_id=recipient_id,
        parent_id=parents.pop() if len(parents) == 1 else None,
        text="\n".join(lines),
        title=title,
    )


def send_due_reminders(*, now: dt.datetime, today: dt.date) -> dict[str, int]:
    """Send every ready (or retryable failed) reminder due by `today`. Returns counts by outcome."""
    return send_outbox(
        Reminder,
        now=now,
        today=today,
        related=(
            "recipient",
            "commitment__organization__parent",
            "commitment__responsible_person",
            "commitment__lead_unit",
        ),
        still_relevant=_still_relevant,
        deliver=_deliver,
        deliver_all=_deliver_all,
    )


# How long sent reminders are kept: long enough to answer "was I reminded?" for a review period, short
# enough that the outbox does not grow with the nation (docs/scaling.md: tens of millions of reminder rows
# a year at national size). The notifications they became are pruned by notifications.retention.
RETENTION_DAYS = 400
PRUNE_BATCH = 10_000


def prune_reminders(*, today: dt.date, keep_days: int | None = None) -> dict[str, int]:
    """Delete reminders sent (or cancelled) more than `keep_days` ago that planning can never write
    again, a batch at a time. Planning only writes a "before" reminder for a deadline still to come and
    an overdue one for the latest weekly date, so old ones never come back; an escalation's date is fixed
    (deadline + 14 days), so it is kept while its commitment is still open with that deadline (else
    planning would write, and send, it again)."""
    from django.db.models import F

    keep = RETENTION_DAYS if keep_days is None else keep_days
    cutoff = today - dt.timedelta(days=keep)
    still_planned = Q(
        kind=ReminderKind.ESCALATION,
        commitment__halt="",
        commitment__completed_on__isnull=True,
        commitment__deadline=F("deadline"),
    )
    old = Reminder.objects.filter(
        status__in=(OutboxStatus.SENT, OutboxStatus.CANCELLED), due_on__lt=cutoff
    ).exclude(still_planned)
    deleted = 0
    while ids := list(old.values_list("pk", flat=True)[:PRUNE_BATCH]):
        deleted += Reminder.objects.filter(pk__in=ids).delete()[0]
    return {"reminders": deleted}
