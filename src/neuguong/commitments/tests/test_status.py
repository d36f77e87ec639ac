import datetime as dt
from types import SimpleNamespace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from neuguong.commitments import status as s
from neuguong.commitments.models import Commitment
from neuguong.commitments.selectors import status_counts

DAY = dt.date(2026, 6, 30)
dates = st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2028, 12, 31))


def facts(**kw):
    base = {
        "deadline": DAY,
        "original_deadline": DAY,
        "completed_on": None,
        "halt": "",
        "extension_pending": False,
        "is_returned": False,
        "completion_pending": False,
    }
    return SimpleNamespace(**(base | kw))


def test_completion_on_the_deadline_date_is_on_time():
    assert s.commitment_status(facts(completed_on=DAY), DAY + dt.timedelta(days=30)) == s.DONE_ON_TIME


def test_completion_the_day_after_the_deadline_is_late():
    assert s.commitment_status(facts(completed_on=DAY + dt.timedelta(days=1)), DAY) == s.DONE_LATE


def test_open_commitment_is_on_time_through_the_deadline_date_and_overdue_the_day_after():
    assert s.commitment_status(facts(), DAY) == s.OPEN_ON_TIME
    assert s.commitment_status(facts(), DAY + dt.timedelta(days=1)) == s.OPEN_OVERDUE


def test_a_completion_awaiting_confirmation_is_open_until_confirmed_then_dated_by_its_completion():
    claimed = facts(completed_on=DAY, completion_pending=True)
    assert s.commitment_status(claimed, DAY) == s.AWAITING_CONFIRMATION
    assert s.commitment_status(claimed, DAY + dt.timedelta(days=30)) == s.AWAITING_CONFIRMATION
    assert s.AWAITING_CONFIRMATION in s.OPEN_STATUSES and s.AWAITING_CONFIRMATION in s.PENDING_STATUSES
    confirmed = facts(completed_on=DAY, completion_pending=False)
    assert s.commitment_status(confirmed, DAY + dt.timedelta(days=30)) == s.DONE_ON_TIME


def test_a_returned_report_shows_as_returned_even_while_an_extension_waits():
    # The member must act: the reviewer still finds the extension request in their queue.
    assert s.commitment_status(facts(is_returned=True, extension_pending=True), DAY) == s.RETURNED
    assert s.commitment_status(facts(extension_pending=True), DAY) == s.EXTENSION_REQUESTED


def test_extended_commitment_counts_against_the_original_deadline_when_configured():
    extended = facts(deadline=DAY + dt.timedelta(days=10), completed_on=DAY + dt.timedelta(days=5))
    assert s.commitment_status(extended, DAY, against_original=False) == s.DONE_ON_TIME
    assert s.commitment_status(extended, DAY, against_original=True) == s.DONE_LATE


@given(
    deadline=dates,
    extra=st.integers(min_value=0, max_value=90),
    completed=st.one_of(st.none(), dates),
    halt=st.sampled_from(["", "cancelled", "suspended"]),
    pending=st.booleans(),
    returned=st.booleans(),
    awaiting=st.booleans(),
    today=dates,
    against_original=st.booleans(),
)
def test_status_rules_hold_for_any_facts(
    deadline, extra, completed, halt, pending, returned, awaiting, today, against_original
):
    c = facts(
        original_deadline=deadline,
        deadline=deadline + dt.timedelta(days=extra),
        completed_on=completed,
        halt=halt,
        extension_pending=pending,
        is_returned=returned,
        completion_pending=awaiting and completed is not None,
    )
    code = s.commitment_status(c, today, against_original=against_original)
    assert code in s.STATUS_CODES
    counted = c.original_deadline if against_original else c.deadline
    if halt:
        assert code == halt
    elif completed is not None and awaiting:
        assert code == s.AWAITING_CONFIRMATION
    elif completed is not None:
        assert code == (s.DONE_ON_TIME if completed <= counted else s.DONE_LATE)
        # completion does not depend on today
        assert code == s.commitment_status(
            c, today + dt.timedelta(days=400), against_original=against_original
        )
    elif returned:
        assert code == s.RETURNED
    elif pending:
        assert code == s.EXTENSION_REQUESTED
    else:
        assert code == (s.OPEN_ON_TIME if today <= counted else s.OPEN_OVERDUE)


@given(deadline=dates, today=dates, days=st.integers(min_value=1, max_value=500))
def test_an_open_commitment_never_becomes_on_time_again_as_days_pass(deadline, today, days):
    c = facts(deadline=deadline, original_deadline=deadline)
    if s.commitment_status(c, today) == s.OPEN_OVERDUE:
        assert s.commitment_status(c, today + dt.timedelta(days=days)) == s.OPEN_OVERDUE


@pytest.mark.django_db
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rows=st.lists(
        st.tuples(
            st.integers(min_value=-5, max_value=5),
            st.integers(min_value=0, max_value=3),
            st.one_of(st.none(), st.integers(min_value=-5, max_value=5)),
            st.sampled_from(["", "cancelled", "suspended"]),
            st.booleans(),
            st.booleans(),
            st.booleans(),
        ),
        min_size=1,
        max_size=12,
    )
)
def test_sql_status_agrees_with_the_pure_function(rows, tree):
    """The board filters and counts in SQL; they must give exactly what the pure function gives.
    (The tree fixture is reused across examples: the test clears commitments itself.)"""
    Commitment.objects.all().delete()
    today = DAY
    made = []
    for offset, extra, completed, halt, pending, returned, awaiting in rows:
        original = today + dt.timedelta(days=offset)
        made.append(
            Commitment.objects.create(
                title="x",
                organization=tree.org_a,
                responsible_person=tree.person_a,
                original_deadline=original,
                deadline=original + dt.timedelta(days=extra),
                completed_on=None if completed is None else today + dt.timedelta(days=completed),
                halt=halt,
                halted_by=tree.staff if halt else None,
                halt_reason="lý do" if halt else "",
                extension_pending=pending,
                is_returned=returned,
                completion_pending=awaiting and completed is not None,
            )
        )
    expected = dict.fromkeys(s.STATUS_CODES, 0)
    for c in made:
        expected[s.commitment_status(c, today)] += 1
    assert status_counts(Commitment.objects.all(), today) == expected
    annotated = dict(Commitment.objects.annotate(code=s.status_case(today)).values_list("pk", "code"))
    assert annotated == {c.pk: s.commitment_status(c, today) for c in made}
    for code in s.STATUS_CODES:
        assert set(Commitment.objects.filter(s.status_q(code, today)).values_list("pk", flat=True)) == {
            c.pk for c in made if s.commitment_status(c, today) == code
        }


@given(
    start=dates,
    length=st.integers(min_value=0, max_value=800),
    recurrence=st.sampled_from(["monthly", "quarterly"]),
)
def test_recurring_occurrences_cover_the_period_once_each(start, length, recurrence):
    from neuguong.commitments.services import _period_ends

    end = start + dt.timedelta(days=length)
    ends = _period_ends(recurrence, start, end)
    assert ends == sorted(set(ends))
    assert ends[-1] == end
    assert all(start <= e <= end for e in ends)
    step = 1 if recurrence == "monthly" else 3
    for e in ends[:-1]:  # every occurrence but a partial last one ends on a period's last day
        assert (e + dt.timedelta(days=1)).day == 1 and e.month % step == 0
