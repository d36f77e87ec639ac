"""Login throttling on django-axes' tables, with a policy that an attacker cannot turn against the owner.

- Per (username, client address): LOGIN_FAILURE_LIMIT failures are free; after that each attempt waits
  LOGIN_DELAY_SECONDS, doubled with every further failure (capped at LOGIN_DELAY_MAX_MINUTES). The account is
  never locked: its owner at another address is never refused because someone else guessed wrong.
- Per client address: LOGIN_ADDRESS_FAILURE_LIMIT failures (all usernames) within LOGIN_FAILURE_WINDOW_MINUTES
  refuse further attempts from that address until the window passes (password spraying).
- The client address is REMOTE_ADDR unless the request comes from one of TRUSTED_PROXIES; then it is the
  nearest address in X-Forwarded-For that is not itself a trusted proxy (`client_ip`).
- Counted atomically in the database shared by every app server: an attempt is counted *before* the password
  is checked, under a lock on the client address, and a correct password takes it back. Stock axes checks the
  count, checks the password, then records the failure, so parallel guesses all pass the check (30 parallel
  wrong passwords were all evaluated against a limit of 5).
- Failures are forgotten AXES_COOLOFF_TIME (LOGIN_FAILURE_MEMORY_HOURS) after the last one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import ipaddress
import math

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Max, Sum

MSG_THROTTLED = "Bạn đã nhập sai mật khẩu nhiều lần. Vui lòng thử lại sau {wait}."
MSG_ADDRESS_THROTTLED = "Có quá nhiều lần đăng nhập sai từ địa chỉ mạng này. Vui lòng thử lại sau {wait}."


def normalized_username(request, credentials: dict | None = None) -> str:
    """The username as the throttle keys it (AXES_USERNAME_CALLABLE): case and surrounding spaces ignored."""
    raw = credentials.get("username") if credentials else getattr(request, "POST", {}).get("username")
    return (raw or "").strip().lower()[:150]


def _networks():
    return [ipaddress.ip_network(item, strict=False) for item in settings.TRUSTED_PROXIES]


def _parse(address: str):
    try:
        return ipaddress.ip_address(address.strip())
    except ValueError:
        return None


def client_ip(request) -> str | None:
    """The client's address (AXES_CLIENT_IP_CALLABLE): REMOTE_ADDR, or behind trusted proxies the nearest
    X-Forwarded-For hop that is not a trusted proxy (hops further left may be forged by the client)."""
    remote = request.META.get("REMOTE_ADDR") or None
    networks = _networks()
    parsed = _parse(remote or "")
    if not networks or parsed is None or not any(parsed in n for n in networks):
        return remote
    forwarded = request.META.get(settings.CLIENT_IP_HEADER, "")
    nearest = remote
    for hop in reversed([h for h in forwarded.split(",") if h.strip()]):
        address = _parse(hop)
        if address is None:
            break
        nearest = str(address)
        if not any(address in n for n in networks):
            break
    return nearest


def wait_text(wait: dt.timedelta) -> str:
    seconds = max(1, math.ceil(wait.total_seconds()))
    if seconds < 60:
        return f"{seconds} giây"
    return f"{math.ceil(seconds / 60)} phút"


def delay_after(failures: int) -> dt.timedelta:
    """The wait before the next attempt, after `failures` failures of one username at one address."""
    if failures < settings.LOGIN_FAILURE_LIMIT:
        return dt.timedelta()
    doublings = min(failures - settings.LOGIN_FAILURE_LIMIT, 30)
    seconds = settings.LOGIN_DELAY_SECONDS * 2**doublings
    return min(dt.timedelta(seconds=seconds), dt.timedelta(minutes=settings.LOGIN_DELAY_MAX_MINUTES))


def _lock_address(ip_address: str | None) -> None:
    # PostgreSQL: a transaction-scoped advisory lock per address serialises the count-then-record of
    # concurrent attempts from one address (on every app server). SQLite: transaction_mode=IMMEDIATE already
    # took the database's write lock when the transaction began.
    if connection.vendor == "postgresql":
        digest = hashlib.sha256(f"login:{ip_address}".encode()).digest()
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s)", [int.from_bytes(digest[:8], "big", signed=True)]
            )


def refusal(*, username: str, ip_address: str | None, now: dt.datetime) -> tuple[str, dt.timedelta] | None:
    """(message, wait) when an attempt must not be evaluated now, else None."""
    memory = now - settings.AXES_COOLOFF_TIME
    pair = AccessAttempt.objects.filter(username=username, ip_address=ip_address, attempt_time__gt=memory)
    counted = pair.aggregate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
    # The free failures never wait: `now` is the request's clock, read before the address lock, so an
    # attempt that waited for the lock behind a later one saw that later attempt "in the future" and was
    # refused below the limit (4 of 5 evaluated, the parallel test on a loaded machine).
    delay = delay_after(counted["failures"] or 0)
    if counted["failures"] and delay:
        ready_at = counted["last"] + delay
        if ready_at > now:
            return MSG_THROTTLED, ready_at - now
    window = dt.timedelta(minutes=settings.LOGIN_FAILURE_WINDOW_MINUTES)
    address_failures = (
        AccessAttempt.objects.filter(ip_address=ip_address, attempt_time__gt=now - window).aggregate(
            n=Sum("failures_since_start")
        )["n"]
        or 0
    )
    if ip_address and address_failures >= settings.LOGIN_ADDRESS_FAILURE_LIMIT:
        return MSG_ADDRESS_THROTTLED, window
    return None


class LoginThrottleHandler(AxesDatabaseHandler):
    """AXES_HANDLER: axes' tables, signals, logs and reset commands, with the policy above."""

    def is_allowed(self, request, credentials: dict | None = None) -> bool:
        # Called by AxesStandaloneBackend just before the password is checked: the attempt is counted here.
        if self.is_blacklisted(request, credentials):
            return False
        if self.is_whitelisted(request, credentials):
            return True
        return self._reserve(request, credentials)

    def is_locked(self, request, credentials: dict | None = None) -> bool:
        username = get_client_username(request, credentials)
        found = refusal(username=username, ip_address=request.axes_ip_address, now=request.axes_attempt_time)
        return found is not None

    @transaction.atomic
    def _reserve(self, request, credentials) -> bool:
        username = get_client_username(request, credentials)
        ip_address, now = request.axes_ip_address, request.axes_attempt_time
        _lock_address(ip_address)
        found = refusal(username=username, ip_address=ip_address, now=now)
        if found is not None:
            request.login_refusal = found
            return False
        attempt, created = AccessAttempt.objects.get_or_create(
            username=username,
            ip_address=ip_address,
            user_agent=request.axes_user_agent,
            defaults={
                "get_data": "",
                "post_data": "",
                "http_accept": request.axes_http_accept,
                "path_info": request.axes_path_info,
                "failures_since_start": 1,
            },
        )
        # attempt_time is auto_now_add: set it (and the count) in one UPDATE, from the request's clock.
        AccessAttempt.objects.filter(pk=attempt.pk).update(
            attempt_time=now,
            failures_since_start=F("failures_since_start") + (0 if created else 1),
        )
        request.login_reserved = attempt.pk
        return True

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        """The failure was counted before the password check; a refused attempt is not counted at all."""
        if request is None:
            return
        refused = getattr(request, "login_refusal", None)
        if refused is not None:
            request.axes_locked_out = True
            request.axes_credentials = credentials
            user_locked_out.send(
                "axes",
                request=request,
                username=get_client_username(request, credentials),
                ip_address=request.axes_ip_address,
            )

    def user_logged_in(self, sender, request, user, **kwargs):
        """A correct password takes back this attempt and clears the failures of that username there."""
        super().user_logged_in(sender, request, user, **kwargs)
        AccessAttempt.objects.filter(
            username=normalized_username(request, {"username": user.get_username()}),
            ip_address=request.axes_ip_address,
        ).delete()
