"""What the audience rules know of a user's own member record, read once per request. Below both `models`
(whose QuerySets filter by it) and `access` (which decides on loaded objects), so neither imports the other
back."""

from __future__ import annotations

from dataclasses import dataclass

from neuguong.access.scope import scope_for
from neuguong.people.models import Person


@dataclass(frozen=True)
class AudienceFacts:
    person_id: int | None
    person_status: str
    person_path: str
    person_organization_id: int | None


NO_PERSON = AudienceFacts(None, "", "", None)


def audience_facts(user) -> AudienceFacts:
    """What the audience rules need to know of the user's own member record (once per request)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return NO_PERSON
    cached = getattr(user, "_consultation_facts", None)
    if cached is not None:
        return cached
    scope = scope_for(user)
    facts = NO_PERSON
    if scope.person_id:
        row = (
            Person.objects.filter(pk=scope.person_id)
            .values_list("status", "organization__path", "organization_id")
            .first()
        )
        if row:
            facts = AudienceFacts(scope.person_id, row[0], row[1], row[2])
    user._consultation_facts = facts
    return facts
