"""/api/v1/meetings: scoped exactly as the pages (a meeting the caller may not see is a 404), writes through
the same services (a business error is a 400 with its Vietnamese message, bad input a 422)."""

import datetime as dt
from typing import Annotated

from django.http import Http404
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from pydantic import Field

from neuguong.core.api import Id, PageParams, Year, paginate_queryset
from neuguong.core.dates import local_today
from neuguong.core.errors import BusinessError
from neuguong.organizations.models import Organization
from neuguong.organizations.selectors import organization_for_write, organization_get
from neuguong.people.attendance import AttendanceStatus
from neuguong.people.models import Person

from . import rules, selectors, services
from .models import Meeting

router = Router(tags=["meetings"])
# Every integer parameter is bounded (core/api.py): out of range is a 422, never a database overflow.
Month = Annotated[int, Field(ge=1, le=12)]

MSG_PERSON_NOT_FOUND = "Không tìm thấy đảng viên #{id} trong phạm vi của bạn."
MAX_ITEMS = 500


class MeetingIn(Schema):
    organization: str
    kind: str
    starts_at: dt.datetime
    topic: str
    place: str = ""
    online_link: str = ""
    expected_minutes: int | None = None


class AttendanceItemIn(Schema):
    person: int
    present: bool
    reason: str = ""


class AttendanceIn(Schema):
    items: list[AttendanceItemIn]


class HeldIn(Schema):
    ended_at: dt.datetime
    started_at: dt.datetime | None = None


class ResolutionItemIn(Schema):
    title: str
    responsible_person: int
    deadline: dt.date
    expected_result: str = ""


class ResolutionIn(Schema):
    items: list[ResolutionItemIn]


class AttendanceOut(Schema):
    invited: int
    expected: int
    present: int
    excused: int
    absent: int
    unmarked: int
    rate: float | None


class MeetingOut(Schema):
    id: int
    organization: str
    organization_name: str
    kind: str
    state: str
    for_month: str
    starts_at: dt.datetime
    expected_minutes: int
    place: str
    online_link: str
    topic: str
    announced_at: dt.datetime | None
    schedule_due_on: dt.date
    announcement_late: bool
    documents_due_at: dt.datetime
    started_at: dt.datetime | None
    ended_at: dt.datetime | None
    min_minutes: int
    short: bool
    halt_reason: str
    replaces: int | None


class MeetingPage(Schema):
    items: list[MeetingOut]
    count: int


class DocumentOut(Schema):
    id: int
    title: str
    document: int | None
    available_at: dt.datetime | None
    late: bool


class AgendaOut(Schema):
    position: int
    kind: str
    title: str
    votes_for: int | None
    votes_against: int | None
    votes_abstain: int | None


class ItemOut(Schema):
    id: int
    title: str
    responsible_person: int
    responsible_person_name: str
    deadline: dt.date
    commitment_id: int | None
    status: str
    status_label: str


class MeetingDetailOut(MeetingOut):
    attendance: AttendanceOut | None
    agenda: list[AgendaOut]
    documents: list[DocumentOut]
    resolution_items: list[ItemOut]
    previous_meeting: int | None
    previous_items: list[ItemOut]


class AttendanceResult(Schema):
    changed: int
    attendance: AttendanceOut


class ItemsResult(Schema):
    items: list[ItemOut]


class MonthOut(Schema):
    month: str
    held: int
    postponed: int
    missing: int


class BranchOut(Schema):
    organization: str
    name: str
    months: list[str]
    held: int
    postponed: int
    missing: int
    thematic: int
    meetings_held: int
    short: int
    expected: int
    present: int
    attendance_rate: float | None
    announcements: int
    announcements_late: int
    documents: int
    documents_late: int
    items: dict[str, int]
    items_on_time_rate: float | None


class ComplianceOut(Schema):
    organization: str
    name: str
    year: int
    as_of: dt.date
    thematic_required: int
    months: list[MonthOut]
    totals: BranchOut
    rows: list[BranchOut]
    count: int


def meeting_out(meeting: Meeting) -> dict:
    today = local_today()
    return {
        "id": meeting.pk,
        "organization": meeting.organization.code,
        "organization_name": meeting.organization.name,
        "kind": meeting.kind,
        "state": meeting.state,
        "for_month": f"{meeting.for_month:%Y-%m}",
        "starts_at": meeting.starts_at,
        "expected_minutes": meeting.expected_minutes,
        "place": meeting.place,
        "online_link": meeting.online_link,
        "topic": meeting.topic,
        "announced_at": meeting.announced_at,
        "schedule_due_on": meeting.schedule_due_on,
        "announcement_late": meeting.state not in ("postponed", "cancelled")
        and rules.announcement_is_late(
            announced_at=meeting.announced_at, due_on=meeting.schedule_due_on, today=today
        ),
        "documents_due_at": meeting.documents_due_at,
        "started_at": meeting.started_at,
        "ended_at": meeting.ended_at,
        "min_minutes": meeting.min_minutes,
        "short": rules.is_short(
            started_at=meeting.started_at, ended_at=meeting.ended_at, minimum=meeting.min_minutes
        ),
        "halt_reason": meeting.halt_reason,
        "replaces": meeting.replaces_id,
    }


def _attendance(counts) -> dict:
    return {
        "invited": counts.invited,
        "expected": counts.expected,
        "present": counts.present,
        "excused": counts.excused,
        "absent": counts.absent,
        "unmarked": counts.unmarked,
        "rate": counts.rate,
    }


def _item(row) -> dict:
    return {
        "id": row.item.pk,
        "title": row.item.title,
        "responsible_person": row.item.responsible_person_id,
        "responsible_person_name": row.item.responsible_person.full_name,
        "deadline": row.item.deadline,
        "commitment_id": row.commitment.pk if row.commitment else None,
        "status": row.status,
        "status_label": row.label,
    }


def meeting_detail(user, meeting: Meeting) -> dict:
    today = local_today()
    now = timezone.now()
    reader = selectors.can_read_all(user, meeting)
    previous = selectors.previous_meeting(meeting)
    return {
        **meeting_out(meeting),
        "attendance": _attendance(selectors.attendance_counts(meeting)) if reader else None,
        "agenda": [
            {
                "position": a.position,
                "kind": a.kind,
                "title": a.title,
                "votes_for": a.votes_for,
                "votes_against": a.votes_against,
                "votes_abstain": a.votes_abstain,
            }
            for a in meeting.agenda_items.all()
        ],
        "documents": [
            {
                "id": d.pk,
                "title": d.title,
                "document": d.document_id,
                "available_at": d.available_at,
                "late": rules.document_is_late(
                    available_at=d.available_at, due_at=meeting.documents_due_at, now=now
                ),
            }
            for d in selectors.documents_for(user, meeting)
            if not d.is_deleted
        ],
        "resolution_items": [_item(row) for row in selectors.resolution_items(meeting, today=today)],
        "previous_meeting": previous.pk if previous else None,
        "previous_items": [_item(row) for row in selectors.resolution_items(previous, today=today)]
        if previous
        else [],
    }


def _fresh(user, meeting_id: int) -> Meeting:
    return selectors.meeting_get(user=user, meeting_id=meeting_id)


@router.get("/meetings", response=MeetingPage)
def list_meetings(
    request,
    q: str = "",
    org: str = "",
    kind: str = "",
    state: str = "",
    year: Year | None = None,
    month: Month | None = None,
    mine: bool = False,
    paging: Query[PageParams] = None,  # type: ignore[assignment]  # ninja fills it; None: the defaults
):
    organization = organization_get(user=request.user, code=org[:32]) if org else None
    qs = selectors.meeting_list(
        user=request.user,
        organization=organization,
        kind=kind[:16],
        state=state[:16],
        year=year if year and 2000 <= year <= 2100 else None,
        month=month if month and 1 <= month <= 12 else None,
        query=q[:100],
        mine=mine,
    )
    items, count = paginate_queryset(qs, paging or PageParams())
    return {"items": [meeting_out(m) for m in items], "count": count}


@router.post("/meetings", response={201: MeetingDetailOut})
def create_meeting(request, payload: MeetingIn):
    organization = organization_for_write(user=request.user, code=payload.organization[:32])
    meeting = services.meeting_plan(
        actor=request.user,
        organization=organization,
        kind=payload.kind[:16],
        starts_at=payload.starts_at,
        topic=payload.topic,
        place=payload.place,
        online_link=payload.online_link,
        expected_minutes=payload.expected_minutes,
    )
    return Status(201, meeting_detail(request.user, _fresh(request.user, meeting.pk)))


# Before /meetings/{id}: a path that is not a number is never a meeting.
@router.get("/meetings/compliance", response=ComplianceOut)
def compliance(request, org: str = "", year: Year | None = None, paging: Query[PageParams] = None):  # type: ignore[assignment]
    if org:
        organization = organization_get(user=request.user, code=org[:32])
    else:
        organization = (
            Organization.objects.visible_to(request.user).active().order_by("depth", "path").first()
        )
        if organization is None:
            raise Http404
    if year is not None and not 2000 <= year <= 2100:
        raise BusinessError("Năm phải từ 2000 đến 2100.", field="year")
    report = selectors.compliance(organization=organization, year=year or local_today().year)
    params = paging or PageParams(page=1, page_size=MAX_ITEMS)
    if params.page < 1 or not 1 <= params.page_size <= MAX_ITEMS:
        raise BusinessError(f"Cỡ trang phải từ 1 đến {MAX_ITEMS}.", field="page_size")
    start = (params.page - 1) * params.page_size
    rows = report.rows[start : start + params.page_size]
    return {
        "organization": organization.code,
        "name": organization.name,
        "year": report.year,
        "as_of": report.today,
        "thematic_required": report.thematic_required,
        "months": [
            {"month": f"{month:%Y-%m}", **totals}
            for month, totals in zip(report.months, report.month_totals, strict=True)
        ],
        "totals": branch_out(report.totals),
        "rows": [branch_out(row) for row in rows],
        "count": len(report.rows),
    }


def branch_out(row) -> dict:
    return {
        "organization": row.organization.code,
        "name": row.organization.name,
        "months": row.cells,
        "held": row.held,
        "postponed": row.postponed,
        "missing": row.missing,
        "thematic": row.thematic,
        "meetings_held": row.meetings_held,
        "short": row.short,
        "expected": row.expected,
        "present": row.present,
        "attendance_rate": row.attendance_rate,
        "announcements": row.announcements,
        "announcements_late": row.announcements_late,
        "documents": row.documents,
        "documents_late": row.documents_late,
        "items": row.items,
        "items_on_time_rate": row.items_on_time_rate,
    }


@router.get("/meetings/{meeting_id}", response=MeetingDetailOut)
def get_meeting(request, meeting_id: Id):
    return meeting_detail(request.user, _fresh(request.user, meeting_id))


@router.post("/meetings/{meeting_id}/announce", response=MeetingDetailOut)
def announce(request, meeting_id: Id):
    meeting = _fresh(request.user, meeting_id)
    services.meeting_announce(actor=request.user, meeting=meeting)
    return meeting_detail(request.user, _fresh(request.user, meeting_id))


@router.post("/meetings/{meeting_id}/attendance", response=AttendanceResult)
def attendance(request, meeting_id: Id, payload: AttendanceIn):
    meeting = _fresh(request.user, meeting_id)
    if len(payload.items) > MAX_ITEMS:
        raise BusinessError(f"Mỗi lần điểm danh tối đa {MAX_ITEMS} người.", field="items")
    marks = {}
    for item in payload.items:
        if item.present:
            marks[item.person] = (AttendanceStatus.PRESENT.value, "")
        elif item.reason.strip():
            marks[item.person] = (AttendanceStatus.EXCUSED.value, item.reason[:255])
        else:
            marks[item.person] = (AttendanceStatus.ABSENT.value, "")
    changed = services.attendance_mark(actor=request.user, meeting=meeting, marks=marks)
    return {"changed": changed, "attendance": _attendance(selectors.attendance_counts(meeting))}


@router.post("/meetings/{meeting_id}/held", response=MeetingDetailOut)
def held(request, meeting_id: Id, payload: HeldIn):
    meeting = _fresh(request.user, meeting_id)
    services.meeting_hold(
        actor=request.user, meeting=meeting, ended_at=payload.ended_at, started_at=payload.started_at
    )
    return meeting_detail(request.user, _fresh(request.user, meeting_id))


@router.post("/meetings/{meeting_id}/resolution", response={201: ItemsResult})
def resolution(request, meeting_id: Id, payload: ResolutionIn):
    meeting = _fresh(request.user, meeting_id)
    wanted = {item.responsible_person for item in payload.items}
    people = {
        p.pk: p
        for p in Person.objects.visible_to(request.user).filter(pk__in=wanted).select_related("organization")
    }
    items = []
    for item in payload.items:
        person = people.get(item.responsible_person)
        if person is None:
            raise BusinessError(
                MSG_PERSON_NOT_FOUND.format(id=item.responsible_person), field="responsible_person"
            )
        items.append(
            {
                "title": item.title,
                "responsible_person": person,
                "deadline": item.deadline,
                "expected_result": item.expected_result,
            }
        )
    created = services.resolution_items_add(actor=request.user, meeting=meeting, items=items)
    rows = selectors.item_statuses(created, today=local_today())
    return Status(201, {"items": [_item(row) for row in rows]})
