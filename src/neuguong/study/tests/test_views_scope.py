"""Every study page answers 404 for a campaign, course or record outside the user's subtree, on GET and on
POST, exactly as for a missing one; a read-only role gets 404 on every write; nothing is written meanwhile.
(The QR check-in page is the exception by design: the signed link decides, see test_views.)"""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from neuguong.audit.models import AuditEvent
from neuguong.people.models import Person
from neuguong.study import services
from neuguong.study.models import Attendance, Enrolment, Invitee, QuizAttempt, Reflection

from .factories import make_campaign, make_session, question_rows, xlsx_bytes

pytestmark = pytest.mark.django_db
NEXT_YEAR = dt.date.today() + dt.timedelta(days=365)


def _committee_objects(*, secretary, organization, person, member=None, graduate=None):
    campaign = make_campaign(secretary, organization, title=f"Nghị quyết tại {organization.code}")
    services.invitees_generate(actor=secretary, campaign=campaign)
    session = make_session(secretary, campaign)
    services.material_add(actor=secretary, campaign=campaign, title="Tài liệu", url="https://example.org/t")
    services.questions_import(actor=secretary, campaign=campaign, content=xlsx_bytes(question_rows(3)))
    now = dt.datetime.now(dt.UTC)
    quiz_round = services.quiz_round_create(
        actor=secretary,
        campaign=campaign,
        title="Tuần này",
        opens_at=now - dt.timedelta(hours=1),
        closes_at=now + dt.timedelta(hours=1),
        question_count=3,
        time_limit_minutes=30,
    )
    invitee = Invitee.objects.get(campaign=campaign, person=person)
    services.reflection_save(
        actor=member or secretary,
        invitee=invitee,
        answers=["Một", "Hai"],
        plan_items=[{"title": "Việc", "deadline": NEXT_YEAR}],
        submit=True,
    )
    attempt = services.quiz_start(user=member, quiz_round=quiz_round) if member else None
    course = services.course_create(
        actor=secretary,
        title=f"Lớp sơ cấp {organization.code}",
        kind="primary",
        organizer=organization,
        starts_on=dt.date(2026, 2, 1),
        ends_on=dt.date(2026, 4, 30),
    )
    enrolment = services.enrolment_add(actor=secretary, course=course, person=person)
    completed = enrolment
    if graduate is not None:  # a second learner who finished, for the certificate page
        completed = services.enrolment_add(actor=secretary, course=course, person=graduate)
        services.enrolment_complete(
            actor=secretary, enrolment=completed, passed=True, completed_on=dt.date(2026, 4, 30)
        )
    return SimpleNamespace(
        campaign=campaign,
        session=session,
        invitee=invitee,
        round=quiz_round,
        attempt=attempt,
        course=course,
        enrolment=enrolment,
        certificate=completed,
    )


@pytest.fixture
def world(tree):
    return {
        "a": _committee_objects(
            secretary=tree.secretary_a,
            organization=tree.org_a,
            person=tree.person_a,
            member=tree.member_a,
            graduate=tree.person_a2,
        ),
        "b": _committee_objects(secretary=tree.secretary_b, organization=tree.org_b, person=tree.person_b),
    }


def reads(o) -> dict[str, str]:
    c, s, i, r = o.campaign.pk, o.session.pk, o.invitee.pk, o.round.pk
    urls = {
        "detail": reverse("study:campaign_detail", args=[c]),
        "edit": reverse("study:campaign_edit", args=[c]),
        "invitees": reverse("study:invitee_list", args=[c]),
        "session_create": reverse("study:session_create", args=[c]),
        "material_create": reverse("study:material_create", args=[c]),
        "attendance": reverse("study:session_attendance", args=[c, s]),
        "qr": reverse("study:session_qr", args=[c, s]),
        "reflections": reverse("study:reflection_list", args=[c]),
        "review": reverse("study:reflection_review", args=[c, i]),
        "enter": reverse("study:reflection_enter", args=[c, i]),
        "questions": reverse("study:questions", args=[c]),
        "round_create": reverse("study:round_create", args=[c]),
        "round": reverse("study:round_detail", args=[c, r]),
        "xlsx": reverse("study:campaign_xlsx", args=[c]),
        "docx": reverse("study:campaign_docx", args=[c]),
        "course": reverse("study:course_detail", args=[o.course.pk]),
        "certificate": reverse("study:certificate", args=[o.course.pk, o.certificate.pk]),
        "mine": reverse("study:reflection_mine", args=[c]),
    }
    if o.attempt is not None:
        urls["attempt"] = reverse("study:attempt", args=[o.attempt.pk])
    return urls


def writes(o) -> list[tuple[str, str, dict]]:
    """Every form of the pages above, with data the right user would have accepted."""
    page = reads(o)
    posts = [
        ("edit", page["edit"], {"title": "Đổi", "level": "grassroots", "audience_statuses": ["official"]}),
        ("invite", reverse("study:campaign_invite", args=[o.campaign.pk]), {}),
        ("session_create", page["session_create"], {"held_on": "2026-05-01", "place": "Hội trường"}),
        ("material_create", page["material_create"], {"title": "Tài liệu 2", "url": "https://example.org/2"}),
        ("attendance", page["attendance"], {f"status_{o.invitee.pk}": "present"}),
        ("mine", page["mine"], {"answer_0": "a", "answer_1": "b"}),
        ("grade", page["review"], {"review": "grade", "grade": "good", "note": ""}),
        ("excuse", page["review"], {"excuse": "1", "reason": "Tuổi cao"}),
        ("enter", page["enter"], {"answer_0": "a", "answer_1": "b"}),
        (
            "questions",
            page["questions"],
            {"file": SimpleUploadedFile("c.xlsx", xlsx_bytes(question_rows(1)))},
        ),
        (
            "round_create",
            page["round_create"],
            {
                "title": "Tuần sau",
                "opens_at": "2026-06-01T07:30",
                "closes_at": "2026-06-05T17:30",
                "question_count": 1,
                "time_limit_minutes": 10,
                "max_attempts": 1,
            },
        ),
        ("round_start", reverse("study:round_start", args=[o.campaign.pk, o.round.pk]), {}),
        ("enrol", page["course"], {"enrol": "1", "person": Person.objects.get(card_number="11110002").pk}),
        (
            "complete",
            reverse("study:enrolment_complete", args=[o.course.pk, o.enrolment.pk]),
            {"passed": "1", "completed_on": "2026-04-30"},
        ),
    ]
    if o.attempt is not None:
        posts.append(("attempt", page["attempt"], {}))
    return posts


def _written():
    return (
        AuditEvent.objects.count(),
        Attendance.objects.count(),
        QuizAttempt.objects.count(),
        Enrolment.objects.filter(status="enrolled").count(),
        sorted(Reflection.objects.values_list("status", flat=True)),
    )


@pytest.mark.parametrize("username", ["secretary_b", "member_a", "outsider"])
def test_a_campaign_and_course_outside_the_subtree_answer_404_everywhere(tree, client, world, username):
    other = world["b"] if username == "member_a" else world["a"]
    client.force_login(getattr(tree, username))
    before = _written()
    for name, url in reads(other).items():
        assert client.get(url).status_code == 404, name
    for name, url, data in writes(other):
        assert client.post(url, data).status_code == 404, name
    assert _written() == before


def test_the_same_addresses_work_for_the_organiser(tree, client, world):
    client.force_login(tree.secretary_a)
    for name, url in reads(world["a"]).items():
        expected = 404 if name in ("mine", "attempt") else 200  # not invited; not her attempt
        assert client.get(url).status_code == expected, name


def test_a_read_only_inspector_reads_her_subtree_but_every_write_is_404(tree, client, world):
    a = world["a"]
    client.force_login(tree.inspector_a)
    pages = reads(a)
    for name in (
        "detail",
        "invitees",
        "reflections",
        "review",
        "round",
        "xlsx",
        "docx",
        "course",
        "certificate",
    ):
        assert client.get(pages[name]).status_code == 200, name
    before = _written()
    for name in ("edit", "session_create", "material_create", "attendance", "qr", "enter", "questions"):
        assert client.get(pages[name]).status_code == 404, name
    for name, url, data in writes(a):
        if name in ("round_start", "mine", "attempt"):
            continue  # about her own person: she is not invited (test_views_errors)
        assert client.post(url, data).status_code == 404, name
    assert _written() == before


def test_missing_records_answer_the_same_404(tree, client, world):
    client.force_login(tree.staff)
    missing = SimpleNamespace(pk=10**6)
    fake = SimpleNamespace(**dict.fromkeys(vars(world["a"]), missing))
    for name, url in reads(fake).items():
        assert client.get(url).status_code == 404, name
    for name, url, data in writes(fake):
        assert client.post(url, data).status_code == 404, name
