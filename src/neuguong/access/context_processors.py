from django.urls import reverse

from neuguong.core.registry import NAV_ITEMS

from .scope import scope_for


def navigation(request):
    """What the navigation bar may offer, by role."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    scope = scope_for(user)
    extra = [
        {"label": item.label, "url": reverse(item.url_name)}
        for item in NAV_ITEMS
        if scope.has_org_role or not item.needs_org_role
    ]
    return {"nav_scope": scope, "nav_has_org_role": scope.has_org_role, "nav_extra": extra}
