"""Meetings on shared pages (registered in apps.py): the home page, a person's page."""

import datetime as dt

from django.utils import timezone

from neuguong.access.scope import scope_for
from neuguong.core.dates import local_today
from neuguong.organizations.models import BRANCH_KINDS, Organization

from . import rules
from .models import HELD_STATES, MONTHLY_KINDS, UPCOMING_STATES, Invitee, Meeting, MeetingState
from .selectors import upcoming_invitations

MAX_BRANCHES_SHOWN = 5


def home_panel(user) -> dict | None:
    """A member's next meetings (reply from here); a secretary's chi bộ without next month's schedule."""
    scope = scope_for(user)
    now = timezone.now()
    invitations = upcoming_invitations(scope.person_id, now=now) if scope.person_id else []
    unscheduled: list[Organization] = []
    to_record: list[Meeting] = []
    upcoming: list[Meeting] = []
    if scope.write_paths or scope.is_global:
        today = local_today()
        month = rules.next_month(today)
        branches = Organization.objects.writable_by(user).filter(kind__in=BRANCH_KINDS)
        planned = Meeting.objects.filter(
            organization__in=branches,
            for_month=month,
            kind__in=MONTHLY_KINDS,
            state__in=[*UPCOMING_STATES, *HELD_STATES],
        ).values("organization_id")
        # Only for the chi bộ the user runs directly (a bloc office sees this in the compliance report).
        if not scope.is_global and branches[: MAX_BRANCHES_SHOWN + 1].count() <= MAX_BRANCHES_SHOWN:
            unscheduled = list(branches.exclude(pk__in=planned).order_by("name")[:MAX_BRANCHES_SHOWN])
            to_record = list(
                Meeting.objects.filter(
                    organization__in=branches,
                    state=MeetingState.ANNOUNCED,
                    starts_at__lt=now - dt.timedelta(hours=2),
                )
                .select_related("organization")
                .order_by("starts_at")[:MAX_BRANCHES_SHOWN]
            )
            upcoming = list(
                Meeting.objects.filter(
                    organization__in=branches, state__in=UPCOMING_STATES, starts_at__gte=now
                )
                .select_related("organization")
                .order_by("starts_at")[:3]
            )
    mine = {i.meeting_id for i in invitations}
    upcoming = [m for m in upcoming if m.pk not in mine]
    if not invitations and not unscheduled and not to_record and not upcoming:
        return None
    return {
        "template": "meetings/_home_panel.html",
        "invitations": invitations,
        "unscheduled": unscheduled,
        "to_record": to_record,
        "upcoming": upcoming,
        "next_month": rules.next_month(local_today()),
    }


def person_panel(user, person) -> dict | None:
    """A person's meeting attendance over the last twelve meetings they were invited to."""
    scope = scope_for(user)
    if not (scope.can_read_path(person.organization.path) or scope.person_id == person.pk):
        return None
    rows = list(
        Invitee.objects.filter(person=person, meeting__state__in=HELD_STATES)
        .select_related("meeting__organization")
        .order_by("-meeting__starts_at")[:12]
    )
    if not rows:
        return None
    present = sum(1 for r in rows if r.status == "present")
    return {"template": "meetings/_person_panel.html", "rows": rows, "present": present}
