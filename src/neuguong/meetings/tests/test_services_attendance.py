import datetime as dt
import time

import pytest
from django.utils import timezone

from neuguong.audit.models import AuditEvent
from neuguong.core.errors import BusinessError, OutOfScope
from neuguong.core.tests.factories import PersonFactory
from neuguong.meetings import services
from neuguong.meetings.models import Invitee
from neuguong.meetings.selectors import attendance_counts
from neuguong.people import attendance
from neuguong.people.models import Membership
from neuguong.study import rules as study_rules

from .factories import plan

pytestmark = pytest.mark.django_db


def test_the_secretary_marks_everyone_and_the_rate_counts_only_who_was_expected(tree, announced):
    count = services.attendance_mark(
        actor=tree.secretary_a,
        meeting=announced,
        marks={
            tree.person_a.pk: ("present", ""),
            tree.person_a2.pk: ("excused", "Ốm, có giấy của bệnh viện"),
        },
    )
    assert count == 2
    counts = attendance_counts(announced)
    assert (counts.invited, counts.expected, counts.present, counts.excused, counts.rate) == (
        2,
        2,
        1,
        1,
        50.0,
    )
    # One event for the save, every change in it, read with names.
    (changes,) = AuditEvent.objects.filter(action="meetings.attendance").values_list("changes", flat=True)
    assert changes["attendance"]["new"] == (
        "Nguyễn Nam Đình: Có mặt; Nguyễn Văn An: Vắng có lý do (Ốm, có giấy của bệnh viện)"
    )
    assert changes["attendance"]["old"] == "Nguyễn Nam Đình: chưa điểm danh; Nguyễn Văn An: chưa điểm danh"


def test_attendance_for_someone_not_invited_is_refused_and_nothing_is_written(tree, announced):
    stranger = PersonFactory(full_name="Hồ Ngoài Danh Sách", organization=tree.branch_a)
    with pytest.raises(BusinessError) as exc:
        services.attendance_mark(
            actor=tree.secretary_a,
            meeting=announced,
            marks={tree.person_a.pk: ("present", ""), stranger.pk: ("present", "")},
        )
    assert exc.value.message == services.MSG_NOT_INVITEE.format(name="Hồ Ngoài Danh Sách")
    assert not Invitee.objects.exclude(status="").exists()
    assert not AuditEvent.objects.filter(action="meetings.attendance").exists()


def test_an_excused_absence_needs_a_reason(tree, announced):
    with pytest.raises(BusinessError) as exc:
        services.attendance_mark(
            actor=tree.secretary_a, meeting=announced, marks={tree.person_a.pk: ("excused", " ")}
        )
    assert exc.value.message == f"{tree.person_a.full_name}: {services.MSG_REASON_REQUIRED}"


def test_someone_who_joined_after_the_meeting_was_held_is_not_absent(tree):
    planned_day = timezone.now() + dt.timedelta(days=10)
    meeting = plan(tree.secretary_a, tree.branch_a, starts_at=planned_day)
    joiner = PersonFactory(full_name="Phạm Mới Đến", organization=tree.branch_a)
    joined = timezone.localdate() + dt.timedelta(days=1)
    Membership.objects.filter(person=joiner).update(started_on=joined)
    services.meeting_announce(actor=tree.secretary_a, meeting=meeting)
    assert Invitee.objects.filter(meeting=meeting, person=joiner).exists()
    # Brought forward: held today, before the joiner's first day.
    start = timezone.now() - dt.timedelta(hours=2)
    meeting.refresh_from_db()
    services.meeting_hold(
        actor=tree.secretary_a, meeting=meeting, started_at=start, ended_at=start + dt.timedelta(minutes=95)
    )
    with pytest.raises(BusinessError) as exc:
        services.attendance_mark(actor=tree.secretary_a, meeting=meeting, marks={joiner.pk: ("absent", "")})
    assert exc.value.message == "Phạm Mới Đến: " + services.MSG_JOINED_AFTER.format(
        name="Phạm Mới Đến", joined=joined.strftime("%d/%m/%Y")
    )
    meeting.refresh_from_db()
    counts = attendance_counts(meeting)
    assert counts.invited == 3 and counts.expected == 2


def test_attendance_opens_half_an_hour_before_the_start(tree):
    meeting = plan(tree.secretary_a, tree.branch_a, starts_at=timezone.now() + dt.timedelta(days=2))
    services.meeting_announce(actor=tree.secretary_a, meeting=meeting)
    with pytest.raises(BusinessError) as exc:
        services.attendance_mark(
            actor=tree.secretary_a, meeting=meeting, marks={tree.person_a.pk: ("present", "")}
        )
    assert exc.value.message == services.MSG_ATTENDANCE_EARLY


def test_a_secretary_of_another_chi_bo_cannot_mark(tree, announced):
    with pytest.raises(OutOfScope):
        services.attendance_mark(
            actor=tree.secretary_b, meeting=announced, marks={tree.person_a.pk: ("present", "")}
        )


def test_qr_check_in_marks_the_member_present_once(tree, announced):
    token = services.checkin_token(announced)
    first = services.attendance_self_checkin(user=tree.member_a, meeting=announced, token=token)
    again = services.attendance_self_checkin(user=tree.member_a, meeting=announced, token=token)
    assert first.pk == again.pk and again.status == "present" and again.method == "qr"
    assert AuditEvent.objects.filter(action="meetings.attendance").count() == 1


def test_qr_tokens_expire_and_open_only_their_own_meeting(tree, announced, monkeypatch):
    other = plan(
        tree.secretary_a, tree.branch_a, kind="thematic", starts_at=timezone.now() + dt.timedelta(minutes=20)
    )
    for token, message in (
        (services.checkin_token(other), services.MSG_QR_MISMATCH),
        (services.checkin_token(announced) + "x", services.MSG_QR_INVALID),
        # A study session's link with the same ids never opens a meeting.
        (study_rules.checkin_token(announced.pk, announced.pk), services.MSG_QR_INVALID),
    ):
        with pytest.raises(BusinessError) as exc:
            services.attendance_self_checkin(user=tree.member_a, meeting=announced, token=token)
        assert exc.value.message == message
    token = services.checkin_token(announced)
    real_time = time.time
    monkeypatch.setattr(time, "time", lambda: real_time() + attendance.CHECKIN_MAX_AGE.total_seconds() + 5)
    with pytest.raises(BusinessError) as exc:
        services.attendance_self_checkin(user=tree.member_a, meeting=announced, token=token)
    assert exc.value.message == services.MSG_QR_EXPIRED


def test_qr_check_in_by_someone_not_invited_is_refused(tree, announced):
    from neuguong.core.tests.factories import UserFactory

    stranger = UserFactory(username="khach")
    PersonFactory(full_name="Khách Mời", organization=tree.org_b, user=stranger)
    with pytest.raises(BusinessError) as exc:
        services.attendance_self_checkin(
            user=stranger, meeting=announced, token=services.checkin_token(announced)
        )
    assert exc.value.message == services.MSG_NOT_INVITED


def test_a_member_replies_from_their_phone_and_an_excuse_needs_a_reason(tree, announced):
    with pytest.raises(BusinessError) as exc:
        services.invitee_reply(user=tree.member_a, meeting=announced, reply="excused")
    assert exc.value.message == services.MSG_REPLY_REASON
    invitee = services.invitee_reply(user=tree.member_a, meeting=announced, reply="attending")
    assert invitee.reply == "attending" and invitee.replied_at is not None
    with pytest.raises(BusinessError) as exc:
        services.invitee_reply(user=tree.outsider, meeting=announced, reply="attending")
    assert exc.value.message == services.MSG_NO_PERSON
