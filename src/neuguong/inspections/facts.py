"""What the inspection rules need to know about a user: their scope and their current seats on a
committee's inspection commission or standing committee. Lower than `models` and `access`, which both
read it, so neither imports the other back."""

from dataclasses import dataclass

from django.db.models import Q

from neuguong.access.scope import Scope, scope_for
from neuguong.core.dates import local_today
from neuguong.people.models import Position, PositionTitle

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
