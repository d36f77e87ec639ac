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

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q

from neuguong.access.scope import Scope, scope_for
from neuguong.core.dates import local_today
from neuguong.people.models import Position, PositionTitle

from .models import SUBJECT_VISIBLE_STATES, Level

INSIDER_TITLES = (PositionTitle.INSPECTION_MEMBER, PositionTitle.STANDING_MEMBER)


@dataclass(frozen=True)
class Facts:
    scope: Scope
    person_id: int | None
    # Organisations at which the user currently sits on the inspection commission or standing committee.
    committee_ids: frozenset[int]

    @property
    def is_global(self) -> bool:
        return self.scope.is_global

    def is_staff_over(self, path: str) -> bool:
        return self.scope.can_change_structure(path)


def user_facts(user) -> Facts:
    """The user's scope plus their current commission / standing-committee seats (cached per scope)."""
    scope = scope_for(user)
    cached = getattr(user, "_inspection_facts", None)
    if cached is not None and cached.scope is scope:
        return cached
    committee_ids: frozenset[int] = frozenset()
    if scope.person_id:
        today = local_today()
        committee_ids = frozenset(
            Position.objects.filter(
                person_id=scope.person_id, title__in=INSIDER_TITLES, started_on__lte=today
            )
            .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=today))
            .values_list("organization_id", flat=True)
        )
    facts = Facts(scope=scope, person_id=scope.person_id, committee_ids=committee_ids)
    if getattr(user, "is_authenticated", False):
        user._inspection_facts = facts
    return facts


def _paths_q(paths, lookup: str) -> Q:
    q = Q(pk__in=[])
    for path in paths:
        q |= Q(**{f"{lookup}__startswith": path})
    return q


def committee_insider_q(facts: Facts, org_lookup: str) -> Q:
    """Rows whose committee (reached by `org_lookup`) the user sees from the inside: staff or a seat."""
    q = _paths_q(facts.scope.structure_paths, f"{org_lookup}__path")
    if facts.committee_ids:
        q |= Q(**{f"{org_lookup}_id__in": sorted(facts.committee_ids)})
    return q


def team_q(facts: Facts) -> Q:
    """Inspections on whose team the user sits (leader or member)."""
    from .models import Inspection

    if not facts.person_id:
        return Q(pk__in=[])
    members = Inspection.team_members.through.objects.filter(
        inspection_id=OuterRef("pk"), person_id=facts.person_id
    )
    return Q(leader_id=facts.person_id) | Q(Exists(members))


def insider_q(facts: Facts, org_lookup: str) -> Q:
    if org_lookup == "program__organization":
        return committee_insider_q(facts, org_lookup) | team_q(facts)
    return committee_insider_q(facts, org_lookup)


def subject_q(facts: Facts) -> Q:
    """Inspections in which the user stands for a subject, once the subject has been notified."""
    from .models import InspectionSubject

    reach = _paths_q(facts.scope.read_paths, "organization__path") | _paths_q(
        facts.scope.read_paths, "person__organization__path"
    )
    if facts.person_id:
        reach |= Q(person_id=facts.person_id)
    subjects = InspectionSubject.objects.filter(reach, inspection_id=OuterRef("pk"))
    return Q(state__in=SUBJECT_VISIBLE_STATES) & Q(Exists(subjects))


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
