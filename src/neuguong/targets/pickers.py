"""The annual target picker: find a year's target by the indicator's name, told apart by agency and year."""

from collections.abc import Iterable

from neuguong.core.pickers import MAX_OPTIONS, PickerOption, register_picker
from neuguong.core.text import search_key

from .models import AnnualTarget


def annual_target_options(targets: Iterable[AnnualTarget]) -> list[PickerOption]:
    return [
        PickerOption(
            str(target.pk),
            target.indicator.name,
            f"năm {target.year} · {target.agency.name} · chỉ tiêu {target.target_value.normalize():f}",
        )
        for target in targets
    ]


def search_annual_targets(user, query: str, params: dict[str, str]) -> list[PickerOption]:
    """Annual targets the user may see whose indicator's folded name contains the query, newest year first."""
    key = search_key(query)
    if not key:
        return []
    qs = (
        AnnualTarget.objects.visible_to(user)
        .filter(indicator__name_folded__contains=key)
        .select_related("indicator", "agency")
        .order_by("-year", "indicator__name_folded", "id")
    )
    return annual_target_options(qs[: MAX_OPTIONS + 1])


def register() -> None:
    register_picker(
        "annual_target",
        search=search_annual_targets,
        labels=annual_target_options,
        placeholder="Gõ tên chỉ tiêu…",
    )
