"""Report periods: a year, a half-year, a quarter, or custom dates, always whole calendar days."""

import datetime as dt
from dataclasses import dataclass

from neuguong.core.dates import check_date, format_vn
from neuguong.core.errors import BusinessError

MSG_PERIOD_REVERSED = "Ngày kết thúc kỳ báo cáo không được trước ngày bắt đầu."
MSG_PERIOD_KIND = "Loại kỳ báo cáo không hợp lệ (năm, 6 tháng, quý hoặc tùy chọn)."
MSG_PERIOD_YEAR = "Năm báo cáo phải từ 2000 đến 2100."
MSG_PERIOD_PART = "Kỳ báo cáo không hợp lệ: 6 tháng là 1 hoặc 2, quý là 1 đến 4."
MSG_PERIOD_DATES = "Cần nhập ngày bắt đầu và ngày kết thúc (dd/mm/yyyy hoặc yyyy-mm-dd)."
MSG_PERIOD_TOO_LONG = "Kỳ báo cáo không được dài quá 10 năm."

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
PERIOD_KINDS = {"year": "Năm", "half": "6 tháng", "quarter": "Quý", "custom": "Tùy chọn"}


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date
    label: str  # "năm 2025", "6 tháng đầu năm 2025", "quý II năm 2025", "từ 01/01/2025 đến 15/03/2025"

    @property
    def query(self) -> str:
        """The period as URL parameters (what `period_from_params` reads back)."""
        return f"start={self.start.isoformat()}&end={self.end.isoformat()}"


def parse_date(raw: str | None) -> dt.date | None:
    raw = (raw or "").strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    return None


def _check_year(year: int) -> None:
    if not 2000 <= year <= 2100:
        raise BusinessError(MSG_PERIOD_YEAR, field="year")


def year_period(year: int) -> Period:
    _check_year(year)
    return Period(dt.date(year, 1, 1), dt.date(year, 12, 31), f"năm {year}")


def half_period(year: int, half: int) -> Period:
    _check_year(year)
    if half not in (1, 2):
        raise BusinessError(MSG_PERIOD_PART, field="part")
    if half == 1:
        return Period(dt.date(year, 1, 1), dt.date(year, 6, 30), f"6 tháng đầu năm {year}")
    return Period(dt.date(year, 7, 1), dt.date(year, 12, 31), f"6 tháng cuối năm {year}")


def quarter_period(year: int, quarter: int) -> Period:
    _check_year(year)
    if quarter not in (1, 2, 3, 4):
        raise BusinessError(MSG_PERIOD_PART, field="part")
    first_month = 3 * quarter - 2
    start = dt.date(year, first_month, 1)
    end = (dt.date(year + 1, 1, 1) if quarter == 4 else dt.date(year, first_month + 3, 1)) - dt.timedelta(
        days=1
    )
    return Period(start, end, f"quý {ROMAN[quarter]} năm {year}")


def custom_period(start: dt.date | None, end: dt.date | None) -> Period:
    if start is None or end is None:
        raise BusinessError(MSG_PERIOD_DATES, field="start")
    check_date(start, field="start", label="Ngày bắt đầu kỳ báo cáo")
    check_date(end, field="end", label="Ngày kết thúc kỳ báo cáo")
    if end < start:
        raise BusinessError(MSG_PERIOD_REVERSED, field="end")
    if (end - start).days > 3660:
        raise BusinessError(MSG_PERIOD_TOO_LONG, field="end")
    # A custom range that is exactly a year, half or quarter reads as one in the document.
    for candidate in _named_periods(start.year):
        if (candidate.start, candidate.end) == (start, end):
            return candidate
    return Period(start, end, f"từ ngày {format_vn(start)} đến ngày {format_vn(end)}")


def _named_periods(year: int) -> list[Period]:
    if not 2000 <= year <= 2100:
        return []
    return [year_period(year), half_period(year, 1), half_period(year, 2)] + [
        quarter_period(year, q) for q in (1, 2, 3, 4)
    ]


def period_from_params(params, today: dt.date) -> Period:
    """Read a period from a query dict: `start`/`end` dates, or `kind` (year|half|quarter) + `year` + `part`.
    Nothing given: the current year."""
    if params.get("start") or params.get("end"):
        return custom_period(parse_date(params.get("start")), parse_date(params.get("end")))
    kind = params.get("kind") or "year"
    try:
        year = int(params.get("year") or today.year)
        part = int(params.get("part") or 1)
    except (TypeError, ValueError) as exc:
        raise BusinessError(MSG_PERIOD_YEAR, field="year") from exc
    if kind == "year":
        return year_period(year)
    if kind == "half":
        return half_period(year, part)
    if kind == "quarter":
        return quarter_period(year, part)
    raise BusinessError(MSG_PERIOD_KIND, field="kind")
