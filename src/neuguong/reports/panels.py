"""The home-page panel: the user's top organisation, current year, same figures as the reports."""

from neuguong.access.scope import scope_for
from neuguong.core.dates import local_today
from neuguong.organizations.models import Organization

from .periods import year_period


def home_panel(user) -> dict | None:
    if not scope_for(user).has_org_role:
        return None
    organization = Organization.objects.visible_to(user).active().order_by("depth", "path").first()
    if organization is None:
        return None
    from .views import dashboard_context

    return {
        "template": "reports/_dashboard_panel.html",
        **dashboard_context(user, organization, year_period(local_today().year)),
    }
