from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from . import services
from .forms import ApiTokenForm, LoginForm
from .models import RoleAssignment
from .services import password_change_done
from .throttle import wait_text

MSG_BAD_LOGIN = "Tên đăng nhập hoặc mật khẩu không đúng."


def login_view(request):
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # Throttled inside authenticate() (axes backend + access/throttle.py): a refused attempt is not checked.
        user = authenticate(
            request, username=form.cleaned_data["username"].strip(), password=form.cleaned_data["password"]
        )
        if user is not None:
            login(request, user)
            target = request.GET.get("next", "")
            if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
                target = "portal:home"
            return redirect(target)
        if getattr(request, "axes_locked_out", False):
            return lockout_response(request)
        return render(request, "access/login.html", {"form": form, "error": MSG_BAD_LOGIN})
    return render(request, "access/login.html", {"form": form})


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: the login page saying how long to wait (429), for any login form."""
    if original_response is not None and original_response.status_code == 429:
        return original_response
    message, wait = getattr(request, "login_refusal", (MSG_BAD_LOGIN, None))
    error = message.format(wait=wait_text(wait)) if wait is not None else message
    form = LoginForm(request.POST or None)
    return render(request, "access/login.html", {"form": form, "error": error}, status=429)


@require_POST
def logout_view(request):
    logout(request)
    return redirect("access:login")


@login_required
def password_change_view(request):
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        update_session_auth_hash(request, user)
        password_change_done(user)
        messages.success(request, "Đã đổi mật khẩu.")
        return redirect("portal:home")
    return render(request, "access/password_change.html", {"form": form})


def _account_page(request, *, form=None, new_token: str = "", status: int = 200):
    context = {
        "roles": RoleAssignment.objects.filter(user=request.user).select_related("organization"),
        "tokens": services.api_tokens_of(request.user),
        "now": timezone.now(),
        "form": form or ApiTokenForm(),
        "new_token": new_token,
        "token_days": settings.API_TOKEN_DAYS,
    }
    return render(request, "access/account.html", context, status=status)


@login_required
def account_view(request):
    """Tài khoản: roles, and the user's own API tokens (see, create, revoke)."""
    return _account_page(request)


@login_required
@require_POST
def token_create_view(request):
    # Rendered, not redirected: the raw token is shown this once and never stored.
    form = ApiTokenForm(request.POST)
    if not form.is_valid():
        return _account_page(request, form=form, status=400)
    raw = services.api_token_create(user=request.user, name=form.cleaned_data["name"])
    return _account_page(request, new_token=raw)


@login_required
@require_POST
def token_revoke_view(request, token_id: int):
    token = get_object_or_404(services.api_tokens_of(request.user), pk=token_id)
    services.api_token_revoke(actor=request.user, token=token)
    messages.success(
        request, f"Đã thu hồi mã truy cập {token.prefix}…{f' ({token.name})' if token.name else ''}."
    )
    return redirect("access:account", permanent=False)


@require_POST
def text_size_view(request):
    """Switch between normal and larger text on this device (for older members), then go back."""
    from neuguong.core.middleware import back_url

    from .context_processors import TEXT_SIZE_COOKIE

    response = redirect(back_url(request))
    if request.COOKIES.get(TEXT_SIZE_COOKIE) == "large":
        response.delete_cookie(TEXT_SIZE_COOKIE)
    else:
        response.set_cookie(
            TEXT_SIZE_COOKIE,
            "large",
            max_age=5 * 365 * 24 * 3600,
            samesite="Lax",
            httponly=True,
            secure=request.is_secure(),
        )
    return response
