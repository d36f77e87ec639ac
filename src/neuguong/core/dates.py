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
