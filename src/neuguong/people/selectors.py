import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import OrderBy
from django.db.models.functions import Lower
from django.http import Http404

from neuguong.access.scope import scope_for
from neuguong.audit.models import SensitiveAccess
from neuguong.core.text import search_key
from neuguong.docengine.issuers import Issuer, party_issuer
from neuguong.organizations.models import Organization

from .models import Person, Position, PositionTitle

if TYPE_CHECKING:
    from django.contrib.auth.models import User

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
    user: "User",
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
    sort_fields = SORTS.get(sort, SORTS["name"])
    ordering: tuple[str | OrderBy, ...] = sort_fields
    if query:
        qs = qs.search(query)
        if sort_fields[0].lstrip("-") == "name_folded":
            # name_folded is already lower case, so Lower() keeps the order; being unindexed, it stops
            # PostgreSQL from walking the whole name index hoping to meet 50 matches early (matches of a
            # common name cluster late in the alphabet). The trigram index finds matches, then they are sorted.
            descending = sort_fields[0].startswith("-")
            key = Lower("name_folded")
            ordering = (key.desc() if descending else key.asc(), "-id" if descending else "id")
    return qs.order_by(*ordering)


def person_get(*, user: "User", person_id: int) -> Person:
    """A person the user may see, or 404 — the same answer as for a person who does not exist."""
    try:
        return (
            Person.objects.visible_to(user).select_related("organization", "agency", "user").get(pk=person_id)
        )
    except (Person.DoesNotExist, ValueError, TypeError, OverflowError) as exc:
        raise Http404 from exc


@dataclass(frozen=True)
class DocumentSigner:
    full_name: str
    deputy: bool  # a deputy secretary signs for the secretary ("K/T BÍ THƯ")


def document_signer(*, organization: Organization, on: dt.date) -> DocumentSigner | None:
    """Who signs the organisation's documents dated `on`: its secretary that day, else its first deputy
    secretary that day (the signing block then reads "K/T BÍ THƯ"); None when neither post is filled."""
    positions = (
        Position.objects.filter(
            organization=organization,
            title__in=(PositionTitle.SECRETARY, PositionTitle.DEPUTY_SECRETARY),
            started_on__lte=on,
        )
        .exclude(ended_on__lt=on)
        .select_related("person")
        .order_by("-started_on", "pk")
    )
    chosen = None
    for position in positions:  # a handful of rows: the secretary first, else the longest-serving deputy
        if position.title == PositionTitle.SECRETARY:
            return DocumentSigner(position.person.full_name, deputy=False)
        chosen = position
    return DocumentSigner(chosen.person.full_name, deputy=True) if chosen else None


def document_issuer(
    *, organization: Organization, on: dt.date, commission: bool = False, deputy: bool | None = None
) -> Issuer:
    """The header, signing block and recipients of a document the organisation (or its inspection
    commission) issues on `on`, by the one rule (`docengine.issuers.party_issuer`), signed by its secretary
    that day or a deputy (`deputy` forces either; the commission's chair is not recorded, so left blank)."""
    signer = None if commission else document_signer(organization=organization, on=on)
    if deputy is None:
        deputy = bool(signer and signer.deputy)
    superior = organization.superior_body or (organization.parent.name if organization.parent else "")
    return party_issuer(
        kind=organization.kind,
        name=organization.name,
        superior_name=superior,
        on=on,
        deputy=deputy,
        commission=commission,
        # Not the secretary's name under "PHÓ BÍ THƯ" (nor the reverse): blank, to be written in.
        signer_name=signer.full_name if signer and signer.deputy == deputy else "",
    )


def sensitive_access_list(*, user: "User", query: str = "", since=None, until=None):
    """Reveals of sensitive values (CCCD) of the people `user` may see, newest first: who saw whose, when
    and why. The values themselves are never part of the log."""
    scope = scope_for(user)
    qs = SensitiveAccess.objects.filter(scope.read_q("person__organization__path"))
    if query:
        qs = qs.filter(person__name_folded__contains=search_key(query))
    if since:
        qs = qs.filter(at__date__gte=since)
    if until:
        qs = qs.filter(at__date__lte=until)
    return qs.select_related("user", "person", "person__organization").order_by("-at", "-pk")
