from .scope import scope_for


def navigation(request):
    """What the navigation bar may offer, by role."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    scope = scope_for(user)
    return {"nav_scope": scope, "nav_has_org_role": scope.has_org_role}
