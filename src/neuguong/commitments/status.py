"""The one place a commitment's status is decided. Pure: no database, no clock — `today` is passed in.

Rules (domain notes, section 4):
- a cancelled or suspended commitment is `cancelled` / `suspended`, whatever else is true;
- a completion still waiting for the reviewer's confirmation is `awaiting_confirmation` ("Chờ xác nhận"):
  not completed yet (it counts as open, on time or overdue by its deadline, like a returned report);
  once confirmed it is done on time or late by the completion date the member gave;
- a completed one is `done_on_time` when completed on or before its deadline (the deadline date itself
  is on time), else `done_late`;
- an open one whose last report (or completion) the supervisor returned is `returned` (it counts as not
  completed); it comes before a pending extension request, so the member is never shown "Đề nghị gia
  hạn" while the ball is in their court (the request still waits in the reviewer's queue);
- an open one with a pending extension request is `extension_requested`;
- otherwise `open_on_time` until the end of the deadline date, then `open_overdue`.
Which deadline counts — the current (possibly extended) one or the original — is configurable
(`against_original`; the setting `COMMITMENT_ON_TIME_AGAINST_ORIGINAL`, default False).

`status_case()` is the same rule as an SQL expression, so counts are done in the database; a test checks
both agree on generated data.
"""

import datetime as dt
from typing import Protocol

from django.conf import settings
from django.db.models import Case, CharField, F, Q, Value, When

OPEN_ON_TIME = "open_on_time"
OPEN_OVERDUE = "open_overdue"
DONE_ON_TIME = "done_on_time"
DONE_LATE = "done_late"
RETURNED = "returned"
EXTENSION_REQUESTED = "extension_requested"
AWAITING_CONFIRMATION = "awaiting_confirmation"
SUSPENDED = "suspended"
CANCELLED = "cancelled"

STATUS_LABELS = {
    OPEN_ON_TIME: "Chưa hoàn thành – trong hạn",
    OPEN_OVERDUE: "Chưa hoàn thành – quá hạn",
    DONE_ON_TIME: "Đã hoàn thành – đúng hạn",
    DONE_LATE: "Đã hoàn thành – quá hạn",
    RETURNED: "Trả lại",
    EXTENSION_REQUESTED: "Đề nghị gia hạn",
    AWAITING_CONFIRMATION: "Chờ xác nhận",
    SUSPENDED: "Tạm dừng",
    CANCELLED: "Hủy",
}
STATUS_CODES = tuple(STATUS_LABELS)
OPEN_STATUSES = (OPEN_ON_TIME, OPEN_OVERDUE, RETURNED, EXTENSION_REQUESTED, AWAITING_CONFIRMATION)
DONE_STATUSES = (DONE_ON_TIME, DONE_LATE)
# Open and waiting on someone's decision: the four government statuses count them as open on time or
# overdue by their deadline (the tallies' `past` flag).
PENDING_STATUSES = (RETURNED, EXTENSION_REQUESTED, AWAITING_CONFIRMATION)
# Bootstrap colour of each status badge.
STATUS_COLOURS = {
    OPEN_ON_TIME: "primary",
    OPEN_OVERDUE: "danger",
    DONE_ON_TIME: "success",
    DONE_LATE: "warning",
    RETURNED: "danger",
    EXTENSION_REQUESTED: "info",
    AWAITING_CONFIRMATION: "info",
    SUSPENDED: "secondary",
    CANCELLED: "dark",
}


class CommitmentFacts(Protocol):
    deadline: dt.date
    original_deadline: dt.date
    completed_on: dt.date | None
    halt: str
    extension_pending: bool
    is_returned: bool
    completion_pending: bool


def against_original_default() -> bool:
    return bool(getattr(settings, "COMMITMENT_ON_TIME_AGAINST_ORIGINAL", False))


def commitment_status(
    commitment: CommitmentFacts, today: dt.date, *, against_original: bool | None = None
) -> str:
    if against_original is None:
        against_original = against_original_default()
    if commitment.halt == "cancelled":
        return CANCELLED
    if commitment.halt == "suspended":
        return SUSPENDED
    deadline = commitment.original_deadline if against_original else commitment.deadline
    if commitment.completed_on is not None:
        if commitment.completion_pending:
            return AWAITING_CONFIRMATION
        return DONE_ON_TIME if commitment.completed_on <= deadline else DONE_LATE
    if commitment.is_returned:
        return RETURNED
    if commitment.extension_pending:
        return EXTENSION_REQUESTED
    return OPEN_ON_TIME if today <= deadline else OPEN_OVERDUE


def status_case(today: dt.date, *, against_original: bool | None = None) -> Case:
    """`commitment_status` as a database expression over the Commitment table."""
    if against_original is None:
        against_original = against_original_default()
    deadline = "original_deadline" if against_original else "deadline"
    return Case(
        When(halt="cancelled", then=Value(CANCELLED)),
        When(halt="suspended", then=Value(SUSPENDED)),
        When(Q(completed_on__isnull=False) & Q(completion_pending=True), then=Value(AWAITING_CONFIRMATION)),
        When(Q(completed_on__isnull=False) & Q(completed_on__lte=F(deadline)), then=Value(DONE_ON_TIME)),
        When(completed_on__isnull=False, then=Value(DONE_LATE)),
        When(is_returned=True, then=Value(RETURNED)),
        When(extension_pending=True, then=Value(EXTENSION_REQUESTED)),
        When(**{f"{deadline}__gte": today}, then=Value(OPEN_ON_TIME)),
        default=Value(OPEN_OVERDUE),
        output_field=CharField(),
    )


def status_q(code: str, today: dt.date, *, against_original: bool | None = None) -> Q:
    """A filter selecting commitments whose status is `code` (usable on large tables with indexes)."""
    if against_original is None:
        against_original = against_original_default()
    deadline = "original_deadline" if against_original else "deadline"
    live = Q(halt="")
    done = live & Q(completed_on__isnull=False, completion_pending=False)
    open_ = live & Q(completed_on__isnull=True)
    plain_open = open_ & Q(extension_pending=False, is_returned=False)
    return {
        CANCELLED: Q(halt="cancelled"),
        SUSPENDED: Q(halt="suspended"),
        DONE_ON_TIME: done & Q(completed_on__lte=F(deadline)),
        DONE_LATE: done & Q(completed_on__gt=F(deadline)),
        AWAITING_CONFIRMATION: live & Q(completed_on__isnull=False, completion_pending=True),
        RETURNED: open_ & Q(is_returned=True),
        EXTENSION_REQUESTED: open_ & Q(extension_pending=True, is_returned=False),
        OPEN_ON_TIME: plain_open & Q(**{f"{deadline}__gte": today}),
        OPEN_OVERDUE: plain_open & Q(**{f"{deadline}__lt": today}),
    }[code]
