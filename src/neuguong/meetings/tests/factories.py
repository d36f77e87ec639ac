"""Meetings for tests, through the services (as a secretary would make them)."""

import datetime as dt

from django.utils import timezone

from neuguong.core.dates import LOCAL_ZONE
from neuguong.meetings import services


def at(day: dt.date, hour: int = 14, minute: int = 0) -> dt.datetime:
    """An instant on `day` at local time (Asia/Ho_Chi_Minh)."""
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=LOCAL_ZONE)


def plan(actor, organization, *, starts_at=None, kind="regular", **values):
    starts_at = starts_at or timezone.now() + dt.timedelta(days=7)
    defaults = {
        "topic": "Sinh hoạt thường kỳ: kiểm điểm việc thực hiện nghị quyết tháng",
        "place": "Phòng họp tầng 2",
    }
    return services.meeting_plan(
        actor=actor, organization=organization, kind=kind, starts_at=starts_at, **(defaults | values)
    )


def held_meeting(actor, organization, *, starts_at, minutes=120, present=(), absent=(), excused=()):
    """A meeting planned and announced before `starts_at`, held for `minutes`, attendance marked."""
    announce_at = starts_at - dt.timedelta(days=20)
    meeting = plan(actor, organization, starts_at=starts_at)
    services.meeting_announce(actor=actor, meeting=meeting, now=announce_at)
    end = starts_at + dt.timedelta(minutes=minutes)
    services.meeting_hold(actor=actor, meeting=meeting, ended_at=end, now=end + dt.timedelta(minutes=1))
    marks = {p.pk: ("present", "") for p in present}
    marks |= {p.pk: ("absent", "") for p in absent}
    marks |= {p.pk: ("excused", "Đi công tác") for p in excused}
    if marks:
        services.attendance_mark(actor=actor, meeting=meeting, marks=marks, now=end)
    meeting.refresh_from_db()
    return meeting
