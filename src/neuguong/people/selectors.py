from django.db.models.functions import Lower
from django.http import Http404

from neuguong.organizations.models import Organization

from .models import Person

SORTS = {
    "name": ("name_folded", "id"),
    "-name": ("-name_folded", "-id"),
    "birth": ("date_of_birth", "id"),
    "-birth": ("-date_of_birth", "id"),
    "admitted": ("admitted_on", "id"),
    "-admitted": ("-admitted_on", "id"),
    "org": ("organization__name_folded", "name_folded", "id"),
}


def person_list(
    *,
    user,
    query: str = "",
    organization: Organization | None = None,
    status: str = "",
    theory_level: str = "",
    sort: str = "name",
):
    """People the user may see, filtered; one query with the organisation joined (no query per row)."""
    qs = Person.objects.visible_to(user).select_related("organization")
    if organization is not None:
        qs = qs.filter(organization__path__startswith=organization.path)
    if status:
        qs = qs.filter(status=status)
    if theory_level:
        qs = qs.filter(theory_level=theory_level)
    ordering = SORTS.get(sort, SORTS["name"])
    if query:
        qs = qs.search(query)
        if ordering[0].lstrip("-") == "name_folded":
            # name_folded is already lower case, so Lower() keeps the order; being unindexed, it stops
            # PostgreSQL from walking the whole name index hoping to meet 50 matches early (matches of a
            # common name cluster late in the alphabet). The trigram index finds matches, then they are sorted.
            descending = ordering[0].startswith("-")
            key = Lower("name_folded")
            ordering = (key.desc() if descending else key.asc(), "-id" if descending else "id")
    return qs.order_by(*ordering)


def person_get(*, user, person_id: int) -> Person:
    """A person the user may see, or 404 — the same answer as for a person who does not exist."""
    try:
        return (
            Person.objects.visible_to(user).select_related("organization", "agency", "user").get(pk=person_id)
        )
    except (Person.DoesNotExist, ValueError, TypeError, OverflowError) as exc:
        raise Http404 from exc
