"""The person picker: find a member (or a non-member head of agency) by name, told apart from namesakes
by organisation, position and year of birth."""

from collections.abc import Iterable

from django.db.models import Q

from neuguong.core.dates import local_today
from neuguong.core.pickers import MAX_OPTIONS, PickerOption, register_picker
from neuguong.core.text import without_nul
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


def register() -> None:
    register_picker(
        "person",
        search=search_people,
        labels=person_options,
        placeholder="Gõ họ tên, ví dụ: nguyen van an…",
    )
