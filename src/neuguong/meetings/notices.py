"""What the meetings module tells people: its notification kinds, and one function per business event.

Announcing tells every invitee (the members on the meeting date who have an account) and the committee
above (`reviewers_of` the chi bộ's parent: the nearest committee with a secretary or office staff), in the
app and by e-mail through the notifications outbox: the announcement is a state change under the meeting's
lock, so it is told exactly once. A change, a postponement or a cancellation of an announced meeting goes
to the same people; a document made available goes to the invitees. Before the documents' deadline the
secretary and the member preparing the content are reminded once if nothing has been sent yet
(`documents_due`, from the hourly task)."""

import datetime as dt

from django.contrib.contenttypes.models import ContentType
from django.db import models

from neuguong.core.dates import LOCAL_ZONE
from neuguong.notifications.kinds import register, still_relevant
from neuguong.notifications.models import Notification
from neuguong.notifications.names import display_name
from neuguong.notifications.recipients import reviewers_of
from neuguong.notifications.services import notify, settle


@register
class MeetingNotice(models.TextChoices):
    ANNOUNCED = "meetings.announced", "Thông báo lịch sinh hoạt chi bộ"
    CHANGED = "meetings.changed", "Thay đổi lịch sinh hoạt chi bộ"
    HALTED = "meetings.halted", "Hoãn, hủy buổi sinh hoạt chi bộ"
    DOCUMENT_AVAILABLE = "meetings.document_available", "Có tài liệu sinh hoạt chi bộ"
    DOCUMENTS_DUE = "meetings.documents_due", "Nhắc gửi tài liệu sinh hoạt chi bộ"


def _meeting(notification):
    from .models import Meeting

    return Meeting.objects.filter(pk=notification.target_id).first()


@still_relevant(MeetingNotice.ANNOUNCED, MeetingNotice.CHANGED)
def _still_announced(notification) -> bool:
    from .models import MeetingState

    meeting = _meeting(notification)
    return meeting is not None and meeting.state == MeetingState.ANNOUNCED


@still_relevant(MeetingNotice.DOCUMENTS_DUE)
def _documents_still_missing(notification) -> bool:
    from .models import UPCOMING_STATES

    meeting = _meeting(notification)
    return (
        meeting is not None
        and meeting.state in UPCOMING_STATES
        and not meeting.documents.alive().filter(available_at__isnull=False).exists()
    )


def _invitee_users(meeting) -> list[int]:
    from .models import Invitee

    return list(
        Invitee.objects.filter(meeting=meeting, person__user__isnull=False)
        .order_by("person__user_id")
        .values_list("person__user_id", flat=True)
    )


def _committee_above(meeting) -> list[int]:
    parent = meeting.organization.parent
    return reviewers_of(parent) if parent is not None else []


def _when_and_where(meeting) -> str:
    when = f"{meeting.starts_at.astimezone(LOCAL_ZONE):%H:%M %d/%m/%Y}"
    where = meeting.place or "họp trực tuyến"
    return f"{when}, {where}"


def _details(meeting) -> str:
    lines = [
        f"Thời gian: {meeting.starts_at.astimezone(LOCAL_ZONE):%H:%M ngày %d/%m/%Y}"
        f" (dự kiến {meeting.expected_minutes} phút)",
        f"Địa điểm: {meeting.place}" if meeting.place else "",
        f"Họp trực tuyến: {meeting.online_link}" if meeting.online_link else "",
        f"Nội dung: {meeting.topic}",
        f"Người chuẩn bị nội dung: {meeting.preparer.full_name}" if meeting.preparer_id else "",
    ]
    return "\n".join(line for line in lines if line)


def meeting_announced(*, actor, meeting) -> None:
    """The invitees and the committee above learn the time, place and content."""
    notify(
        kind=MeetingNotice.ANNOUNCED,
        recipients=_invitee_users(meeting) + _committee_above(meeting),
        actor=actor,
        target=meeting,
        title=f"{meeting.organization.name}: {meeting.title.lower()} — {_when_and_where(meeting)}",
        text=_details(meeting),
        url=meeting.get_absolute_url(),
    )


def meeting_changed(*, actor, meeting) -> None:
    """Place, content or preparer of an announced meeting changed: the same people are told again."""
    notify(
        kind=MeetingNotice.CHANGED,
        recipients=_invitee_users(meeting) + _committee_above(meeting),
        actor=actor,
        target=meeting,
        title=f"{meeting.organization.name}: thay đổi {meeting.title.lower()} — {_when_and_where(meeting)}",
        text=_details(meeting),
        url=meeting.get_absolute_url(),
    )


def meeting_halted(*, actor, meeting, replacement) -> None:
    """An announced meeting is postponed (perhaps to a new time) or cancelled, with the reason."""
    from .models import MeetingState

    settle(target=meeting, kinds=[MeetingNotice.ANNOUNCED, MeetingNotice.CHANGED])
    what = "hoãn" if meeting.state == MeetingState.POSTPONED else "hủy"
    later = (
        f"; họp lại lúc {replacement.starts_at.astimezone(LOCAL_ZONE):%H:%M %d/%m/%Y} (sẽ thông báo lại)"
        if replacement is not None
        else ""
    )
    notify(
        kind=MeetingNotice.HALTED,
        recipients=_invitee_users(meeting) + _committee_above(meeting),
        actor=actor,
        target=meeting,
        title=f"{meeting.organization.name}: {what} {meeting.title.lower()}{later}",
        text=f"Lý do: {meeting.halt_reason}",
        url=meeting.get_absolute_url(),
    )


def document_available(*, actor, document) -> None:
    """A document is made available to the invitees (only once the meeting is announced: before that
    nobody is invited yet, and the announcement lists the meeting)."""
    meeting = document.meeting
    settle(target=meeting, kinds=[MeetingNotice.DOCUMENTS_DUE])
    notify(
        kind=MeetingNotice.DOCUMENT_AVAILABLE,
        recipients=_invitee_users(meeting),
        actor=actor,
        target=meeting,
        title=f"Tài liệu {meeting.title.lower()} ({meeting.organization.name}): {document.title}",
        text=f"Người gửi: {display_name(actor)}",
        url=meeting.get_absolute_url() + "#documents",
    )


def documents_due(*, meeting) -> bool:
    """Remind the secretary and the preparer that nothing has been sent for the meeting yet, once per
    meeting (the caller holds the meeting's lock). Returns whether a reminder was written."""
    already = Notification.objects.filter(
        kind=MeetingNotice.DOCUMENTS_DUE,
        target_type=ContentType.objects.get_for_model(type(meeting)),
        target_id=meeting.pk,
    ).exists()
    if already:
        return False
    recipients = reviewers_of(meeting.organization)
    if meeting.preparer_id and meeting.preparer.user_id:
        recipients.append(meeting.preparer.user_id)
    due = meeting.documents_due_at.astimezone(LOCAL_ZONE)
    rows = notify(
        kind=MeetingNotice.DOCUMENTS_DUE,
        recipients=recipients,
        actor=None,
        target=meeting,
        title=(
            f"{meeting.organization.name}: chưa gửi tài liệu {meeting.title.lower()}"
            f" — hạn {due:%H:%M %d/%m/%Y}"
        ),
        text=_details(meeting),
        url=meeting.get_absolute_url() + "#documents",
    )
    return bool(rows)


# How long before the documents' deadline the reminder goes out.
DOCUMENTS_REMINDER_AHEAD = dt.timedelta(hours=24)
