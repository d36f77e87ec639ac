"""Study panels on shared pages (registered in apps.py): the member's home page and a person's page."""

from django.utils import timezone

from neuguong.access.scope import scope_for

from .models import Enrolment, Invitee, QuizRound, ReflectionStatus

PENDING = (ReflectionStatus.DRAFT, ReflectionStatus.RETURNED)


def home_panel(user) -> dict | None:
    """What the member still has to do: reflections not submitted, quiz rounds open now."""
    person_id = scope_for(user).person_id
    if person_id is None:
        return None
    invitations = list(
        Invitee.objects.filter(person_id=person_id)
        .select_related("campaign", "reflection")
        .order_by("-campaign__created_at")[:5]
    )
    now = timezone.now()
    rounds = list(
        QuizRound.objects.filter(
            campaign__invitees__person_id=person_id, opens_at__lte=now, closes_at__gte=now
        ).select_related("campaign")[:5]
    )
    if not invitations and not rounds:
        return None
    for invitation in invitations:
        reflection = getattr(invitation, "reflection", None)
        invitation.to_write = reflection is None or reflection.status in PENDING
    return {"template": "study/_home_panel.html", "invitations": invitations, "rounds": rounds}


def person_panel(user, person) -> dict | None:
    """A person's study record: campaigns (attendance and reflection) and theory courses."""
    scope = scope_for(user)
    if not (scope.can_read_path(person.organization.path) or scope.person_id == person.pk):
        return None
    invitations = list(
        Invitee.objects.filter(person=person)
        .select_related("campaign", "reflection")
        .prefetch_related("attendances")
        .order_by("-campaign__created_at")[:10]
    )
    enrolments = list(Enrolment.objects.filter(person=person).select_related("course")[:10])
    if not invitations and not enrolments:
        return None
    for invitation in invitations:
        statuses = {a.status for a in invitation.attendances.all()}
        invitation.was_present = "present" in statuses
    return {"template": "study/_person_panel.html", "invitations": invitations, "enrolments": enrolments}
