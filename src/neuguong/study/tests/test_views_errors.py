"""A service's refusal on every study form is shown in Vietnamese next to the field it concerns (the exact
message constant), with the user's input kept; and no bad input answers 500."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from neuguong.people.models import Person
from neuguong.study import services
from neuguong.study.models import Enrolment, Invitee, Reflection

from .factories import make_campaign, make_session, question_rows, xlsx_bytes

pytestmark = pytest.mark.django_db
NEXT_YEAR = dt.date.today() + dt.timedelta(days=365)


def field_errors(response, field: str, form: str = "form") -> list[str]:
    return list(response.context[form].errors.get(field, []))


@pytest.fixture
def env(tree):
    campaign = make_campaign(tree.secretary_a, tree.org_a, title="Nghị quyết 57 tại Đảng bộ A")
    services.invitees_generate(actor=tree.secretary_a, campaign=campaign)
    services.questions_import(actor=tree.secretary_a, campaign=campaign, content=xlsx_bytes(question_rows(3)))
    course = services.course_create(
        actor=tree.secretary_a,
        title="Sơ cấp LLCT khóa 3",
        kind="primary",
        organizer=tree.org_a,
        starts_on=dt.date(2026, 2, 1),
        ends_on=dt.date(2026, 4, 30),
    )
    return {
        "campaign": campaign,
        "session": make_session(tree.secretary_a, campaign),
        "invitee": Invitee.objects.get(campaign=campaign, person=tree.person_a),
        "course": course,
        "enrolment": services.enrolment_add(actor=tree.secretary_a, course=course, person=tree.person_a),
    }


CAMPAIGN = {"title": "Nghị quyết", "level": "grassroots", "audience_statuses": ["official"]}


def test_an_audience_outside_the_organiser_is_said_next_to_the_audience(tree, client, env):
    client.force_login(tree.staff)
    response = client.post(
        reverse("study:campaign_create"), {**CAMPAIGN, "organizer": "A", "audience_root": "B"}
    )
    assert field_errors(response, "audience_root") == [services.MSG_AUDIENCE_OUTSIDE]
    response = client.post(
        reverse("study:campaign_edit", args=[env["campaign"].pk]), {**CAMPAIGN, "audience_root": "B"}
    )
    assert field_errors(response, "audience_root") == [services.MSG_AUDIENCE_OUTSIDE]


def test_a_session_without_place_or_link_is_said_next_to_the_place(tree, client, env):
    client.force_login(tree.secretary_a)
    response = client.post(
        reverse("study:session_create", args=[env["campaign"].pk]),
        {"title": "Buổi 2", "held_on": "2026-05-04"},
    )
    assert field_errors(response, "place") == [services.MSG_PLACE_OR_LINK]
    assert 'value="Buổi 2"' in response.content.decode()


def test_a_material_without_file_or_link_is_said_next_to_the_file(tree, client, env):
    client.force_login(tree.secretary_a)
    response = client.post(reverse("study:material_create", args=[env["campaign"].pk]), {"title": "Tài liệu"})
    assert field_errors(response, "file") == [services.MSG_MATERIAL_FILE_OR_URL]


def test_an_excused_absence_without_reason_is_said_above_the_sheet_with_the_marks_kept(tree, client, env):
    other = Invitee.objects.get(campaign=env["campaign"], person=tree.person_a2)
    client.force_login(tree.secretary_a)
    response = client.post(
        reverse("study:session_attendance", args=[env["campaign"].pk, env["session"].pk]),
        {f"status_{env['invitee'].pk}": "present", f"status_{other.pk}": "excused"},
    )
    assert response.context["error"] == f"Nguyễn Văn An: {services.MSG_REASON_REQUIRED}"
    assert response.context["posted"][f"status_{env['invitee'].pk}"] == "present"


def test_a_reflection_submitted_without_answers_or_plan_says_so_where_each_belongs(tree, client, env):
    client.force_login(tree.member_a)
    url = reverse("study:reflection_mine", args=[env["campaign"].pk])
    response = client.post(url, {"answer_0": "Giữ lại", "answer_1": "", "submit": "1"})
    assert field_errors(response, "answers") == [services.MSG_ANSWER_REQUIRED]
    assert 'id="answers-errors"' in response.content.decode() and "Giữ lại" in response.content.decode()
    response = client.post(url, {"answer_0": "Một", "answer_1": "Hai", "submit": "1"})
    assert field_errors(response, "plan") == [services.MSG_PLAN_REQUIRED]
    assert 'id="plan-errors"' in response.content.decode()
    assert not Reflection.objects.filter(status="submitted").exists()


def test_returning_without_a_note_or_grading_without_a_grade_is_said_next_to_the_field(tree, client, env):
    services.reflection_save(
        actor=tree.member_a,
        invitee=env["invitee"],
        answers=["Một", "Hai"],
        plan_items=[{"title": "Việc", "deadline": NEXT_YEAR}],
        submit=True,
    )
    client.force_login(tree.secretary_a)
    url = reverse("study:reflection_review", args=[env["campaign"].pk, env["invitee"].pk])
    response = client.post(url, {"review": "return", "note": " "})
    assert field_errors(response, "note", form="review_form") == [services.MSG_RETURN_NOTE]
    response = client.post(url, {"review": "grade", "grade": "", "note": "Tốt"})
    assert field_errors(response, "grade", form="review_form") == [services.MSG_BAD_GRADE]
    assert Reflection.objects.get().status == "submitted"


def test_a_question_file_with_errors_is_said_next_to_the_file_with_each_row(tree, client, env):
    client.force_login(tree.secretary_a)
    bad = xlsx_bytes([("Câu một?", "Có", "Không", "", "", "")])
    response = client.post(
        reverse("study:questions", args=[env["campaign"].pk]), {"file": SimpleUploadedFile("c.xlsx", bad)}
    )
    assert field_errors(response, "file") == [services.MSG_QUESTIONS_IMPORT]
    assert "Dòng 2: thiếu đáp án đúng." in response.content.decode()


def test_a_round_asking_for_more_questions_than_the_bank_holds_is_said_next_to_the_count(tree, client, env):
    client.force_login(tree.secretary_a)
    response = client.post(
        reverse("study:round_create", args=[env["campaign"].pk]),
        {
            "title": "Tuần 1",
            "week_of": "2026-03-09",
            "question_count": 5,
            "time_limit_minutes": 15,
            "max_attempts": 1,
        },
    )
    assert field_errors(response, "question_count") == [services.MSG_NOT_ENOUGH_QUESTIONS.format(count=3)]


def test_a_course_ending_before_it_starts_is_said_next_to_the_end(tree, client, env):
    client.force_login(tree.secretary_a)
    response = client.post(
        reverse("study:course_create"),
        {
            "title": "Lớp",
            "kind": "primary",
            "organizer": "A",
            "starts_on": "2026-05-01",
            "ends_on": "2026-04-01",
        },
    )
    assert field_errors(response, "ends_on") == [services.MSG_COURSE_DATES]


def test_enrolling_someone_twice_is_said_next_to_the_learner(tree, client, env):
    client.force_login(tree.secretary_a)
    person = Person.objects.get(card_number="11110001")
    response = client.post(
        reverse("study:course_detail", args=[env["course"].pk]), {"enrol": "1", "person": person.pk}
    )
    message = services.MSG_ALREADY_ENROLLED.format(name="Nguyễn Nam Đình")
    assert field_errors(response, "person", form="enrol_form") == [message]
    assert message in response.content.decode()


def test_a_passed_course_without_its_date_is_said_on_the_learners_row(tree, client, env):
    client.force_login(tree.secretary_a)
    response = client.post(
        reverse("study:enrolment_complete", args=[env["course"].pk, env["enrolment"].pk]), {"passed": "1"}
    )
    assert response.status_code == 400
    [row] = response.context["enrolments"]
    assert row.error == services.MSG_COMPLETED_DATE
    assert services.MSG_COMPLETED_DATE in response.content.decode()
    assert Enrolment.objects.get(pk=env["enrolment"].pk).status == "enrolled"


def test_starting_a_quiz_one_is_not_invited_to_says_why(tree, client, env):
    now = dt.datetime.now(dt.UTC)
    quiz_round = services.quiz_round_create(
        actor=tree.secretary_a,
        campaign=env["campaign"],
        title="Tuần này",
        opens_at=now - dt.timedelta(hours=1),
        closes_at=now + dt.timedelta(hours=1),
        question_count=3,
        time_limit_minutes=10,
    )
    client.force_login(tree.inspector_a)  # reads the campaign, has no member record
    response = client.post(
        reverse("study:round_start", args=[env["campaign"].pk, quiz_round.pk]), follow=True
    )
    assert services.MSG_NO_PERSON in [str(m) for m in response.context["messages"]]


def _bad_inputs(env):
    c, s, i = env["campaign"].pk, env["session"].pk, env["invitee"].pk
    yield "get", reverse("study:campaign_list") + "?level=zz&sort=%00&page=-1&q=" + "x" * 500, {}
    yield "get", reverse("study:session_attendance", args=[c, s]) + "?org=" + "Z" * 100, {}
    yield "get", reverse("study:session_attendance", args=[c, s]) + "?org=A%00&q=a%00", {}
    yield "get", reverse("study:campaign_list") + "?q=a%00b", {}
    yield "get", reverse("study:reflection_list", args=[c]) + "?status=%00", {}
    yield "get", reverse("study:invitee_list", args=[c]) + "?q=%00", {}
    yield (
        "post",
        reverse("study:session_attendance", args=[c, s]),
        {f"status_{i}": "excused", f"reason_{i}": "a\x00b"},
    )
    yield "get", reverse("study:campaign_detail", args=[10**30]), {}
    yield "get", reverse("study:checkin", args=[c, 10**30]) + "?t=" + "x" * 600, {}
    yield "post", reverse("study:checkin", args=[c, s]), {"t": "a.b.c"}
    yield (
        "post",
        reverse("study:session_attendance", args=[c, s]),
        {f"status_{i}": "zzz", f"reason_{i}": "x" * 900},
    )
    yield (
        "post",
        reverse("study:session_create", args=[c]),
        {
            "held_on": "2026-02-31",
            "start_time": "25:99",
            "online_link": "javascript:alert(1)",
        },
    )
    yield (
        "post",
        reverse("study:reflection_mine", args=[c]),
        {
            "answer_0": "x" * 200_000,
            "answer_1": "y",
            "plan_0_title": "Việc",
            "plan_0_deadline": "2026-13-01",
            "submit": "1",
        },
    )
    yield "post", reverse("study:round_create", args=[c]), {"opens_at": "hôm nay", "question_count": 10**9}
    yield (
        "post",
        reverse("study:course_create"),
        {"organizer": "%00", "starts_on": "0000-01-01", "kind": "zz"},
    )
    yield (
        "post",
        reverse("study:course_detail", args=[env["course"].pk]),
        {"enrol": "1", "person": "9" * 300},
    )
    yield (
        "post",
        reverse("study:enrolment_complete", args=[env["course"].pk, env["enrolment"].pk]),
        {
            "passed": "maybe",
            "completed_on": "31/02/2026",
            "certificate_number": "x" * 500,
        },
    )
    yield (
        "post",
        reverse("study:questions", args=[c]),
        {"file": SimpleUploadedFile("a.xlsx", b"PK\x03\x04 no")},
    )
    yield "post", reverse("study:theory_gap"), {"title": "zz", "required_level": "zz"}


def test_no_bad_input_answers_500(tree, client, env):
    for user in (tree.staff, tree.member_a):
        client.force_login(user)
        for method, url, data in _bad_inputs(env):
            response = getattr(client, method)(url, data)
            assert response.status_code < 500, (user, url, response.status_code)
