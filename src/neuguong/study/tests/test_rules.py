"""The quiz window and scoring rules, checked over many instants and zones (hypothesis)."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from neuguong.core.dates import LOCAL_ZONE
from neuguong.study import rules

ZONES = st.sampled_from(
    [ZoneInfo("UTC"), ZoneInfo("Asia/Ho_Chi_Minh"), ZoneInfo("America/New_York"), ZoneInfo("Asia/Tokyo")]
)
INSTANTS = st.datetimes(
    min_value=dt.datetime(2024, 1, 1), max_value=dt.datetime(2030, 12, 31), timezones=st.just(dt.UTC)
)


def in_weekly_window_by_local_clock(instant: dt.datetime) -> bool:
    """The rule as a secretary states it: Monday from 07:30 to Friday 17:30, Viet Nam time."""
    local = instant.astimezone(LOCAL_ZONE)
    weekday, clock = local.weekday(), local.time()
    if weekday == 0:
        return clock >= dt.time(7, 30)
    if weekday in (1, 2, 3):
        return True
    if weekday == 4:
        return clock <= dt.time(17, 30)
    return False


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(INSTANTS, ZONES)
def test_weekly_window_matches_the_local_clock_rule_in_any_zone(instant, zone):
    seen_from = instant.astimezone(zone)
    opens_at, closes_at = rules.weekly_window(instant.astimezone(LOCAL_ZONE).date())
    assert rules.window_is_open(opens_at, closes_at, seen_from) == in_weekly_window_by_local_clock(instant)


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2030, 12, 31)))
def test_weekly_window_runs_monday_0730_to_friday_1730_local(day):
    opens_at, closes_at = rules.weekly_window(day)
    assert opens_at.weekday() == 0 and opens_at.time() == dt.time(7, 30)
    assert closes_at.weekday() == 4 and closes_at.time() == dt.time(17, 30)
    assert opens_at.date() <= day <= opens_at.date() + dt.timedelta(days=6)
    assert opens_at.utcoffset() == dt.timedelta(hours=7)


def test_window_edges_are_included_and_a_second_later_is_refused():
    opens_at, closes_at = rules.weekly_window(dt.date(2026, 3, 11))
    assert rules.window_is_open(opens_at, closes_at, closes_at)
    assert not rules.window_is_open(opens_at, closes_at, closes_at + dt.timedelta(seconds=1))
    assert not rules.window_is_open(opens_at, closes_at, opens_at - dt.timedelta(seconds=1))
    # 17:30 in Hanoi is 10:30 UTC.
    assert closes_at.astimezone(dt.UTC).time() == dt.time(10, 30)


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 200), st.integers(1, 200))
def test_score_is_between_0_and_10(correct, total):
    correct = min(correct, total)
    score = rules.score_of(correct, total)
    assert Decimal(0) <= score <= Decimal(10)
    assert (score == 10) == (correct == total)


def test_partially_right_multi_answer_is_wrong():
    assert rules.is_answer_correct([0, 2], [2, 0])
    assert not rules.is_answer_correct([0], [0, 2])
    assert not rules.is_answer_correct([], [])


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(1, 10_000), st.integers(1, 10_000))
def test_checkin_token_only_opens_its_own_session(campaign_id, session_id):
    token = rules.checkin_token(campaign_id, session_id)
    rules.checkin_token_check(token, campaign_id=campaign_id, session_id=session_id)
    try:
        rules.checkin_token_check(token, campaign_id=campaign_id, session_id=session_id + 1)
    except rules.CheckinTokenError as exc:
        assert exc.reason == "mismatch"
    else:
        raise AssertionError("a token for another session was accepted")
