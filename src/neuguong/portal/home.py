"""What the home page shows; domain apps add panels through `core.registry.HOME_PANELS`."""

from neuguong.access.scope import scope_for
from neuguong.core.registry import HOME_PANELS
from neuguong.organizations.selectors import top_organizations
from neuguong.people.models import Person


def home_context(user) -> dict:
    scope = scope_for(user)
    root_orgs = top_organizations(user) if scope.has_org_role else []
    person = Person.objects.filter(user=user).select_related("organization").first()
    panels = [panel for build in HOME_PANELS if (panel := build(user))]
    return {"scope": scope, "root_orgs": root_orgs, "me": person, "panels": panels}
