"""Reminders of the reflection due date (hạn nộp thu hoạch), through an outbox.

`plan_reminders(today=...)` writes one `ReflectionReminder` row per (invitee, kind, due date, reminder
day); the unique constraint makes planning idempotent, so a doubled or repeated run sends nothing twice.
`send_due_reminders(now=..., today=...)` claims ready rows one by one (ready → sending), turns each into a
notification (in the app, and by e-mail through the notifications outbox as the member chose), then
marks them sent, or failed to be retried up to MAX_ATTEMPTS. Both take the clock explicitly (tests fake it).

Who is reminded: invitees of a campaign with a `reflection_due` whose reflection is missing, a draft
or returned (not submitted, graded or excused), whose person is still an active member and has an
active user account. An invitee is reminded only for reminder days on or after the day they were
invited: someone added to the list after the "3 days before" day gets the later reminders only.

Policy (setting STUDY_REFLECTION_REMINDERS): 3 and 1 days before the due date, and once on the day
after it (the due date has passed). A missed run still reminds once, late, as long as the reminder
day is the most recent one that has come; an overdue reminder is not planned more than
`overdue_within_days` after the due date (old campaigns do not wake up).
"""

import datetime as dt

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from neuguong.core.dates import LOCAL_ZONE, format_vn
from neuguong.notifications.outbox import BATCH, plan_rows, send_outbox
from neuguong.people.models import ACTIVE_MEMBER_STATUSES

from . import notices
from .models import Invitee, ReflectionReminder, ReflectionReminderKind, ReflectionStatus

DEFAULT_POLICY = {"days_before": (3, 1), "overdue_within_days": 7}
# A reflection in these states still has to be handed in.
PENDING_STATES = (ReflectionStatus.DRAFT, ReflectionStatus.RETURNED)


def policy() -> dict:
    return DEFAULT_POLICY | getattr(settings, "STUDY_REFLECTION_REMINDERS", {})


def reminder_day(deadline: dt.date, today: dt.date, days_before, overdue_within: int):
    """(kind, reminder day) due by `today` for this deadline, or None.

    Before the deadline (and on it): the most recent "n days before" day that has come. After it: the
    day after the deadline, for `overdue_within` days."""
    if today <= deadline:
        days = [
            deadline - dt.timedelta(days=n) for n in days_before if deadline - dt.timedelta(days=n) <= today
        ]
        return (ReflectionReminderKind.BEFORE, max(days)) if days else None
    if (today - deadline).days <= overdue_within:
        return ReflectionReminderKind.OVERDUE, deadline + dt.timedelta(days=1)
    return None


def _pending_invitees():
    """Invitees who still owe a reflection and can be reached in the app."""
    return Invitee.objects.filter(
        Q(reflection__isnull=True) | Q(reflection__status__in=PENDING_STATES),
        campaign__reflection_due__isnull=False,
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
    candidates = _pending_invitees().filter(
        campaign__reflection_due__gte=earliest, campaign__reflection_due__lte=horizon
    )
    for pk, user_id, deadline, invited_at in candidates.values_list(
        "pk", "person__user_id", "campaign__reflection_due", "invited_at"
    ).iterator(chunk_size=BATCH):
        due = reminder_day(deadline, today, days_before, overdue_within)
        if due is None:
            continue
        kind, due_on = due
        if invited_at.astimezone(LOCAL_ZONE).date() > due_on:  # not in the audience on that day
            continue
        rows.append(
            ReflectionReminder(
                invitee_id=pk, recipient_id=user_id, kind=kind, due_on=due_on, deadline=deadline
            )
        )
    return plan_rows(ReflectionReminder, rows)


def _still_relevant(reminder: ReflectionReminder) -> bool:
    """Checked again at sending time: the member may have submitted, or the due date moved."""
    invitee = reminder.invitee
    if invitee.campaign.reflection_due != reminder.deadline:
        return False
    if invitee.person.user_id != reminder.recipient_id:
        return False
    status = getattr(getattr(invitee, "reflection", None), "status", None)
    return status is None or status in PENDING_STATES


def _message(reminder: ReflectionReminder, today: dt.date) -> tuple[str, str]:
    campaign = reminder.invitee.campaign
    days = (reminder.deadline - today).days
    name = campaign.title[:120]
    if reminder.kind == ReflectionReminderKind.OVERDUE:
        title = f"Đã quá hạn nộp bài thu hoạch — {name}"
    elif days > 0:
        title = f"Nhắc nộp bài thu hoạch: còn {days} ngày — {name}"
    else:
        title = f"Nhắc nộp bài thu hoạch: hôm nay là hạn nộp — {name}"
    body = (
        f"Đợt học tập: {campaign.title}\nĐơn vị tổ chức: {campaign.organizer.name}\n"
        f"Hạn nộp bài thu hoạch và kế hoạch vận dụng: {format_vn(reminder.deadline)}\n"
    )
    return title, body


def _deliver(reminder: ReflectionReminder, today: dt.date) -> None:
    title, body = _message(reminder, today)
    notices.reflection_reminder(
        recipient_id=reminder.recipient_id, invitee=reminder.invitee, title=title, text=body
    )


def send_due_reminders(*, now: dt.datetime, today: dt.date) -> dict[str, int]:
    """Send every ready (or retryable failed) reminder due by `today`. Returns counts by outcome."""
    return send_outbox(
        ReflectionReminder,
        now=now,
        today=today,
        related=("recipient", "invitee__person", "invitee__campaign__organizer", "invitee__reflection"),
        still_relevant=_still_relevant,
        deliver=_deliver,
    )


def run(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Plan and send, with the clock of Asia/Ho_Chi_Minh unless one is given."""
    now = now or timezone.now()
    today = now.astimezone(LOCAL_ZONE).date()
    planned = plan_reminders(today=today)
    return {"planned": planned, **send_due_reminders(now=now, today=today)}
