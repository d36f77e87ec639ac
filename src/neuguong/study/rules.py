"""Pure rules of the study module: the quiz window, scoring and the QR check-in token (the shared
attendance rule, `people.attendance`, signed for study sessions)."""

import datetime as dt
import random
from decimal import ROUND_HALF_UP, Decimal

from neuguong.core.dates import LOCAL_ZONE
from neuguong.people import attendance
from neuguong.people.attendance import CHECKIN_MAX_AGE, CheckinTokenError  # noqa: F401 (study's callers)

WEEKLY_OPEN = dt.time(7, 30)
WEEKLY_CLOSE = dt.time(17, 30)
# A submission travelling over a slow connection may arrive a little after the time limit.
SUBMIT_GRACE = dt.timedelta(seconds=20)
# The QR check-in token is the shared attendance rule's (people/attendance.py), signed for this purpose.
CHECKIN_PURPOSE = "study"
# The QR page fetches a new code this often: well inside CHECKIN_MAX_AGE.
QR_RENEW_SECONDS = 600


def window_is_open(opens_at: dt.datetime, closes_at: dt.datetime, now: dt.datetime) -> bool:
    """Open from `opens_at` to `closes_at`, both included; aware datetimes, so any zone compares right."""
    return opens_at <= now <= closes_at


def weekly_window(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The weekly round containing `day`: Monday 07:30 to Friday 17:30, Asia/Ho_Chi_Minh."""
    monday = day - dt.timedelta(days=day.weekday())
    friday = monday + dt.timedelta(days=4)
    return (
        dt.datetime.combine(monday, WEEKLY_OPEN, tzinfo=LOCAL_ZONE),
        dt.datetime.combine(friday, WEEKLY_CLOSE, tzinfo=LOCAL_ZONE),
    )


def attempt_time_is_up(started_at: dt.datetime, limit_minutes: int, now: dt.datetime) -> bool:
    return now > started_at + dt.timedelta(minutes=limit_minutes) + SUBMIT_GRACE


def score_of(correct_count: int, total: int) -> Decimal:
    """Score on a scale of 10, two decimals, half up."""
    if total <= 0:
        return Decimal("0.00")
    return (Decimal(10) * correct_count / total).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def is_answer_correct(given: list[int], correct: list[int]) -> bool:
    return bool(given) and sorted(set(given)) == sorted(set(correct))


def option_order(count: int, rng: random.Random) -> list[int]:
    """A random presentation order of a question's `count` options (their indexes, i.e. their ids)."""
    order = list(range(count))
    rng.shuffle(order)
    return order


def options_in_order(options: list[str], order: list[int] | None) -> list[tuple[int, str]]:
    """(option id, text) pairs in the order shown. A stored order that no longer fits the question
    (options edited since) falls back to the stored order rather than losing or repeating an option."""
    if not order or sorted(order) != list(range(len(options))):
        order = list(range(len(options)))
    return [(index, options[index]) for index in order]


def checkin_token(campaign_id: int, session_id: int) -> str:
    """The study session's QR link token (the shared rule: `people.attendance.checkin_token`)."""
    return attendance.checkin_token(CHECKIN_PURPOSE, c=campaign_id, s=session_id)


def checkin_token_check(token: str, *, campaign_id: int, session_id: int, max_age=CHECKIN_MAX_AGE) -> None:
    """Raise CheckinTokenError unless `token` is ours, unexpired, and names this campaign and session."""
    attendance.checkin_token_check(
        token, purpose=CHECKIN_PURPOSE, max_age=max_age, c=campaign_id, s=session_id
    )
