"""Reflections (bài thu hoạch) and application plans: written by the member or on their behalf, reviewed,
graded (the plan's items become commitments), returned or excused."""

import datetime as dt
from typing import TYPE_CHECKING, TypedDict

from django.db import transaction
from django.utils import timezone

from neuguong.access.scope import scope_for
from neuguong.audit.services import snapshot
from neuguong.commitments import services as commitment_services
from neuguong.core.dates import local_today
from neuguong.core.errors import BusinessError, OutOfScope
from neuguong.core.text import normalize_text
from neuguong.core.uploads import check_upload

from .. import events, notices
from ..models import (
    Invitee,
    PlanItem,
    Reflection,
    ReflectionGrade,
    ReflectionStatus,
)
from .common import (
    MSG_NO_RIGHT,
    require_write,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import User

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
MAX_ANSWER_CHARS = 100_000
REFLECTION_FILE_MAX_BYTES = 10 * 1024 * 1024
MAX_PLAN_ITEMS = 20


# --- reflections and application plans --------------------------------------------------------------


class PlanItemValues(TypedDict):
    title: str
    expected_result: str
    deadline: dt.date | None


def reflection_too_large() -> BusinessError:
    return BusinessError(
        MSG_REFLECTION_TOO_LARGE.format(
            chars=f"{MAX_ANSWER_CHARS:,}".replace(",", "."), mb=REFLECTION_FILE_MAX_BYTES // (1024 * 1024)
        ),
        field="answers",
    )


def _actor_for_invitee(actor: "User", invitee: Invitee) -> str:
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
    actor: "User",
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
        raise reflection_too_large()
    if attachment is not None and getattr(attachment, "size", 0) > REFLECTION_FILE_MAX_BYTES:
        raise reflection_too_large()
    if attachment is not None:
        check_upload(attachment, field="attachment")
    if len(answers) != len(questions):
        raise BusinessError(MSG_ANSWER_COUNT, field="answers")
    items: list[PlanItemValues] = [
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
            deadline = item["deadline"]
            if deadline is not None and deadline < today:  # (none is missing: checked above)
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
    events.reflection_saved(
        actor=actor, reflection=reflection, before=before, submitted=submit, on_behalf_of=on_behalf_of
    )
    if submit:
        notices.reflection_submitted(actor=actor, reflection=reflection)
    return reflection


def _lock_for_review(actor: "User", reflection: Reflection) -> Reflection:
    require_write(actor, reflection.invitee.organization.path)
    reflection = (
        Reflection.objects.select_for_update()
        .select_related("invitee__person", "invitee__organization", "invitee__campaign")
        .get(pk=reflection.pk)
    )
    if reflection.status != ReflectionStatus.SUBMITTED:
        raise BusinessError(MSG_NOT_SUBMITTED)
    return reflection


def _plan_items_to_commitments(actor: "User", reflection: Reflection) -> int:
    """Each plan item becomes a commitment of the author (rõ việc, rõ người, rõ thời gian)."""
    created = 0
    person = reflection.invitee.person
    for item in reflection.plan_items.filter(commitment__isnull=True):
        item.commitment = commitment_services.commitment_create(
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
        item.save(update_fields=["commitment"])
        created += 1
    return created


@transaction.atomic
def reflection_grade(*, actor: "User", reflection: Reflection, grade: str, note: str = "") -> Reflection:
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
    events.reflection_graded(actor=actor, reflection=reflection, before=before)
    _plan_items_to_commitments(actor, reflection)
    notices.reflection_reviewed(actor=actor, reflection=reflection)
    return reflection


@transaction.atomic
def reflection_return(*, actor: "User", reflection: Reflection, note: str) -> Reflection:
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
    events.reflection_returned(actor=actor, reflection=reflection, before=before)
    notices.reflection_reviewed(actor=actor, reflection=reflection)
    return reflection


@transaction.atomic
def reflection_excuse(*, actor: "User", invitee: Invitee, reason: str) -> Reflection:
    """Excuse an exempt or elderly member from writing a reflection (with the reason on record)."""
    require_write(actor, invitee.organization.path)
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
    events.reflection_excused(actor=actor, reflection=reflection, before=before)
    return reflection
