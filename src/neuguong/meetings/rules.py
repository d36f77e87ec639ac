"""Pure rules of chi bộ meetings: due dates, minimum length, what was late or short, and the month's
compliance. No database, no clock: the instant or the day is passed in.

Sources: Điều lệ Đảng (every chi bộ meets monthly); Hướng dẫn 42-HD/BTCTW (28/10/2025): at least 90
minutes, 120 when a thematic meeting is held with the regular one, small chi bộ may be excused; documents
made available to members at least 1 day before; Hà Nội's practice of entering the month's schedule by
the 20th of the previous month. The numbers are settings (`MeetingSettings`), these are the defaults.
"""

import calendar
import datetime as dt
from dataclasses import dataclass, field

from neuguong.core.dates import LOCAL_ZONE


@dataclass(frozen=True)
class Rules:
    """The settings that apply to a chi bộ (the nearest `MeetingSettings` up the tree, else these)."""

    schedule_due_day: int = 20
    documents_lead_days: int = 1
    min_minutes_regular: int = 90
    min_minutes_combined: int = 120
    small_branch_members: int = 0
    thematic_per_year: int = 4
    scoring_criteria: tuple[tuple[str, int], ...] = field(default_factory=tuple)
    defined_by: str = ""  # the organisation whose settings these are ("" for the defaults)


DEFAULTS = Rules()

REGULAR, THEMATIC, COMBINED, EXTRAORDINARY = "regular", "thematic", "combined", "extraordinary"


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def next_month(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def previous_month(day: dt.date) -> dt.date:
    return (day.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


def local_date(instant: dt.datetime) -> dt.date:
    return instant.astimezone(LOCAL_ZONE).date()


def schedule_due_on(
    *, kind: str, starts_at: dt.datetime, rules: Rules, replaces_postponed: bool = False
) -> dt.date:
    """By when the meeting must be announced: a planned meeting (regular, thematic, combined) by the
    `schedule_due_day` of the month before it; an extraordinary meeting, or one replacing a postponed
    meeting, by the day before it (it cannot be on the month's schedule)."""
    starts_on = local_date(starts_at)
    if kind == EXTRAORDINARY or replaces_postponed:
        return starts_on - dt.timedelta(days=1)
    before = previous_month(starts_on)
    last_day = calendar.monthrange(before.year, before.month)[1]
    return before.replace(day=min(rules.schedule_due_day, last_day))


def documents_due_at(*, starts_at: dt.datetime, rules: Rules) -> dt.datetime:
    """Documents are made available at least `documents_lead_days` days before the start."""
    return starts_at - dt.timedelta(days=rules.documents_lead_days)


def min_minutes(*, kind: str, rules: Rules, official_members: int) -> int:
    """The minimum length of the meeting; 0 when the chi bộ is small enough to be excused."""
    if rules.small_branch_members and official_members < rules.small_branch_members:
        return 0
    return rules.min_minutes_combined if kind == COMBINED else rules.min_minutes_regular


def duration_minutes(started_at: dt.datetime | None, ended_at: dt.datetime | None) -> int | None:
    if started_at is None or ended_at is None:
        return None
    return int((ended_at - started_at).total_seconds() // 60)


def is_short(*, started_at: dt.datetime | None, ended_at: dt.datetime | None, minimum: int) -> bool:
    minutes = duration_minutes(started_at, ended_at)
    return minutes is not None and minimum > 0 and minutes < minimum


def announcement_is_late(*, announced_at: dt.datetime | None, due_on: dt.date, today: dt.date) -> bool:
    """Announced after the due date (a local calendar date: the due date itself is on time), or not
    announced and the due date has passed."""
    if announced_at is None:
        return today > due_on
    return local_date(announced_at) > due_on


def document_is_late(*, available_at: dt.datetime | None, due_at: dt.datetime, now: dt.datetime) -> bool:
    """Made available after the due instant, or not yet available and the due instant has passed."""
    if available_at is None:
        return now > due_at
    return available_at > due_at


def rate(part: int, whole: int) -> float | None:
    """A share in percent with one decimal, None when there is nothing to divide by."""
    return round(100 * part / whole, 1) if whole else None


# --- the month's compliance ---------------------------------------------------------------------------

HELD = "held"  # the month's regular meeting held in its month
HELD_LATE = "held_late"  # postponed, then held in a later month
POSTPONED = "postponed"  # postponed, not held (yet)
MISSING = "missing"  # the month is over and no regular meeting was held for it
SCHEDULED = "scheduled"  # current or coming month, a meeting planned or announced
NONE = "none"  # current or coming month, nothing planned yet

CELL_LABELS = {
    HELD: "Đã họp",
    HELD_LATE: "Hoãn, đã họp bù",
    POSTPONED: "Hoãn",
    MISSING: "Không họp",
    SCHEDULED: "Đã lên lịch",
    NONE: "",
}
CELL_SYMBOLS = {HELD: "✓", HELD_LATE: "H✓", POSTPONED: "H", MISSING: "✗", SCHEDULED: "…", NONE: ""}
# How the month counts in the report's three columns (held / postponed / missing).
CELL_COUNTS_AS = {HELD: "held", HELD_LATE: "postponed", POSTPONED: "postponed", MISSING: "missing"}


@dataclass(frozen=True)
class MonthFacts:
    """What happened to one chi bộ's regular meeting of one month (from the meetings with that for_month)."""

    held_in_month: bool = False  # a monthly meeting of the month held within it
    held_later: bool = False  # held after its month (it replaced a postponed one)
    postponed: bool = False  # a monthly meeting of the month was postponed
    upcoming: bool = False  # planned or announced


def month_cell(facts: MonthFacts, *, month: dt.date, today: dt.date) -> str:
    """The month's status for the compliance report. A month counts as missing only once it is over; a
    postponed meeting stays "postponed" while its replacement is planned or until the next month is over
    too (then, never held, it is missing)."""
    if facts.held_in_month:
        return HELD
    if facts.held_later:
        return HELD_LATE
    if facts.postponed and (facts.upcoming or next_month(next_month(month)) > today):
        return POSTPONED
    if next_month(month) > today:
        return SCHEDULED if facts.upcoming else NONE
    return MISSING
