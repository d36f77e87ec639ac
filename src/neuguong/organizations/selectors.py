from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.db import connection
from django.db.models import Count, Q
from django.http import Http404

from neuguong.core.search import RankedResults, Restriction, parse_query, rank_rows
from neuguong.people.models import ACTIVE_MEMBER_STATUSES

from .models import Organization, path_ids
from .search import ORGANIZATION_NAMES

# As for people (people/selectors.py): a restricted search with at most this many matches is ranked in
# Python; above it, by the name index.
RANK_IN_PYTHON_UP_TO = 2_000

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def organization_list(
    *, user: "User", query: str = "", include_dissolved: bool = False, root: Organization | None = None
):
    """Organisations the user may see, optionally searched and limited to a subtree."""
    qs = Organization.objects.visible_to(user).select_related("parent")
    if not include_dissolved:
        qs = qs.active()
    if root is not None:
        qs = qs.subtree_of(root)
    if query:
        qs = qs.search(query)
    return qs


def _fetch_organizations(ids: list[int]) -> dict:
    return Organization.objects.select_related("parent").in_bulk(ids)


# What the organisations list shows of each one (`organizations/list.html`): 100 whole rows with their
# parents were most of a search's time at province size.
LISTED_COLUMNS = ("id", "code", "name", "kind", "depth", "dissolved_on", "parent_id", "parent__name")


def _fetch_organizations_listed(ids: list[int]) -> dict:
    return Organization.objects.select_related("parent").only(*LISTED_COLUMNS).in_bulk(ids)


# Up to this many dissolved organisations, a search leaves them out by id (`Restriction.excluded_ids`).
MOST_DISSOLVED_EXCLUDED = 2_000


def organization_search_results(
    *,
    user,
    query: str,
    include_dissolved: bool = False,
    root: Organization | None = None,
    writable: bool = False,
    kinds: Sequence[str] | None = None,
    want: int = 21,
    listed: bool = False,
) -> RankedResults:
    """Organisations the user may see (or, `writable`, write in) whose name matches `query` (or whose code
    is the query), best first (the rule of `neuguong.core.search`), optionally within `root`'s subtree
    and of `kinds`; at most `want`. The same set as `organization_list(query=...)` with those filters.
    `listed`: the records hold only what the organisations list shows (`LISTED_COLUMNS`)."""
    fetch = _fetch_organizations_listed if listed else _fetch_organizations
    terms = parse_query(query)
    if not terms.key:
        return RankedResults([], fetch, complete=True)
    from neuguong.access.scope import scope_for

    scope = scope_for(user)
    organizations = (
        Organization.objects.writable_by(user) if writable else Organization.objects.visible_to(user)
    )
    conditions: list[tuple[str, list[object]]] = []
    if not include_dissolved:
        organizations = organizations.active()
        conditions.append(("s.dissolved_on IS NULL", []))
    if root is not None:
        organizations = organizations.subtree_of(root)
    if kinds is not None:
        organizations = organizations.filter(kind__in=list(kinds))
        conditions.append(("s.kind = ANY(%s)", [list(kinds)]))
    whole_tree = (scope.writes_everything if writable else scope.reads_everything) and root is None
    if connection.vendor != "postgresql" or not whole_tree:
        limit = None if connection.vendor != "postgresql" else RANK_IN_PYTHON_UP_TO + 1
        rows = list(
            organizations.search(query).order_by().values_list("pk", "name_folded", "name", "code")[:limit]
        )
        if limit is None or len(rows) < limit:
            # Codes match case-blind (`code__iexact`): the row's code is compared as the query is.
            rows = [
                (pk, folded, name, terms.code if code.lower() == terms.code.lower() else "")
                for pk, folded, name, code in rows
            ]
            ids = rank_rows(terms, rows)
            return RankedResults(ids[:want], fetch, complete=len(ids) <= want)
    code_ids = list(organizations.filter(code__iexact=terms.code).values_list("pk", flat=True)[:1])
    excluded: list[int] = []
    if not include_dissolved:
        # Dissolved organisations are few: leaving their ids out on the index rows themselves spares a
        # lookup of each matching organisation's row (1,000 of them for "chi bo phong": 2 ms).
        dissolved = list(
            Organization.objects.filter(dissolved_on__isnull=False).values_list("pk", flat=True)[
                : MOST_DISSOLVED_EXCLUDED + 1
            ]
        )
        if len(dissolved) <= MOST_DISSOLVED_EXCLUDED:
            excluded = dissolved
            conditions.remove(("s.dissolved_on IS NULL", []))
    restriction = Restriction(
        organization_ids=None if whole_tree else list(organizations.values_list("pk", flat=True)),
        conditions=conditions,
        excluded_ids=excluded,
    )
    ids = ORGANIZATION_NAMES.ranked_ids(terms, want=want, restriction=restriction, first_ids=code_ids)
    return RankedResults(ids, fetch, complete=len(ids) < want)


def organization_search(
    *,
    user,
    query: str,
    limit: int = 20,
    include_dissolved: bool = False,
    root: Organization | None = None,
    writable: bool = False,
    kinds: Sequence[str] | None = None,
) -> list[Organization]:
    """The best `limit` matches for a search box or a search-as-you-type picker (parent joined)."""
    results = organization_search_results(
        user=user,
        query=query,
        include_dissolved=include_dissolved,
        root=root,
        writable=writable,
        kinds=kinds,
        want=limit,
    )
    return list(results[:limit])


def _plausible(code: str) -> bool:
    # A code is at most 32 characters; a NUL would be refused by PostgreSQL (a 500), not just not found.
    return bool(code) and len(code) <= 32 and "\x00" not in code


def organization_get(*, user: "User", code: str) -> Organization:
    """The organisation by code, or 404 when it does not exist or lies outside the user's scope."""
    if not _plausible(code):
        raise Http404
    try:
        return Organization.objects.visible_to(user).select_related("parent", "merged_into").get(code=code)
    except Organization.DoesNotExist as exc:
        raise Http404 from exc


def organization_for_write(*, user: "User", code: str = "") -> Organization:
    """The organisation (by code) where the user may create and change records, or 404.

    Without a code: the highest organisation the user may write in (their own committee or chi bộ), so a
    form opened from the menu starts where the user works."""
    qs = Organization.objects.writable_by(user)
    if code and not _plausible(code):
        raise Http404
    organization = qs.filter(code=code).first() if code else qs.order_by("depth", "path").first()
    if organization is None:
        raise Http404
    return organization


def children_with_counts(*, organization: Organization):
    """Direct children with their member counts (one query, counted over each child's subtree)."""
    children = list(organization.children.active().order_by("name"))
    if not children:
        return []
    from neuguong.people.models import Person

    counts = {}
    base = Person.objects.filter(status__in=ACTIVE_MEMBER_STATUSES)
    aggregates = {
        f"c{child.pk}": Count("pk", filter=Q(organization__path__startswith=child.path)) for child in children
    }
    counts = base.filter(organization__path__startswith=organization.path).aggregate(**aggregates)
    for child in children:
        child.member_count = counts[f"c{child.pk}"]
    return children


def breadcrumbs(*, user: "User", organization: Organization) -> list[Organization]:
    """Ancestors the user may see, root first (one query)."""
    ids = organization.ancestor_ids[:-1]
    ancestors = {o.pk: o for o in Organization.objects.visible_to(user).filter(pk__in=ids)}
    return [ancestors[i] for i in ids if i in ancestors]


def top_organization(user: "User") -> Organization | None:
    """The highest organisation the user reads (where their summary, board and dashboard start): the
    shallowest of their read paths, found by primary key. Sorting the whole visible tree to find it cost
    milliseconds on every page at province size."""
    from neuguong.access.scope import scope_for

    scope = scope_for(user)
    if scope.is_global:
        return (
            Organization.objects.filter(parent__isnull=True, dissolved_on__isnull=True)
            .order_by("path")
            .first()
        )
    if not scope.read_paths:
        return None
    top = min(scope.read_paths, key=lambda path: (path.count("/"), path))
    return Organization.objects.filter(pk=path_ids(top)[-1]).first()


def top_organizations(user, *, limit: int = 20) -> list[Organization]:
    """The active organisations at the top of what the user reads (the shallowest of them, by name): the
    roots for a global scope, else those of the read paths, found by primary key. Asking for the
    shallowest of every visible organisation sorted 182,000 rows at national size."""
    from neuguong.access.scope import scope_for

    scope = scope_for(user)
    if scope.is_global:
        candidates = Organization.objects.filter(parent__isnull=True)
    elif scope.read_paths:
        candidates = Organization.objects.filter(pk__in=[path_ids(path)[-1] for path in scope.read_paths])
    else:
        return []
    found = list(candidates.active().order_by("depth", "name")[:limit])
    return [org for org in found if org.depth == found[0].depth] if found else []
