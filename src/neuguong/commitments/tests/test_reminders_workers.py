"""The reminder outbox sent by two workers at once: every row once (one notification each), and on
PostgreSQL the workers take different rows (claimed in batches with SELECT … FOR UPDATE SKIP LOCKED)
instead of racing for the same first ones."""

import datetime as dt
import threading
import time

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import connection, connections
from django.utils import timezone

from neuguong.commitments import reminders, services
from neuguong.commitments.models import Reminder, ReminderKind
from neuguong.commitments.tasks import send_due_commitment_reminders
from neuguong.core.tests.factories import UserFactory
from neuguong.core.tests.tasks import enqueued_tasks
from neuguong.notifications import outbox
from neuguong.notifications.models import EmailDelivery, Notification, OutboxStatus

DEADLINE = dt.date(2026, 4, 30)
TODAY = DEADLINE + dt.timedelta(days=14)
NOW = timezone.make_aware(dt.datetime(2026, 5, 14, 8, 0))
ROWS = 40
EMAIL_TASK = "neuguong.notifications.tasks.send_notification_emails"


def _escalations(tree, rows: int) -> list[int]:
    commitment = services.commitment_create(
        actor=tree.secretary_a,
        organization=tree.branch_a,
        title="Viết bài thu hoạch",
        deadline=DEADLINE,
        responsible_person=tree.person_a,
        today=dt.date(2026, 4, 1),
    )
    users = [UserFactory() for _ in range(rows)]
    Reminder.objects.bulk_create(
        Reminder(
            recipient=u, commitment=commitment, kind=ReminderKind.ESCALATION, due_on=TODAY, deadline=DEADLINE
        )
        for u in users
    )
    return [u.pk for u in users]


@pytest.mark.django_db(transaction=True)
def test_two_workers_send_every_reminder_once_and_on_postgresql_take_different_rows(tree, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip(
            "SQLite serialises writers (one worker a bloc); the claim one by one is tested in test_mail"
        )
    recipients = _escalations(tree, ROWS)
    monkeypatch.setattr(outbox, "CLAIM", 5)
    sent_by: dict[str, list[int]] = {"one": [], "two": []}
    deliver_all = reminders._deliver_all

    def slow_deliver_all(rows, today):
        sent_by[threading.current_thread().name].extend(reminder.pk for reminder in rows)
        time.sleep(0.05)  # a mail-like pause, so the workers overlap
        deliver_all(rows, today)

    monkeypatch.setattr(reminders, "_deliver_all", slow_deliver_all)
    start = threading.Barrier(2)
    results, errors = {}, []

    def worker():
        try:
            start.wait()
            results[threading.current_thread().name] = reminders.send_due_reminders(now=NOW, today=TODAY)
        except Exception as exc:  # reported below: an exception in a thread would pass silently
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, name=name) for name in sent_by]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert sum(r["sent"] for r in results.values()) == ROWS
    assert not set(sent_by["one"]) & set(sent_by["two"])
    assert Reminder.objects.filter(status=OutboxStatus.SENT).count() == ROWS
    notified = Notification.objects.filter(recipient_id__in=recipients)
    assert sorted(notified.values_list("recipient_id", flat=True)) == sorted(recipients)  # each once
    assert sent_by["one"] and sent_by["two"]  # SKIP LOCKED: each took rows the other did not hold


@pytest.mark.django_db
def test_a_full_batch_enqueues_the_next_until_the_outbox_is_drained(tree, monkeypatch):
    _escalations(tree, 12)
    monkeypatch.setattr(outbox, "BATCH", 5)
    monkeypatch.setattr(outbox, "CLAIM", 2)
    calls = []
    send = reminders.send_due_reminders

    def counted(**kwargs):
        result = send(now=NOW, today=TODAY)
        calls.append(result["sent"])
        return result

    monkeypatch.setattr(reminders, "send_due_reminders", counted)
    send_due_commitment_reminders.enqueue()  # the test settings run tasks at once
    assert calls == [5, 5, 2]
    assert not Reminder.objects.exclude(status=OutboxStatus.SENT).exists()


@pytest.mark.django_db(transaction=True)
def test_a_batch_of_reminders_enqueues_the_email_sender_once_and_every_email_leaves_once(tree, monkeypatch):
    """Each reminder is delivered in its own transaction; its e-mail is written with it, but the e-mail
    sender is enqueued once per batch (docs/scaling.md: 3,896 e-mail tasks for 3,894 reminders before)."""
    recipients = _escalations(tree, 9)
    for pk in recipients:
        get_user_model().objects.filter(pk=pk).update(email=f"u{pk}@example.vn")
    monkeypatch.setattr(outbox, "BATCH", 5)  # two batches: 5, then 4
    with enqueued_tasks() as enqueued:
        send_due_commitment_reminders.enqueue()  # the test settings run tasks at once
    assert enqueued.count(EMAIL_TASK) == 2  # once per batch, not once per reminder
    assert Reminder.objects.filter(status=OutboxStatus.SENT).count() == 9
    assert sorted(m.to[0] for m in mail.outbox) == sorted(f"u{pk}@example.vn" for pk in recipients)
    assert not EmailDelivery.objects.exclude(status=OutboxStatus.SENT).exists()


def _fields(recipients):
    return sorted(
        Notification.objects.filter(recipient_id__in=recipients).values_list(
            "recipient_id", "kind", "title", "text", "url", "target_id", "target_repr", "delivery"
        )
    )


@pytest.mark.django_db
def test_reminders_sent_together_become_the_same_notifications_as_one_by_one(tree, monkeypatch):
    recipients = _escalations(tree, 6)
    get_user_model().objects.filter(pk=recipients[0]).update(is_active=False)  # skipped either way
    assert reminders.send_due_reminders(now=NOW, today=TODAY) == {"sent": 6, "failed": 0, "cancelled": 0}
    together = _fields(recipients)
    emails_together = EmailDelivery.objects.count()
    Notification.objects.all().delete()
    Reminder.objects.update(status=OutboxStatus.READY, attempts=0)
    monkeypatch.setattr(reminders, "_deliver_all", None)  # the outbox then sends row by row
    assert reminders.send_due_reminders(now=NOW, today=TODAY)["sent"] == 6
    assert _fields(recipients) == together
    assert len(together) == 5 and EmailDelivery.objects.count() == emails_together


@pytest.mark.django_db
def test_a_claim_of_reminders_costs_the_same_statements_however_many_rows(tree):
    from django.db import connection as db
    from django.test.utils import CaptureQueriesContext

    def statements(rows: int) -> int:
        Reminder.objects.all().delete()
        _escalations(tree, rows)
        with CaptureQueriesContext(db) as captured:
            assert reminders.send_due_reminders(now=NOW, today=TODAY)["sent"] == rows
        # SQLite claims row by row (one guarded UPDATE each, outbox._claim); the delivery does not grow.
        return sum("'sending'" not in query["sql"] for query in captured)

    assert statements(4) == statements(40) <= 16


@pytest.mark.django_db
def test_one_reminder_that_cannot_be_delivered_fails_alone(tree, monkeypatch):
    recipients = _escalations(tree, 5)
    poisoned = Reminder.objects.get(recipient_id=recipients[2])
    deliver = reminders._deliver

    def deliver_or_fail(reminder, today):
        if reminder.pk == poisoned.pk:
            raise ValueError("hộp thư hỏng")
        deliver(reminder, today)

    monkeypatch.setattr(reminders, "_deliver", deliver_or_fail)
    monkeypatch.setattr(
        reminders, "_deliver_all", lambda rows, today: [deliver_or_fail(r, today) for r in rows]
    )
    assert reminders.send_due_reminders(now=NOW, today=TODAY) == {"sent": 4, "failed": 1, "cancelled": 0}
    poisoned.refresh_from_db()
    assert (poisoned.status, poisoned.last_error) == (OutboxStatus.FAILED, "hộp thư hỏng")
    notified = set(
        Notification.objects.filter(recipient_id__in=recipients).values_list("recipient_id", flat=True)
    )
    assert notified == set(recipients) - {recipients[2]}  # the batch's writes were rolled back, each once
