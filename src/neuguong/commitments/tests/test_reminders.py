import datetime as dt
import io
from unittest import mock

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.test import override_settings
from django.utils import timezone

from neuguong.commitments import reminders, services
from neuguong.commitments.models import Reminder, ReminderKind, ReminderPlanning
from neuguong.commitments.tasks import plan_commitment_reminders, send_due_commitment_reminders
from neuguong.core.dates import local_today
from neuguong.core.scheduler import SCHEDULED_JOBS
from neuguong.core.tests.factories import UserFactory, created_on
from neuguong.core.tests.tasks import enqueued_tasks
from neuguong.notifications import mail as notification_mail
from neuguong.notifications import outbox
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


def test_a_secretarys_escalations_of_one_morning_are_told_once_with_the_list(tree, commitment):
    """Three commitments of branch A crossing 14 days overdue the same morning: A's secretary gets one
    notification (and one e-mail) that counts and lists them and links to the board, overdue, of A;
    each escalation is still its own row, sent."""
    tree.secretary_a.email = "bithu.a@example.vn"
    tree.secretary_a.save()
    more = [
        services.commitment_create(
            actor=tree.secretary_a,
            organization=tree.branch_a,
            title=title,
            deadline=DEADLINE,
            responsible_person=tree.person_a,
            today=dt.date(2026, 4, 1),
        )
        for title in ("Tự phê bình trước chi bộ", "Đăng ký nêu gương năm 2026")
    ]
    tick(14)
    escalations = Reminder.objects.filter(kind=ReminderKind.ESCALATION)
    assert escalations.count() == 3 and set(escalations.values_list("status", flat=True)) == {
        OutboxStatus.SENT
    }
    (told,) = Notification.objects.filter(recipient=tree.secretary_a, kind="commitments.escalation")
    assert told.title == "Báo cáo cấp trên: 3 nhiệm vụ của tổ chức trực thuộc quá hạn từ 14 ngày"
    for title in ("Viết bài thu hoạch", *(c.title for c in more)):
        assert f"– {title} — {tree.person_a.full_name} ({tree.branch_a.name}), hạn 30/04/2026" in told.text
    assert told.url == f"/cam-ket/bang/?status=open_overdue&org={tree.org_a.code}"
    assert [m.to for m in mail.outbox if m.subject.startswith("Báo cáo cấp trên")] == [["bithu.a@example.vn"]]
    tick(15)
    assert Notification.objects.filter(kind="commitments.escalation").count() == 1  # nothing twice


def test_a_digest_stays_worth_sending_whatever_commitment_shares_its_organisations_id(tree, commitment):
    """A digest's object is the organisation above: its e-mail is not cancelled because a commitment with
    the same id happens to be closed (the check read any target id as a commitment's)."""
    from neuguong.commitments import notices
    from neuguong.commitments.models import Commitment
    from neuguong.notifications.kinds import is_relevant

    notices.escalation_digests(
        [
            notices.Digest(
                recipient_id=tree.secretary_a.pk, parent_id=tree.org_a.pk, title="Báo cáo cấp trên", text=""
            )
        ]
    )
    told = Notification.objects.get(kind="commitments.escalation")
    Commitment.objects.filter(pk=commitment.pk).update(completed_on=DEADLINE)
    told.target_id = commitment.pk  # as if the organisation and a closed commitment shared an id
    assert is_relevant(told)


def test_the_digests_link_opens_the_board_with_the_overdue_commitments(tree, commitment, login):
    services.commitment_create(
        actor=tree.secretary_a,
        organization=tree.branch_a,
        title="Tự phê bình trước chi bộ",
        deadline=DEADLINE,
        responsible_person=tree.person_a,
        today=dt.date(2026, 4, 1),
    )
    tick(14)
    (told,) = Notification.objects.filter(recipient=tree.secretary_a, kind="commitments.escalation")
    with mock.patch("neuguong.commitments.views.local_today", return_value=day(14)):
        page = login(tree.secretary_a).get(told.url).content.decode()
    assert "Viết bài thu hoạch" in page and "Tự phê bình trước chi bộ" in page


def test_a_digest_lists_the_most_overdue_first_and_counts_the_rest(tree, monkeypatch):
    monkeypatch.setattr(reminders, "DIGEST_LISTED", 2)
    made = [
        services.commitment_create(
            actor=tree.secretary_a,
            organization=tree.branch_a,
            title=f"Nhiệm vụ {n}",
            deadline=DEADLINE - dt.timedelta(days=n),
            responsible_person=tree.person_a,
            today=dt.date(2026, 3, 1),
        )
        for n in range(4)
    ]
    rows = [
        Reminder(recipient=tree.secretary_a, commitment=c, kind=ReminderKind.ESCALATION, due_on=day(14))
        for c in made
    ]
    digest = reminders._digest(tree.secretary_a.pk, rows, day(14))
    lines = digest.text.splitlines()
    assert lines[0].startswith("– Nhiệm vụ 3 —") and "quá hạn 17 ngày" in lines[0]
    assert lines[1].startswith("– Nhiệm vụ 2 —")
    assert lines[2] == "… và 2 nhiệm vụ khác (xem trên bảng nhiệm vụ)."
    assert digest.parent_id == tree.org_a.pk


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


def test_a_day_is_planned_once_and_a_missed_day_is_caught_up(tree, commitment):
    assert reminders.plan_reminders_once(today=day(-7)) == 1
    assert reminders.plan_reminders_once(today=day(-7)) is None  # planned already: not read again
    assert reminders.plan_reminders_once(today=day(-8)) is None  # a clock behind: nothing planned again
    assert reminders.send_due_reminders(now=NOW, today=day(-7))["sent"] == 1
    assert reminders.plan_reminders_once(today=day(-6)) == 0  # a new day, nothing new due
    # Days -5 to -2 missed (no worker ran): day -1's run plans the reminder due that day.
    assert reminders.plan_reminders_once(today=day(-1)) == 1
    assert ReminderPlanning.objects.get().planned_on == day(-1)


def test_a_planning_that_failed_leaves_the_day_to_the_next_run(tree, commitment, monkeypatch):
    """Rows are committed a batch at a time: those written before the failure stay (they are due), the day
    is not marked planned and its claim is released, and the next run plans it, skipping them."""

    def broken(**kwargs):
        raise OSError("database gone")
        yield  # a generator, failing after the rows before it were written

    monkeypatch.setattr(reminders, "BATCH", 1)  # read a row at a time: the "7 days before" row first
    monkeypatch.setattr(outbox, "BATCH", 1)  # and written a row at a time
    monkeypatch.setattr(reminders, "_escalations", broken)
    with pytest.raises(OSError):
        reminders.plan_reminders_once(today=day(-7))
    monkeypatch.undo()
    assert list(Reminder.objects.values_list("kind", flat=True)) == [ReminderKind.BEFORE]
    planning = ReminderPlanning.objects.get()
    assert planning.planned_on is None and planning.running_on is None
    assert reminders.plan_reminders_once(today=day(-7)) == 0  # the one due row is there already
    assert ReminderPlanning.objects.get().planned_on == day(-7)


def test_a_day_being_planned_is_left_to_its_worker_unless_it_fell_silent(tree, commitment):
    from django.utils import timezone

    ReminderPlanning.objects.create(pk=1, running_on=day(-7), running_since=timezone.now())
    assert reminders.plan_reminders_once(today=day(-7)) is None  # another worker is at it
    assert not Reminder.objects.exists()
    stale = timezone.now() - reminders.RUNNING_STALE_AFTER - dt.timedelta(minutes=1)
    ReminderPlanning.objects.filter(pk=1).update(running_since=stale)
    assert reminders.plan_reminders_once(today=day(-7)) == 1  # its worker died: taken over
    planning = ReminderPlanning.objects.get()
    assert (planning.planned_on, planning.running_on) == (day(-7), None)


def test_planning_reads_the_open_commitments_a_page_at_a_time(tree, commitment, monkeypatch):
    """Pages of BATCH by id give the same rows as one read (here pages of one row, several commitments)."""
    from neuguong.commitments.tests.factories import CommitmentFactory

    for _ in range(3):
        CommitmentFactory(responsible_person=commitment.responsible_person, deadline=commitment.deadline)
    read_whole = [
        *reminders._before_rows(day(-7)),
        *reminders._overdue_rows(day(-7)),
        *reminders._escalations(today=day(-7)),
    ]
    expected = sorted((r.commitment_id, r.kind, r.due_on) for r in read_whole)
    assert len(expected) >= 4
    monkeypatch.setattr(reminders, "BATCH", 1)
    assert reminders.plan_reminders(today=day(-7)) == len(expected)
    assert sorted(Reminder.objects.values_list("commitment_id", "kind", "due_on")) == expected


def test_the_scheduler_plans_once_a_day_however_often_it_starts_and_sends_hourly(tree, commitment):
    """Each start of `run_scheduler` enqueues every job at once (two schedulers, or a restart, do it
    twice): the day is planned once, and the sending job never plans."""
    intervals = {job.name: job.every_seconds for job in SCHEDULED_JOBS}
    assert intervals["commitments.plan_reminders"] == intervals["commitments.send_reminders"] == 3600
    assert "commitments.reminders" not in intervals  # the old job that planned every hour
    plan = mock.Mock(wraps=reminders.plan_reminders)
    with mock.patch.object(reminders, "plan_reminders", plan), enqueued_tasks() as enqueued:
        call_command("run_scheduler", once=True, stdout=io.StringIO())
        call_command("run_scheduler", once=True, stdout=io.StringIO())
        send_due_commitment_reminders.enqueue()
    assert plan.call_count == 1
    assert plan.call_args.kwargs == {"today": local_today(), "since": None}  # the first day reads all
    assert enqueued.count("neuguong.commitments.tasks.plan_commitment_reminders") == 2
    # Planning enqueued one sending; each scheduler start one more; and the one above.
    assert enqueued.count("neuguong.commitments.tasks.send_due_commitment_reminders") == 4
    overdue = Reminder.objects.get(kind=ReminderKind.OVERDUE)  # the deadline has passed by now
    assert overdue.status == OutboxStatus.SENT
    assert ReminderPlanning.objects.get().planned_on == local_today()
    assert plan_commitment_reminders.enqueue().return_value == {
        "day": local_today().isoformat(),
        "planned": 0,
        "senders": 0,
        "already_planned": True,
    }


def test_planning_starts_a_sending_chain_per_full_batch_up_to_the_setting(tree, commitment, monkeypatch):
    monkeypatch.setattr(outbox, "BATCH", 1)  # the overdue reminder and the escalation: two full batches
    assert plan_commitment_reminders.enqueue().return_value["senders"] == 2
    assert Reminder.objects.filter(status=OutboxStatus.SENT).count() == 2
    ReminderPlanning.objects.update(planned_on=None)
    with override_settings(COMMITMENT_REMINDER_SENDERS=1):
        result = plan_commitment_reminders.enqueue().return_value
    assert (result["planned"], result["senders"]) == (0, 1)  # nothing new; one chain still sends retries


def test_pruning_old_reminders_never_lets_planning_send_one_again(tree, commitment):
    """A year of overdue weeks and the escalation, then pruning: the sent rows planning cannot write
    again go, the escalation of the still-open commitment stays, and the next runs send nothing twice."""
    for offset in range(-7, 400, 7):
        tick(offset)
    sent_before = len(mail.outbox)
    escalations = Reminder.objects.filter(kind=ReminderKind.ESCALATION)
    assert escalations.count() == 1
    deleted = reminders.prune_reminders(today=day(399), keep_days=30)
    assert deleted["reminders"] > 40
    assert escalations.count() == 1  # still open: planning would write it again
    assert not Reminder.objects.filter(kind=ReminderKind.OVERDUE, due_on__lt=day(370)).exists()
    assert tick(399)["sent"] == 0  # the day of the last run: nothing planned again, nothing sent
    assert len(mail.outbox) == sent_before
    services.commitment_complete(
        actor=tree.secretary_a, commitment=commitment, completed_on=day(401), today=day(401)
    )
    reminders.prune_reminders(today=day(500), keep_days=30)
    assert not escalations.exists()  # closed: it can go
    assert any(job.name == "commitments.prune_reminders" for job in SCHEDULED_JOBS)
