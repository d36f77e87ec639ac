import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from neuguong.meetings import services
from neuguong.meetings.models import CalendarToken

from .factories import plan

pytestmark = pytest.mark.django_db


def _events(content: bytes) -> list:
    return [c for c in Calendar.from_ical(content).walk() if c.name == "VEVENT"]


def test_a_member_downloads_their_announced_meetings_not_the_planned_ones(tree, announced, login):
    plan(tree.secretary_a, tree.branch_a, kind="thematic", starts_at=timezone.now() + dt.timedelta(days=20))
    response = login(tree.member_a).get(reverse("meetings:my_calendar"))
    assert response["Content-Type"].startswith("text/calendar")
    events = _events(response.content)
    assert len(events) == 1
    assert [c["tzid"] for c in Calendar.from_ical(response.content).walk("VTIMEZONE")] == ["Asia/Ho_Chi_Minh"]
    event = events[0]
    assert str(event["summary"]) == f"{announced.title} — Chi bộ Phòng Ngân sách"
    assert (
        event["dtstart"].dt == announced.starts_at.replace(microsecond=0)
        and str(event["location"]) == "Phòng họp tầng 2"
    )
    assert str(event["status"]) == "CONFIRMED" and str(event["uid"]).startswith(f"meeting-{announced.pk}@")
    assert event["dtend"].dt - event["dtstart"].dt == dt.timedelta(minutes=90)


def test_the_organisations_calendar_is_for_its_readers_and_shows_postponements(tree, announced, login):
    services.meeting_postpone(actor=tree.secretary_a, meeting=announced, reason="Bão")
    url = reverse("meetings:org_calendar", args=["A1"])
    events = _events(login(tree.secretary_a).get(url).content)
    assert [str(e["status"]) for e in events] == ["CANCELLED"] and "Hoãn: Bão" in str(
        events[0]["description"]
    )
    assert login(tree.secretary_b).get(url).status_code == 404


def test_a_private_feed_works_without_a_session_until_it_is_revoked(tree, announced, client, login):
    page = login(tree.member_a).post(reverse("meetings:calendar_settings"), {"action": "issue"})
    html = page.content.decode()
    start = html.index("<code>") + len("<code>")
    feed = html[start : html.index("</code>", start)].replace("http://testserver", "")
    client.logout()
    assert len(_events(client.get(feed).content)) == 1
    assert CalendarToken.objects.get().key_hash not in feed  # only the hash is kept
    login(tree.member_a).post(reverse("meetings:calendar_settings"), {"action": "issue"})
    client.logout()
    assert client.get(feed).status_code == 404  # a new address revokes the old
    login(tree.member_a).post(reverse("meetings:calendar_settings"), {"action": "revoke"})
    assert not CalendarToken.objects.filter(revoked_at__isnull=True).exists()
    client.logout()
    assert client.get(reverse("meetings:private_calendar", args=["doan-bua"])).status_code == 404
