import datetime as dt

import pytest
from django.utils import timezone

from neuguong.meetings import services

from .factories import held_meeting, plan


@pytest.fixture
def held(tree):
    """A meeting of branch_a held three hours ago: person_a present, person_a2 excused."""
    start = timezone.now() - dt.timedelta(hours=3)
    return held_meeting(
        tree.secretary_a, tree.branch_a, starts_at=start, present=[tree.person_a], excused=[tree.person_a2]
    )


@pytest.fixture
def announced(tree):
    """A meeting of branch_a starting in ten minutes, announced yesterday."""
    meeting = plan(tree.secretary_a, tree.branch_a, starts_at=timezone.now() + dt.timedelta(minutes=10))
    services.meeting_announce(
        actor=tree.secretary_a, meeting=meeting, now=timezone.now() - dt.timedelta(days=1)
    )
    meeting.refresh_from_db()
    return meeting
