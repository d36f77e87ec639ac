"""Reminders of the self-assessment deadline (hạn tự kiểm điểm), through an outbox.

`plan_reminders(today=...)` writes one `SelfAssessmentReminder` row per (review, kind, deadline, reminder
day); the unique constraint makes planning idempotent, so a doubled or repeated run sends nothing twice.
`send_due_reminders(now=..., today=...)` sends them with the shared outbox sender (claimed one by one,
checked again just before sending, retried on failure), each as a notification (in the app, and by
e-mail as the member chose). Both take the clock explicitly (tests fake it).

Who is reminded: members of an open period who have not self-assessed yet (a review returned to be
redone counts again), not exempt (an exempt member may be excused instead), still an active member with
an active account. Someone added to the audience after a reminder day gets the later reminders only.

Policy (setting EVALUATION_SELF_ASSESSMENT_REMINDERS): 7 and 1 days before the deadline, and once on the
day after it; an overdue reminder is not planned more than `overdue_within_days` after the deadline.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.utils import timezone

from neuguong.core.dates import LOCAL_ZONE, format_vn
from neuguong.notifications.outbox import BATCH, plan_rows, send_outbox
from neuguong.people.models import ACTIVE_MEMBER_STATUSES

from . import notices
from .models import PeriodState, ReminderKind, Review, ReviewState, SelfAssessmentReminder

DEFAULT_POLICY = {"days_before": (7, 1), "overdue_within_days": 7}


def policy() -> dict:
    return DEFAULT_POLICY | getattr(settings, "EVALUATION_SELF_ASSESSMENT_REMINDERS", {})


def reminder_day(
    deadline: dt.date, today: dt.date, days_before, overdue_within: int
) -> tuple[str, dt.date] | None:
    """(kind, reminder day) due by `today` for this deadline, or None. Up to the deadline (inclusive):
    the most recent "n days before" day that has come; after it: the day after the deadline, for
    `overdue_within` days."""
    if today <= deadline:
        days = [deadline - dt.timedelta(days=n) for n in days_before]
        come = [day for day in days if day <= today]
        return (ReminderKind.BEFORE, max(come)) if come else None
    if (today - deadline).days <= overdue_within:
        return ReminderKind.OVERDUE, deadline + dt.timedelta(days=1)
    return None


def _owing():
    """Reviews whose member still owes a self-assessment and can be reached in the app."""
    return Review.objects.filter(
        person__isnull=False,
        state=ReviewState.NOT_STARTED,
        is_exempt=False,
        period__state=PeriodState.OPEN,
        person__status__in=ACTIVE_MEMBER_STATUSES,
        person__user__isnull=False,
        person__user__is_active=True,
    )


def plan_reminders(*, today: dt.date) -> int:
    """Add the reminder rows due by `today`; returns how many rows are new."""
    rules = policy()
    days_before = tuple(int(n) for n in rules["days_before"])
    overdue_within = int(rules["overdue_within_days"])
    horizon = today + dt.timedelta(days=max(days_before, default=0))
    earliest = today - dt.timedelta(days=overdue_within)
    rows = []
    candidates = _owing().filter(
        period__self_assessment_due__gte=earliest, period__self_assessment_due__lte=horizon
    )
    for pk, user_id, deadline, created_at in candidates.values_list(
        "pk", "person__user_id", "period__self_assessment_due", "created_at"
    ).iterator(chunk_size=BATCH):
        due = reminder_day(deadline, today, days_before, overdue_within)
        if due is None:
            continue
        kind, due_on = due
        if created_at.astimezone(LOCAL_ZONE).date() > due_on:  # not in the audience on that day
            continue
        rows.append(
            SelfAssessmentReminder(
                review_id=pk, recipient_id=user_id, kind=kind, due_on=due_on, deadline=deadline
            )
        )
    return plan_rows(SelfAssessmentReminder, rows)


def _still_relevant(reminder: Any) -> bool:
    """Checked again at sending time: the member may have self-assessed, or the deadline moved."""
    review = reminder.review
    return (
        review.state == ReviewState.NOT_STARTED
        and review.period.state == PeriodState.OPEN
        and review.period.self_assessment_due == reminder.deadline
        and review.person is not None
        and review.person.user_id == reminder.recipient_id
    )


def _message(reminder: SelfAssessmentReminder, today: dt.date) -> tuple[str, str]:
    period = reminder.review.period
    days = (reminder.deadline - today).days
    if reminder.kind == ReminderKind.OVERDUE:
        title = f"Đã quá hạn tự kiểm điểm — {period.name}"
    elif days > 0:
        title = f"Nhắc tự kiểm điểm: còn {days} ngày — {period.name}"
    else:
        title = f"Nhắc tự kiểm điểm: hôm nay là hạn — {period.name}"
    body = (
        f"Kỳ kiểm điểm: {period.name}\nCấp ủy: {period.organization.name}\n"
        f"Hạn tự kiểm điểm: {format_vn(reminder.deadline)}\n"
        "Mở trang kiểm điểm để viết bản tự kiểm điểm và tự chấm điểm."
    )
    return title, body


def _deliver(reminder: Any, today: dt.date | None) -> None:
    title, body = _message(reminder, today or reminder.due_on)
    notices.self_assessment_reminder(
        recipient_id=reminder.recipient_id, review=reminder.review, title=title, text=body
    )


def send_due_reminders(*, now: dt.datetime, today: dt.date) -> dict[str, int]:
    """Send every ready (or retryable failed) reminder due by `today`. Returns counts by outcome."""
    return send_outbox(
        SelfAssessmentReminder,
        now=now,
        today=today,
        related=("recipient", "review__person", "review__period__organization"),
        still_relevant=_still_relevant,
        deliver=_deliver,
    )


def run(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Plan and send, with the clock of Asia/Ho_Chi_Minh unless one is given."""
    now = now or timezone.now()
    today = now.astimezone(LOCAL_ZONE).date()
    planned = plan_reminders(today=today)
    return {"planned": planned, **send_due_reminders(now=now, today=today)}
