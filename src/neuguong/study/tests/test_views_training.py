"""Training pages: courses, enrolment, results, certificate, and the theory-level gap report."""

import datetime as dt

import pytest
from django.urls import reverse

from neuguong.people.models import Person, Position, PositionTitle
from neuguong.study import services
from neuguong.study.forms import MSG_NO_SUCH_PERSON
from neuguong.study.models import Enrolment

pytestmark = pytest.mark.django_db


@pytest.fixture
def course(tree):
    course = services.course_create(
        actor=tree.secretary_a,
        title="Sơ cấp LLCT khóa 3",
        kind="primary",
        organizer=tree.org_a,
        starts_on=dt.date(2026, 2, 1),
        ends_on=dt.date(2026, 4, 30),
    )
    services.enrolment_add(actor=tree.secretary_a, course=course, person=tree.person_a)
    return course


@pytest.mark.parametrize(
    "username,status",
    [
        ("staff", 200),
        ("secretary_a", 200),
        ("inspector_a", 200),
        ("member_a", 200),
        ("secretary_b", 404),
        ("outsider", 404),
    ],
)
def test_course_page_matrix(tree, course, login, username, status):
    response = login(getattr(tree, username)).get(reverse("study:course_detail", args=[course.pk]))
    assert response.status_code == status


def test_member_sees_only_their_own_enrolment(tree, course, login):
    services.enrolment_add(actor=tree.secretary_a, course=course, person=tree.person_a2)
    page = login(tree.member_a).get(reverse("study:course_detail", args=[course.pk])).content.decode()
    assert "Nguyễn Nam Đình" in page and "Nguyễn Văn An" not in page


def test_secretary_enrols_by_name_and_records_completion_with_certificate(tree, course, login):
    client = login(tree.secretary_a)
    url = reverse("study:course_detail", args=[course.pk])
    assert client.post(url, {"enrol": "1", "person": tree.person_a2.pk}).status_code == 302
    outsider = Person.objects.get(card_number="22220001")
    for forged in (outsider.pk, "abc", "9" * 40):
        response = client.post(url, {"enrol": "1", "person": forged})
        assert response.status_code == 200
        assert MSG_NO_SUCH_PERSON in response.content.decode()
    enrolment = Enrolment.objects.get(course=course, person=tree.person_a2)
    client.post(
        reverse("study:enrolment_complete", args=[course.pk, enrolment.pk]),
        {"passed": "1", "completed_on": "2026-04-30", "certificate_number": "SC-03-017"},
    )
    tree.person_a2.refresh_from_db()
    assert tree.person_a2.theory_level == "primary"
    page = client.get(reverse("study:certificate", args=[course.pk, enrolment.pk])).content.decode()
    assert "GIẤY CHỨNG NHẬN" in page and "SC-03-017" in page and "Nguyễn Văn An" in page


def test_other_secretary_cannot_record_results(tree, course, login):
    enrolment = Enrolment.objects.get(course=course)
    response = login(tree.secretary_b).post(
        reverse("study:enrolment_complete", args=[course.pk, enrolment.pk]),
        {"passed": "1", "completed_on": "2026-04-30"},
    )
    assert response.status_code == 404
    assert Enrolment.objects.get().status == "enrolled"


@pytest.mark.parametrize(
    "username,status",
    [("staff", 200), ("secretary_a", 200), ("inspector_a", 200), ("member_a", 404), ("outsider", 404)],
)
def test_gap_report_matrix(tree, login, username, status):
    assert login(getattr(tree, username)).get(reverse("study:theory_gap")).status_code == status


def test_gap_report_lists_only_people_in_scope_with_bounded_queries(
    tree, login, django_assert_max_num_queries
):
    services.position_requirement_set(actor=tree.staff, title="secretary", required_level="intermediate")
    for person, org in ((tree.person_a, tree.branch_a), (tree.person_b, tree.org_b)):
        Position.objects.create(
            person=person, title=PositionTitle.SECRETARY, organization=org, started_on=dt.date(2025, 1, 1)
        )
    client = login(tree.secretary_a)
    with django_assert_max_num_queries(10):
        page = client.get(reverse("study:theory_gap")).content.decode()
    assert "Nguyễn Nam Đình" in page and "Nguyễn Văn Bình" not in page
    assert "Trung cấp" in page
    # Only the superior committee's staff configure the requirements.
    assert (
        client.post(
            reverse("study:theory_gap"), {"title": "secretary", "required_level": "advanced"}
        ).status_code
        == 404
    )
    assert (
        login(tree.staff)
        .post(reverse("study:theory_gap"), {"title": "secretary", "required_level": "advanced"})
        .status_code
        == 302
    )
