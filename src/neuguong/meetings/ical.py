"""iCal (RFC 5545) feeds of meetings, written with the `icalendar` library: the organisation's meetings
(a download for its readers) and a member's own (a download, or a private subscription address)."""

import datetime as dt

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, vText

from neuguong.core.dates import LOCAL_ZONE

from .models import Meeting, MeetingState

SEQUENCE_EPOCH = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
STATUS = {
    MeetingState.PLANNED: "TENTATIVE",
    MeetingState.ANNOUNCED: "CONFIRMED",
    MeetingState.HELD: "CONFIRMED",
    MeetingState.APPROVED: "CONFIRMED",
    MeetingState.POSTPONED: "CANCELLED",
    MeetingState.CANCELLED: "CANCELLED",
}


def _host() -> str:
    site = getattr(settings, "SITE_URL", "") or "neuguong.local"
    return site.split("://")[-1].strip("/").split("/")[0] or "neuguong.local"


def calendar_bytes(meetings, *, name: str, base_url: str) -> bytes:
    """One VEVENT per meeting: start and planned end in Asia/Ho_Chi_Minh, place or link, the topic."""
    calendar = Calendar()
    calendar.add("prodid", "-//Nêu Gương//Sinh hoạt chi bộ//VI")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Asia/Ho_Chi_Minh")
    host = _host()
    stamp = timezone.now()
    for meeting in meetings:
        calendar.add_component(_event(meeting, host=host, stamp=stamp, base_url=base_url))
    calendar.add_missing_timezones()  # the VTIMEZONE of Asia/Ho_Chi_Minh the events' TZID refers to
    return calendar.to_ical()


def _event(meeting: Meeting, *, host: str, stamp: dt.datetime, base_url: str) -> Event:
    start = (meeting.started_at or meeting.starts_at).astimezone(LOCAL_ZONE)
    end = (
        meeting.ended_at.astimezone(LOCAL_ZONE)
        if meeting.ended_at
        else start + dt.timedelta(minutes=meeting.expected_minutes)
    )
    url = f"{base_url.rstrip('/')}{meeting.get_absolute_url()}"
    lines = [meeting.topic]
    if meeting.online_link:
        lines.append(f"Họp trực tuyến: {meeting.online_link}")
    if meeting.state in (MeetingState.POSTPONED, MeetingState.CANCELLED):
        lines.insert(0, f"{meeting.get_state_display()}: {meeting.halt_reason}")
    lines.append(url)
    event = Event()
    event.add("uid", f"meeting-{meeting.pk}@{host}")
    event.add("dtstamp", stamp)
    event.add("dtstart", start)
    event.add("dtend", end)
    event.add("summary", f"{meeting.title} — {meeting.organization.name}")
    event.add("location", vText(meeting.place or meeting.online_link))
    event.add("description", "\n".join(lines))
    event.add("url", url)
    event.add("status", STATUS[MeetingState(meeting.state)])
    # Grows with every change, so a calendar app replaces its copy of the event.
    event.add("sequence", int((meeting.updated_at - SEQUENCE_EPOCH).total_seconds() // 60))
    return event
