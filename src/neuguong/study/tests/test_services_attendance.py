import datetime as dt

import pytest
from django.core import signing

from neuguong.core.errors import BusinessError, OutOfScope
from neuguong.core.tests.factories import PersonFactory
from neuguong.people.models import Membership
from neuguong.study import rules, services
from neuguong.study.models import Attendance, Invitee
from neuguong.study.selectors import campaign_org_stats, session_counts, totals_of

from .factories import make_campaign, make_session

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(tree):
    campaign = make_campaign(tree.staff, tree.root)
    services.invitees_generate(actor=tree.staff, campaign=campaign)
    return campaign


def test_secretary_marks_own_members_in_a_bloc_campaign(tree, campaign):
    session = make_session(tree.staff, campaign)
    mark = services.attendance_mark(
        actor=tree.secretary_a, session=session, person=tree.person_a, status="present"
    )
    assert mark.method == "secretary"
    with pytest.raises(OutOfScope):
        services.attendance_mark(
            actor=tree.secretary_a, session=session, person=tree.person_b, status="present"
        )


def test_marking_someone_outside_the_audience_is_refused(tree, campaign):
    session = make_session(tree.staff, campaign)
    stranger = PersonFactory(full_name="Hồ Ngoài Danh Sách", organization=tree.branch_a)
    with pytest.raises(BusinessError) as exc:
        services.attendance_mark(actor=tree.staff, session=session, person=stranger, status="present")
    assert exc.value.message == services.MSG_NOT_IN_AUDIENCE.format(name="Hồ Ngoài Danh Sách")
    assert not Attendance.objects.exists()


def test_excused_absence_needs_a_reason(tree, campaign):
    session = make_session(tree.staff, campaign)
    with pytest.raises(BusinessError) as exc:
        services.attendance_mark(actor=tree.staff, session=session, person=tree.person_a, status="excused")
    assert exc.value.message == services.MSG_REASON_REQUIRED
    services.attendance_mark(
        actor=tree.staff, session=session, person=tree.person_a, status="excused", reason="Đi công tác"
    )
    assert Attendance.objects.get().reason == "Đi công tác"


def test_bulk_marking_writes_nothing_when_one_mark_is_wrong(tree, campaign):
    session = make_session(tree.staff, campaign)
    ids = dict(Invitee.objects.filter(campaign=campaign).values_list("person_id", "pk"))
    marks = {ids[tree.person_a.pk]: ("present", ""), ids[tree.person_a2.pk]: ("excused", "")}
    with pytest.raises(BusinessError):
        services.attendance_mark_many(actor=tree.staff, session=session, marks=marks)
    assert not Attendance.objects.exists()


def test_member_who_joined_after_the_session_is_not_counted_absent(tree, campaign):
    session = make_session(tree.staff, campaign, held_on=dt.date(2026, 3, 10))
    newcomer = PersonFactory(full_name="Phan Mới Vào", organization=tree.org_b)
    Membership.objects.filter(person=newcomer).update(started_on=dt.date(2026, 4, 1))
    services.invitees_generate(actor=tree.staff, campaign=campaign)
    with pytest.raises(BusinessError) as exc:
        services.attendance_mark(actor=tree.staff, session=session, person=newcomer, status="absent")
    assert exc.value.message == services.MSG_JOINED_AFTER_SESSION.format(
        name="Phan Mới Vào", joined="01/04/2026"
    )
    services.attendance_mark(actor=tree.staff, session=session, person=tree.person_b, status="present")
    stats = {row.code: row for row in campaign_org_stats(user=tree.staff, campaign=campaign)}
    assert (stats["B"].invited, stats["B"].expected, stats["B"].absent) == (2, 1, 0)
    assert stats["B"].attendance_rate == 100.0
    assert session_counts(user=tree.staff, session=session)["expected"] == 3


def test_make_up_session_counts_as_made_up_and_is_not_for_those_present(tree, campaign):
    session = make_session(tree.staff, campaign)
    makeup = make_session(tree.staff, campaign, title="Học bù", held_on=dt.date(2026, 3, 20), is_makeup=True)
    services.attendance_mark(actor=tree.staff, session=session, person=tree.person_a, status="present")
    services.attendance_mark(
        actor=tree.staff, session=session, person=tree.person_a2, status="excused", reason="Ốm"
    )
    services.attendance_mark(actor=tree.staff, session=makeup, person=tree.person_a2, status="present")
    with pytest.raises(BusinessError) as exc:
        services.attendance_mark(actor=tree.staff, session=makeup, person=tree.person_a, status="present")
    assert exc.value.message == services.MSG_MAKEUP_NOT_NEEDED.format(name="Nguyễn Nam Đình")
    rows = {row.code: row for row in campaign_org_stats(user=tree.staff, campaign=campaign)}
    a1 = rows["A1"]
    assert (a1.attended, a1.made_up, a1.excused, a1.absent, a1.attendance_rate) == (1, 1, 0, 0, 100.0)
    b = rows["B"]
    assert (b.attended, b.absent, b.attendance_rate) == (0, 1, 0.0)
    total = totals_of(list(rows.values()))
    assert (total.invited, total.attended, total.made_up, total.absent) == (3, 1, 1, 1)


def test_stats_of_a_secretary_cover_only_their_members(tree, campaign):
    make_session(tree.staff, campaign)
    codes = [row.code for row in campaign_org_stats(user=tree.secretary_a, campaign=campaign)]
    assert codes == ["A1"]


def test_member_checks_in_by_qr(tree, campaign):
    session = make_session(tree.staff, campaign)
    token = rules.checkin_token(campaign.pk, session.pk)
    mark = services.attendance_self_checkin(user=tree.member_a, session=session, token=token)
    assert (mark.status, mark.method) == ("present", "qr")
    again = services.attendance_self_checkin(user=tree.member_a, session=session, token=token)
    assert again.pk == mark.pk
    assert Attendance.objects.count() == 1


def test_expired_qr_link_is_refused(tree, campaign, monkeypatch):
    session = make_session(tree.staff, campaign)
    token = rules.checkin_token(campaign.pk, session.pk)
    later = signing.TimestampSigner.timestamp  # noqa: F841 (documentation of what we move)
    import time

    real_time = time.time
    monkeypatch.setattr(time, "time", lambda: real_time() + rules.CHECKIN_MAX_AGE.total_seconds() + 5)
    with pytest.raises(BusinessError) as exc:
        services.attendance_self_checkin(user=tree.member_a, session=session, token=token)
    assert exc.value.message == services.MSG_QR_EXPIRED
    assert not Attendance.objects.exists()


def test_qr_of_another_session_or_campaign_is_refused(tree, campaign):
    session = make_session(tree.staff, campaign)
    other_session = make_session(tree.staff, campaign, title="Buổi 2", held_on=dt.date(2026, 3, 11))
    other_campaign = make_campaign(tree.staff, tree.root, title="Nghị quyết khác")
    for token in (
        rules.checkin_token(campaign.pk, other_session.pk),
        rules.checkin_token(other_campaign.pk, session.pk),
    ):
        with pytest.raises(BusinessError) as exc:
            services.attendance_self_checkin(user=tree.member_a, session=session, token=token)
        assert exc.value.message == services.MSG_QR_MISMATCH
    with pytest.raises(BusinessError) as exc:
        services.attendance_self_checkin(user=tree.member_a, session=session, token=token + "x")
    assert exc.value.message == services.MSG_QR_INVALID


def test_qr_checkin_by_someone_not_invited_is_refused(tree, campaign):
    session = make_session(tree.staff, campaign)
    token = rules.checkin_token(campaign.pk, session.pk)
    with pytest.raises(BusinessError) as exc:
        services.attendance_self_checkin(user=tree.secretary_a, session=session, token=token)
    assert exc.value.message == services.MSG_NO_PERSON


def test_nobody_is_absent_before_the_first_session_is_held(tree, campaign):
    make_session(tree.staff, campaign, held_on=dt.date.today() + dt.timedelta(days=10))
    total = totals_of(campaign_org_stats(user=tree.staff, campaign=campaign))
    assert (total.invited, total.expected, total.absent, total.attendance_rate) == (3, 0, 0, None)
