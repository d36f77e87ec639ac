from typing import TYPE_CHECKING

from django.db.models import Count, Q
from django.http import Http404

from neuguong.people.models import ACTIVE_MEMBER_STATUSES

from .models import Organization, path_ids

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
