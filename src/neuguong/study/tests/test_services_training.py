import datetime as dt

import pytest

from neuguong.core.errors import BusinessError, OutOfScope
from neuguong.people.models import Position, PositionTitle
from neuguong.study import services
from neuguong.study.selectors import theory_gap_list

pytestmark = pytest.mark.django_db


def test_passing_a_level_course_raises_the_theory_level(tree):
    course = services.course_create(
        actor=tree.staff,
        title="Lớp trung cấp LLCT khóa 12",
        kind="intermediate",
        organizer=tree.root,
        starts_on=dt.date(2026, 1, 5),
        ends_on=dt.date(2026, 6, 30),
    )
    enrolment = services.enrolment_add(actor=tree.secretary_a, course=course, person=tree.person_a)
    with pytest.raises(BusinessError) as exc:
        services.enrolment_add(actor=tree.secretary_a, course=course, person=tree.person_a)
    assert exc.value.message == services.MSG_ALREADY_ENROLLED.format(name="Nguyễn Nam Đình")
    services.enrolment_complete(
        actor=tree.secretary_a,
        enrolment=enrolment,
        passed=True,
        completed_on=dt.date(2026, 6, 30),
        certificate_number="TC-2026-0012",
    )
    tree.person_a.refresh_from_db()
    assert (tree.person_a.theory_level, tree.person_a.theory_credential) == ("intermediate", "diploma")


def test_secretary_cannot_enrol_members_of_another_organisation(tree):
    course = services.course_create(
        actor=tree.staff,
        title="Bồi dưỡng đảng viên mới",
        kind="new_member",
        organizer=tree.root,
        starts_on=dt.date(2026, 1, 5),
        ends_on=dt.date(2026, 1, 9),
    )
    with pytest.raises(OutOfScope):
        services.enrolment_add(actor=tree.secretary_b, course=course, person=tree.person_a)


def test_course_dates_are_checked(tree):
    with pytest.raises(BusinessError) as exc:
        services.course_create(
            actor=tree.staff,
            title="Lớp",
            kind="update",
            organizer=tree.root,
            starts_on=dt.date(2026, 2, 1),
            ends_on=dt.date(2026, 1, 1),
        )
    assert exc.value.message == services.MSG_COURSE_DATES


def test_gap_report_lists_post_holders_below_the_required_level(tree):
    services.position_requirement_set(actor=tree.staff, title="secretary", required_level="intermediate")
    Position.objects.create(
        person=tree.person_a,
        title=PositionTitle.SECRETARY,
        organization=tree.branch_a,
        started_on=dt.date(2025, 1, 1),
    )
    tree.person_b.theory_level = "advanced"
    tree.person_b.save()
    Position.objects.create(
        person=tree.person_b,
        title=PositionTitle.SECRETARY,
        organization=tree.org_b,
        started_on=dt.date(2025, 1, 1),
    )
    Position.objects.create(
        person=tree.person_a2,
        title=PositionTitle.SECRETARY,
        organization=tree.branch_a,
        started_on=dt.date(2020, 1, 1),
        ended_on=dt.date(2024, 1, 1),
    )
    Position.objects.create(
        person=tree.person_a2,
        title=PositionTitle.HEAD_OF_AGENCY,
        organization=tree.branch_a,
        started_on=dt.date(2020, 1, 1),
    )
    names = [p.person.full_name for p in theory_gap_list(user=tree.staff, on=dt.date(2026, 3, 1))]
    assert names == ["Nguyễn Nam Đình"]
    assert list(theory_gap_list(user=tree.secretary_b, on=dt.date(2026, 3, 1))) == []


def test_only_staff_set_position_requirements(tree):
    with pytest.raises(OutOfScope):
        services.position_requirement_set(
            actor=tree.secretary_a, title="secretary", required_level="advanced"
        )
