"""Reminders of the reflection due date, driven by a fake clock (the `today`/`now` arguments)."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from neuguong.core import dates, scheduler
from neuguong.core.tests.factories import UserFactory
from neuguong.notifications import mail as notification_mail
from neuguong.notifications.models import EmailDelivery, Notification, OutboxStatus
from neuguong.study import reminders, services
from neuguong.study.models import Invitee, ReflectionReminder, ReflectionReminderKind
from neuguong.study.tasks import send_reflection_reminders

from .factories import make_campaign

pytestmark = pytest.mark.django_db

TODAY = dates.local_today()
DUE = TODAY + dt.timedelta(days=10)


def plan_items(deadline=None):
    return [{"title": "Áp dụng vào công việc của phòng", "deadline": deadline or DUE + dt.timedelta(days=60)}]


@pytest.fixture
def campaign(tree):
    for person, name in ((tree.person_a2, "member_a2"), (tree.person_b, "member_b")):
        person.user = UserFactory(username=name, email=f"{name}@example.vn")
        person.save()
    tree.member_a.email = "member_a@example.vn"
    tree.member_a.save()
    campaign = make_campaign(tree.staff, tree.root, reflection_due=DUE)
    services.invitees_generate(actor=tree.staff, campaign=campaign)
    return campaign


def day(offset: int) -> dt.date:
    return DUE + dt.timedelta(days=offset)


def run_on(today: dt.date) -> dict:
    """The task's work on a fake day, at 09:00 local time, then the notifications' e-mail sender (run
    after the commit, or by the scheduler)."""
    now = dt.datetime.combine(today, dt.time(9), tzinfo=dates.LOCAL_ZONE)
    result = reminders.run(now=now)
    notification_mail.send_emails(now=now)
    return result


def sent_days(user) -> list[tuple[str, dt.date]]:
    return list(
        ReflectionReminder.objects.filter(recipient=user, status=OutboxStatus.SENT)
        .order_by("due_on")
        .values_list("kind", "due_on")
    )


def test_reminders_3_and_1_days_before_and_the_day_after_the_due_date_once_each(tree, campaign):
    user = tree.person_a2.user
    results = {}
    for offset in range(-6, 12):
        results[offset] = run_on(day(offset))
        run_on(day(offset))  # a second run the same day sends nothing more
    assert sent_days(user) == [
        (ReflectionReminderKind.BEFORE, day(-3)),
        (ReflectionReminderKind.BEFORE, day(-1)),
        (ReflectionReminderKind.OVERDUE, day(1)),
    ]
    assert [o for o, r in results.items() if r["sent"]] == [-3, -1, 1]
    assert results[-3]["sent"] == 3  # the three invitees with an account
    titles = list(Notification.objects.filter(recipient=user).order_by("id").values_list("title", flat=True))
    assert titles == [
        f"Nhắc nộp bài thu hoạch: còn 3 ngày — {campaign.title}",
        f"Nhắc nộp bài thu hoạch: còn 1 ngày — {campaign.title}",
        f"Đã quá hạn nộp bài thu hoạch — {campaign.title}",
    ]
    to_a2 = [m for m in mail.outbox if m.to == ["member_a2@example.vn"]]
    assert [m.subject for m in to_a2] == titles
    first = Notification.objects.filter(recipient=user).order_by("id").first()
    assert first.url == f"/hoc-tap/{campaign.pk}/thu-hoach/"
    assert f"/thong-bao/{first.pk}/" in to_a2[0].body  # opens (and marks read) the notification
    assert "Hạn nộp bài thu hoạch và kế hoạch vận dụng: " + DUE.strftime("%d/%m/%Y") in to_a2[0].body


def test_nobody_who_has_submitted_or_been_excused_is_reminded(tree, campaign):
    invitee_a = Invitee.objects.get(campaign=campaign, person=tree.person_a)
    services.reflection_save(
        actor=tree.member_a, invitee=invitee_a, answers=["a", "b"], plan_items=plan_items(), submit=True
    )
    invitee_b = Invitee.objects.get(campaign=campaign, person=tree.person_b)
    services.reflection_excuse(actor=tree.staff, invitee=invitee_b, reason="Đảng viên cao tuổi, ốm")
    for offset in range(-4, 3):
        run_on(day(offset))
    assert sent_days(tree.member_a) == []
    assert sent_days(tree.person_b.user) == []
    assert len(sent_days(tree.person_a2.user)) == 3
    assert not Notification.objects.filter(recipient__in=[tree.member_a, tree.person_b.user]).exists()


def test_a_draft_or_returned_reflection_is_still_reminded(tree, campaign):
    invitee = Invitee.objects.get(campaign=campaign, person=tree.person_a)
    services.reflection_save(actor=tree.member_a, invitee=invitee, answers=["a", ""], plan_items=[])
    run_on(day(-3))
    assert sent_days(tree.member_a) == [(ReflectionReminderKind.BEFORE, day(-3))]


def test_a_reflection_submitted_after_planning_cancels_the_planned_reminder(tree, campaign):
    reminders.plan_reminders(today=day(-3))
    invitee = Invitee.objects.get(campaign=campaign, person=tree.person_a)
    services.reflection_save(
        actor=tree.member_a, invitee=invitee, answers=["a", "b"], plan_items=plan_items(), submit=True
    )
    result = reminders.send_due_reminders(now=timezone.now(), today=day(-3))
    assert result == {"sent": 2, "failed": 0, "cancelled": 1}
    assert ReflectionReminder.objects.get(recipient=tree.member_a).status == OutboxStatus.CANCELLED
    assert not Notification.objects.filter(recipient=tree.member_a).exists()


def test_someone_invited_after_a_reminder_day_gets_only_the_later_reminders(tree, campaign):
    late = Invitee.objects.get(campaign=campaign, person=tree.person_b)
    invited = dt.datetime.combine(day(-2), dt.time(10), tzinfo=dates.LOCAL_ZONE)
    Invitee.objects.filter(pk=late.pk).update(invited_at=invited)
    for offset in range(-4, 3):
        run_on(day(offset))
    assert sent_days(tree.person_b.user) == [
        (ReflectionReminderKind.BEFORE, day(-1)),
        (ReflectionReminderKind.OVERDUE, day(1)),
    ]


def test_a_missed_run_reminds_once_late_and_old_campaigns_stay_quiet(tree, campaign):
    run_on(day(-2))  # the scheduler was down on day -3
    assert sent_days(tree.member_a) == [(ReflectionReminderKind.BEFORE, day(-3))]
    run_on(day(-1))
    run_on(day(0))
    assert len(sent_days(tree.member_a)) == 2
    # A due date long past: nothing is planned (the feature's first run does not wake old campaigns).
    assert reminders.plan_reminders(today=day(30)) == 0


def test_a_moved_due_date_cancels_the_old_reminders_and_plans_new_ones(tree, campaign):
    reminders.plan_reminders(today=day(-1))
    services.campaign_update(actor=tree.staff, campaign=campaign, reflection_due=day(5))
    result = reminders.send_due_reminders(now=timezone.now(), today=day(-1))
    assert result["cancelled"] == 3 and result["sent"] == 0
    run_on(day(2))  # 3 days before the new due date
    assert sent_days(tree.member_a) == [(ReflectionReminderKind.BEFORE, day(2))]


def test_no_due_date_no_reminders_and_people_without_an_account_are_skipped(tree):
    campaign = make_campaign(tree.staff, tree.root)  # no reflection_due
    services.invitees_generate(actor=tree.staff, campaign=campaign)
    assert reminders.plan_reminders(today=TODAY) == 0
    other = make_campaign(tree.staff, tree.root, reflection_due=TODAY + dt.timedelta(days=1))
    services.invitees_generate(actor=tree.staff, campaign=other)
    assert reminders.plan_reminders(today=TODAY) == 1  # only person_a has a user account here
    assert ReflectionReminder.objects.get().recipient == tree.member_a


def test_a_failed_email_is_retried_later_and_then_sent_once(tree, campaign, monkeypatch):
    def broken(*args, **kwargs):
        raise ConnectionError("SMTP down")

    monkeypatch.setattr(notification_mail, "_send", broken)
    assert run_on(day(-3))["sent"] == 3  # the reminders became notifications (in the app)...
    assert Notification.objects.filter(recipient=tree.member_a).count() == 1
    assert set(EmailDelivery.objects.values_list("status", flat=True)) == {OutboxStatus.FAILED}
    assert mail.outbox == []  # ...and their e-mails wait in the notifications outbox
    monkeypatch.undo()
    later = dt.datetime.combine(day(-3), dt.time(10), tzinfo=dates.LOCAL_ZONE)
    assert notification_mail.send_emails(now=later)["sent"] == 3
    assert notification_mail.send_emails(now=later)["sent"] == 0
    assert run_on(day(-3))["sent"] == 0
    assert len([m for m in mail.outbox if m.to == ["member_a@example.vn"]]) == 1
    assert Notification.objects.filter(recipient=tree.member_a).count() == 1


def test_the_task_is_scheduled_and_uses_the_local_clock(tree, campaign, monkeypatch):
    assert any(job.name == "study.reflection_reminders" for job in scheduler.SCHEDULED_JOBS)
    fake_now = dt.datetime.combine(day(-1), dt.time(8), tzinfo=dates.LOCAL_ZONE)
    monkeypatch.setattr(timezone, "now", lambda: fake_now)
    result = send_reflection_reminders.enqueue().return_value
    assert result == {"planned": 3, "sent": 3, "failed": 0, "cancelled": 0}
    assert sent_days(tree.member_a) == [(ReflectionReminderKind.BEFORE, day(-1))]


def test_the_policy_comes_from_settings(tree, campaign, settings):
    settings.STUDY_REFLECTION_REMINDERS = {"days_before": (5,)}
    for offset in range(-6, 1):
        run_on(day(offset))
    assert sent_days(tree.member_a) == [(ReflectionReminderKind.BEFORE, day(-5))]
