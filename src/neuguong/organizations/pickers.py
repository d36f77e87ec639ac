"""The organisation picker: find a Party organisation by name, shown with the organisations above it."""

from collections.abc import Iterable

from neuguong.core.pickers import MAX_OPTIONS, PickerOption, register_picker
from neuguong.core.text import without_nul

from .models import Organization, OrgKind, path_ids

# How many organisations above are named beside a result: "Chi bộ Văn phòng — Đảng bộ Sở Y tế".
PATH_LEVELS = 2


def path_labels(organizations: Iterable[Organization], *, levels: int = PATH_LEVELS) -> dict[int, str]:
    """For each organisation, the names of the organisations above it (nearest first, below the root),
    read in one query for all of them."""
    organizations = list(organizations)
    above: dict[int, list[int]] = {}
    for organization in organizations:
        ids = path_ids(organization.path)[1:-1]  # neither the root nor the organisation itself
        above[organization.pk] = list(reversed(ids))[:levels]
    wanted = {i for ids in above.values() for i in ids}
    names = dict(Organization.objects.filter(pk__in=wanted).values_list("pk", "name")) if wanted else {}
    return {pk: " — ".join(names[i] for i in ids if i in names) for pk, ids in above.items()}


def organization_options(
    organizations: Iterable[Organization], *, by_code: bool = False
) -> list[PickerOption]:
    organizations = list(organizations)
    labels = path_labels(organizations)
    return [
        PickerOption(
            value=o.code if by_code else str(o.pk),
            label=o.name,
            detail=labels.get(o.pk, "") or o.get_kind_display(),
        )
        for o in organizations
    ]


def search_organizations(user, query: str, params: dict[str, str]) -> list[PickerOption]:
    """Organisations the user may see (or write in, with `writable=1`) whose name matches, best first
    (`organization_search`), optionally inside the subtree of `within` (a code) and of the given kinds
    (`kinds=branch,grassroots_branch`). With `by=code` an option's value is the organisation's code
    (filters keep `?org=CODE` in the address, but nobody types it)."""
    from .selectors import organization_search

    root = None
    if params.get("within"):
        root = Organization.objects.visible_to(user).filter(code=without_nul(params["within"])).first()
        if root is None:
            return []
    kinds = [k for k in params.get("kinds", "").split(",") if k in OrgKind.values]
    found = organization_search(
        user=user,
        query=query,
        limit=MAX_OPTIONS + 1,
        root=root,
        writable=bool(params.get("writable")),
        kinds=kinds or None,
    )
    return organization_options(found, by_code=params.get("by") == "code")


def register() -> None:
    register_picker(
        "organization",
        search=search_organizations,
        labels=organization_options,
        placeholder="Gõ tên tổ chức đảng, ví dụ: chi bộ văn phòng…",
    )
