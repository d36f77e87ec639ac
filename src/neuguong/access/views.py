from django.contrib import messages
from django.contrib.auth import authenticate, login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from .forms import LoginForm
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
                target = "core:home"
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
        return redirect("core:home")
    return render(request, "access/password_change.html", {"form": form})


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
