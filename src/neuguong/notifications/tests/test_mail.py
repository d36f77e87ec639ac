"""The e-mail and digest outboxes, driven by a fake clock: sent once, retried later, cancelled when moot."""

import datetime as dt
import threading
from unittest import mock

import pytest
from django.core import mail
from django.core.mail.backends import locmem
from django.db import close_old_connections, connection
from django.test import override_settings

from neuguong.core.dates import LOCAL_ZONE
from neuguong.notifications import mail as notification_mail
from neuguong.notifications import services
from neuguong.notifications.models import Delivery, Digest, EmailDelivery, Notification, OutboxStatus
from neuguong.notifications.outbox import MAX_ATTEMPTS

from .kinds import MOOT, SampleNotice

NOW = dt.datetime(2026, 5, 4, 9, 0, tzinfo=LOCAL_ZONE)


@pytest.fixture
def people(tree):
    for user, address in ((tree.secretary_a, "bithu.a@example.vn"), (tree.secretary_b, "bithu.b@example.vn")):
        user.email = address
        user.save()
    MOOT.clear()
    yield tree
    MOOT.clear()


def ping(tree, recipients, *, title="Có báo cáo mới", target=None, kind=SampleNotice.PING):
    return services.notify(
        kind=kind,
        recipients=recipients,
        actor=None,
        target=target or tree.org_a,
        title=title,
        url="/cam-ket/7/",
    )


@pytest.mark.django_db
def test_an_email_is_sent_once_with_a_link_that_opens_the_notification(people):
    (n,) = ping(people, [people.secretary_a])
    assert notification_mail.send_emails(now=NOW) == {"sent": 1, "failed": 0, "cancelled": 0}
    assert notification_mail.send_emails(now=NOW) == {"sent": 0, "failed": 0, "cancelled": 0}
    (message,) = mail.outbox
    assert message.subject == "Có báo cáo mới" and message.to == ["bithu.a@example.vn"]
    assert f"/thong-bao/{n.pk}/" in message.body and "/thong-bao/cach-nhan/" in message.body


@pytest.mark.django_db
def test_the_address_on_the_member_record_is_used_when_the_account_has_none(people):
    people.person_a.email = "dinh@example.vn"
    people.person_a.save()
    ping(people, [people.member_a])
    notification_mail.send_emails(now=NOW)
    assert [m.to for m in mail.outbox] == [["dinh@example.vn"]]


@pytest.mark.django_db
def test_a_failed_email_is_retried_later_not_at_once_and_gives_up_after_the_last_attempt(people):
    ping(people, [people.secretary_a])
    with mock.patch.object(notification_mail, "_send", side_effect=OSError("SMTP down")):
        assert notification_mail.send_emails(now=NOW)["failed"] == 1
        # A run a minute later (another commit) does not use up the attempts.
        assert notification_mail.send_emails(now=NOW + dt.timedelta(minutes=1))["failed"] == 0
        when = NOW
        for attempt in range(2, MAX_ATTEMPTS + 1):
            when += notification_mail.RETRY_AFTER * attempt
            assert notification_mail.send_emails(now=when)["failed"] == 1
    email = EmailDelivery.objects.get()
    assert (email.status, email.attempts, email.last_error) == (
        OutboxStatus.FAILED,
        MAX_ATTEMPTS,
        "SMTP down",
    )
    assert notification_mail.send_emails(now=when + dt.timedelta(days=1))["sent"] == 0
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_failed_email_is_sent_once_the_server_is_back(people):
    ping(people, [people.secretary_a])
    with mock.patch.object(notification_mail, "_send", side_effect=OSError("SMTP down")):
        notification_mail.send_emails(now=NOW)
    assert notification_mail.send_emails(now=NOW + notification_mail.RETRY_AFTER)["sent"] == 1
    assert len(mail.outbox) == 1
    assert EmailDelivery.objects.get().attempts == 2


@pytest.mark.django_db
def test_an_email_is_cancelled_when_moot_or_already_read_or_without_an_address(people):
    moot, read, nobody = people.org_a, people.org_b, people.root
    MOOT.add(moot.pk)  # e.g. the report was reviewed before the e-mail left
    ping(people, [people.secretary_a], target=moot)
    (seen,) = ping(people, [people.secretary_b], target=read)
    services.notification_open(user=people.secretary_b, notification=seen)
    ping(people, [people.staff], target=nobody)  # no address anywhere
    assert notification_mail.send_emails(now=NOW) == {"sent": 0, "failed": 0, "cancelled": 3}
    assert mail.outbox == []
    assert set(EmailDelivery.objects.values_list("status", flat=True)) == {OutboxStatus.CANCELLED}
    # The notifications themselves stay in the app.
    assert Notification.objects.count() == 3


@pytest.mark.django_db
def test_two_workers_interleaved_send_each_email_once(people):
    """A second worker runs while the first is in the middle of delivering: the first claimed its batch
    before sending (outbox.CLAIM rows), so the second finds nothing left to send, and nothing goes twice."""
    for i in range(4):
        ping(people, [people.secretary_a], title=f"Thư {i}")
    real_send = notification_mail._send
    inner = {}

    def send_and_let_the_other_worker_run(subject, body, to):
        if "started" not in inner:
            inner["started"] = True
            inner["result"] = notification_mail.send_emails(now=NOW)
        real_send(subject, body, to)

    with mock.patch.object(notification_mail, "_send", side_effect=send_and_let_the_other_worker_run):
        outer = notification_mail.send_emails(now=NOW)
    assert (outer["sent"], inner["result"]["sent"]) == (4, 0)
    assert sorted(m.subject for m in mail.outbox) == ["Thư 0", "Thư 1", "Thư 2", "Thư 3"]


@pytest.mark.django_db(transaction=True)
def test_two_worker_threads_send_each_email_once(people):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers: the interleaved test covers it; this runs on PostgreSQL")
    with mock.patch.object(services, "_send_after_commit"):  # leave the rows for the two workers
        for i in range(30):
            ping(people, [people.secretary_a, people.secretary_b], title=f"Thư {i}")
    assert EmailDelivery.objects.filter(status=OutboxStatus.READY).count() == 60
    barrier = threading.Barrier(2)
    results = []

    def worker():
        try:
            barrier.wait()
            results.append(notification_mail.send_emails(now=NOW))
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(r["sent"] for r in results) == 60
    assert len(mail.outbox) == 60
    assert len({(m.subject, m.to[0]) for m in mail.outbox}) == 60
    assert set(EmailDelivery.objects.values_list("attempts", flat=True)) == {1}


# --- the daily digest -----------------------------------------------------------------------------------


def _on(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=LOCAL_ZONE)


@pytest.mark.django_db
def test_a_digest_lists_the_days_unread_notifications_in_one_email_the_next_day(people):
    services.preferences_save(actor=people.secretary_a, choices={"tests.ping": Delivery.DIGEST})
    day = dt.date(2026, 5, 4)
    with mock.patch("django.utils.timezone.now", return_value=_on(day, 8)):
        ping(people, [people.secretary_a], title="Sáng")
    with mock.patch("django.utils.timezone.now", return_value=_on(day, 23)):
        (read,) = ping(people, [people.secretary_a], title="Đã đọc")
        ping(people, [people.secretary_a], title="Tối")
    services.notification_open(user=people.secretary_a, notification=read)
    with mock.patch("django.utils.timezone.now", return_value=_on(day + dt.timedelta(days=1), 0)):
        ping(people, [people.secretary_a], title="Hôm sau")  # belongs to the next day's digest
    assert not EmailDelivery.objects.exists()  # nothing is sent at once
    assert notification_mail.plan_digests(today=day) == 0  # the day is not over
    next_day = day + dt.timedelta(days=1)
    assert notification_mail.plan_digests(today=next_day) == 1
    assert notification_mail.plan_digests(today=next_day) == 0  # once per user and day
    assert notification_mail.send_digests(now=_on(next_day, 6), today=next_day)["sent"] == 1
    assert notification_mail.send_digests(now=_on(next_day, 7), today=next_day)["sent"] == 0
    (message,) = mail.outbox
    assert message.subject == "Nêu Gương: 2 thông báo ngày 04/05/2026"
    assert "1. Sáng" in message.body and "2. Tối" in message.body
    assert "Đã đọc" not in message.body and "Hôm sau" not in message.body
    assert Digest.objects.get().status == OutboxStatus.SENT


@pytest.mark.django_db
def test_a_digest_with_nothing_left_unread_and_relevant_is_cancelled(people):
    day = dt.date(2026, 5, 4)
    with mock.patch("django.utils.timezone.now", return_value=_on(day)):
        (read,) = ping(people, [people.secretary_a], kind=SampleNotice.DIGEST_BY_DEFAULT, target=people.org_a)
        ping(people, [people.secretary_a], kind=SampleNotice.DIGEST_BY_DEFAULT, target=people.org_b)
    services.notification_open(user=people.secretary_a, notification=read)
    MOOT.add(people.org_b.pk)
    next_day = day + dt.timedelta(days=1)
    notification_mail.plan_digests(today=next_day)
    assert notification_mail.send_digests(now=_on(next_day), today=next_day)["cancelled"] == 1
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_missed_day_of_the_scheduler_still_sends_the_digest_late(people):
    day = dt.date(2026, 5, 4)
    with mock.patch("django.utils.timezone.now", return_value=_on(day)):
        ping(people, [people.secretary_a], kind=SampleNotice.DIGEST_BY_DEFAULT)
    later = day + dt.timedelta(days=3)
    assert notification_mail.plan_digests(today=later) == 1
    assert notification_mail.send_digests(now=_on(later), today=later)["sent"] == 1


@pytest.mark.django_db
def test_the_senders_are_tasks_and_scheduled(people):
    from neuguong.core.scheduler import SCHEDULED_JOBS
    from neuguong.notifications.tasks import send_notification_digests, send_notification_emails

    names = {job.name for job in SCHEDULED_JOBS}
    assert {"notifications.emails", "notifications.digests"} <= names
    ping(people, [people.secretary_a])
    assert send_notification_emails.enqueue().return_value["sent"] == 1
    assert set(send_notification_digests.enqueue().return_value) == {"planned", "sent", "failed", "cancelled"}


class CountingBackend(locmem.EmailBackend):
    """The test mailer, counting the connections it opens (a real SMTP backend logs in on each)."""

    opened = 0
    is_open = False

    def open(self):
        if self.is_open:
            return False
        type(self).opened += 1
        self.is_open = True
        return True

    def close(self):
        self.is_open = False

    def send_messages(self, messages):
        if fail_to.intersection(m.to[0] for m in messages):
            raise OSError("máy chủ thư từ chối")
        return super().send_messages(messages)


fail_to: set[str] = set()


@pytest.mark.django_db
def test_one_batch_of_emails_goes_through_one_connection_reopened_after_a_failure(people):
    CountingBackend.opened = 0
    counted = {"default": {"BACKEND": f"{__name__}.CountingBackend"}}
    for user in (people.staff, people.member_a):
        user.email = f"{user.username}@example.vn"
        user.save()
    ping(people, [people.secretary_a, people.secretary_b, people.staff, people.member_a])
    fail_to.add("bithu.b@example.vn")
    try:
        with override_settings(MAILERS=counted):
            result = notification_mail.send_emails(now=NOW)
    finally:
        fail_to.clear()
    assert result == {"sent": 3, "failed": 1, "cancelled": 0}
    assert len(mail.outbox) == 3
    # One connection for the batch, and a fresh one after the e-mail the server refused (not one each).
    assert CountingBackend.opened == 2
