"""Political-theory training: courses, enrolments and results, and the theory level each post requires."""

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction

from neuguong.access.scope import scope_for
from neuguong.audit.services import snapshot
from neuguong.core.dates import check_date, local_today
from neuguong.core.errors import BusinessError, OutOfScope
from neuguong.core.text import normalize_text
from neuguong.organizations.models import Organization
from neuguong.people.models import (
    THEORY_RANK,
    Person,
    PositionTitle,
    TheoryLevel,
)

from .. import events
from ..models import (
    COURSE_AWARDS,
    Course,
    CourseKind,
    Enrolment,
    EnrolmentStatus,
    PositionRequirement,
)
from .common import (
    MSG_BAD_POSITION,
    require_write,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import User

MSG_COURSE_DATES = "Ngày bế giảng không được trước ngày khai giảng."
MSG_ALREADY_ENROLLED = "«{name}» đã có trong danh sách lớp."
MSG_COMPLETED_DATE = "Cần ngày hoàn thành."
MSG_NO_REQUIREMENT_RIGHT = "Chỉ cán bộ cơ quan tham mưu được đặt yêu cầu trình độ theo chức vụ."


# --- political-theory training -----------------------------------------------------------------------


@transaction.atomic
def course_create(
    *, actor: "User", title: str, kind: str, organizer: Organization, starts_on: dt.date, ends_on: dt.date
) -> Course:
    require_write(actor, organizer.path)
    title = normalize_text(title)[:255]
    if not title:
        raise BusinessError("Tên lớp không được để trống.", field="title")
    if kind not in CourseKind.values:
        raise BusinessError("Loại lớp không hợp lệ.", field="kind")
    check_date(starts_on, field="starts_on", label="Ngày khai giảng", required=True)
    check_date(ends_on, field="ends_on", label="Ngày bế giảng", required=True)
    if ends_on < starts_on:
        raise BusinessError(MSG_COURSE_DATES, field="ends_on")
    course = Course.objects.create(
        title=title, kind=kind, organizer=organizer, starts_on=starts_on, ends_on=ends_on
    )
    events.course_opened(actor=actor, course=course)
    return course


@transaction.atomic
def enrolment_add(*, actor: "User", course: Course, person: Person) -> Enrolment:
    require_write(actor, person.organization.path)
    if Enrolment.objects.filter(course=course, person=person).exists():
        raise BusinessError(MSG_ALREADY_ENROLLED.format(name=person.full_name), field="person")
    enrolment = Enrolment.objects.create(course=course, person=person)
    events.enrolled(actor=actor, enrolment=enrolment)
    return enrolment


@transaction.atomic
def enrolment_complete(
    *,
    actor: "User",
    enrolment: Enrolment,
    passed: bool,
    completed_on: dt.date | None,
    certificate_number: str = "",
) -> Enrolment:
    """Record a course result; passing a level course raises the person's theory level (never lowers it)."""
    person = enrolment.person
    require_write(actor, person.organization.path)
    if passed and not completed_on:
        raise BusinessError(MSG_COMPLETED_DATE, field="completed_on")
    check_date(completed_on, field="completed_on", label="Ngày hoàn thành", latest=local_today())
    before = snapshot(enrolment, ["status", "completed_on", "certificate_number"])
    enrolment.status = EnrolmentStatus.COMPLETED if passed else EnrolmentStatus.FAILED
    enrolment.completed_on = completed_on if passed else None
    enrolment.certificate_number = normalize_text(certificate_number)[:64] if passed else ""
    enrolment.save()
    events.enrolment_result_recorded(actor=actor, enrolment=enrolment, before=before)
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
def position_requirement_set(*, actor: "User", title: str, required_level: str) -> PositionRequirement:
    """Set the theory level a post requires (a configuration kept by the superior committee's staff)."""
    scope = scope_for(actor)
    if not (scope.is_global or scope.structure_paths):
        raise OutOfScope(MSG_NO_REQUIREMENT_RIGHT)
    if title not in PositionTitle.values or required_level not in TheoryLevel.values:
        raise BusinessError(MSG_BAD_POSITION, field="title")
    old_level = (
        PositionRequirement.objects.filter(title=title).values_list("required_level", flat=True).first()
    )
    requirement, _ = PositionRequirement.objects.update_or_create(
        title=title, defaults={"required_level": required_level}
    )
    events.position_requirement_set(actor=actor, requirement=requirement, old_level=old_level)
    return requirement
