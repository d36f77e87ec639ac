"""The rules of targets and scoring, as pure functions: no database, no clock (`today` is passed in).

- `target_status`: the ONE rule deciding đạt / không đạt / vượt for a period.
- periods and reporting deadlines: `period_end`, `report_deadline`, `reporting_state`.
- `parse_number`: numbers as typed by Vietnamese users ("98,5", "1.234,5", "1 234").
- scoring: `is_locked` (the self-scoring lock), `competition_ranks`, `band_for`.
"""

import calendar
import datetime as dt
import re
from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import TypedDict

from neuguong.core.errors import BusinessError

# ------------------------------------------------------------------------------------------ status rule
EXCEEDED = "exceeded"
MET = "met"
NOT_MET = "not_met"
NOT_REPORTED = "not_reported"
STATUS_LABELS = {EXCEEDED: "Vượt", MET: "Đạt", NOT_MET: "Không đạt", NOT_REPORTED: "Chưa báo cáo"}
STATUS_COLOURS = {EXCEEDED: "success", MET: "primary", NOT_MET: "danger", NOT_REPORTED: "secondary"}
STATUS_ORDER = (EXCEEDED, MET, NOT_MET, NOT_REPORTED)


def target_status(direction: str, target: Decimal, value: Decimal | None) -> str:
    """Vượt when strictly better than the target, đạt when equal, không đạt when worse.

    'Better' is higher for a higher-is-better indicator and lower for a lower-is-better one; a period
    without a reported value is `not_reported`.
    """
    if value is None:
        return NOT_REPORTED
    if value == target:
        return MET
    better = value > target if direction == "higher" else value < target
    return EXCEEDED if better else NOT_MET


# ------------------------------------------------------------------------------------------ periods
PERIODS = {"monthly": 12, "quarterly": 4, "half_yearly": 2, "yearly": 1}
PERIOD_NAMES = {"monthly": "Tháng", "quarterly": "Quý", "half_yearly": "6 tháng", "yearly": "Năm"}


def period_count(frequency: str) -> int:
    return PERIODS[frequency]


def period_end(year: int, frequency: str, period: int) -> dt.date:
    """The last day of the period (quarter 2 of 2026 → 30/06/2026)."""
    count = PERIODS[frequency]
    if not 1 <= period <= count:
        raise ValueError(f"period {period} outside 1..{count}")
    month = period * (12 // count)
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def period_start(year: int, frequency: str, period: int) -> dt.date:
    """The first day of the period (quarter 2 → 01/04)."""
    count = PERIODS[frequency]
    if not 1 <= period <= count:
        raise ValueError(f"period {period} outside 1..{count}")
    return dt.date(year, (period - 1) * (12 // count) + 1, 1)


def period_label(year: int, frequency: str, period: int) -> str:
    if frequency == "yearly":
        return f"Năm {year}"
    if frequency == "half_yearly":
        return f"{'6 tháng đầu' if period == 1 else '6 tháng cuối'} năm {year}"
    return f"{PERIOD_NAMES[frequency]} {period}/{year}"


def report_deadline(year: int, frequency: str, period: int, due_days: int) -> dt.date:
    return period_end(year, frequency, period) + dt.timedelta(days=due_days)


ON_TIME = "on_time"
LATE = "late"
NOT_DUE = "not_due"
OVERDUE = "overdue"
REPORTING_LABELS = {
    ON_TIME: "Báo cáo đúng hạn",
    LATE: "Báo cáo muộn",
    NOT_DUE: "Chưa đến hạn",
    OVERDUE: "Quá hạn chưa báo cáo",
}


def reporting_state(deadline: dt.date, reported_on: dt.date | None, today: dt.date) -> str:
    """The deadline date itself is on time; after it, a missing report is overdue."""
    if reported_on is not None:
        return ON_TIME if reported_on <= deadline else LATE
    return OVERDUE if today > deadline else NOT_DUE


# ------------------------------------------------------------------------------------------ numbers
MSG_NOT_A_NUMBER = "«{value}» không phải là một số."
MSG_NUMBER_TOO_LARGE = "Số «{value}» quá lớn: tối đa {digits} chữ số trước dấu phẩy."


# What the columns hold: an indicator's values (targets, actuals, baselines) and scoring points.
class DecimalShape(TypedDict):
    max_digits: int
    decimal_places: int


VALUE: DecimalShape = {"max_digits": 18, "decimal_places": 4}
POINTS: DecimalShape = {"max_digits": 8, "decimal_places": 2}
_PLAIN = re.compile(r"^[+-]?\d+(?:[.,]\d+)?$")
_GROUPED = re.compile(r"^[+-]?\d{1,3}(?:(?P<sep>[.,])\d{3})+(?:(?P<dec>[.,])\d+)?$")
MAX_NUMBER_LENGTH = 40


def parse_number(
    raw, *, field: str | None = None, max_digits: int | None = None, decimal_places: int | None = None
) -> Decimal:
    """A number typed or imported: 98,5 and 98.5 are the same; '1.234,5' and '1,234.5' use the last
    separator as the decimal one. Anything else (text, NaN, infinity, empty) is a BusinessError. With a
    column's `max_digits` and `decimal_places` (VALUE, POINTS), rounded to its places, and refused when its
    whole part does not fit."""
    if isinstance(raw, bool):
        raise BusinessError(MSG_NOT_A_NUMBER.format(value=raw), field=field)
    if isinstance(raw, int | Decimal):
        value = Decimal(raw)
    elif isinstance(raw, float):
        value = Decimal(repr(raw))
    else:
        text = str(raw or "").replace("\u00a0", " ").strip().replace(" ", "")
        shown = str(raw or "")[:MAX_NUMBER_LENGTH]
        if not text or len(text) > MAX_NUMBER_LENGTH:
            raise BusinessError(MSG_NOT_A_NUMBER.format(value=shown), field=field)
        if _PLAIN.match(text):
            text = text.replace(",", ".")
        elif match := _GROUPED.match(text):
            if match.group("dec") and match.group("dec") == match.group("sep"):
                raise BusinessError(MSG_NOT_A_NUMBER.format(value=shown), field=field)
            text = text.replace(match.group("sep"), "")
            text = text.replace(",", ".")
        else:
            raise BusinessError(MSG_NOT_A_NUMBER.format(value=shown), field=field)
        try:
            value = Decimal(text)
        except InvalidOperation as exc:  # pragma: no cover - the patterns above exclude it
            raise BusinessError(MSG_NOT_A_NUMBER.format(value=shown), field=field) from exc
    if not value.is_finite():
        raise BusinessError(MSG_NOT_A_NUMBER.format(value=raw), field=field)
    if max_digits is None or decimal_places is None:
        return value
    whole_digits = max_digits - decimal_places
    if value and value.adjusted() >= whole_digits:
        raise BusinessError(
            MSG_NUMBER_TOO_LARGE.format(value=str(raw)[:MAX_NUMBER_LENGTH], digits=whole_digits), field=field
        )
    rounded = value.quantize(Decimal(1).scaleb(-decimal_places), rounding=ROUND_HALF_UP)
    if rounded and rounded.adjusted() >= whole_digits:  # 99,99999 rounds up to 100
        raise BusinessError(
            MSG_NUMBER_TOO_LARGE.format(value=str(raw)[:MAX_NUMBER_LENGTH], digits=whole_digits), field=field
        )
    return rounded


def format_number(value: Decimal | None) -> str:
    """Vietnamese display: comma as decimal separator, trailing zeros dropped (98,50 → 98,5). No thousands
    grouping: "10.847" would read back as 10,847 (a dot alone is taken as the decimal point)."""
    if value is None:
        return ""
    sign = "-" if value < 0 else ""
    whole, _, frac = format(abs(value), "f").partition(".")
    frac = frac.rstrip("0")
    return f"{sign}{whole},{frac}" if frac else f"{sign}{whole}"


# ------------------------------------------------------------------------------------------ scoring
def is_locked(deadline: dt.date, reopened_until: dt.date | None, today: dt.date) -> bool:
    """Self-scoring locks after the deadline date (Viet Nam time); a reopening extends it to its own date."""
    if today <= deadline:
        return False
    return reopened_until is None or today > reopened_until


def competition_ranks(scores: Iterable[tuple[object, Decimal]]) -> dict[object, int]:
    """1, 2, 2, 4: equal scores share a rank and the next rank skips."""
    ordered = sorted(scores, key=lambda item: item[1], reverse=True)
    ranks: dict[object, int] = {}
    previous: Decimal | None = None
    rank = 0
    for position, (key, score) in enumerate(ordered, start=1):
        if score != previous:
            rank = position
            previous = score
        ranks[key] = rank
    return ranks


DEFAULT_BANDS = [
    {"min_percent": 90, "label": "Xuất sắc"},
    {"min_percent": 80, "label": "Tốt"},
    {"min_percent": 65, "label": "Khá"},
    {"min_percent": 50, "label": "Trung bình"},
    {"min_percent": 0, "label": "Yếu"},
]


def percent_of(score: Decimal, maximum: Decimal) -> Decimal:
    if maximum <= 0:
        return Decimal(0)
    return (score * 100 / maximum).quantize(Decimal("0.01"))


def band_for(score: Decimal, maximum: Decimal, bands: Sequence[dict] | None = None) -> str:
    """The first band (highest threshold first) whose minimum share of the maximum the score reaches."""
    share = percent_of(score, maximum)
    for band in sorted(bands or DEFAULT_BANDS, key=lambda b: Decimal(str(b["min_percent"])), reverse=True):
        if share >= Decimal(str(band["min_percent"])):
            return band["label"]
    return ""


def bands_text(bands: Sequence[dict] | None) -> str:
    """The bands as a reader says them: "Xuất sắc từ 90 %; Tốt từ 80 %; …; Yếu dưới 50 %"."""
    ordered = sorted(bands or DEFAULT_BANDS, key=lambda b: Decimal(str(b["min_percent"])), reverse=True)
    parts = []
    for index, band in enumerate(ordered):
        minimum = Decimal(str(band["min_percent"]))
        if minimum > 0 or index == 0:
            parts.append(f"{band['label']} từ {format_number(minimum)} %")
        else:
            parts.append(
                f"{band['label']} dưới {format_number(Decimal(str(ordered[index - 1]['min_percent'])))} %"
            )
    return "; ".join(parts)
