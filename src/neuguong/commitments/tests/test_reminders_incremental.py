"""Planning only what can be new since the last planned day (`reminders.Since`) writes the same reminders
as reading every open commitment each day: for any commitments and any days the planning ran on (missed
days included), and for a commitment changed after a day was planned."""

import datetime as dt

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from neuguong.commitments import reminders
from neuguong.commitments.models import Commitment, Reminder

from .factories import CommitmentFactory

START = dt.date(2026, 3, 2)


def _planned() -> set[tuple]:
    return set(Reminder.objects.values_list("recipient_id", "commitment_id", "kind", "due_on", "deadline"))


def _run(days: list[dt.date], *, incremental: bool) -> set[tuple]:
    Reminder.objects.all().delete()
    # The planning's clock is after every commitment was written (and CHANGE_MARGIN): none counts as changed.
    at = timezone.now() + 2 * reminders.CHANGE_MARGIN
    last = None
    for day in days:
        since = reminders.Since(last, at) if incremental and last is not None else None
        reminders.plan_reminders(today=day, since=since)
        last = day
    return _planned()


@pytest.mark.django_db
@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    deadlines=st.lists(st.integers(min_value=-30, max_value=20), min_size=1, max_size=8),
    completed=st.lists(st.booleans(), min_size=8, max_size=8),
    gaps=st.lists(st.integers(min_value=1, max_value=9), min_size=1, max_size=12),
)
# Each boundary once for sure: an escalation, a weekly overdue date, the 7- and 1-day reminders falling
# on the day after a planned day, after a missed day and after a missed week.
@example(deadlines=[-13], completed=[False] * 8, gaps=[1])
@example(deadlines=[-12], completed=[False] * 8, gaps=[2])
@example(deadlines=[-8, -1, 0], completed=[False] * 8, gaps=[1, 1, 6, 1])
@example(deadlines=[8, 2, 1], completed=[False] * 8, gaps=[1, 1, 2])
@example(deadlines=[-20, -15, 9], completed=[False] * 8, gaps=[3, 8, 1])
def test_planning_since_the_last_day_writes_what_reading_everything_writes(tree, deadlines, completed, gaps):
    Commitment.objects.all().delete()
    for n, offset in enumerate(deadlines):
        deadline = START + dt.timedelta(days=offset)
        CommitmentFactory(
            responsible_person=tree.person_a,
            organization=tree.branch_a,  # escalated to the secretary of org_a
            deadline=deadline,
            completed_on=deadline if completed[n] else None,
        )
    days = [START]
    for gap in gaps:
        days.append(days[-1] + dt.timedelta(days=gap))
    everything = _run(days, incremental=False)
    assert _run(days, incremental=True) == everything


@pytest.mark.django_db
def test_a_commitment_changed_after_its_day_was_planned_is_read_again(tree):
    # Overdue 20 days on START: its escalation (deadline + 14) fell before START.
    commitment = CommitmentFactory(
        responsible_person=tree.person_a, organization=tree.branch_a, deadline=START - dt.timedelta(days=20)
    )
    planned_at = timezone.now() + 2 * reminders.CHANGE_MARGIN  # after the commitment was written
    since = reminders.Since(START - dt.timedelta(days=1), planned_at)
    reminders.plan_reminders(today=START, since=since)
    assert not Reminder.objects.filter(kind="escalation").exists()  # not new since: not read
    # Written after the last planning (a completion returned, a new person…): read again, all its rows.
    changed = reminders.Since(START - dt.timedelta(days=1), timezone.now())
    commitment.save()
    reminders.plan_reminders(today=START, since=changed)
    assert Reminder.objects.filter(kind="escalation", commitment=commitment).count() == 1
