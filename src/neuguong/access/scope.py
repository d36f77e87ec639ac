"""The one mechanism that decides what a user may see and change.

A user's rights are a set of organisation-tree paths (from role assignments) plus, for members, their own
person record. Pages, API, exports, search and reports all filter through `Scope.read_q` / `write_q`.
"""

from dataclasses import dataclass, field

from django.apps import apps
from django.db.models import Q

from .models import Role

READ_ROLES = (Role.STAFF, Role.SECRETARY, Role.INSPECTOR)
WRITE_ROLES = (Role.STAFF, Role.SECRETARY)
SENSITIVE_ROLES = (Role.STAFF, Role.SECRETARY)
STRUCTURE_ROLES = (Role.STAFF,)


def _minimal(paths: set[str]) -> tuple[str, ...]:
    """Drop paths already covered by an ancestor path, so queries carry as few ORs as possible."""
    kept: list[str] = []
    for path in sorted(paths, key=len):
        if not any(path.startswith(prefix) for prefix in kept):
            kept.append(path)
    return tuple(sorted(kept))


def _is_root(path: str) -> bool:
    """'/1/' is the root of the (single) tree: covering it means covering everything."""
    return path.count("/") == 2


def _paths_q(paths: tuple[str, ...], lookup: str, is_global: bool) -> Q:
    """Rows whose organisation lies under one of `paths`.

    For a lookup through a relation (`organization__path`) the filter becomes `organization__in (SELECT id
    FROM organisations WHERE path LIKE ...)`: the database then reads only the subtree's rows through the
    (organization, ...) indexes instead of joining every row to test its path. A scope that covers the root
    needs no filter at all.
    """
    if is_global or any(_is_root(path) for path in paths):
        # Not an empty Q(): `Q() | x` is just `x`, so "everything, or also my own record" would shrink to
        # "only my own record". This condition is always true and survives being ORed.
        return Q(pk__isnull=False)
    if not paths:
        return Q(pk__in=[])
    path_filter = Q()
    for path in paths:
        path_filter |= Q(path__startswith=path)
    if lookup.endswith("__path"):
        # By the app registry, not an import: organizations (and people) sit above this rule and use it.
        Organization = apps.get_model("organizations", "Organization")
        relation = lookup.removesuffix("__path")
        return Q(**{f"{relation}__in": Organization.objects.filter(path_filter).values("pk")})
    q = Q()
    for path in paths:
        q |= Q(**{f"{lookup}__startswith": path})
    return q


def any_of(*conditions: Q) -> Q:
    """OR of conditions where an empty Q() means "no restriction": `Q() | x` would silently become `x`,
    so an empty condition wins outright. (`Scope.read_q` itself never returns an empty Q.)"""
    if any(not condition for condition in conditions):
        return Q()
    combined = conditions[0]
    for condition in conditions[1:]:
        combined |= condition
    return combined


@dataclass(frozen=True)
class Scope:
    user_id: int | None
    is_global: bool = False
    read_paths: tuple[str, ...] = ()
    write_paths: tuple[str, ...] = ()
    sensitive_paths: tuple[str, ...] = ()
    structure_paths: tuple[str, ...] = ()
    inspector_paths: tuple[str, ...] = ()
    person_id: int | None = None
    person_name: str = ""
    roles: frozenset[str] = field(default_factory=frozenset)

    def read_q(self, lookup: str = "organization__path") -> Q:
        return _paths_q(self.read_paths, lookup, self.is_global)

    def write_q(self, lookup: str = "organization__path") -> Q:
        return _paths_q(self.write_paths, lookup, self.is_global)

    def _covers(self, paths: tuple[str, ...], path: str) -> bool:
        return self.is_global or any(path.startswith(prefix) for prefix in paths)

    @property
    def reads_everything(self) -> bool:
        return self.is_global or any(_is_root(path) for path in self.read_paths)

    def can_read_path(self, path: str) -> bool:
        return self._covers(self.read_paths, path)

    def can_write_path(self, path: str) -> bool:
        return self._covers(self.write_paths, path)

    def can_see_sensitive(self, path: str) -> bool:
        return self._covers(self.sensitive_paths, path)

    def can_change_structure(self, path: str) -> bool:
        return self._covers(self.structure_paths, path)

    @property
    def has_org_role(self) -> bool:
        return self.is_global or bool(self.read_paths)


ANONYMOUS_SCOPE = Scope(user_id=None)


def scope_for(user) -> Scope:
    """The user's scope, computed once per request (cached on the user object, never across requests)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return ANONYMOUS_SCOPE
    cached = getattr(user, "_neuguong_scope", None)
    if cached is not None:
        return cached
    Person = apps.get_model("people", "Person")
    assignments = list(user.role_assignments.select_related("organization").all())
    by_role: dict[str, set[str]] = {}
    for assignment in assignments:
        if assignment.organization.dissolved_on is None:
            by_role.setdefault(assignment.role, set()).add(assignment.organization.path)

    def paths(roles) -> tuple[str, ...]:
        return _minimal(set().union(*(by_role.get(role, set()) for role in roles)))

    person_id, person_name = Person.objects.filter(user=user).values_list("pk", "full_name").first() or (
        None,
        "",
    )
    scope = Scope(
        user_id=user.pk,
        is_global=user.is_superuser,
        read_paths=paths(READ_ROLES),
        write_paths=paths(WRITE_ROLES),
        sensitive_paths=paths(SENSITIVE_ROLES),
        structure_paths=paths(STRUCTURE_ROLES),
        inspector_paths=paths((Role.INSPECTOR,)),
        person_id=person_id,
        person_name=person_name,
        roles=frozenset(by_role),
    )
    remember_scope(user, scope)
    return scope


def remember_scope(user, scope: Scope) -> None:
    """Keep `scope` on the user object for the rest of the request (or of a command run as that user)."""
    user._neuguong_scope = scope


def forget_scope(user) -> None:
    if hasattr(user, "_neuguong_scope"):
        del user._neuguong_scope
