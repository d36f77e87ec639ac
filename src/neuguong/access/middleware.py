from django.shortcuts import redirect
from django.urls import reverse

from .services import password_change_required

EXEMPT_PREFIXES = ("/static/", "/api/", "/healthz")


class ForcePasswordChangeMiddleware:
    """Accounts created with a one-time password must choose their own before anything else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(EXEMPT_PREFIXES)
            and request.path not in (reverse("access:password_change"), reverse("access:logout"))
            and password_change_required(user)
        ):
            return redirect("access:password_change")
        return self.get_response(request)
