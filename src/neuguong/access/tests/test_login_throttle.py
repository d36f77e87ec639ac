"""Login throttling (issue 19, point 1): per (username, address) with growing waits, a separate, higher limit
per address, the address taken from a trusted proxy only, counted atomically in the database."""

import datetime as dt
import threading

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from neuguong.access.throttle import MSG_ADDRESS_THROTTLED, MSG_THROTTLED, client_ip, wait_text
from neuguong.access.views import MSG_BAD_LOGIN

URL = reverse("access:login")
GOOD = "Matkhau@123"


@pytest.fixture
def clock(monkeypatch):
    """Move the throttle's clock: `clock.advance(seconds=61)`."""

    class Clock:
        offset = dt.timedelta()

        def now(self):
            return real_now() + self.offset

        def advance(self, **kwargs):
            self.offset += dt.timedelta(**kwargs)

    real_now = timezone.now
    c = Clock()
    monkeypatch.setattr("django.utils.timezone.now", c.now)
    monkeypatch.setattr("axes.handlers.proxy.now", c.now)
    return c


def attempt(username: str, password: str, ip: str, client: Client | None = None, **extra):
    return (client or Client()).post(
        URL, {"username": username, "password": password}, REMOTE_ADDR=ip, **extra
    )


def logged_in(response) -> bool:
    return response.status_code == 302 and response["Location"] == reverse("portal:home")


def test_failures_spread_over_twenty_usernames_do_not_lock_others_at_that_address(tree):
    for n in range(20):
        assert attempt(f"nobody{n}", "sai", "10.1.1.1").status_code == 200
    assert logged_in(attempt("staff", GOOD, "10.1.1.1"))


def test_failures_for_an_account_never_refuse_its_owner_from_another_address(tree):
    for _ in range(settings.LOGIN_FAILURE_LIMIT * 3):
        attempt("staff", "sai", "203.0.113.66")
    assert logged_in(attempt("staff", GOOD, "10.1.1.7"))


def test_after_the_limit_the_same_address_waits_and_each_failure_doubles_the_wait(tree, clock):
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        assert MSG_BAD_LOGIN in attempt("staff", "sai", "10.1.1.2").content.decode()
    refused = attempt("staff", GOOD, "10.1.1.2")
    assert refused.status_code == 429
    assert MSG_THROTTLED.format(wait="1 phút") in refused.content.decode()
    clock.advance(seconds=settings.LOGIN_DELAY_SECONDS + 1)
    assert MSG_BAD_LOGIN in attempt("staff", "sai", "10.1.1.2").content.decode()
    refused = attempt("staff", GOOD, "10.1.1.2")
    assert MSG_THROTTLED.format(wait="2 phút") in refused.content.decode()
    clock.advance(seconds=2 * settings.LOGIN_DELAY_SECONDS + 1)
    assert logged_in(attempt("staff", GOOD, "10.1.1.2"))


def test_a_correct_password_clears_the_failures_of_that_username_at_that_address(tree):
    for _ in range(settings.LOGIN_FAILURE_LIMIT - 1):
        attempt("staff", "sai", "10.1.1.3")
    assert logged_in(attempt("staff", GOOD, "10.1.1.3"))
    for _ in range(settings.LOGIN_FAILURE_LIMIT - 1):
        attempt("staff", "sai", "10.1.1.3")
    assert logged_in(attempt("staff", GOOD, "10.1.1.3"))


def test_the_username_is_throttled_whatever_its_case_or_spaces(tree):
    for name in ("staff", "STAFF", " Staff ", "sTaff", "staff "):
        attempt(name, "sai", "10.1.1.4")
    assert attempt("staff", GOOD, "10.1.1.4").status_code == 429


def test_an_address_with_too_many_failures_is_refused_for_every_username(tree, settings):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 12
    for n in range(12):
        attempt(f"nobody{n}", "sai", "10.1.1.5")
    refused = attempt("staff", GOOD, "10.1.1.5")
    assert refused.status_code == 429
    wait = wait_text(dt.timedelta(minutes=settings.LOGIN_FAILURE_WINDOW_MINUTES))
    assert MSG_ADDRESS_THROTTLED.format(wait=wait) in refused.content.decode()
    assert logged_in(attempt("staff", GOOD, "10.1.1.6"))


def test_the_address_limit_is_higher_than_the_per_username_limit():
    assert settings.LOGIN_ADDRESS_FAILURE_LIMIT >= 10 * settings.LOGIN_FAILURE_LIMIT


def test_a_forwarded_for_header_is_ignored_without_a_trusted_proxy(tree):
    for n in range(settings.LOGIN_FAILURE_LIMIT):
        # An attacker cannot pick a fresh address per attempt by forging the header.
        attempt("staff", "sai", "10.1.1.8", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
    assert attempt("staff", GOOD, "10.1.1.8", HTTP_X_FORWARDED_FOR="198.51.100.200").status_code == 429


def test_behind_a_trusted_proxy_each_client_is_throttled_on_its_own_address(tree, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]
    for _ in range(settings.LOGIN_FAILURE_LIMIT * 3):
        attempt("staff", "sai", "10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.7")
    # The owner comes through the same proxy from another address and is let in.
    assert logged_in(attempt("staff", GOOD, "10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.8"))
    assert attempt("staff", GOOD, "10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.7").status_code == 429


class _Request:
    def __init__(self, remote, forwarded=None):
        self.META = {"REMOTE_ADDR": remote}
        if forwarded is not None:
            self.META["HTTP_X_FORWARDED_FOR"] = forwarded


def test_client_ip_is_the_nearest_untrusted_hop(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.1", "172.16.0.0/12"]
    assert client_ip(_Request("10.0.0.1", "1.2.3.4, 5.6.7.8")) == "5.6.7.8"  # the client may forge the left
    assert client_ip(_Request("10.0.0.1", "1.2.3.4, 172.16.5.5")) == "1.2.3.4"
    assert client_ip(_Request("10.0.0.1", "not-an-ip, 172.16.5.5")) == "172.16.5.5"
    assert client_ip(_Request("10.0.0.1")) == "10.0.0.1"
    assert client_ip(_Request("9.9.9.9", "1.2.3.4")) == "9.9.9.9"  # not from a trusted proxy
    settings.TRUSTED_PROXIES = []
    assert client_ip(_Request("10.0.0.1", "1.2.3.4")) == "10.0.0.1"


def test_the_lockout_messages_and_axes_labels_are_vietnamese():
    from axes.models import AccessAttempt

    with translation.override("vi"):
        assert str(AccessAttempt._meta.verbose_name) == "lần đăng nhập sai"
        assert str(AccessAttempt._meta.get_field("failures_since_start").verbose_name) == "số lần sai"
    assert "thử lại" in str(settings.AXES_COOLOFF_MESSAGE)


@pytest.mark.django_db(transaction=True)
def test_thirty_parallel_wrong_passwords_are_evaluated_no_more_than_the_limit(tree, monkeypatch):
    if connection.vendor == "sqlite":
        pytest.skip("threads cannot share the in-memory SQLite test database; test_live_server covers SQLite")
    from django.contrib.auth.base_user import AbstractBaseUser

    evaluated = []
    original = AbstractBaseUser.check_password

    def counting(self, raw):
        evaluated.append(raw)
        return original(self, raw)

    monkeypatch.setattr(AbstractBaseUser, "check_password", counting)
    start = threading.Barrier(30)
    statuses = []

    def one():
        try:
            start.wait()
            statuses.append(attempt("staff", "sai", "10.9.9.9").status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=one) for _ in range(30)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(evaluated) == settings.LOGIN_FAILURE_LIMIT
    assert sorted(statuses) == [200] * settings.LOGIN_FAILURE_LIMIT + [429] * (
        30 - settings.LOGIN_FAILURE_LIMIT
    )


@pytest.mark.django_db
def test_an_attempt_that_waited_behind_a_later_one_is_not_refused_below_the_limit():
    """Concurrent attempts read their clock before the address lock: one may find the last failure
    recorded "after" its own time. Below the limit that is no reason to refuse it; above, it still is."""
    from axes.models import AccessAttempt

    from neuguong.access.throttle import refusal

    now = timezone.now()
    later = now + dt.timedelta(milliseconds=300)
    attempt = AccessAttempt.objects.create(
        username="staff", ip_address="10.1.1.1", failures_since_start=settings.LOGIN_FAILURE_LIMIT - 1
    )
    AccessAttempt.objects.filter(pk=attempt.pk).update(attempt_time=later)
    assert refusal(username="staff", ip_address="10.1.1.1", now=now) is None
    AccessAttempt.objects.filter(pk=attempt.pk).update(failures_since_start=settings.LOGIN_FAILURE_LIMIT)
    found = refusal(username="staff", ip_address="10.1.1.1", now=now)
    assert found is not None and found[0] == MSG_THROTTLED
