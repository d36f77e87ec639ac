"""The on-time rate, defined once (domain notes, section 13): done on time ÷ (done on time + done late +
open overdue); open ones within their deadline, cancelled and suspended are in neither part."""

from hypothesis import given
from hypothesis import strategies as st

from neuguong.commitments.status import (
    DONE_LATE,
    DONE_ON_TIME,
    OPEN_ON_TIME,
    OPEN_OVERDUE,
    STATUS_CODES,
    on_time_rate,
    on_time_share_of_done,
)


def _counts(**n: int) -> dict[str, int]:
    return dict.fromkeys(STATUS_CODES, 0) | n


def test_one_overdue_and_one_done_on_time_is_fifty_percent_not_a_hundred():
    counts = _counts(done_on_time=1, open_overdue=1)
    assert on_time_rate(counts) == 0.5
    assert on_time_share_of_done(counts) == 1.0


def test_open_ones_within_their_deadline_cancelled_and_suspended_are_in_neither_part():
    counts = _counts(done_on_time=3, done_late=1, open_on_time=40, cancelled=7, suspended=2)
    assert on_time_rate(counts) == 0.75


def test_a_pending_one_past_its_deadline_counts_as_overdue():
    counts = _counts(done_on_time=1, returned=1)
    assert on_time_rate(counts) == 1.0
    assert on_time_rate(counts, pending_past_deadline=1) == 0.5


def test_nothing_to_divide_is_no_rate():
    assert on_time_rate(_counts(open_on_time=5)) is None
    assert on_time_share_of_done(_counts(open_overdue=5)) is None


@given(st.dictionaries(st.sampled_from(STATUS_CODES), st.integers(min_value=0, max_value=10_000)))
def test_the_rate_is_a_fraction_never_above_the_share_of_the_completed_ones(raw):
    counts = _counts(**raw)
    rate, share = on_time_rate(counts), on_time_share_of_done(counts)
    denominator = counts[DONE_ON_TIME] + counts[DONE_LATE] + counts[OPEN_OVERDUE]
    assert (rate is None) == (denominator == 0)
    if rate is not None:
        assert 0 <= rate <= 1
        assert rate == counts[DONE_ON_TIME] / denominator
        if share is not None:
            assert rate <= share
    assert on_time_rate(counts | {OPEN_ON_TIME: counts[OPEN_ON_TIME] + 1}) == rate
