import datetime as dt

from hypothesis import given
from hypothesis import strategies as st


def test_rate_chart_keeps_the_lowest_rows_numbered_as_in_the_table():
    from neuguong.reports.builders import CHART_MAX_BARS, _rate_chart
    from neuguong.reports.selectors import GroupRow, StatusCounts

    rows = []
    for i in range(CHART_MAX_BARS + 5):
        counts = StatusCounts()
        counts.add("done_on_time", i)
        counts.add("done_late", 1)
        rows.append(GroupRow(str(i), f"Tổ chức {i}", counts))
    chart = _rate_chart("Tỷ lệ", rows)
    assert len(chart.bars) == CHART_MAX_BARS
    assert [bar.number for bar in chart.bars[:3]] == [1, 2, 3]  # rates 0 %, 50 %, 66.7 %
    assert "thấp nhất" in chart.title


@given(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2100, 12, 31)))
def test_every_day_falls_in_exactly_one_quarter_and_one_half(day):
    from neuguong.reports.periods import half_period, quarter_period

    quarters = [
        q for q in (1, 2, 3, 4) if quarter_period(day.year, q).start <= day <= quarter_period(day.year, q).end
    ]
    halves = [h for h in (1, 2) if half_period(day.year, h).start <= day <= half_period(day.year, h).end]
    assert len(quarters) == 1 and len(halves) == 1
