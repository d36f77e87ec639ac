"""The home-page panel: the user's top organisation, current year, same figures as the reports.

The home page only carries a placeholder that htmx fills from `reports:panel` once the page is shown, so
a large subtree's aggregation never delays the home page itself."""

from django.urls import reverse

from neuguong.access.scope import scope_for
from neuguong.core.dates import local_today
from neuguong.organizations.selectors import top_organization

from .periods import year_period


def home_panel(user) -> dict | None:
    if not scope_for(user).has_org_role:
        return None
    organization = top_organization(user)
    if organization is None:
        return None
    period = year_period(local_today().year)
    url = reverse("reports:panel", kwargs={"code": organization.code}) + "?" + period.query
    return {"template": "reports/_dashboard_lazy.html", "url": url, "organization": organization}
