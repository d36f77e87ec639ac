"""Writes of the study module. Each checks the actor's scope and the record's state, then audits."""

import datetime as dt
import random
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from neuguong.access.scope import scope_for
from neuguong.audit.services import audit_create, audit_record, audit_update, snapshot
from neuguong.core.dates import LOCAL_ZONE, local_today
from neuguong.core.errors import BusinessError, OutOfScope
from neuguong.core.text import normalize_text

# The evidence-file check (extension and first bytes) is the commitments module's, shared on purpose.
from neuguong.core.uploads import check_upload
from neuguong.organizations.models import Organization
from neuguong.people import attendance
from neuguong.people.models import (
    ACTIVE_MEMBER_STATUSES,
    THEORY_RANK,
    Person,
    PersonStatus,
    Position,
    PositionTitle,
    TheoryLevel,
)

from . import importer, rules
from .models import (
    COURSE_AWARDS,
    Attendance,
    AttendanceMethod,
    AttendanceStatus,
    Campaign,
    CampaignLevel,
    Course,
    CourseKind,
    Enrolment,
    EnrolmentStatus,
    Invitee,
    Material,
    PlanItem,
    PositionRequirement,
    Question,
    QuizAttempt,
    QuizRound,
    Reflection,
    ReflectionGrade,
    ReflectionStatus,
    Session,
)

MSG_NO_RIGHT = "Bạn không có quyền thực hiện thao tác này ở tổ chức này."
MSG_TITLE_REQUIRED = "Tên nghị quyết / nội dung học tập không được để trống."
MSG_DOCUMENT_NOT_FOUND = "Không tìm thấy văn bản này trong sổ văn bản thuộc phạm vi của bạn."
MSG_AUDIENCE_OUTSIDE = "Tổ chức được triệu tập phải thuộc đơn vị tổ chức học tập."
MSG_STATUSES_REQUIRED = "Chọn ít nhất một trạng thái đảng viên được triệu tập."
MSG_BAD_STATUS = "Trạng thái đảng viên không hợp lệ."
MSG_BAD_POSITION = "Chức vụ không hợp lệ."
MSG_ORG_CLOSED = "Tổ chức «{name}» đã giải thể hoặc sáp nhập."
MSG_PLACE_OR_LINK = "Cần ghi địa điểm hoặc đường dẫn học trực tuyến."
MSG_MATERIAL_FILE_OR_URL = "Cần tải lên tệp hoặc ghi đường dẫn tài liệu."
MSG_FILE_TOO_LARGE = "Tệp quá lớn (tối đa {limit} MB)."
MSG_NOT_IN_AUDIENCE = "«{name}» không có trong danh sách được triệu tập của đợt học tập này."
MSG_REASON_REQUIRED = "Vắng có lý do thì phải ghi lý do."
MSG_JOINED_AFTER_SESSION = "«{name}» sinh hoạt tại tổ chức từ {joined}, sau buổi học này: không tính là vắng."
MSG_MAKEUP_NOT_NEEDED = "«{name}» đã dự buổi học chính, không cần học bù."
MSG_BAD_ATTENDANCE_STATUS = "Trạng thái điểm danh không hợp lệ."
MSG_QR_EXPIRED = "Mã QR đã hết hạn. Đề nghị quét lại mã đang chiếu tại phòng học."
MSG_QR_INVALID = "Mã QR không hợp lệ."
MSG_QR_MISMATCH = "Mã QR này không phải của buổi học này."
MSG_NOT_INVITED = "Bạn không có trong danh sách được triệu tập của đợt học tập này."
MSG_NO_PERSON = "Tài khoản của bạn chưa gắn với hồ sơ đảng viên."
MSG_REFLECTION_TOO_LARGE = (
    "Bài thu hoạch quá dài: tối đa {chars} ký tự cho phần trả lời và {mb} MB cho tệp đính kèm."
)
MSG_REFLECTION_LOCKED = "Bài thu hoạch đã nộp hoặc đã chấm, không sửa được nữa."
MSG_ANSWER_REQUIRED = "Cần trả lời tất cả câu hỏi trước khi nộp."
MSG_ANSWER_COUNT = "Số câu trả lời không khớp số câu hỏi."
MSG_PLAN_REQUIRED = "Kế hoạch vận dụng cần ít nhất một việc làm cụ thể."
MSG_PLAN_ITEM_INCOMPLETE = "Mỗi việc trong kế hoạch cần nội dung và thời hạn (rõ việc, rõ thời gian)."
MSG_PLAN_DEADLINE_PAST = "Thời hạn của việc «{title}» đã qua."
MSG_TOO_MANY_PLAN_ITEMS = "Kế hoạch vận dụng tối đa 20 việc."
MSG_NOT_SUBMITTED = "Chỉ chấm hoặc trả lại bài đã nộp."
MSG_RETURN_NOTE = "Trả lại bài thì cần ghi nhận xét để đảng viên sửa."
MSG_BAD_GRADE = "Xếp loại không hợp lệ."
MSG_EXCUSE_REASON = "Cần ghi lý do miễn viết thu hoạch."
MSG_ALREADY_GRADED = "Bài thu hoạch đã được chấm."
MSG_ROUND_WINDOW = "Thời điểm đóng phải sau thời điểm mở."
MSG_ROUND_NUMBERS = "Số câu, thời gian làm bài và số lần thi phải từ 1 trở lên."
MSG_NOT_ENOUGH_QUESTIONS = "Ngân hàng câu hỏi chỉ có {count} câu, ít hơn số câu của đợt thi."
MSG_QUIZ_NOT_OPEN = "Đợt thi chưa mở. Thời gian thi: từ {opens} đến {closes}."
MSG_QUIZ_CLOSED = "Đợt thi đã đóng lúc {closes}; bài nộp sau thời hạn không được nhận."
MSG_NO_ATTEMPTS_LEFT = "Bạn đã dùng hết {count} lượt thi của đợt này."
MSG_ALREADY_SUBMITTED = "Bài thi này đã nộp; mỗi bài chỉ nộp một lần."
MSG_TIME_UP = "Đã hết thời gian làm bài ({minutes} phút); bài nộp muộn không được nhận."
MSG_QUESTIONS_IMPORT = "Tệp câu hỏi có lỗi, chưa nhập câu nào:"
MSG_COURSE_DATES = "Ngày bế giảng không được trước ngày khai giảng."
MSG_ALREADY_ENROLLED = "«{name}» đã có trong danh sách lớp."
MSG_COMPLETED_DATE = "Cần ngày hoàn thành."
MSG_NO_REQUIREMENT_RIGHT = "Chỉ cán bộ cơ quan tham mưu được đặt yêu cầu trình độ theo chức vụ."

MAX_ANSWER_CHARS = 100_000
REFLECTION_FILE_MAX_BYTES = 10 * 1024 * 1024
MAX_PLAN_ITEMS = 20


def _require_write(actor, path: str) -> None:
    if not scope_for(actor).can_write_path(path):
        raise OutOfScope(MSG_NO_RIGHT)


def _fmt(value: dt.datetime) -> str:
    return value.astimezone(LOCAL_ZONE).strftime("%H:%M %d/%m/%Y")


# --- campaigns ---------------------------------------------------------------------------------------


def _clean_audience(
    organizer: Organization, audience_root: Organization, positions: Iterable[str], statuses: Iterable[str]
) -> tuple[list[str], list[str]]:
    if not audience_root.path.startswith(organizer.path):
        raise BusinessError(MSG_AUDIENCE_OUTSIDE, field="audience_root")
    if not audience_root.is_active:
        raise BusinessError(MSG_ORG_CLOSED.format(name=audience_root.name), field="audience_root")
    positions = sorted(set(positions))
    if any(code not in PositionTitle.values for code in positions):
        raise BusinessError(MSG_BAD_POSITION, field="audience_positions")
    statuses = sorted(set(statuses))
    if not statuses:
        raise BusinessError(MSG_STATUSES_REQUIRED, field="audience_statuses")
    if any(code not in ACTIVE_MEMBER_STATUSES for code in statuses):
        raise BusinessError(MSG_BAD_STATUS, field="audience_statuses")
    return positions, statuses


def _clean_questions(questions: Iterable[str]) -> list[str]:
    return [q for q in (normalize_text(q)[:1000] for q in questions) if q][:20]


@transaction.atomic
def campaign_create(
    *,
    actor,
    title: str,
    level: str,
    organizer: Organization,
    audience_root: Organization | None = None,
    audience_positions: Iterable[str] = (),
    audience_statuses: Iterable[str] | None = None,
    reflection_questions: Iterable[str] = (),
    reflection_due: dt.date | None = None,
    description: str = "",
    document=None,
) -> Campaign:
    """Open a study campaign. Exempt members are excluded unless their status is chosen explicitly."""
    _require_write(actor, organizer.path)
    if document is not None:
        from neuguong.documents.models import Document

        if not Document.objects.visible_to(actor).filter(pk=document.pk).exists():
            raise BusinessError(MSG_DOCUMENT_NOT_FOUND, field="document")
        title = title or f"{document.number_text} — {document.summary}"
    title = normalize_text(title)[:255]
    if not title:
        raise BusinessError(MSG_TITLE_REQUIRED, field="title")
    if level not in CampaignLevel.values:
        raise BusinessError("Cấp tổ chức không hợp lệ.", field="level")
    if not organizer.is_active:
        raise BusinessError(MSG_ORG_CLOSED.format(name=organizer.name), field="organizer")
    audience_root = audience_root or organizer
    if audience_statuses is None:
        audience_statuses = [PersonStatus.OFFICIAL, PersonStatus.PROBATIONARY]
    positions, statuses = _clean_audience(organizer, audience_root, audience_positions, audience_statuses)
    campaign = Campaign.objects.create(
        title=title,
        document=document,
        level=level,
        organizer=organizer,
        audience_root=audience_root,
        audience_positions=positions,
        audience_statuses=statuses,
        reflection_questions=_clean_questions(reflection_questions),
        reflection_due=reflection_due,
        description=description.strip()[:5000],
        created_by=actor,
    )
    audit_create(actor=actor, target=campaign)
    return campaign


@transaction.atomic
def campaign_update(*, actor, campaign: Campaign, **values: Any) -> Campaign:
    """Change a campaign's title, questions, due date, notes or audience (the invited list is kept)."""
    _require_write(actor, campaign.organizer.path)
    allowed = {
        "title",
        "level",
        "audience_root",
        "audience_positions",
        "audience_statuses",
        "reflection_questions",
        "reflection_due",
        "description",
    }
    if set(values) - allowed:
        raise ValueError(f"not editable: {sorted(set(values) - allowed)}")
    before = snapshot(campaign, sorted(allowed))
    if "title" in values:
        values["title"] = normalize_text(values["title"])[:255]
        if not values["title"]:
            raise BusinessError(MSG_TITLE_REQUIRED, field="title")
    if "reflection_questions" in values:
        values["reflection_questions"] = _clean_questions(values["reflection_questions"])
    positions, statuses = _clean_audience(
        campaign.organizer,
        values.get("audience_root", campaign.audience_root),
        values.get("audience_positions", campaign.audience_positions),
        values.get("audience_statuses", campaign.audience_statuses),
    )
    values["audience_positions"], values["audience_statuses"] = positions, statuses
    for name, value in values.items():
        setattr(campaign, name, value)
    campaign.save()
    audit_update(actor=actor, target=campaign, before=before)
    return campaign


def _check_file_size(upload, *, limit: int, message: str, field: str) -> None:
    if upload is not None and getattr(upload, "size", 0) > limit:
        raise BusinessError(message, field=field)


@transaction.atomic
def material_add(*, actor, campaign: Campaign, title: str, file=None, url: str = "") -> Material:
    _require_write(actor, campaign.organizer.path)
    title = normalize_text(title)[:255]
    if not title:
        raise BusinessError("Tên tài liệu không được để trống.", field="title")
    if not file and not url:
        raise BusinessError(MSG_MATERIAL_FILE_OR_URL, field="file")
    limit = settings.UPLOAD_MAX_BYTES
    _check_file_size(
        file, limit=limit, message=MSG_FILE_TOO_LARGE.format(limit=limit // (1024 * 1024)), field="file"
    )
    if file:
        check_upload(file, field="file")
    material = Material.objects.create(campaign=campaign, title=title, file=file or "", url=url)
    audit_create(actor=actor, target=material)
    return material


@transaction.atomic
def session_add(
    *,
    actor,
    campaign: Campaign,
    title: str,
    held_on: dt.date,
    start_time: dt.time | None = None,
    place: str = "",
    online_link: str = "",
    is_makeup: bool = False,
) -> Session:
    _require_write(actor, campaign.organizer.path)
    title = normalize_text(title)[:255] or ("Buổi học bù" if is_makeup else "Buổi học")
    place = normalize_text(place)[:255]
    if not place and not online_link:
        raise BusinessError(MSG_PLACE_OR_LINK, field="place")
    session = Session.objects.create(
        campaign=campaign,
        title=title,
        held_on=held_on,
        start_time=start_time,
        place=place,
        online_link=online_link,
        is_makeup=is_makeup,
    )
    audit_create(actor=actor, target=session)
    return session


def audience_queryset(campaign: Campaign, *, on: dt.date | None = None):
    """People matching the campaign's audience today: subtree, statuses, and (if any) current positions."""
    day = on or local_today()
    qs = Person.objects.filter(
        organization__path__startswith=campaign.audience_root.path,
        status__in=campaign.audience_statuses,
    )
    if campaign.audience_positions:
        holding = Position.objects.filter(
            person=OuterRef("pk"), title__in=campaign.audience_positions, started_on__lte=day
        ).exclude(ended_on__lt=day)
        qs = qs.filter(Exists(holding))
    return qs


@transaction.atomic
def invitees_generate(*, actor, campaign: Campaign) -> int:
    """Add everyone in the audience who is not invited yet, in bulk; returns how many were added."""
    _require_write(actor, campaign.organizer.path)
    already = Invitee.objects.filter(campaign=campaign, person=OuterRef("pk"))
    rows = (
        audience_queryset(campaign)
        .filter(~Exists(already))
        .annotate(joined=attendance.joined_on_subquery())
        .values_list("pk", "organization_id", "joined")
    )
    invitees = [
        Invitee(campaign=campaign, person_id=pk, organization_id=org_id, joined_on=joined)
        for pk, org_id, joined in rows.iterator(chunk_size=2000)
    ]
    Invitee.objects.bulk_create(invitees, batch_size=1000, ignore_conflicts=True)
    audit_record(
        actor=actor,
        action="invite",
        target=campaign,
        changes={"invitees": {"old": None, "new": len(invitees)}},
    )
    return len(invitees)


# --- attendance --------------------------------------------------------------------------------------


def _invitee_for(campaign: Campaign, person: Person) -> Invitee:
    invitee = (
        Invitee.objects.select_related("organization", "person")
        .filter(campaign=campaign, person=person)
        .first()
    )
    if invitee is None:
        raise BusinessError(MSG_NOT_IN_AUDIENCE.format(name=person.full_name), field="person")
    return invitee


_MARK_REFUSALS = {
    "bad_status": MSG_BAD_ATTENDANCE_STATUS,
    "reason_required": MSG_REASON_REQUIRED,
    "joined_after": MSG_JOINED_AFTER_SESSION,
    "makeup_not_needed": MSG_MAKEUP_NOT_NEEDED,
}


def _check_mark(session: Session, invitee: Invitee, status: str, reason: str) -> None:
    """The shared attendance rule (`people.attendance.check_mark`), said in the study module's words."""
    try:
        attendance.check_mark(
            status=status,
            reason=reason,
            joined_on=invitee.joined_on,
            held_on=session.held_on,
            is_makeup=session.is_makeup,
            attended_main=lambda: Attendance.objects.filter(
                invitee=invitee, session__is_makeup=False, status=AttendanceStatus.PRESENT
            ).exists(),
        )
    except attendance.MarkRefused as exc:
        message = _MARK_REFUSALS[exc.reason].format(
            name=invitee.person.full_name,
            joined=invitee.joined_on.strftime("%d/%m/%Y") if invitee.joined_on else "",
        )
        field = "reason" if exc.reason == "reason_required" else "status"
        raise BusinessError(message, field=field) from exc


def _write_mark(*, actor, session, invitee, status, reason, method, on_behalf_of: str = "") -> Attendance:
    existing = Attendance.objects.filter(session=session, invitee=invitee).first()
    before = {"status": existing.status, "reason": existing.reason} if existing else {}
    attendance, _ = Attendance.objects.update_or_create(
        session=session,
        invitee=invitee,
        defaults={"status": status, "reason": reason, "method": method, "marked_by": actor},
    )
    changes = {
        name: {"old": before.get(name), "new": value}
        for name, value in (("status", status), ("reason", reason))
        if before.get(name) != value
    }
    if changes:
        audit_record(
            actor=actor,
            action="attendance",
            target=invitee.person,
            changes=changes,
            org_path=invitee.organization.path,
            note=f"{session.campaign.title} — {session}",
            on_behalf_of=on_behalf_of,
        )
    return attendance


@transaction.atomic
def attendance_mark(*, actor, session: Session, person: Person, status: str, reason: str = "") -> Attendance:
    """Mark one invited person present, excused (with reason) or absent for a session."""
    invitee = _invitee_for(session.campaign, person)
    _require_write(actor, invitee.organization.path)
    reason = normalize_text(reason)[:255]
    _check_mark(session, invitee, status, reason)
    return _write_mark(
        actor=actor,
        session=session,
        invitee=invitee,
        status=status,
        reason=reason,
        method=AttendanceMethod.SECRETARY,
    )


@transaction.atomic
def attendance_mark_many(*, actor, session: Session, marks: dict[int, tuple[str, str]]) -> int:
    """Mark several invitees (by invitee id) at once; every mark is checked before any is written."""
    invitees = {
        inv.pk: inv
        for inv in Invitee.objects.select_related("organization", "person").filter(
            campaign=session.campaign, pk__in=list(marks)
        )
    }
    scope = scope_for(actor)
    prepared = []
    for invitee_id, (status, reason) in marks.items():
        invitee = invitees.get(invitee_id)
        if invitee is None:
            raise BusinessError(MSG_NOT_IN_AUDIENCE.format(name=f"#{invitee_id}"), field="person")
        if not scope.can_write_path(invitee.organization.path):
            raise OutOfScope(MSG_NO_RIGHT)
        reason = normalize_text(reason)[:255]
        try:
            _check_mark(session, invitee, status, reason)
        except BusinessError as exc:
            raise BusinessError(f"{invitee.person.full_name}: {exc.message}", field=exc.field) from exc
        prepared.append((invitee, status, reason))
    for invitee, status, reason in prepared:
        _write_mark(
            actor=actor,
            session=session,
            invitee=invitee,
            status=status,
            reason=reason,
            method=AttendanceMethod.SECRETARY,
        )
    return len(prepared)


@transaction.atomic
def attendance_self_checkin(*, user, session: Session, token: str) -> Attendance:
    """Check oneself in by the QR code shown in the room (a signed, expiring link for this session)."""
    try:
        rules.checkin_token_check(token, campaign_id=session.campaign_id, session_id=session.pk)
    except rules.CheckinTokenError as exc:
        message = {"expired": MSG_QR_EXPIRED, "mismatch": MSG_QR_MISMATCH}.get(exc.reason, MSG_QR_INVALID)
        raise BusinessError(message) from exc
    person_id = scope_for(user).person_id
    if person_id is None:
        raise BusinessError(MSG_NO_PERSON)
    invitee = (
        Invitee.objects.select_related("organization", "person")
        .filter(campaign_id=session.campaign_id, person_id=person_id)
        .first()
    )
    if invitee is None:
        raise BusinessError(MSG_NOT_INVITED)
    existing = Attendance.objects.filter(session=session, invitee=invitee, status=AttendanceStatus.PRESENT)
    if existing.exists():
        return existing.get()
    _check_mark(session, invitee, AttendanceStatus.PRESENT, "")
    return _write_mark(
        actor=user,
        session=session,
        invitee=invitee,
        status=AttendanceStatus.PRESENT,
        reason="",
        method=AttendanceMethod.QR,
    )


# --- reflections and application plans --------------------------------------------------------------


def _reflection_too_large() -> BusinessError:
    return BusinessError(
        MSG_REFLECTION_TOO_LARGE.format(
            chars=f"{MAX_ANSWER_CHARS:,}".replace(",", "."), mb=REFLECTION_FILE_MAX_BYTES // (1024 * 1024)
        ),
        field="answers",
    )


def _actor_for_invitee(actor, invitee: Invitee) -> str:
    """'' when the member writes their own; their name when a secretary enters it on their behalf."""
    scope = scope_for(actor)
    if scope.person_id == invitee.person_id:
        return ""
    if scope.can_write_path(invitee.organization.path):
        return invitee.person.full_name
    raise OutOfScope(MSG_NO_RIGHT)


@transaction.atomic
def reflection_save(
    *,
    actor,
    invitee: Invitee,
    answers: list[str],
    plan_items: list[dict],
    attachment=None,
    submit: bool = False,
) -> Reflection:
    """Save (and optionally submit) a reflection and application plan, by the member or on their behalf."""
    on_behalf_of = _actor_for_invitee(actor, invitee)
    reflection, _ = Reflection.objects.select_for_update().get_or_create(
        invitee=invitee, defaults={"entered_by": actor}
    )
    if reflection.status not in (ReflectionStatus.DRAFT, ReflectionStatus.RETURNED):
        raise BusinessError(MSG_REFLECTION_LOCKED)
    questions = invitee.campaign.reflection_questions
    answers = [(a or "").strip() for a in answers]
    if sum(len(a) for a in answers) > MAX_ANSWER_CHARS:
        raise _reflection_too_large()
    if attachment is not None and getattr(attachment, "size", 0) > REFLECTION_FILE_MAX_BYTES:
        raise _reflection_too_large()
    if attachment is not None:
        check_upload(attachment, field="attachment")
    if len(answers) != len(questions):
        raise BusinessError(MSG_ANSWER_COUNT, field="answers")
    items = [
        {
            "title": normalize_text(item.get("title") or "")[:500],
            "expected_result": normalize_text(item.get("expected_result") or "")[:500],
            "deadline": item.get("deadline"),
        }
        for item in plan_items
        if (item.get("title") or "").strip() or item.get("deadline")
    ]
    if len(items) > MAX_PLAN_ITEMS:
        raise BusinessError(MSG_TOO_MANY_PLAN_ITEMS, field="plan")
    if any(not item["title"] or not item["deadline"] for item in items):
        raise BusinessError(MSG_PLAN_ITEM_INCOMPLETE, field="plan")
    if submit:
        if any(not a for a in answers):
            raise BusinessError(MSG_ANSWER_REQUIRED, field="answers")
        if not items:
            raise BusinessError(MSG_PLAN_REQUIRED, field="plan")
        today = local_today()
        for item in items:
            if item["deadline"] < today:
                raise BusinessError(MSG_PLAN_DEADLINE_PAST.format(title=item["title"]), field="plan")
    before = snapshot(reflection, ["answers", "status", "entered_on_behalf"])
    reflection.answers = answers
    if attachment is not None:
        reflection.attachment = attachment
    reflection.entered_by = actor
    reflection.entered_on_behalf = bool(on_behalf_of)
    if submit:
        reflection.status = ReflectionStatus.SUBMITTED
        reflection.submitted_at = timezone.now()
    reflection.save()
    reflection.plan_items.all().delete()
    PlanItem.objects.bulk_create([PlanItem(reflection=reflection, **item) for item in items])
    audit_update(
        actor=actor,
        target=reflection,
        before=before,
        action="submit" if submit else "update",
        on_behalf_of=on_behalf_of,
    )
    return reflection


def _lock_for_review(actor, reflection: Reflection) -> Reflection:
    _require_write(actor, reflection.invitee.organization.path)
    reflection = (
        Reflection.objects.select_for_update()
        .select_related("invitee__person", "invitee__organization", "invitee__campaign")
        .get(pk=reflection.pk)
    )
    if reflection.status != ReflectionStatus.SUBMITTED:
        raise BusinessError(MSG_NOT_SUBMITTED)
    return reflection


def _commitments_available() -> bool:
    from importlib.util import find_spec

    return find_spec("neuguong.commitments.services") is not None


def _plan_items_to_commitments(actor, reflection: Reflection) -> int:
    """Each plan item becomes a commitment of the author (rõ việc, rõ người, rõ thời gian)."""
    if not _commitments_available():
        return 0
    from neuguong.commitments import services as commitment_services

    created = 0
    person = reflection.invitee.person
    for item in reflection.plan_items.filter(commitment_id__isnull=True):
        commitment = commitment_services.commitment_create(
            actor=actor,
            organization=person.organization,
            title=item.title,
            deadline=item.deadline,
            responsible_person=person,
            expected_result=item.expected_result,
            category="political",
            source_kind="study_plan",
            source_object=item,
            source_note=f"Kế hoạch vận dụng: {reflection.invitee.campaign.title}",
        )
        item.commitment_id = commitment.pk
        item.save(update_fields=["commitment_id"])
        created += 1
    return created


@transaction.atomic
def reflection_grade(*, actor, reflection: Reflection, grade: str, note: str = "") -> Reflection:
    """Grade a submitted reflection; its plan items become tracked commitments."""
    reflection = _lock_for_review(actor, reflection)
    if grade not in ReflectionGrade.values:
        raise BusinessError(MSG_BAD_GRADE, field="grade")
    before = snapshot(reflection, ["status", "grade", "reviewer_note"])
    reflection.status = ReflectionStatus.GRADED
    reflection.grade = grade
    reflection.reviewer_note = note.strip()[:5000]
    reflection.reviewed_by = actor
    reflection.reviewed_at = timezone.now()
    reflection.save()
    audit_update(actor=actor, target=reflection, before=before, action="grade")
    _plan_items_to_commitments(actor, reflection)
    return reflection


@transaction.atomic
def reflection_return(*, actor, reflection: Reflection, note: str) -> Reflection:
    """Send a submitted reflection back to its author with a note saying what to fix."""
    reflection = _lock_for_review(actor, reflection)
    note = note.strip()[:5000]
    if not note:
        raise BusinessError(MSG_RETURN_NOTE, field="note")
    before = snapshot(reflection, ["status", "reviewer_note"])
    reflection.status = ReflectionStatus.RETURNED
    reflection.reviewer_note = note
    reflection.reviewed_by = actor
    reflection.reviewed_at = timezone.now()
    reflection.save()
    audit_update(actor=actor, target=reflection, before=before, action="return")
    return reflection


@transaction.atomic
def reflection_excuse(*, actor, invitee: Invitee, reason: str) -> Reflection:
    """Excuse an exempt or elderly member from writing a reflection (with the reason on record)."""
    _require_write(actor, invitee.organization.path)
    reason = normalize_text(reason)[:255]
    if not reason:
        raise BusinessError(MSG_EXCUSE_REASON, field="reason")
    reflection, _ = Reflection.objects.select_for_update().get_or_create(
        invitee=invitee, defaults={"entered_by": actor}
    )
    if reflection.status == ReflectionStatus.GRADED:
        raise BusinessError(MSG_ALREADY_GRADED)
    before = snapshot(reflection, ["status", "excuse_reason"])
    reflection.status = ReflectionStatus.EXCUSED
    reflection.excuse_reason = reason
    reflection.reviewed_by = actor
    reflection.reviewed_at = timezone.now()
    reflection.save()
    audit_update(actor=actor, target=reflection, before=before, action="excuse")
    return reflection


# --- quizzes -----------------------------------------------------------------------------------------


@transaction.atomic
def questions_import(*, actor, campaign: Campaign, content: bytes) -> int:
    """Import a question bank from XLSX: all rows are checked first; any error and nothing is written."""
    _require_write(actor, campaign.organizer.path)
    if len(content) > importer.MAX_FILE_BYTES:
        raise BusinessError(importer.MSG_FILE_TOO_LARGE, field="file")
    try:
        rows = importer.read_xlsx_rows(content)
    except ValueError as exc:
        raise BusinessError(importer.MSG_NOT_XLSX, field="file") from exc
    result = importer.parse_question_rows(rows)
    if result.errors:
        raise QuestionImportError(result.errors)
    Question.objects.bulk_create(
        [
            Question(campaign=campaign, text=q.text, options=q.options, correct=q.correct, source_row=q.row)
            for q in result.questions
        ]
    )
    audit_record(
        actor=actor,
        action="import",
        target=campaign,
        changes={"questions": {"old": None, "new": len(result.questions)}},
    )
    return len(result.questions)


class QuestionImportError(BusinessError):
    def __init__(self, errors: list[str]):
        super().__init__(MSG_QUESTIONS_IMPORT, field="file")
        self.errors = errors


@transaction.atomic
def quiz_round_create(
    *,
    actor,
    campaign: Campaign,
    title: str,
    opens_at: dt.datetime,
    closes_at: dt.datetime,
    question_count: int,
    time_limit_minutes: int,
    max_attempts: int = 1,
) -> QuizRound:
    _require_write(actor, campaign.organizer.path)
    if closes_at <= opens_at:
        raise BusinessError(MSG_ROUND_WINDOW, field="closes_at")
    if min(question_count, time_limit_minutes, max_attempts) < 1:
        raise BusinessError(MSG_ROUND_NUMBERS, field="question_count")
    available = campaign.questions.count()
    if question_count > available:
        raise BusinessError(MSG_NOT_ENOUGH_QUESTIONS.format(count=available), field="question_count")
    quiz_round = QuizRound.objects.create(
        campaign=campaign,
        title=normalize_text(title)[:255] or "Thi trắc nghiệm",
        opens_at=opens_at,
        closes_at=closes_at,
        question_count=question_count,
        time_limit_minutes=time_limit_minutes,
        max_attempts=max_attempts,
    )
    audit_create(actor=actor, target=quiz_round)
    return quiz_round


def _own_invitee(user, campaign_id: int) -> Invitee:
    person_id = scope_for(user).person_id
    if person_id is None:
        raise BusinessError(MSG_NO_PERSON)
    invitee = Invitee.objects.filter(campaign_id=campaign_id, person_id=person_id).first()
    if invitee is None:
        raise BusinessError(MSG_NOT_INVITED)
    return invitee


def _check_window(quiz_round: QuizRound, now: dt.datetime) -> None:
    if now < quiz_round.opens_at:
        raise BusinessError(
            MSG_QUIZ_NOT_OPEN.format(opens=_fmt(quiz_round.opens_at), closes=_fmt(quiz_round.closes_at))
        )
    if not rules.window_is_open(quiz_round.opens_at, quiz_round.closes_at, now):
        raise BusinessError(MSG_QUIZ_CLOSED.format(closes=_fmt(quiz_round.closes_at)))


@transaction.atomic
def quiz_start(
    *, user, quiz_round: QuizRound, now: dt.datetime | None = None, rng: random.Random | None = None
) -> QuizAttempt:
    """Start (or resume) an attempt: questions drawn at random, each question's options shuffled for
    this attempt (stored, so a reload shows the same order), the clock kept by the server.
    `rng` is for tests; by default the system's random source."""
    now = now or timezone.now()
    rng = rng or random.SystemRandom()
    invitee = _own_invitee(user, quiz_round.campaign_id)
    _check_window(quiz_round, now)
    attempts = list(
        QuizAttempt.objects.select_for_update().filter(round=quiz_round, invitee=invitee).order_by("number")
    )
    for attempt in attempts:
        if attempt.submitted_at is None and not rules.attempt_time_is_up(
            attempt.started_at, quiz_round.time_limit_minutes, now
        ):
            return attempt
    if len(attempts) >= quiz_round.max_attempts:
        raise BusinessError(MSG_NO_ATTEMPTS_LEFT.format(count=quiz_round.max_attempts))
    pool = dict(Question.objects.filter(campaign_id=quiz_round.campaign_id).values_list("pk", "options"))
    chosen = rng.sample(sorted(pool), min(quiz_round.question_count, len(pool)))
    orders = {str(qid): rules.option_order(len(pool[qid]), rng) for qid in chosen}
    attempt = QuizAttempt.objects.create(
        round=quiz_round,
        invitee=invitee,
        number=len(attempts) + 1,
        question_ids=chosen,
        option_orders=orders,
        started_at=now,
        deadline_at=min(now + dt.timedelta(minutes=quiz_round.time_limit_minutes), quiz_round.closes_at),
    )
    return attempt


@transaction.atomic
def quiz_submit(
    *, user, attempt: QuizAttempt, answers: dict[int, list[int]], now: dt.datetime | None = None
) -> QuizAttempt:
    """Score an attempt on the server. Refused after the window, after the time limit, or a second time."""
    now = now or timezone.now()
    attempt = QuizAttempt.objects.select_for_update().select_related("round", "invitee").get(pk=attempt.pk)
    if scope_for(user).person_id != attempt.invitee.person_id:
        raise OutOfScope(MSG_NO_RIGHT)
    if attempt.submitted_at is not None:
        raise BusinessError(MSG_ALREADY_SUBMITTED)
    quiz_round = attempt.round
    _check_window(quiz_round, now)
    if rules.attempt_time_is_up(attempt.started_at, quiz_round.time_limit_minutes, now):
        raise BusinessError(MSG_TIME_UP.format(minutes=quiz_round.time_limit_minutes))
    correct_by_id = dict(Question.objects.filter(pk__in=attempt.question_ids).values_list("pk", "correct"))
    kept = {str(qid): sorted(set(answers.get(qid, []))) for qid in attempt.question_ids}
    correct = sum(
        1
        for qid in attempt.question_ids
        if rules.is_answer_correct(kept[str(qid)], correct_by_id.get(qid, []))
    )
    attempt.answers = kept
    attempt.submitted_at = now
    attempt.correct_count = correct
    attempt.score = rules.score_of(correct, len(attempt.question_ids))
    attempt.save(update_fields=["answers", "submitted_at", "correct_count", "score"])
    return attempt


# --- political-theory training -----------------------------------------------------------------------


@transaction.atomic
def course_create(
    *, actor, title: str, kind: str, organizer: Organization, starts_on: dt.date, ends_on: dt.date
) -> Course:
    _require_write(actor, organizer.path)
    title = normalize_text(title)[:255]
    if not title:
        raise BusinessError("Tên lớp không được để trống.", field="title")
    if kind not in CourseKind.values:
        raise BusinessError("Loại lớp không hợp lệ.", field="kind")
    if ends_on < starts_on:
        raise BusinessError(MSG_COURSE_DATES, field="ends_on")
    course = Course.objects.create(
        title=title, kind=kind, organizer=organizer, starts_on=starts_on, ends_on=ends_on
    )
    audit_create(actor=actor, target=course)
    return course


@transaction.atomic
def enrolment_add(*, actor, course: Course, person: Person) -> Enrolment:
    _require_write(actor, person.organization.path)
    if Enrolment.objects.filter(course=course, person=person).exists():
        raise BusinessError(MSG_ALREADY_ENROLLED.format(name=person.full_name), field="person")
    enrolment = Enrolment.objects.create(course=course, person=person)
    audit_record(
        actor=actor,
        action="enrol",
        target=person,
        changes={"course": {"old": None, "new": course.title}},
    )
    return enrolment


@transaction.atomic
def enrolment_complete(
    *,
    actor,
    enrolment: Enrolment,
    passed: bool,
    completed_on: dt.date | None,
    certificate_number: str = "",
) -> Enrolment:
    """Record a course result; passing a level course raises the person's theory level (never lowers it)."""
    person = enrolment.person
    _require_write(actor, person.organization.path)
    if passed and not completed_on:
        raise BusinessError(MSG_COMPLETED_DATE, field="completed_on")
    before = snapshot(enrolment, ["status", "completed_on", "certificate_number"])
    enrolment.status = EnrolmentStatus.COMPLETED if passed else EnrolmentStatus.FAILED
    enrolment.completed_on = completed_on if passed else None
    enrolment.certificate_number = normalize_text(certificate_number)[:64] if passed else ""
    enrolment.save()
    audit_update(actor=actor, target=enrolment, before=before, action="complete")
    awarded = COURSE_AWARDS.get(enrolment.course.kind)
    if passed and awarded and THEORY_RANK[TheoryLevel(person.theory_level)] < THEORY_RANK[awarded]:
        from neuguong.people.services import person_update

        credential = "diploma" if awarded != TheoryLevel.PRIMARY else "certificate"
        person_update(
            actor=actor,
            person=person,
            theory_level=awarded.value,
            theory_credential=credential,
            note=f"Hoàn thành lớp {enrolment.course.title}",
        )
    return enrolment


@transaction.atomic
def position_requirement_set(*, actor, title: str, required_level: str) -> PositionRequirement:
    """Set the theory level a post requires (a configuration kept by the superior committee's staff)."""
    scope = scope_for(actor)
    if not (scope.is_global or scope.structure_paths):
        raise OutOfScope(MSG_NO_REQUIREMENT_RIGHT)
    if title not in PositionTitle.values or required_level not in TheoryLevel.values:
        raise BusinessError(MSG_BAD_POSITION, field="title")
    requirement, _ = PositionRequirement.objects.update_or_create(
        title=title, defaults={"required_level": required_level}
    )
    audit_record(
        actor=actor,
        action="update",
        target=requirement,
        org_path="/",
        changes={"required_level": {"old": None, "new": required_level}},
    )
    return requirement
