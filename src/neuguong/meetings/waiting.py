"""What waits for a user in the meetings module ("Việc chờ tôi xử lý"). Two queries:

- for the reviewers of a chi bộ (`notifications.recipients.reviewer_q`: its secretary, else the nearest
  committee's, the same people who manage its meetings day to day): a planned meeting not yet announced, an
  meeting whose time has passed and is not recorded as held, a held meeting whose minutes are not
  approved;
- for a member: an announced meeting they have not answered yet.
"""

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from neuguong.access.scope import scope_for
from neuguong.notifications.queue import QueueItem
from neuguong.notifications.recipients import reviewer_q

from .models import UPCOMING_STATES, Invitee, Meeting, MeetingState

TYPE = "meetings.meeting"
TO_ANNOUNCE = ("meetings.to_announce", "Lịch sinh hoạt chờ thông báo")
TO_RECORD = ("meetings.to_record", "Buổi sinh hoạt chờ ghi nhận đã họp")
MINUTES_TO_APPROVE = ("meetings.minutes_to_approve", "Biên bản sinh hoạt chờ duyệt")
TO_CONFIRM = ("meetings.to_confirm", "Lịch sinh hoạt chờ xác nhận dự họp")


def _item(meeting: Meeting, kind: tuple[str, str], title: str, url: str, since) -> QueueItem:
    return QueueItem(
        kind=kind[0],
        kind_label=kind[1],
        title=title,
        url=url,
        waiting_since=since,
        organization=meeting.organization.name,
        target_type=TYPE,
        target_id=meeting.pk,
    )


def waiting_for(user, limit: int) -> list[QueueItem]:
    now = timezone.now()
    items: list[QueueItem] = []
    managed = (
        Meeting.objects.filter(reviewer_q(user, "organization"))
        .filter(
            Q(state=MeetingState.PLANNED, starts_at__gt=now)
            | Q(state__in=UPCOMING_STATES, starts_at__lte=now)
            | Q(state=MeetingState.HELD)
        )
        .select_related("organization")
        .order_by("starts_at", "id")
    )
    for m in managed[:limit]:
        when = f"{timezone.localtime(m.starts_at):%H:%M %d/%m/%Y}"
        detail = reverse("meetings:detail", args=[m.pk])
        if m.state == MeetingState.PLANNED and m.starts_at > now:
            title = f"{m.organization.name}: {m.title.lower()} ({when}) chưa thông báo cho đảng viên"
            items.append(_item(m, TO_ANNOUNCE, title, detail, m.created_at))
        elif m.state in UPCOMING_STATES:
            title = f"{m.organization.name}: {m.title.lower()} ({when}) chưa ghi nhận đã họp"
            items.append(_item(m, TO_RECORD, title, reverse("meetings:hold", args=[m.pk]), m.starts_at))
        else:
            title = f"{m.organization.name}: biên bản {m.title.lower()} ({when}) chưa duyệt"
            items.append(_item(m, MINUTES_TO_APPROVE, title, detail + "#records", m.ended_at or m.starts_at))
    person_id = scope_for(user).person_id
    if person_id:
        for invitee in (
            Invitee.objects.filter(
                person_id=person_id,
                reply="",
                meeting__state=MeetingState.ANNOUNCED,
                meeting__starts_at__gt=now,
            )
            .select_related("meeting__organization")
            .order_by("meeting__starts_at", "id")[:limit]
        ):
            m = invitee.meeting
            when = f"{timezone.localtime(m.starts_at):%H:%M %d/%m/%Y}"
            title = f"{m.organization.name}: {m.title.lower()} lúc {when} — xác nhận dự họp"
            url = reverse("meetings:detail", args=[m.pk]) + "#my-invitation"
            items.append(_item(m, TO_CONFIRM, title, url, m.announced_at or m.created_at))
    return items
