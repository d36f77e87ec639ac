"""Typed audit events of the study module: every event a campaign and a course write is declared with a
Vietnamese label, the histories on the pages read in Vietnamese, and the stored free-text actions map to the
typed ones and back (attendance and enrolment events move from the person to the mark and the enrolment)."""

import datetime as dt
import importlib
import re

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from neuguong.audit.events import is_declared, label_for
from neuguong.audit.models import AuditEvent
from neuguong.audit.selectors import history_for
from neuguong.people.models import Person
from neuguong.study import services
from neuguong.study.events import StudyEvent
from neuguong.study.models import Attendance, Campaign, Enrolment, Invitee

from .factories import make_campaign, make_session, question_rows, xlsx_bytes

pytestmark = pytest.mark.django_db
NEXT_YEAR = dt.date.today() + dt.timedelta(days=365)
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
CODES = {
    "official",
    "probationary",
    "bloc",
    "grassroots",
    "submitted",
    "returned",
    "graded",
    "present",
    "good",
}


def assert_reads_in_vietnamese(rows):
    """Labels, not codes; names, not ids; choice labels; dd/mm/yyyy; Có/Không; no bookkeeping fields."""
    assert rows
    for row in rows:
        assert row["action_label"] == label_for(row["event"].action) != row["event"].action
        for change in row["changes"]:
            assert not re.fullmatch(r"[A-Za-z_ ]+", change["field"]), change
            for value in (change["old"], change["new"]):
                text = str(value or "")
                assert text not in {"True", "False"}, change
                assert not set(re.split(r",\s*", text)) & CODES, change
                assert not ISO_DATE.search(text), change


@pytest.fixture
def work(tree):
    campaign = make_campaign(tree.secretary_a, tree.org_a, title="Nghị quyết 57 tại Đảng bộ A")
    services.campaign_update(
        actor=tree.secretary_a,
        campaign=campaign,
        title="Nghị quyết 57 (sửa)",
        audience_statuses=["official", "probationary", "exempt"],
        reflection_due=dt.date(2026, 6, 30),
    )
    services.invitees_generate(actor=tree.secretary_a, campaign=campaign)
    session = make_session(tree.secretary_a, campaign, start_time=dt.time(7, 30))
    services.material_add(
        actor=tree.secretary_a, campaign=campaign, title="Toàn văn", url="https://example.org/nq"
    )
    services.attendance_mark(actor=tree.secretary_a, session=session, person=tree.person_a, status="present")
    services.attendance_mark(
        actor=tree.secretary_a, session=session, person=tree.person_a, status="excused", reason="Ốm"
    )
    invitee = Invitee.objects.get(campaign=campaign, person=tree.person_a)
    plan = [{"title": "Số hóa hồ sơ", "deadline": NEXT_YEAR}]
    services.reflection_save(actor=tree.member_a, invitee=invitee, answers=["Một", ""], plan_items=plan)
    reflection = services.reflection_save(
        actor=tree.member_a, invitee=invitee, answers=["Một", "Hai"], plan_items=plan, submit=True
    )
    reflection = services.reflection_return(actor=tree.secretary_a, reflection=reflection, note="Cụ thể hơn")
    reflection = services.reflection_save(
        actor=tree.secretary_a, invitee=invitee, answers=["Một", "Ba"], plan_items=plan, submit=True
    )
    services.reflection_grade(actor=tree.secretary_a, reflection=reflection, grade="good", note="Tốt")
    services.reflection_excuse(
        actor=tree.secretary_a,
        invitee=Invitee.objects.get(campaign=campaign, person=tree.person_a2),
        reason="Tuổi cao",
    )
    services.questions_import(actor=tree.secretary_a, campaign=campaign, content=xlsx_bytes(question_rows(3)))
    now = dt.datetime.now(dt.UTC)
    services.quiz_round_create(
        actor=tree.secretary_a,
        campaign=campaign,
        title="Tuần 1",
        opens_at=now,
        closes_at=now + dt.timedelta(days=4),
        question_count=3,
        time_limit_minutes=15,
    )
    course = services.course_create(
        actor=tree.secretary_a,
        title="Sơ cấp LLCT khóa 3",
        kind="primary",
        organizer=tree.org_a,
        starts_on=dt.date(2026, 2, 1),
        ends_on=dt.date(2026, 4, 30),
    )
    enrolment = services.enrolment_add(actor=tree.secretary_a, course=course, person=tree.person_a)
    services.enrolment_complete(
        actor=tree.secretary_a,
        enrolment=enrolment,
        passed=True,
        completed_on=dt.date(2026, 4, 30),
        certificate_number="SC-03-017",
    )
    services.position_requirement_set(actor=tree.staff, title="secretary", required_level="intermediate")
    return {"campaign": campaign, "invitee": invitee, "session": session, "enrolment": enrolment}


def test_every_event_of_a_campaign_and_a_course_is_declared_with_a_label(tree, work):
    written = set(AuditEvent.objects.filter(target_type__app_label="study").values_list("action", flat=True))
    assert written == set(StudyEvent.values)
    assert all(is_declared(action) for action in written)


def test_the_campaign_and_reflection_pages_read_their_histories_in_vietnamese(tree, client, work):
    campaign, invitee = work["campaign"], work["invitee"]
    client.force_login(tree.secretary_a)
    campaign_rows = client.get(reverse("study:campaign_detail", args=[campaign.pk])).context["history"]
    review_rows = client.get(reverse("study:reflection_review", args=[campaign.pk, invitee.pk])).context[
        "history"
    ]
    assert_reads_in_vietnamese(campaign_rows)
    assert_reads_in_vietnamese(review_rows)
    changes = {
        (r["action_label"], c["field"], c["old"], c["new"]) for r in campaign_rows for c in r["changes"]
    }
    assert (
        "Sửa đợt học tập",
        "Đối tượng: trạng thái",
        "Chính thức, Dự bị",
        "Miễn sinh hoạt, Chính thức, Dự bị",
    ) in changes
    assert ("Sửa đợt học tập", "Hạn nộp thu hoạch", None, "30/06/2026") in changes
    assert ("Thêm buổi học", "Giờ bắt đầu", None, "07:30") in changes
    assert ("Thêm tài liệu học tập", "Đường dẫn", None, "https://example.org/nq") in changes
    assert (
        "Bổ sung danh sách triệu tập",
        "Số người được bổ sung vào danh sách triệu tập",
        None,
        "2",
    ) in changes
    actions = [row["action_label"] for row in review_rows]
    assert actions == [
        "Chấm bài thu hoạch",
        "Nộp bài thu hoạch",
        "Trả lại bài thu hoạch để sửa",
        "Nộp bài thu hoạch",
        "Lưu bản nháp thu hoạch",
    ]
    graded = {c["field"]: c["new"] for c in review_rows[0]["changes"]}
    assert graded["Xếp loại"] == "Tốt" and graded["Trạng thái"] == "Đã chấm"
    assert review_rows[1]["event"].on_behalf_of == "Nguyễn Nam Đình"


def test_an_attendance_mark_and_an_enrolment_keep_their_own_history(tree, work):
    attendance = Attendance.objects.get(invitee=work["invitee"])
    rows = history_for(attendance)
    assert_reads_in_vietnamese(rows)
    assert [{(c["field"], c["old"], c["new"]) for c in row["changes"]} for row in rows] == [
        {("Điểm danh", "Có mặt", "Vắng có lý do"), ("Lý do vắng", None, "Ốm")},
        {("Điểm danh", None, "Có mặt")},
    ]
    assert rows[0]["event"].note == f"{work['campaign'].title} — {work['session']}"
    rows = history_for(work["enrolment"])
    assert_reads_in_vietnamese(rows)
    assert {c["field"]: c["new"] for c in rows[1]["changes"]} == {
        "Lớp": "Sơ cấp LLCT khóa 3",
        "Học viên": "Nguyễn Nam Đình",
        "Kết quả": "Đang học",
    }
    # The person's own history is about the person (the theory level the course raised), not the marks.
    person_actions = {row["event"].action for row in history_for(tree.person_a)}
    assert not person_actions & set(StudyEvent.values)


def _migration():
    return importlib.import_module("neuguong.study.migrations.0005_plan_item_commitment_fk_typed_events")


def test_stored_free_text_actions_map_to_the_typed_events_and_back(tree, work):
    migration = _migration()
    person_type = ContentType.objects.get_for_model(Person)
    campaign, session = work["campaign"], work["session"]
    attendance = Attendance.objects.get(invitee=work["invitee"])
    AuditEvent.objects.all().delete()
    old_rows = [
        AuditEvent.objects.create(
            target_type=ContentType.objects.get_for_model(Campaign),
            target_id=str(campaign.pk),
            target_repr="x",
            action="invite",
            changes={"invitees": {"old": None, "new": 2}},
        ),
        AuditEvent.objects.create(
            target_type=person_type,
            target_id=str(tree.person_a.pk),
            target_repr="Nguyễn Nam Đình",
            action="attendance",
            note=f"{campaign.title} — {session}",
            changes={"status": {"old": None, "new": "present"}, "reason": {"old": None, "new": ""}},
        ),
        AuditEvent.objects.create(
            target_type=person_type,
            target_id=str(tree.person_a.pk),
            target_repr="Nguyễn Nam Đình",
            action="enrol",
            changes={"course": {"old": None, "new": "Sơ cấp LLCT khóa 3"}},
        ),
        AuditEvent.objects.create(  # a mark that can no longer be found stays on the person
            target_type=person_type,
            target_id=str(tree.person_b.pk),
            target_repr="Nguyễn Văn Bình",
            action="attendance",
            note="Đợt đã xóa — Buổi 1 (01/01/2026)",
        ),
    ]
    rename, move = migration.Migration.operations[-2:]  # rename_actions(RENAMES), person events moved
    rename.code(apps, None)
    move.code(apps, None)
    invite, mark, enrol, lost = (AuditEvent.objects.get(pk=row.pk) for row in old_rows)
    assert invite.action == StudyEvent.INVITEES_ADDED
    assert (mark.action, mark.target_type.model, mark.target_id) == (
        StudyEvent.ATTENDANCE_MARKED,
        "attendance",
        str(attendance.pk),
    )
    assert mark.changes == {"status": {"old": None, "new": "present"}}  # the empty reason is dropped
    assert (enrol.action, enrol.target_type.model, enrol.target_id) == (
        StudyEvent.ENROLLED,
        "enrolment",
        str(Enrolment.objects.get(person=tree.person_a).pk),
    )
    assert (lost.action, lost.target_type.model) == (StudyEvent.ATTENDANCE_MARKED, "person")
    move.reverse_code(apps, None)
    rename.reverse_code(apps, None)
    restored = [AuditEvent.objects.get(pk=row.pk) for row in old_rows]
    assert [e.action for e in restored] == ["invite", "attendance", "enrol", "attendance"]
    assert [e.target_type.model for e in restored] == ["campaign", "person", "person", "person"]
    assert restored[1].target_id == restored[2].target_id == str(tree.person_a.pk)


def test_every_old_action_maps_to_a_declared_event():
    migration = _migration()
    assert all(is_declared(new) for mapping in migration.RENAMES.values() for new in mapping.values())
    assert all(is_declared(new) for _, new, _ in migration.ON_PERSON)
