"""Extension points through which domain apps add themselves to shared pages, without the shared code
importing them. Apps register in their AppConfig.ready().

- NAV_ITEMS: entries of the main navigation.
- HOME_PANELS: callables (user) -> dict | None; a dict carries "template" and whatever it renders.
- ORG_LINKS: buttons on an organisation's page: (label, url name taking `code`).
- PERSON_PANELS: callables (user, person) -> dict | None, rendered on a person's page.
- DOCUMENT_PANELS: callables (user, document) -> dict | None, rendered on a document's page (a dict may
  also carry "actions": [{"label", "url"}] shown as buttons beside the title).
- DOCUMENT_READERS: callables (scope) -> Q | None over documents.Document: who may also read a document
  beyond the readers of its organisation (a meeting's invitees read the documents made available to them).
- PEOPLE_LIST_LINKS: buttons above the people list: (label, url name); the current filters are appended.
- ORG_LIST_LINKS: the same above the organisation list.
- DEMO_SEEDERS: callables (root, size, log) run by `seed_demo` after people exist (and before demo accounts).
- DEMO_ACCOUNT_SEEDERS: callables (root, log) run by `seed_demo` after the demo accounts exist (records that
  name who decided, e.g. a suspended commitment, need an account).
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
DOCUMENT_READERS: list[Callable] = []
PEOPLE_LIST_LINKS: list[tuple[str, str]] = []
ORG_LIST_LINKS: list[tuple[str, str]] = []


def add_nav(label: str, url_name: str, *, needs_org_role: bool = False, order: int = 50) -> None:
    if all(item.url_name != url_name for item in NAV_ITEMS):
        NAV_ITEMS.append(NavItem(label, url_name, needs_org_role, order))
        NAV_ITEMS.sort(key=lambda item: item.order)


DEMO_SEEDERS: list[Callable] = []
DEMO_ACCOUNT_SEEDERS: list[Callable] = []

# Derived data a module keeps beside its records (never in a backup): each callable rebuilds it from the
# records, after a restore has loaded them.
DERIVED_DATA: list[tuple[set[str], Callable[[], None]]] = []  # (model labels, rebuild)
