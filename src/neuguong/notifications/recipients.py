"""Who is told when something waits for an organisation's decision: its reviewers.

The reviewers of an organisation are the users holding a write role (secretary or office staff) at the
**nearest** organisation on its path that has one: the chi bộ's own secretary first, then the committee
above it, and so on up. Everyone with write rights over the subtree could act, but telling the whole chain
of committees about each member's report would drown the bloc office; the one who normally decides is
told, and the queue shows the same items to the same people (`reviewer_q`).
"""

from django.db.models import Exists, F, OuterRef, Q
from django.db.models.lookups import StartsWith

from neuguong.access.models import RoleAssignment
from neuguong.access.scope import WRITE_ROLES
from neuguong.organizations.models import path_ids


def _writers():
    return RoleAssignment.objects.filter(
        role__in=WRITE_ROLES, user__is_active=True, organization__dissolved_on__isnull=True
    )


def reviewers_of(organization) -> list[int]:
    """User ids of the reviewers of `organization` (see the module's docstring). One query."""
    ids = path_ids(organization.path)
    by_org: dict[int, set[int]] = {}
    for org_id, user_id in (
        _writers().filter(organization_id__in=ids).values_list("organization_id", "user_id")
    ):
        by_org.setdefault(org_id, set()).add(user_id)
    for org_id in reversed(ids):
        if by_org.get(org_id):
            return sorted(by_org[org_id])
    return []


def reviewer_q(user, org_lookup: str) -> Q:
    """Rows whose organisation (reached by `org_lookup`, e.g. "commitment__organization") has `user`
    among its reviewers: under one of the user's write-role organisations, with no other writer at an
    organisation between that one and the row's. One subquery per write role the user holds."""
    assignments = getattr(user, "_neuguong_reviewer_of", None)
    if assignments is None:
        # Read once per request (cached on the user object, like the scope): a page asks several times.
        assignments = list(
            _writers().filter(user=user).values_list("organization__path", "organization__depth").distinct()
        )
        user._neuguong_reviewer_of = assignments
    if not assignments:
        return Q(pk__in=[])
    q = Q(pk__in=[])
    for path, depth in assignments:
        nearer = (
            _writers()
            .exclude(user=user)
            .filter(organization__depth__gt=depth)
            # The row's organisation lies at or under this writer's organisation.
            .filter(StartsWith(OuterRef(f"{org_lookup}__path"), F("organization__path")))
        )
        q |= Q(~Exists(nearer), **{f"{org_lookup}__path__startswith": path})
    return q
