"""The person picker: find a member (or a non-member head of agency) by name, told apart from namesakes
by organisation, position and year of birth."""

from collections.abc import Iterable
from typing import Any

from django.db.models import Q

from neuguong.access.models import RoleAssignment
from neuguong.core.dates import local_today
from neuguong.core.pickers import MAX_OPTIONS, PickerOption, register_picker
from neuguong.core.text import search_key, without_nul
from neuguong.organizations.models import Organization
from neuguong.organizations.pickers import path_labels

from .models import ACTIVE_MEMBER_STATUSES, Person, PersonStatus, Position

# `status` parameter of the widget: which people may be chosen (None: any status).
STATUSES = {
    "members": list(ACTIVE_MEMBER_STATUSES),
    "active": [*ACTIVE_MEMBER_STATUSES, PersonStatus.NON_MEMBER],
    "all": None,
}


def person_options(people: Iterable[Person]) -> list[PickerOption]:
    """One query for the organisations' paths and one for current positions, whatever the number."""
    people = list(people)
    organizations = {p.organization_id: p.organization for p in people if p.organization_id}
    labels = path_labels(organizations.values(), levels=1)
    today = local_today()
    posts: dict[int, list[str]] = {}
    for position in Position.objects.filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=today), person__in=[p.pk for p in people]
    ).order_by("started_on"):
        posts.setdefault(position.person_id, []).append(position.get_title_display())
    options = []
    for person in people:
        organization = organizations.get(person.organization_id)
        where = organization.name if organization else ""
        if organization and labels.get(organization.pk):
            where = f"{where} — {labels[organization.pk]}"
        bits = [where, ", ".join(posts.get(person.pk, [])) or (person.job_title or "")]
        if person.date_of_birth:
            bits.append(f"sinh {person.date_of_birth:%Y}")
        options.append(PickerOption(str(person.pk), person.full_name, " · ".join(b for b in bits if b)))
    return options


def search_people(user, query: str, params: dict[str, str]) -> list[PickerOption]:
    """People the user may see whose name matches (or whose card number is the query), best first
    (`person_search`), optionally inside the subtree of `within` (an organisation code), with `status`
    members (default) / active / all."""
    from .selectors import person_search

    organization = None
    if params.get("within"):
        organization = (
            Organization.objects.visible_to(user).filter(code=without_nul(params["within"])).first()
        )
        if organization is None:
            return []
    statuses = STATUSES.get(params.get("status", "members"), STATUSES["members"])
    people = person_search(
        user=user, query=query, limit=MAX_OPTIONS + 1, organization=organization, statuses=statuses
    )
    return person_options(people)


def account_options(users: Iterable[Any]) -> list[PickerOption]:
    """An account by its holder's name, told apart by the organisation (of the person, else of a role)."""
    users = list(users)
    people = {p.user_id: p for p in Person.objects.filter(user__in=users).select_related("organization")}
    roles: dict[int, str] = {}
    for assignment in RoleAssignment.objects.filter(user__in=users).select_related("organization"):
        roles.setdefault(
            assignment.user_id, f"{assignment.get_role_display()} — {assignment.organization.name}"
        )
    options = []
    for user in users:
        person = people.get(user.pk)
        name = (person.full_name if person else "") or user.get_full_name() or user.username
        where = person.organization.name if person and person.organization_id else ""
        bits = [where, roles.get(user.pk, "")]
        options.append(PickerOption(str(user.pk), name, " · ".join(b for b in bits if b)))
    return options


def search_accounts(user, query: str, params: dict[str, str]) -> list[PickerOption]:
    """The accounts `user` may choose (`account_choices`, the rule the services check too) whose holder's
    name matches, best first: the people with an account found by the name index (`person_search`: exact
    diacritics, then names and words beginning with the query), then accounts holding a role in sight
    whose own first or last name matches. A LIKE over every person's name read the nation's 5.4 M people
    for each keystroke (1.9 s)."""
    from django.contrib.auth import get_user_model

    from .selectors import account_choices, person_search

    if not search_key(query):
        return []
    typed = without_nul(query).strip()[:150]
    holders = person_search(user=user, query=query, limit=MAX_OPTIONS + 1, with_account=True)
    ids = list(dict.fromkeys(p.user_id for p in holders if p.user_id is not None))
    role_holders = RoleAssignment.objects.filter(organization__in=Organization.objects.visible_to(user))
    by_own_name = (
        get_user_model()
        .objects.filter(pk__in=role_holders.values("user_id"))
        .filter(Q(first_name__icontains=typed) | Q(last_name__icontains=typed))
        .exclude(pk__in=ids)
        .order_by("last_name", "first_name", "id")
        .values_list("pk", flat=True)
    )
    ids += list(by_own_name[: MAX_OPTIONS + 1])
    accounts = account_choices(user=user).in_bulk(ids)  # the rule: active, in sight
    return account_options([accounts[pk] for pk in ids if pk in accounts][: MAX_OPTIONS + 1])


def register() -> None:
    register_picker(
        "account",
        search=search_accounts,
        labels=account_options,
        placeholder="Gõ họ tên người có tài khoản…",
    )
    register_picker(
        "person",
        search=search_people,
        labels=person_options,
        placeholder="Gõ họ tên, ví dụ: nguyen van an…",
    )
