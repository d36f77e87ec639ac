"""The commitment picker: find a commitment (nhiệm vụ) the user may see by its title, told apart from
namesakes by the responsible person, the deadline and the organisation."""

from collections.abc import Iterable

from django.db.models import CharField, Q, Value
from django.db.models.functions import Concat

from neuguong.core.pickers import MAX_OPTIONS, PickerOption, register_picker
from neuguong.core.text import search_key

from .models import Commitment


def commitment_options(commitments: Iterable[Commitment]) -> list[PickerOption]:
    options = []
    for commitment in commitments:
        person = commitment.responsible_person
        bits = [
            person.full_name if person else "",
            f"hạn {commitment.deadline:%d/%m/%Y}" if commitment.deadline else "",
            commitment.organization.name,
        ]
        options.append(PickerOption(str(commitment.pk), commitment.title, " · ".join(b for b in bits if b)))
    return options


# Up to this many organisations in sight (a grassroots committee and its chi bộ), the picker names them and
# tests the titles of their commitments one by one: walking every commitment by deadline and testing each
# one's path took 90 ms for a committee of a province, and so did AND-ing the title's trigram index (a
# common word matches 200,000 titles) with theirs; 7–18 ms this way.
ORGANIZATIONS_NAMED_UP_TO = 500


def _matching(user, key: str):
    from neuguong.access.scope import scope_for
    from neuguong.organizations.models import Organization

    scope = scope_for(user)
    if not scope.is_global:
        ids = list(
            Organization.objects.filter(scope.read_q("path")).values_list("pk", flat=True)[
                : ORGANIZATIONS_NAMED_UP_TO + 1
            ]
        )
        if len(ids) <= ORGANIZATIONS_NAMED_UP_TO:
            # `visible_to` decides; naming its organisations (and one's own commitments, which it adds)
            # lets the planner start from them.
            named = Q(organization_id__any=ids) if ids else Q(pk__in=[])
            if scope.person_id:
                named |= Q(responsible_person_id=scope.person_id)
            # `title_folded || ''` is the same text, but not what the trigram index holds: the planner
            # reads the few commitments of these organisations and tests each title.
            return (
                Commitment.objects.visible_to(user)
                .filter(named)
                .alias(title_text=Concat("title_folded", Value(""), output_field=CharField()))
                .filter(title_text__contains=key)
            )
    return Commitment.objects.visible_to(user).filter(title_folded__contains=key)


def search_commitments(user, query: str, params: dict[str, str]) -> list[PickerOption]:
    """Commitments the user may see whose folded title contains the query, nearest deadline first."""
    key = search_key(query)
    if not key:
        return []
    qs = _matching(user, key).select_related("organization", "responsible_person").order_by("deadline", "id")
    return commitment_options(qs[: MAX_OPTIONS + 1])


def register() -> None:
    register_picker(
        "commitment",
        search=search_commitments,
        labels=commitment_options,
        placeholder="Gõ nội dung nhiệm vụ, ví dụ: hoan thanh de an…",
    )
