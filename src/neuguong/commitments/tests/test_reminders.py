import datetime as dt
from unittest import mock

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.test import override_settings
from django.utils import timezone

from neuguong.commitments import reminders, services
from neuguong.commitments.models import Reminder, ReminderKind
from neuguong.commitments.tasks import send_commitment_reminders
from neuguong.core.scheduler import SCHEDULED_JOBS
from neuguong.core.tests.factories import UserFactory, created_on
from neuguong.notifications import mail as notification_mail
from neuguong.notifications.models import EmailDelivery, Notification, OutboxStatus

DEADLINE = dt.date(2026, 4, 30)
NOW = timezone.make_aware(dt.datetime(2026, 4, 1, 8, 0))


def day(offset: int) -> dt.date:
    return DEADLINE + dt.timedelta(days=offset)


def tick(offset: int) -> dict:
    """One scheduler run on the day `offset` days from the deadline (a fake clock), then the
    notifications' e-mail sender (run after the commit, or by the scheduler)."""
    today = day(offset)
    now = NOW + dt.timedelta(days=(today - NOW.date()).days)
    reminders.plan_reminders(today=today)
    result = reminders.send_due_reminders(now=now, today=today)
    notification_mail.send_emails(now=now)
    return result


@pytest.fixture
def commitment(tree):
    tree.member_a.email = "dinh@example.vn"
    tree.member_a.save()
    made = services.commitment_create(
        actor=tree.secretary_a,
        organization=tree.branch_a,
        title="Viết bài thu hoạch",
        deadline=DEADLINE,
        responsible_person=tree.person_a,
        today=dt.date(2026, 4, 1),
    )
    return created_on(made, dt.date(2026, 4, 1))


def test_reminders_arrive_7_and_1_days_before_once_each(tree, commitment):
    assert tick(-8) == {"sent": 0, "failed": 0, "cancelled": 0}
    assert tick(-7)["sent"] == 1
    assert tick(-7)["sent"] == 0  # a second run the same day sends nothing
    assert tick(-5)["sent"] == 0
    assert tick(-1)["sent"] == 1
    assert tick(0)["sent"] == 0
    assert len(mail.outbox) == 2
    assert mail.outbox[0].to == ["dinh@example.vn"]
    assert mail.outbox[0].subject.startswith("Nhắc việc: còn 7 ngày đến hạn")
    assert Notification.objects.filter(recipient=tree.member_a, kind="commitments.reminder").count() == 2


def test_missed_runs_send_only_the_latest_reminder(tree, commitment):
    assert tick(0)["sent"] == 1
    assert Reminder.objects.get().due_on == day(-1)


@override_settings(COMMITMENT_REMINDERS={"escalate_after_days": 1000})
def test_overdue_reminders_are_weekly(tree, commitment):
    sent = [tick(offset)["sent"] for offset in range(1, 16)]
    assert sent == [1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1]
    assert all(r.kind == ReminderKind.OVERDUE for r in Reminder.objects.all())


def test_escalation_to_the_secretary_above_after_14_days(tree, commitment):
    for offset in range(1, 14):
        tick(offset)
    assert not Reminder.objects.filter(kind=ReminderKind.ESCALATION).exists()
    tick(14)
    tick(15)
    escalation = Reminder.objects.get(kind=ReminderKind.ESCALATION)
    assert escalation.recipient == tree.secretary_a  # secretary of org_a, the parent of branch_a
    assert escalation.status == OutboxStatus.SENT
    assert (
        Notification.objects.filter(recipient=tree.secretary_a, title__startswith="Báo cáo cấp trên").count()
        == 1
    )


def test_completed_or_cancelled_commitments_get_no_reminders(tree, commitment):
    services.commitment_complete(
        actor=tree.member_a, commitment=commitment, completed_on=day(-10), today=day(-10)
    )
    assert tick(-7)["sent"] == 0
    assert not Reminder.objects.exists()


def test_reassignment_cancels_pending_and_the_new_person_is_reminded(tree, commitment):
    reminders.plan_reminders(today=day(-7))
    new_user = UserFactory(username="an")
    tree.person_a2.user = new_user
    tree.person_a2.save()
    services.commitment_update(
        actor=tree.secretary_a, commitment=commitment, responsible_person=tree.person_a2
    )
    assert Reminder.objects.get(recipient=tree.member_a).status == OutboxStatus.CANCELLED
    assert tick(-7)["sent"] == 1
    assert Reminder.objects.get(status=OutboxStatus.SENT).recipient == new_user
    assert not Notification.objects.filter(recipient=tree.member_a, kind="commitments.reminder").exists()


def test_rescheduled_commitment_drops_reminders_for_the_old_deadline(tree, commitment):
    reminders.plan_reminders(today=day(-1))
    extension = services.extension_request(
        actor=tree.member_a, commitment=commitment, requested_deadline=day(30), reason="Chờ số liệu"
    )
    services.extension_decide(actor=tree.secretary_a, extension=extension, grant=True)
    assert tick(-1)["sent"] == 0
    assert Reminder.objects.get().status == OutboxStatus.CANCELLED


def test_failures_are_retried_and_sent_once(tree, commitment):
    with mock.patch("neuguong.notifications.mail._send", side_effect=OSError("SMTP down")):
        assert tick(-7) == {"sent": 1, "failed": 0, "cancelled": 0}
    assert Reminder.objects.get().status == OutboxStatus.SENT  # told in the app...
    assert Notification.objects.filter(recipient=tree.member_a, kind="commitments.reminder").count() == 1
    email = EmailDelivery.objects.get()  # ...while the e-mail waits to be retried
    assert (email.status, email.last_error) == (OutboxStatus.FAILED, "SMTP down")
    assert tick(-6)["sent"] == 0
    email.refresh_from_db()
    assert (email.status, email.attempts) == (OutboxStatus.SENT, 2)
    assert len(mail.outbox) == 1
    assert tick(-5)["sent"] == 0
    assert len(mail.outbox) == 1


def test_outbox_rejects_a_duplicate_row(tree, commitment):
    Reminder.objects.create(
        recipient=tree.member_a, commitment=commitment, kind="before", due_on=day(-7), deadline=DEADLINE
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Reminder.objects.create(
            recipient=tree.member_a, commitment=commitment, kind="before", due_on=day(-7), deadline=DEADLINE
        )


def test_task_runs_through_django_tasks_and_is_scheduled(tree, commitment):
    assert any(job.name == "commitments.reminders" for job in SCHEDULED_JOBS)
    result = send_commitment_reminders.enqueue()
    assert result.status == "SUCCESSFUL"
    assert set(result.return_value) == {"planned", "sent", "failed", "cancelled"}
