import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import OrderBy, Q
from django.db.models.functions import Lower
from django.http import Http404

from neuguong.access.models import RoleAssignment
from neuguong.access.scope import scope_for
from neuguong.audit.models import SensitiveAccess
from neuguong.core.paging import COUNT_CAP
from neuguong.core.search import RankedResults, Restriction, parse_query, planner_estimate, rank_rows
from neuguong.core.text import search_key
from neuguong.docengine.issuers import Issuer, party_issuer
from neuguong.organizations.models import Organization

from .models import Person, Position, PositionTitle
from .search import PERSON_NAMES

# A restricted search (a subtree, a status) with at most this many matches is ranked in Python from one
# query; above it, the name index ranks them (PostgreSQL). SQLite ranks every match in Python.
RANK_IN_PYTHON_UP_TO = 2_000

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


def _fetch_people(ids: list[int]) -> dict:
    return Person.objects.select_related("organization").in_bulk(ids)


# What the people list shows of each person (`people/_table.html`). A whole person row with its
# organisation is wide: reading 50 of them took twice as long as these columns (5.2 → 2.5 ms).
LISTED_COLUMNS = (
    "id",
    "full_name",
    "date_of_birth",
    "status",
    "theory_level",
    "organization_id",
    "organization__name",
)


def _fetch_people_listed(ids: list[int]) -> dict:
    """The people list's rows: the people by id, then their organisations by id. Joined in one query,
    PostgreSQL hashed all 4,475 organisations of a province for 50 people (1 ms of the 1.2)."""
    people = Person.objects.only(*(c for c in LISTED_COLUMNS if "__" not in c)).in_bulk(ids)
    organizations = Organization.objects.only("id", "name").in_bulk(
        {p.organization_id for p in people.values()}
    )
    for person in people.values():
        person.organization = organizations[person.organization_id]
    return people


def person_search_results(
    *,
    user,
    query: str,
    organization: Organization | None = None,
    status: str = "",
    statuses: Sequence[str] | None = None,
    theory_level: str = "",
    with_account: bool = False,
    want: int = COUNT_CAP + 1,
    listed: bool = False,
) -> RankedResults:
    """People the user may see whose name matches `query` (or whose card number is the query), best first
    (the rule of `neuguong.core.search`), optionally within `organization`'s subtree, of one `status` or
    of `statuses`, of one `theory_level`, only those with an account (`with_account`): at most `want` of
    them, records read a page at a time. The same set as `person_list(query=...)` with those filters; only
    the order differs. `listed`: the records hold only what the people list shows (`LISTED_COLUMNS`)."""
    fetch = _fetch_people_listed if listed else _fetch_people
    terms = parse_query(query)
    if not terms.key:
        return RankedResults([], fetch, complete=True)
    scope = scope_for(user)
    people = Person.objects.visible_to(user)
    if organization is not None:
        people = people.filter(organization__path__startswith=organization.path)
    conditions: list[tuple[str, list[object]]] = [
        (f"s.{name} = %s", [value])
        for name, value in (("status", status), ("theory_level", theory_level))
        if value
    ]
    people = people.filter(
        **{name: value for name, value in (("status", status), ("theory_level", theory_level)) if value}
    )
    if statuses is not None:
        people = people.filter(status__in=list(statuses))
        conditions.append(("s.status = ANY(%s)", [list(statuses)]))
    if with_account:
        people = people.filter(user__isnull=False)
        conditions.append(("s.user_id IS NOT NULL", []))
    whole_tree = scope.reads_everything and organization is None
    if connection.vendor != "postgresql" or not whole_tree:
        # A subtree: rank its matches here when they are few (a secretary's few hundred people).
        limit = None if connection.vendor != "postgresql" else RANK_IN_PYTHON_UP_TO + 1
        rows = list(
            people.search(query)
            .order_by()
            .values_list("pk", "name_folded", "full_name", "card_number")[:limit]
        )
        if limit is None or len(rows) < limit:
            ids = rank_rows(terms, rows)
            return RankedResults(ids[:want], fetch, complete=len(ids) <= want)
    code_ids = (
        list(people.filter(card_number=terms.code).values_list("pk", flat=True)[:1]) if terms.code else []
    )
    organization_ids = None
    if not whole_tree:
        organizations = Organization.objects.visible_to(user)
        if organization is not None:
            organizations = organizations.filter(path__startswith=organization.path)
        organization_ids = list(organizations.values_list("pk", flat=True))
    restriction = Restriction(
        organization_ids=organization_ids,
        also_ids=[scope.person_id] if scope.person_id and organization is None and not whole_tree else (),
        conditions=conditions,
    )
    ids = PERSON_NAMES.ranked_ids(terms, want=want, restriction=restriction, first_ids=code_ids)
    return RankedResults(
        ids,
        fetch,
        complete=len(ids) < want,
        estimate=lambda: planner_estimate(people.search(query)),
    )


def person_search(
    *,
    user,
    query: str,
    limit: int = 20,
    organization: Organization | None = None,
    statuses: Sequence[str] | None = None,
    with_account: bool = False,
) -> list[Person]:
    """The best `limit` matches for a search box or a search-as-you-type picker (organisation joined)."""
    results = person_search_results(
        user=user,
        query=query,
        organization=organization,
        statuses=statuses,
        with_account=with_account,
        want=limit,
    )
    return list(results[:limit])


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


def account_choices(*, user: "User"):
    """The accounts `user` may choose in an account picker (an appraisal team, …): active accounts of the
    people `user` may see, and active accounts holding a role over an organisation `user` may see. The
    picker searches in these and the services accept only these, so a forged id is refused like a missing one."""
    visible_people = Person.objects.visible_to(user).filter(user__isnull=False).values("user_id")
    with_role = RoleAssignment.objects.filter(organization__in=Organization.objects.visible_to(user)).values(
        "user_id"
    )
    return (
        get_user_model().objects.filter(is_active=True).filter(Q(pk__in=visible_people) | Q(pk__in=with_role))
    )


def account_holder_name(user) -> str:
    """An account by its holder's name, as the account picker shows it: the person's, else the account's own
    name, else the username. Select the users with `select_related("person")` to read it without a query."""
    person = getattr(user, "person", None)
    return (person.full_name if person else "") or user.get_full_name() or user.username
