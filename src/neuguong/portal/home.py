"""What the home page shows; domain apps add panels through `core.registry.HOME_PANELS`."""

from neuguong.access.scope import scope_for
from neuguong.core.registry import HOME_PANELS
from neuguong.organizations.models import Organization
from neuguong.people.models import Person


def home_context(user) -> dict:
    scope = scope_for(user)
    roots = (
        list(Organization.objects.visible_to(user).active().order_by("depth", "name")[:1])
        if scope.has_org_role
        else []
    )
    root_orgs = []
    if scope.has_org_role:
        min_depth = roots[0].depth if roots else 0
        root_orgs = list(
            Organization.objects.visible_to(user).active().filter(depth=min_depth).order_by("name")[:20]
        )
    person = Person.objects.filter(user=user).select_related("organization").first()
    panels = [panel for build in HOME_PANELS if (panel := build(user))]
    return {"scope": scope, "root_orgs": root_orgs, "me": person, "panels": panels}
