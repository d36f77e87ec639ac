"""Extension points through which domain apps add themselves to shared pages, without the shared code
importing them. Apps register in their AppConfig.ready().

- NAV_ITEMS: entries of the main navigation.
- HOME_PANELS: callables (user) -> dict | None; a dict carries "template" and whatever it renders.
- ORG_LINKS: buttons on an organisation's page: (label, url name taking `code`).
- PERSON_PANELS: callables (user, person) -> dict | None, rendered on a person's page.
- DOCUMENT_PANELS: callables (user, document) -> dict | None, rendered on a document's page (a dict may
  also carry "actions": [{"label", "url"}] shown as buttons beside the title).
- PEOPLE_LIST_LINKS: buttons above the people list: (label, url name); the current filters are appended.
- ORG_LIST_LINKS: the same above the organisation list.
- DEMO_SEEDERS: callables (root, size, log) run by `seed_demo` after people exist (and before demo accounts).
- PLAN_ITEM_LINK: the plans module's check of a link to one of its items (a commitment's, a study
  campaign's): callable (plan_item, organization, *, new_work) -> PlanItemSource, raising BusinessError
  when the item's plan does not apply to that organisation, or (new work) is not in force.
- PLAN_ITEM_CHOICES: callable (user) -> the queryset of plan items the user may choose (a form's or the
  API's field: an id outside it is answered like a missing one).
- PLAN_ACTIONS: callables (user, plan) -> list of {"label", "url"}: buttons on a plan's page (the report).
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    needs_org_role: bool = False
    order: int = 50


NAV_ITEMS: list[NavItem] = []
HOME_PANELS: list[Callable] = []
ORG_LINKS: list[tuple[str, str]] = []
PERSON_PANELS: list[Callable] = []
DOCUMENT_PANELS: list[Callable] = []
PEOPLE_LIST_LINKS: list[tuple[str, str]] = []
ORG_LIST_LINKS: list[tuple[str, str]] = []


def add_nav(label: str, url_name: str, *, needs_org_role: bool = False, order: int = 50) -> None:
    if all(item.url_name != url_name for item in NAV_ITEMS):
        NAV_ITEMS.append(NavItem(label, url_name, needs_org_role, order))
        NAV_ITEMS.sort(key=lambda item: item.order)


DEMO_SEEDERS: list[Callable] = []

# Derived data a module keeps beside its records (never in a backup): each callable rebuilds it from the
# records, after a restore has loaded them.
DERIVED_DATA: list[tuple[set[str], Callable[[], None]]] = []  # (model labels, rebuild)


@dataclass(frozen=True)
class PlanItemSource:
    """What a commitment linked to a plan item takes as its source when it has no other: the plan's
    registered document, and the item named in the source note ("Mục II.3. …")."""

    document: object
    note: str


PLAN_ITEM_LINK: list[Callable[..., PlanItemSource]] = []
PLAN_ITEM_CHOICES: list[Callable[[object], object]] = []
PLAN_ACTIONS: list[Callable[[object, object], list[dict]]] = []


def plan_items_for(user):
    """The plan items `user` may choose (the plans module's answer)."""
    if not PLAN_ITEM_CHOICES:  # pragma: no cover - plans is part of the product
        raise RuntimeError("No plans module registered PLAN_ITEM_CHOICES")
    return PLAN_ITEM_CHOICES[0](user)


def plan_item_link(plan_item, organization, *, new_work: bool = True) -> PlanItemSource:
    """Check that `plan_item` may take work of `organization` (new work: its plan is in force), through
    the plans module's hook; raises BusinessError (field "plan_item") when it may not."""
    if not PLAN_ITEM_LINK:  # pragma: no cover - plans is part of the product
        raise RuntimeError("No plans module registered PLAN_ITEM_LINK")
    return PLAN_ITEM_LINK[0](plan_item, organization, new_work=new_work)
