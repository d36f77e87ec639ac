"""Every page of a meeting, for each role inside and outside its chi bộ: hidden is answered like missing."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from neuguong.meetings import services

pytestmark = pytest.mark.django_db

READERS = ("secretary_a", "staff", "inspector_a")
MANAGERS = ("secretary_a", "staff")
EVERYONE = ("secretary_a", "staff", "inspector_a", "member_a", "secretary_b", "outsider")


def _urls(meeting) -> dict[str, str]:
    pk = meeting.pk
    return {
        "detail": reverse("meetings:detail", args=[pk]),
        "edit": reverse("meetings:edit", args=[pk]),
        "hold": reverse("meetings:hold", args=[pk]),
        "postpone": reverse("meetings:postpone", args=[pk]),
        "cancel": reverse("meetings:cancel", args=[pk]),
        "attendance": reverse("meetings:attendance", args=[pk]),
        "attendance_xlsx": reverse("meetings:attendance_xlsx", args=[pk]),
        "qr": reverse("meetings:qr", args=[pk]),
        "agenda_add": reverse("meetings:agenda_add", args=[pk]),
        "document_add": reverse("meetings:document_add", args=[pk]),
        "items": reverse("meetings:items", args=[pk]),
        "minutes": reverse("meetings:record_edit", args=[pk, "bien-ban"]),
        "resolution": reverse("meetings:record_edit", args=[pk, "nghi-quyet"]),
        "minutes_docx": reverse("meetings:record_file", args=[pk, "bien-ban", "docx"]),
    }


EXPECTED = {
    "detail": (*READERS, "member_a"),
    "edit": MANAGERS,
    "hold": MANAGERS,
    "postpone": MANAGERS,
    "cancel": MANAGERS,
    "attendance": MANAGERS,
    "attendance_xlsx": MANAGERS,
    "qr": MANAGERS,
    "agenda_add": MANAGERS,
    "document_add": MANAGERS,
    "items": MANAGERS,
    "minutes": MANAGERS,
    "resolution": MANAGERS,
    "minutes_docx": READERS,
}


@pytest.mark.parametrize("username", EVERYONE)
def test_each_page_of_an_announced_meeting_answers_by_role(tree, announced, login, username):
    services.record_save_draft(actor=tree.secretary_a, meeting=announced, kind="minutes", body="Dự thảo")
    client = login(getattr(tree, username))
    for name, url in _urls(announced).items():
        expected = 200 if username in EXPECTED[name] else 404
        assert client.get(url).status_code == expected, (name, username)


@pytest.mark.parametrize("username", ("inspector_a", "member_a", "secretary_b", "outsider"))
def test_actions_by_who_may_not_manage_are_missing_pages_and_change_nothing(tree, announced, login, username):
    client = login(getattr(tree, username))
    start = timezone.localtime(announced.starts_at)
    posts = {
        reverse("meetings:postpone", args=[announced.pk]): {"reason": "Thử hoãn"},
        reverse("meetings:cancel", args=[announced.pk]): {"reason": "Thử hủy"},
        reverse("meetings:hold", args=[announced.pk]): {
            "started_at": start.strftime("%Y-%m-%dT%H:%M"),
            "ended_at": (start + dt.timedelta(minutes=95)).strftime("%Y-%m-%dT%H:%M"),
        },
        reverse("meetings:attendance", args=[announced.pk]): {f"status_{tree.person_a.pk}": "present"},
    }
    for url, data in posts.items():
        assert client.post(url, data).status_code == 404, url
    announced.refresh_from_db()
    assert announced.state == "announced" and not announced.invitees.exclude(status="").exists()


def test_a_member_sees_their_meeting_on_the_list_and_nothing_of_another_chi_bo(tree, announced, login):
    other = services.meeting_plan(
        actor=tree.secretary_b,
        organization=tree.org_b,
        kind="regular",
        starts_at=timezone.now() + dt.timedelta(days=3),
        topic="Sinh hoạt Chi bộ Sở Tư pháp",
        place="Phòng họp B",
    )
    page = login(tree.member_a).get(reverse("meetings:list")).content.decode()
    assert announced.title in page and "Sinh hoạt Chi bộ Sở Tư pháp" not in page
    assert login(tree.member_a).get(reverse("meetings:detail", args=[other.pk])).status_code == 404
    page = login(tree.secretary_b).get(reverse("meetings:list")).content.decode()
    assert (
        "Sinh hoạt Chi bộ Sở Tư pháp" in page and reverse("meetings:detail", args=[announced.pk]) not in page
    )


def test_a_planned_meeting_is_not_shown_to_members_before_it_is_announced(tree, login):
    from .factories import plan

    meeting = plan(tree.secretary_a, tree.branch_a)
    assert login(tree.member_a).get(reverse("meetings:detail", args=[meeting.pk])).status_code == 404
    assert login(tree.secretary_a).get(reverse("meetings:detail", args=[meeting.pk])).status_code == 200


def test_the_list_page_issues_a_fixed_number_of_queries(
    tree, announced, login, django_assert_max_num_queries
):
    from .factories import plan

    for month in range(2, 8):
        plan(
            tree.secretary_a,
            tree.branch_a,
            kind="thematic",
            starts_at=timezone.now() + dt.timedelta(days=30 * month),
        )
    client = login(tree.secretary_a)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("meetings:list")).status_code == 200
