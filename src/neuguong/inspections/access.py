"""Who may see and do what in an inspection: the one place that decides it.

Levels (see `models.Level`):
- insider: superuser; staff (role `staff`) over the committee; a current member of the committee's
  inspection commission or standing committee (`Position` INSPECTION_MEMBER / STANDING_MEMBER held at the
  committee); the inspection's team (leader and members). Insiders see everything, drafts included.
- overseer: anyone else who may read the committee's organisation (its secretary, inspectors above it).
  Sees the program, the issued documents and the recommendations; never drafts, working notes, findings.
- subject: once the subject has been notified, a subject member themself, or a reader of a subject
  organisation (or of a subject member's organisation). Sees the notice, the self-report, the notice of
  conclusion (and its recommendations). Everything else is a 404.
"""

from .facts import Facts, user_facts
from .models import SUBJECT_VISIBLE_STATES, Level

__all__ = [
    "Facts",
    "access_level",
    "can_manage",
    "can_manage_committee",
    "can_work",
    "is_subject_side",
    "user_facts",
]


def _is_team(facts: Facts, inspection) -> bool:
    if not facts.person_id:
        return False
    if inspection.leader_id == facts.person_id:
        return True
    # Uses the prefetched team when the selector loaded it (one query per page, not per check).
    return any(member.pk == facts.person_id for member in inspection.team_members.all())


def can_manage_committee(user, organization) -> bool:
    """May plan programs and take the committee's decisions (decision, conclusion, notices, closing)."""
    facts = user_facts(user)
    return facts.is_global or facts.is_staff_over(organization.path) or organization.pk in facts.committee_ids


def can_manage(user, inspection) -> bool:
    return can_manage_committee(user, inspection.program.organization)


def can_work(user, inspection) -> bool:
    """May do the team's work: working notes, findings, the draft, recommendations, breaches."""
    return can_manage(user, inspection) or _is_team(user_facts(user), inspection)


def is_subject_side(user, inspection) -> bool:
    facts = user_facts(user)
    scope = facts.scope
    for subject in inspection.subjects.all():
        if subject.person_id and subject.person_id == facts.person_id:
            return True
        if subject.organization_id and scope.can_read_path(subject.organization.path):
            return True
        if subject.person_id and scope.can_read_path(subject.person.organization.path):
            return True
    return False


def access_level(user, inspection) -> str | None:
    """The level at which `user` sees `inspection`, or None (then everything about it is a 404)."""
    facts = user_facts(user)
    if can_work(user, inspection):
        return Level.INSIDER
    if facts.scope.can_read_path(inspection.program.organization.path):
        return Level.OVERSEER
    if inspection.state in SUBJECT_VISIBLE_STATES and is_subject_side(user, inspection):
        return Level.SUBJECT
    return None
