"""The commitment picker: find a commitment (nhiệm vụ) the user may see by its title, told apart from
namesakes by the responsible person, the deadline and the organisation."""

from collections.abc import Iterable

from neuguong.core.pickers import MAX_OPTIONS, PickerOption, register_picker

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


def search_commitments(user, query: str, params: dict[str, str]) -> list[PickerOption]:
    """Commitments the user may see whose folded title contains the query, nearest deadline first."""
    qs = (
        Commitment.objects.visible_to(user)
        .search(query)
        .select_related("organization", "responsible_person")
        .order_by("deadline", "id")
    )
    return commitment_options(qs[: MAX_OPTIONS + 1])


def register() -> None:
    register_picker(
        "commitment",
        search=search_commitments,
        labels=commitment_options,
        placeholder="Gõ nội dung nhiệm vụ, ví dụ: hoan thanh de an…",
    )
