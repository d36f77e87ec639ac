"""The pure rules: one status rule, reporting deadlines, the lock, ranks, bands, number parsing."""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from neuguong.core.errors import BusinessError
from neuguong.targets import rules

decimals = st.decimals(min_value=-(10**6), max_value=10**6, places=2, allow_nan=False, allow_infinity=False)
dates = st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2030, 12, 31))


@given(target=decimals, value=decimals)
def test_status_of_higher_is_better_follows_the_comparison(target, value):
    status = rules.target_status("higher", target, value)
    assert status == (rules.EXCEEDED if value > target else rules.MET if value == target else rules.NOT_MET)


@given(target=decimals, value=decimals)
def test_lower_is_better_is_the_mirror_of_higher_is_better(target, value):
    assert rules.target_status("lower", target, value) == rules.target_status("higher", -target, -value)


@given(target=decimals)
def test_reaching_exactly_the_target_is_met_either_way_and_no_value_is_not_reported(target):
    assert rules.target_status("higher", target, target) == rules.MET
    assert rules.target_status("lower", target, target) == rules.MET
    assert rules.target_status("higher", target, None) == rules.NOT_REPORTED


def test_status_examples():
    assert rules.target_status("higher", Decimal("98"), Decimal("98.5")) == rules.EXCEEDED
    assert rules.target_status("lower", Decimal("5"), Decimal("3")) == rules.EXCEEDED
    assert rules.target_status("lower", Decimal("5"), Decimal("6")) == rules.NOT_MET


@pytest.mark.parametrize(
    ("frequency", "period", "end"),
    [
        ("quarterly", 1, dt.date(2026, 3, 31)),
        ("quarterly", 4, dt.date(2026, 12, 31)),
        ("half_yearly", 1, dt.date(2026, 6, 30)),
        ("monthly", 2, dt.date(2026, 2, 28)),
        ("yearly", 1, dt.date(2026, 12, 31)),
    ],
)
def test_period_end(frequency, period, end):
    assert rules.period_end(2026, frequency, period) == end


def test_period_out_of_range_is_an_error():
    with pytest.raises(ValueError):
        rules.period_end(2026, "quarterly", 5)


@given(deadline=dates, today=dates)
def test_unreported_period_is_overdue_exactly_after_its_deadline(deadline, today):
    state = rules.reporting_state(deadline, None, today)
    assert state == (rules.OVERDUE if today > deadline else rules.NOT_DUE)


@given(deadline=dates, reported=dates, today=dates)
def test_a_report_on_the_deadline_date_is_on_time(deadline, reported, today):
    state = rules.reporting_state(deadline, reported, today)
    assert state == (rules.ON_TIME if reported <= deadline else rules.LATE)


@given(deadline=dates, today=dates, reopened=st.none() | dates)
def test_lock_opens_until_the_deadline_and_a_reopening_extends_it(deadline, today, reopened):
    locked = rules.is_locked(deadline, reopened, today)
    open_by_reopening = reopened is not None and today <= reopened
    assert locked == (today > deadline and not open_by_reopening)


@given(st.lists(decimals, max_size=30))
def test_competition_ranks_share_ties_and_skip(scores):
    ranks = rules.competition_ranks(list(enumerate(scores)))
    for i, score in enumerate(scores):
        assert ranks[i] == 1 + sum(1 for other in scores if other > score)


def test_ranks_example():
    assert rules.competition_ranks([("a", Decimal(9)), ("b", Decimal(10)), ("c", Decimal(9))]) == {
        "b": 1,
        "a": 2,
        "c": 2,
    }


@given(
    score=st.decimals(min_value=0, max_value=100, places=2),
    maximum=st.decimals(min_value=1, max_value=100, places=2),
)
def test_band_is_the_highest_reached(score, maximum):
    band = rules.band_for(score, maximum)
    share = rules.percent_of(score, maximum)
    expected = next(b["label"] for b in rules.DEFAULT_BANDS if share >= b["min_percent"])
    assert band == expected


@given(decimals)
def test_formatted_numbers_parse_back(value):
    assert rules.parse_number(rules.format_number(value)) == value


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("98,5", "98.5"),
        ("98.5", "98.5"),
        ("1.234,5", "1234.5"),
        ("1,234.5", "1234.5"),
        (" 1 234 ", "1234"),
        (7, "7"),
        (0.1, "0.1"),
        ("-3", "-3"),
    ],
)
def test_parse_number_accepts_vietnamese_and_international_forms(raw, value):
    assert rules.parse_number(raw) == Decimal(value)


@pytest.mark.parametrize(
    "raw", ["", None, "abc", "1,2,3", "1.234.5", "NaN", "inf", "12%", "1e5", True, float("nan")]
)
def test_parse_number_refuses_what_is_not_a_number(raw):
    with pytest.raises(BusinessError):
        rules.parse_number(raw)


@given(st.text(max_size=50))
def test_parse_number_never_crashes(text):
    try:
        value = rules.parse_number(text)
    except BusinessError as exc:
        assert exc.message.endswith("không phải là một số.")
    else:
        assert value.is_finite()
