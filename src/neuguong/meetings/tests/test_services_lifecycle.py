import datetime as dt

import pytest
from django.utils import timezone

from neuguong.audit.selectors import history_for
from neuguong.core.errors import BusinessError, OutOfScope
from neuguong.core.tests.factories import OrganizationFactory, PersonFactory
from neuguong.meetings import rules, services
from neuguong.meetings.models import Invitee, Meeting, MeetingState
from neuguong.organizations.models import OrgKind
from neuguong.people.models import Membership, PersonStatus

from .factories import at, plan

pytestmark = pytest.mark.django_db

NEXT_MONTH = rules.next_month(timezone.localdate())


def test_a_secretary_plans_the_months_regular_meeting_with_the_rules_in_force(tree):
    meeting = plan(tree.secretary_a, tree.branch_a, starts_at=at(NEXT_MONTH.replace(day=5)))
    assert meeting.state == MeetingState.PLANNED
    assert meeting.for_month == NEXT_MONTH
    assert meeting.expected_minutes == 90 and meeting.min_minutes == 90
    assert meeting.schedule_due_on == rules.previous_month(NEXT_MONTH).replace(day=20)
    assert meeting.documents_due_at == at(NEXT_MONTH.replace(day=4))
    assert [row["action_label"] for row in history_for(meeting)] == ["Lên lịch sinh hoạt"]


def test_two_regular_meetings_in_one_month_are_refused_and_nothing_is_written(tree):
    first = plan(tree.secretary_a, tree.branch_a, starts_at=at(NEXT_MONTH.replace(day=5)))
    with pytest.raises(BusinessError) as exc:
        plan(tree.secretary_a, tree.branch_a, starts_at=at(NEXT_MONTH.replace(day=25)), kind="combined")
    assert exc.value.message == services.MSG_MONTH_TAKEN.format(
        month=f"{NEXT_MONTH.month}/{NEXT_MONTH.year}", day=f"05/{NEXT_MONTH:%m/%Y}"
    )
    assert exc.value.field == "starts_at"
    assert list(Meeting.objects.all()) == [first]
    # A thematic meeting is not the month's regular one.
    plan(tree.secretary_a, tree.branch_a, starts_at=at(NEXT_MONTH.replace(day=25)), kind="thematic")


def test_a_postponement_into_the_next_month_is_recorded_as_the_postponed_months_meeting(tree):
    first = plan(tree.secretary_a, tree.branch_a, starts_at=at(NEXT_MONTH.replace(day=27)))
    later = rules.next_month(NEXT_MONTH).replace(day=3)
    replacement = services.meeting_postpone(
        actor=tree.secretary_a,
        meeting=first,
        reason="Trùng hội nghị của Đảng ủy khối",
        new_starts_at=at(later),
    )
    first.refresh_from_db()
    assert first.state == MeetingState.POSTPONED and first.halt_reason == "Trùng hội nghị của Đảng ủy khối"
    assert replacement.replaces == first and replacement.for_month == NEXT_MONTH
    assert replacement.schedule_due_on == later - dt.timedelta(days=1)
    # The next month still has its own regular meeting.
    own = plan(tree.secretary_a, tree.branch_a, starts_at=at(later.replace(day=20)))
    assert own.for_month == later.replace(day=1)
    labels = [row["action_label"] for row in history_for(first)]
    assert labels[0] == "Hoãn buổi sinh hoạt"


def test_postponing_needs_a_reason_and_a_new_time_in_the_future(tree):
    meeting = plan(tree.secretary_a, tree.branch_a)
    with pytest.raises(BusinessError) as exc:
        services.meeting_postpone(actor=tree.secretary_a, meeting=meeting, reason="  ")
    assert exc.value.message == services.MSG_HALT_REASON
    with pytest.raises(BusinessError) as exc:
        services.meeting_postpone(
            actor=tree.secretary_a,
            meeting=meeting,
            reason="Mất điện",
            new_starts_at=timezone.now() - dt.timedelta(hours=1),
        )
    assert exc.value.message == services.MSG_NEW_TIME_PAST
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.PLANNED


def test_only_a_chi_bo_plans_and_only_who_manages_it(tree):
    with pytest.raises(BusinessError) as exc:
        plan(tree.secretary_a, tree.org_a)
    assert exc.value.message == services.MSG_NOT_A_BRANCH.format(name=tree.org_a.name)
    with pytest.raises(OutOfScope):
        plan(tree.secretary_b, tree.branch_a)
    with pytest.raises(OutOfScope):
        plan(tree.member_a, tree.branch_a)
    assert not Meeting.objects.exists()


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"topic": "  "}, services.MSG_TOPIC_REQUIRED),
        ({"place": "", "online_link": ""}, services.MSG_PLACE_OR_LINK),
        ({"online_link": "javascript:alert(1)"}, services.MSG_LINK),
        ({"expected_minutes": 5}, services.MSG_EXPECTED_MINUTES.format(low=30, high=600)),
        ({"kind": "party"}, services.MSG_KIND),
        ({"starts_at": dt.datetime(2026, 3, 5, 14, 0)}, services.MSG_NAIVE_TIME),
        ({"starts_at": at(dt.date(1999, 12, 31))}, services.MSG_DATE_RANGE),
    ],
)
def test_bad_schedules_are_refused_in_vietnamese(tree, values, message):
    with pytest.raises(BusinessError) as exc:
        plan(tree.secretary_a, tree.branch_a, **values)
    assert exc.value.message == message
    assert not Meeting.objects.exists()


def test_announcing_invites_the_members_on_the_meeting_date(tree):
    day = NEXT_MONTH.replace(day=10)
    exempt = PersonFactory(full_name="Lê Văn Miễn", organization=tree.branch_a, status=PersonStatus.EXEMPT)
    left = PersonFactory(full_name="Trần Đã Chuyển", organization=tree.branch_a)
    Membership.objects.filter(person=left).update(ended_on=timezone.localdate())  # transferred out before
    joiner = PersonFactory(full_name="Phạm Mới Đến", organization=tree.branch_a)
    Membership.objects.filter(person=joiner).update(started_on=day + dt.timedelta(days=3))
    meeting = plan(tree.secretary_a, tree.branch_a, starts_at=at(day))
    services.meeting_announce(actor=tree.secretary_a, meeting=meeting)
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.ANNOUNCED and meeting.announced_at is not None
    invited = set(Invitee.objects.filter(meeting=meeting).values_list("person__full_name", flat=True))
    assert invited == {tree.person_a.full_name, tree.person_a2.full_name}
    assert (
        exempt.full_name not in invited and left.full_name not in invited and joiner.full_name not in invited
    )
    with pytest.raises(BusinessError) as exc:
        services.meeting_announce(actor=tree.secretary_a, meeting=meeting)
    assert exc.value.message == services.MSG_NOT_PLANNED


def test_a_meeting_whose_time_has_passed_is_not_announced(tree):
    meeting = plan(tree.secretary_a, tree.branch_a, starts_at=timezone.now() - dt.timedelta(hours=2))
    with pytest.raises(BusinessError) as exc:
        services.meeting_announce(actor=tree.secretary_a, meeting=meeting)
    assert exc.value.message == services.MSG_ANNOUNCE_PAST


def test_a_chi_bo_without_members_has_nobody_to_invite(tree):
    empty = OrganizationFactory(code="A9", name="Chi bộ Trống", kind=OrgKind.BRANCH, parent=tree.org_a)
    meeting = plan(tree.secretary_a, empty)
    with pytest.raises(BusinessError) as exc:
        services.meeting_announce(actor=tree.secretary_a, meeting=meeting)
    assert exc.value.message.startswith("Chi bộ không có đảng viên nào sinh hoạt")
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.PLANNED and not Invitee.objects.exists()


def test_a_held_date_in_the_future_is_refused(tree):
    meeting = plan(tree.secretary_a, tree.branch_a)
    with pytest.raises(BusinessError) as exc:
        services.meeting_hold(
            actor=tree.secretary_a, meeting=meeting, ended_at=meeting.starts_at + dt.timedelta(minutes=100)
        )
    assert exc.value.message == services.MSG_HELD_FUTURE
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.PLANNED and meeting.ended_at is None


def test_holding_records_the_times_and_refuses_an_end_before_the_start_or_a_second_time(tree):
    start = timezone.now() - dt.timedelta(hours=3)
    meeting = plan(tree.secretary_a, tree.branch_a, starts_at=start)
    with pytest.raises(BusinessError) as exc:
        services.meeting_hold(
            actor=tree.secretary_a, meeting=meeting, ended_at=start - dt.timedelta(minutes=1)
        )
    assert exc.value.message == services.MSG_END_BEFORE_START
    services.meeting_hold(actor=tree.secretary_a, meeting=meeting, ended_at=start + dt.timedelta(minutes=95))
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.HELD and meeting.started_at == start
    # Recorded without an announcement in the app: everyone who was a member is invited now.
    assert Invitee.objects.filter(meeting=meeting).count() == 2
    with pytest.raises(BusinessError) as exc:
        services.meeting_hold(
            actor=tree.secretary_a, meeting=meeting, ended_at=start + dt.timedelta(minutes=95)
        )
    assert exc.value.message == services.MSG_ALREADY_HELD


def test_a_cancelled_meeting_frees_its_month_and_cannot_be_held(tree):
    meeting = plan(tree.secretary_a, tree.branch_a, starts_at=at(NEXT_MONTH.replace(day=6)))
    services.meeting_cancel(actor=tree.secretary_a, meeting=meeting, reason="Bão số 3")
    with pytest.raises(BusinessError) as exc:
        services.meeting_hold(actor=tree.secretary_a, meeting=meeting, ended_at=timezone.now())
    assert exc.value.message == services.MSG_NOT_HOLDABLE
    plan(tree.secretary_a, tree.branch_a, starts_at=at(NEXT_MONTH.replace(day=16)))


def test_after_announcing_the_time_changes_only_by_postponing(tree):
    meeting = plan(tree.secretary_a, tree.branch_a, starts_at=at(NEXT_MONTH.replace(day=8)))
    services.meeting_update(actor=tree.secretary_a, meeting=meeting, starts_at=at(NEXT_MONTH.replace(day=9)))
    meeting.refresh_from_db()
    assert meeting.documents_due_at == at(NEXT_MONTH.replace(day=8))
    services.meeting_announce(actor=tree.secretary_a, meeting=meeting)
    with pytest.raises(BusinessError) as exc:
        services.meeting_update(
            actor=tree.secretary_a, meeting=meeting, starts_at=at(NEXT_MONTH.replace(day=10))
        )
    assert exc.value.message == services.MSG_TIME_AFTER_ANNOUNCE
    services.meeting_update(actor=tree.secretary_a, meeting=meeting, place="Hội trường A")
    meeting.refresh_from_db()
    assert meeting.place == "Hội trường A"
