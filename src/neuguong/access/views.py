from django.contrib import messages
from django.contrib.auth import authenticate, login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from .forms import LoginForm
from .services import login_attempt_record, login_is_throttled, password_change_done, throttle_message

MSG_BAD_LOGIN = "Tên đăng nhập hoặc mật khẩu không đúng."


def _client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def login_view(request):
    form = LoginForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"].strip()
        ip = _client_ip(request)
        if login_is_throttled(username=username, ip_address=ip):
            error = throttle_message()
        else:
            user = authenticate(request, username=username, password=form.cleaned_data["password"])
            login_attempt_record(username=username, ip_address=ip, succeeded=user is not None)
            if user is None:
                error = MSG_BAD_LOGIN
            else:
                login(request, user)
                target = request.GET.get("next", "")
                if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
                    target = "portal:home"
                return redirect(target)
    return render(
        request,
        "access/login.html",
        {"form": form, "error": error},
        status=429 if error and error != MSG_BAD_LOGIN else 200,
    )


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
