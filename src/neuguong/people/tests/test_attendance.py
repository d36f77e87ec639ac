"""The attendance rules shared by study sessions and chi bộ meetings (people/attendance.py)."""

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from neuguong.core.tests.factories import PersonFactory
from neuguong.people import attendance
from neuguong.people.models import Membership, PersonStatus


@pytest.mark.django_db
def test_members_on_a_date_follow_the_membership_history(tree):
    day = dt.date(2026, 3, 10)
    moved = PersonFactory(full_name="Trần Chuyển Đi", organization=tree.org_b)
    Membership.objects.filter(person=moved).update(ended_on=dt.date(2026, 3, 1))
    Membership.objects.create(person=moved, organization=tree.branch_a, started_on=dt.date(2026, 3, 1))
    late = PersonFactory(full_name="Lê Đến Sau", organization=tree.branch_a)
    Membership.objects.filter(person=late).update(started_on=dt.date(2026, 3, 20))
    PersonFactory(full_name="Vũ Miễn Sinh Hoạt", organization=tree.branch_a, status=PersonStatus.EXEMPT)
    names = dict(
        attendance.members_on(organization_id=tree.branch_a.pk, day=day).values_list("full_name", "joined_on")
    )
    assert names == {
        tree.person_a.full_name: dt.date(2005, 3, 3),
        tree.person_a2.full_name: dt.date(2005, 3, 3),
        "Trần Chuyển Đi": dt.date(2026, 3, 1),
    }
    # Before the transfer, the member was in org_b; a membership ending on a day means gone that day.
    assert "Trần Chuyển Đi" in set(
        attendance.members_on(organization_id=tree.org_b.pk, day=dt.date(2026, 2, 28)).values_list(
            "full_name", flat=True
        )
    )
    assert "Trần Chuyển Đi" not in set(
        attendance.members_on(organization_id=tree.org_b.pk, day=dt.date(2026, 3, 1)).values_list(
            "full_name", flat=True
        )
    )
    with_exempt = attendance.members_on(
        organization_id=tree.branch_a.pk,
        day=day,
        statuses=[*attendance.INVITED_STATUSES, PersonStatus.EXEMPT],
    )
    assert "Vũ Miễn Sinh Hoạt" in set(with_exempt.values_list("full_name", flat=True))


days = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2100, 12, 31))


@settings(deadline=None)
@given(joined=st.one_of(st.none(), days), held=days, status=st.sampled_from(["present", "excused", "absent"]))
def test_a_later_joiner_may_be_present_but_never_absent(joined, held, status):
    try:
        attendance.check_mark(status=status, reason="Ốm", joined_on=joined, held_on=held)
    except attendance.MarkRefused as exc:
        assert exc.reason == "joined_after"
        assert status != "present" and joined is not None and joined > held
    else:
        assert status == "present" or joined is None or joined <= held
    assert attendance.is_expected(joined_on=joined, held_on=held) == (joined is None or joined <= held)


def test_the_other_refusals():
    day = dt.date(2026, 3, 10)
    for kwargs, reason in (
        ({"status": "late"}, "bad_status"),
        ({"status": "excused", "reason": ""}, "reason_required"),
        ({"status": "present", "is_makeup": True, "attended_main": lambda: True}, "makeup_not_needed"),
    ):
        with pytest.raises(attendance.MarkRefused) as exc:
            attendance.check_mark(**({"reason": "", "joined_on": None, "held_on": day} | kwargs))
        assert exc.value.reason == reason
    attendance.check_mark(status="present", reason="", joined_on=None, held_on=day, is_makeup=True)


@settings(deadline=None)
@given(a=st.integers(min_value=1, max_value=10**9), b=st.integers(min_value=1, max_value=10**9))
def test_a_check_in_token_opens_only_its_own_gathering_and_purpose(a, b):
    token = attendance.checkin_token("meetings", m=a)
    attendance.checkin_token_check(token, purpose="meetings", m=a)
    for purpose, ids in (("study", {"m": a}), ("meetings", {"m": b}), ("meetings", {"m": a, "s": 1})):
        if purpose == "meetings" and ids == {"m": a}:
            continue
        with pytest.raises(attendance.CheckinTokenError) as exc:
            attendance.checkin_token_check(token, purpose=purpose, **ids)
        assert exc.value.reason == ("invalid" if purpose == "study" else "mismatch")
