"""Who is told about a meeting (in the app and by e-mail through the outbox, exactly once), the reminder of
documents due, and what waits in "Việc chờ tôi xử lý"."""

import datetime as dt

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from neuguong.core.errors import BusinessError
from neuguong.core.tests.factories import Role, UserFactory, grant
from neuguong.core.tests.tasks import enqueued_tasks
from neuguong.meetings import services
from neuguong.meetings.notices import MeetingNotice
from neuguong.notifications import mail as notification_mail
from neuguong.notifications.models import EmailDelivery, Notification
from neuguong.notifications.queue import queue_for

from .factories import plan

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def branch_secretary(tree):
    """The chi bộ's own secretary: the committee above it (org_a) is then secretary_a."""
    user = UserFactory(username="bithu_a1", email="bithu_a1@example.vn")
    grant(user, Role.SECRETARY, tree.branch_a)
    return user


def _told(kind: str) -> list[str]:
    return sorted(Notification.objects.filter(kind=kind).values_list("recipient__username", flat=True))


def test_announcing_tells_every_invitee_and_the_committee_above_once_in_the_app_and_by_email(
    tree, branch_secretary
):
    tree.member_a.email, tree.secretary_a.email = "dinh@example.vn", "sec_a@example.vn"
    tree.member_a.save()
    tree.secretary_a.save()
    starts = timezone.now() + dt.timedelta(days=5)
    meeting = plan(branch_secretary, tree.branch_a, starts_at=starts, place="Phòng họp tầng 2")
    services.meeting_announce(actor=branch_secretary, meeting=meeting)

    # person_a2 has no account; the announcer is not told of their own announcement.
    assert _told(MeetingNotice.ANNOUNCED) == ["member_a", "secretary_a"]
    notice = Notification.objects.get(kind=MeetingNotice.ANNOUNCED, recipient=tree.member_a)
    assert notice.title == (
        f"Chi bộ Phòng Ngân sách: {meeting.title.lower()} — "
        f"{timezone.localtime(starts):%H:%M %d/%m/%Y}, Phòng họp tầng 2"
    )
    assert "Nội dung: Sinh hoạt thường kỳ: kiểm điểm việc thực hiện nghị quyết tháng" in notice.text
    assert notice.url == f"/sinh-hoat/{meeting.pk}/"
    assert EmailDelivery.objects.filter(notification__kind=MeetingNotice.ANNOUNCED).count() == 2

    with pytest.raises(BusinessError):
        services.meeting_announce(actor=branch_secretary, meeting=meeting)
    assert Notification.objects.filter(kind=MeetingNotice.ANNOUNCED).count() == 2
    # The outbox sends each e-mail once, however often it runs.
    assert notification_mail.send_emails(now=timezone.now())["sent"] == 2
    assert notification_mail.send_emails(now=timezone.now())["sent"] == 0
    assert sorted(m.to[0] for m in mail.outbox) == ["dinh@example.vn", "sec_a@example.vn"]


def test_postponing_an_announced_meeting_tells_the_same_people_with_the_reason_and_settles_the_notice(
    tree, branch_secretary
):
    meeting = plan(branch_secretary, tree.branch_a, starts_at=timezone.now() + dt.timedelta(days=5))
    services.meeting_announce(actor=branch_secretary, meeting=meeting)
    later = timezone.now() + dt.timedelta(days=9)
    services.meeting_postpone(
        actor=branch_secretary, meeting=meeting, reason="Trùng hội nghị của Tỉnh ủy", new_starts_at=later
    )
    assert _told(MeetingNotice.HALTED) == ["member_a", "secretary_a"]
    halted = Notification.objects.get(kind=MeetingNotice.HALTED, recipient=tree.member_a)
    assert halted.title.startswith(f"Chi bộ Phòng Ngân sách: hoãn {meeting.title.lower()}; họp lại lúc ")
    assert halted.text == "Lý do: Trùng hội nghị của Tỉnh ủy"
    # The announcement no longer waits to be read (and its e-mail, if not sent yet, is moot).
    assert not Notification.objects.filter(kind=MeetingNotice.ANNOUNCED, read_at__isnull=True).exists()


def test_a_planned_meeting_cancelled_before_announcing_tells_nobody(tree, branch_secretary):
    meeting = plan(branch_secretary, tree.branch_a)
    services.meeting_cancel(actor=branch_secretary, meeting=meeting, reason="Gộp với sinh hoạt chuyên đề")
    assert not Notification.objects.exists()


def test_a_document_made_available_is_told_to_the_invitees(tree, announced):
    services.document_add(
        actor=tree.secretary_a,
        meeting=announced,
        title="Dự thảo nghị quyết tháng",
        upload=SimpleUploadedFile("du-thao.pdf", PDF),
    )
    notice = Notification.objects.get(kind=MeetingNotice.DOCUMENT_AVAILABLE)
    assert notice.recipient == tree.member_a
    assert (
        notice.title
        == f"Tài liệu {announced.title.lower()} (Chi bộ Phòng Ngân sách): Dự thảo nghị quyết tháng"
    )
    assert notice.url.endswith("#documents")


def test_the_documents_reminder_goes_once_to_the_secretary_and_the_preparer_while_nothing_was_sent(
    tree, branch_secretary
):
    preparer_user = UserFactory(username="nguoi_chuan_bi")
    tree.person_a2.user = preparer_user
    tree.person_a2.save()
    soon = plan(
        branch_secretary,
        tree.branch_a,
        starts_at=timezone.now() + dt.timedelta(hours=40),  # documents due 1 day before: in 16 hours
        preparer=tree.person_a2,
    )
    services.meeting_announce(actor=branch_secretary, meeting=soon)
    thematic = plan(
        branch_secretary, tree.branch_a, kind="thematic", starts_at=timezone.now() + dt.timedelta(hours=30)
    )
    services.document_add(
        actor=branch_secretary, meeting=thematic, title="Chuyên đề", upload=SimpleUploadedFile("c.pdf", PDF)
    )
    far = plan(
        branch_secretary, tree.branch_a, kind="thematic", starts_at=timezone.now() + dt.timedelta(days=6)
    )

    assert services.documents_reminders_send() == 1
    assert _told(MeetingNotice.DOCUMENTS_DUE) == ["bithu_a1", "nguoi_chuan_bi"]
    assert {n.target_id for n in Notification.objects.filter(kind=MeetingNotice.DOCUMENTS_DUE)} == {soon.pk}
    assert services.documents_reminders_send() == 0  # once per meeting
    assert services.documents_reminders_send(now=timezone.now() + dt.timedelta(days=5, hours=12)) == 1
    assert {n.target_id for n in Notification.objects.filter(kind=MeetingNotice.DOCUMENTS_DUE)} == {
        soon.pk,
        far.pk,
    }
    # Sending a document settles the reminder.
    services.document_add(
        actor=branch_secretary, meeting=soon, title="Dự thảo", upload=SimpleUploadedFile("d.pdf", PDF)
    )
    assert not Notification.objects.filter(
        kind=MeetingNotice.DOCUMENTS_DUE, target_id=soon.pk, read_at__isnull=True
    ).exists()


def test_the_queue_shows_the_secretary_what_to_announce_record_and_approve_and_the_member_what_to_confirm(
    tree, branch_secretary
):
    planned = plan(branch_secretary, tree.branch_a, starts_at=timezone.now() + dt.timedelta(days=5))
    (item,) = queue_for(branch_secretary).items
    assert (item.kind, item.target_id) == ("meetings.to_announce", planned.pk)
    assert item.title.endswith("chưa thông báo cho đảng viên")
    assert queue_for(tree.member_a).items == []

    services.meeting_announce(actor=branch_secretary, meeting=planned)
    assert queue_for(branch_secretary).items == []
    (invitation,) = queue_for(tree.member_a).items
    assert invitation.kind == "meetings.to_confirm"
    assert invitation.url == f"/sinh-hoat/{planned.pk}/#my-invitation"
    services.invitee_reply(user=tree.member_a, meeting=planned, reply="attending")
    assert queue_for(tree.member_a).items == []

    # Its time passes unrecorded, then it is recorded held: the minutes wait for approval.
    planned.starts_at = timezone.now() - dt.timedelta(hours=3)
    planned.save(update_fields=["starts_at"])
    assert [i.kind for i in queue_for(branch_secretary).items] == ["meetings.to_record"]
    services.meeting_hold(
        actor=branch_secretary, meeting=planned, ended_at=timezone.now() - dt.timedelta(hours=1)
    )
    assert [i.kind for i in queue_for(branch_secretary).items] == ["meetings.minutes_to_approve"]
    # The committee above is not the chi bộ's reviewer while the chi bộ has a secretary of its own.
    assert queue_for(tree.secretary_a).items == []


def test_the_queue_reads_a_fixed_number_of_queries(tree, branch_secretary, django_assert_max_num_queries):
    for days in (5, 40, 70):
        plan(branch_secretary, tree.branch_a, starts_at=timezone.now() + dt.timedelta(days=days))
    from neuguong.meetings.waiting import waiting_for

    with django_assert_max_num_queries(4):
        assert len(waiting_for(branch_secretary, 100)) == 3


@pytest.mark.django_db(transaction=True)
def test_the_documents_reminder_of_several_meetings_enqueues_the_email_task_once(tree, branch_secretary):
    """Each meeting is reminded in its own transaction; the e-mail sender is enqueued once for the run."""
    for hours, kind in ((30, "regular"), (40, "thematic")):  # one regular meeting a month
        plan(branch_secretary, tree.branch_a, kind=kind, starts_at=timezone.now() + dt.timedelta(hours=hours))
    with enqueued_tasks() as enqueued:
        assert services.documents_reminders_send() == 2
    assert enqueued.count("neuguong.notifications.tasks.send_notification_emails") == 1
    assert EmailDelivery.objects.filter(status="sent").count() == 2
    assert [m.to for m in mail.outbox] == [["bithu_a1@example.vn"]] * 2
