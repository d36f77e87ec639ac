"""Calendar dates are those of Asia/Ho_Chi_Minh, whatever the server's clock zone."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import timezone

LOCAL_ZONE = ZoneInfo("Asia/Ho_Chi_Minh")


def local_now() -> dt.datetime:
    return timezone.now().astimezone(LOCAL_ZONE)


def local_today() -> dt.date:
    """Today's date in Viet Nam: the only 'today' business rules may use."""
    return local_now().date()


def format_vn(value: dt.date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def date_in_words(value: dt.date, place: str) -> str:
    """'Nghệ An, ngày 07 tháng 4 năm 2021' as written on Party documents."""
    return f"{place}, ngày {value.day:02d} tháng {value.month} năm {value.year}"


# --- bounds of dates people enter (issue 19.6; docs/dates.md) -----------------------------------------------
# The Communist Party of Viet Nam was founded on 03/02/1930: no record the software keeps (a commitment, a
# document, an inspection, an admission) can be older; a date before it is a typo or a trick (a commitment
# "completed on 01/01/1900" became "done on time"). Plans reach at most ten years ahead (two terms).
EARLIEST_DATE = dt.date(1930, 1, 1)
FUTURE_YEARS = 10
# Birth dates are the one exception below 1930 (members born in the 1920s are alive).
EARLIEST_BIRTH_DATE = dt.date(1900, 1, 1)

MSG_DATE_RANGE = "{label} phải trong khoảng {earliest} – {latest}."
MSG_DATE_MISSING = "Cần nhập {label}."


def latest_date(today: dt.date | None = None) -> dt.date:
    """The latest date anyone may enter: ten years from today (Vietnam date); 29/02 falls back to 28/02."""
    today = today or local_today()
    try:
        return today.replace(year=today.year + FUTURE_YEARS)
    except ValueError:
        return today.replace(year=today.year + FUTURE_YEARS, day=28)


def check_date(
    value: dt.date | None,
    *,
    field: str,
    label: str,
    earliest: dt.date | None = None,
    latest: dt.date | None = None,
    today: dt.date | None = None,
    required: bool = False,
) -> dt.date | None:
    """A user-entered date within [earliest, latest] (default 01/01/1930 … today + 10 years); raises a
    BusinessError on `field` saying the bounds in dd/mm/yyyy. None passes unless `required`."""
    from .errors import BusinessError

    if value is None:
        if required:
            raise BusinessError(MSG_DATE_MISSING.format(label=label.lower()), field=field)
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    low = earliest or EARLIEST_DATE
    high = latest or latest_date(today)
    if not low <= value <= high:
        raise BusinessError(
            MSG_DATE_RANGE.format(label=label, earliest=format_vn(low), latest=format_vn(high)), field=field
        )
    return value


def local_date_of(moment: dt.datetime) -> dt.date:
    """The Vietnam calendar date of a stored moment (created_at, …)."""
    return moment.astimezone(LOCAL_ZONE).date() if timezone.is_aware(moment) else moment.date()
