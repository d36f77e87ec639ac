"""/api/v1/commitments: the same scoping and services as the pages."""

import datetime as dt

from django.http import Http404
from ninja import Query, Router, Schema, Status

from neuguong.core import registry
from neuguong.core.api import FIRST_PAGE, Id, PageParams, Year, paginate_queryset
from neuguong.core.dates import local_today
from neuguong.core.errors import BusinessError
from neuguong.organizations.models import Organization
from neuguong.people.models import Person

from . import services
from .selectors import commitment_get, commitment_list
from .status import STATUS_CODES, commitment_status

router = Router(tags=["commitments"])

MSG_ORG_UNKNOWN = "Không tìm thấy tổ chức «{code}»."
MSG_PERSON_UNKNOWN = "Không tìm thấy đảng viên có mã {id} trong phạm vi của bạn."
MSG_ID_RANGE = "Mã «{name}» không hợp lệ."
MAX_ID = 2**63
MSG_PLAN_ITEM_UNKNOWN = "Không tìm thấy mục kế hoạch có mã {id} trong phạm vi của bạn."
MSG_STATUS_UNKNOWN = "Trạng thái không hợp lệ: dùng một trong " + ", ".join(STATUS_CODES) + "."


class CommitmentOut(Schema):
    id: int
    title: str
    expected_result: str
    organization: str
    responsible_person: int | None
    responsible_person_name: str
    lead_unit: str | None
    start_on: dt.date | None
    deadline: dt.date
    original_deadline: dt.date
    completed_on: dt.date | None
    outcome: str
    progress: int
    category: str
    source_kind: str
    source_note: str
    plan_item: int | None
    status: str


class CommitmentPage(Schema):
    items: list[CommitmentOut]
    count: int


class CommitmentIn(Schema):
    title: str
    organization: str
    deadline: dt.date
    responsible_person: Id | None = None
    lead_unit: str | None = None
    expected_result: str = ""
    category: str = "other"
    source_kind: str = "other"
    source_note: str = ""
    start_on: dt.date | None = None
    reason: str = ""
    plan_item: int | None = None


class ReportIn(Schema):
    percent: int
    text: str
    reported_on: dt.date | None = None


class ReportOut(Schema):
    id: int
    commitment: int
    percent: int
    text: str
    reported_on: dt.date
    review_state: str
    on_behalf_of: int | None


class CompleteIn(Schema):
    completed_on: dt.date
    note: str = ""
    outcome: str = "met"  # exceeded | met | not_met


def commitment_out(c, today: dt.date) -> dict:
    return {
        "id": c.pk,
        "title": c.title,
        "expected_result": c.expected_result,
        "organization": c.organization.code,
        "responsible_person": c.responsible_person_id,
        "responsible_person_name": c.responsible_person.full_name if c.responsible_person else "",
        "lead_unit": c.lead_unit.code if c.lead_unit else None,
        "start_on": c.start_on,
        "deadline": c.deadline,
        "original_deadline": c.original_deadline,
        "completed_on": c.completed_on,
        "outcome": c.outcome,
        "progress": c.progress,
        "category": c.category,
        "source_kind": c.source_kind,
        "source_note": c.source_note,
        "plan_item": c.plan_item_id,
        "status": getattr(c, "status_code", None) or commitment_status(c, today),
    }


def _visible_org(request, code: str, *, field: str) -> Organization:
    organization = Organization.objects.visible_to(request.user).filter(code=code[:32]).first()
    if organization is None:
        raise BusinessError(MSG_ORG_UNKNOWN.format(code=code[:32]), field=field)
    return organization


@router.get("/commitments", response=CommitmentPage)
def list_commitments(
    request,
    org: str = "",
    status: str = "",
    person: Id | None = None,
    year: Year | None = None,
    q: str = "",
    plan: Id | None = None,
    plan_item: Id | None = None,
    paging: Query[PageParams] = FIRST_PAGE,
):
    today = local_today()
    if status and status not in STATUS_CODES:
        raise BusinessError(MSG_STATUS_UNKNOWN, field="status")
    for name, value in (("plan", plan), ("plan_item", plan_item)):
        if value is not None and not 0 < value < MAX_ID:
            raise BusinessError(MSG_ID_RANGE.format(name=name), field=name)
    organization = None
    if org:
        organization = Organization.objects.visible_to(request.user).filter(code=org[:32]).first()
        if organization is None:
            raise Http404
    qs = commitment_list(
        user=request.user,
        today=today,
        organization=organization,
        status=status,
        person_id=person,
        year=year,
        query=q[:200],
        plan_id=plan,
        plan_item_ids=None if plan_item is None else [plan_item],
    )
    items, count = paginate_queryset(qs, paging)
    return {"items": [commitment_out(c, today) for c in items], "count": count}


@router.post("/commitments", response={201: CommitmentOut})
def create_commitment(request, payload: CommitmentIn):
    organization = _visible_org(request, payload.organization, field="organization")
    person = None
    if payload.responsible_person is not None:
        # A forged or out-of-scope person id gets the same answer as one that does not exist.
        person = (
            Person.objects.visible_to(request.user)
            .select_related("organization")
            .filter(pk=payload.responsible_person)
            .first()
        )
        if person is None:
            raise BusinessError(
                MSG_PERSON_UNKNOWN.format(id=payload.responsible_person), field="responsible_person"
            )
    lead_unit = _visible_org(request, payload.lead_unit, field="lead_unit") if payload.lead_unit else None
    plan_item = None
    if payload.plan_item is not None:
        plan_item = (
            None
            if not 0 < payload.plan_item < MAX_ID
            else registry.plan_items_for(request.user).filter(pk=payload.plan_item).first()
        )
        if plan_item is None:
            raise BusinessError(MSG_PLAN_ITEM_UNKNOWN.format(id=payload.plan_item), field="plan_item")
    commitment = services.commitment_create(
        actor=request.user,
        organization=organization,
        title=payload.title,
        deadline=payload.deadline,
        responsible_person=person,
        lead_unit=lead_unit,
        expected_result=payload.expected_result,
        category=payload.category,
        source_kind=payload.source_kind,
        source_note=payload.source_note,
        start_on=payload.start_on,
        reason=payload.reason,
        plan_item=plan_item,
    )
    return Status(201, commitment_out(commitment, local_today()))


@router.get("/commitments/{commitment_id}", response=CommitmentOut)
def get_commitment(request, commitment_id: Id):
    return commitment_out(commitment_get(user=request.user, commitment_id=commitment_id), local_today())


@router.post("/commitments/{commitment_id}/reports", response={201: ReportOut})
def report_progress(request, commitment_id: Id, payload: ReportIn):
    commitment = commitment_get(user=request.user, commitment_id=commitment_id)
    report = services.progress_report_submit(
        actor=request.user,
        commitment=commitment,
        percent=payload.percent,
        text=payload.text,
        reported_on=payload.reported_on,
    )
    return Status(
        201,
        {
            "id": report.pk,
            "commitment": commitment.pk,
            "percent": report.percent,
            "text": report.text,
            "reported_on": report.reported_on,
            "review_state": report.review_state,
            "on_behalf_of": report.on_behalf_of_id,
        },
    )


@router.post("/commitments/{commitment_id}/complete", response=CommitmentOut)
def complete_commitment(request, commitment_id: Id, payload: CompleteIn):
    commitment = commitment_get(user=request.user, commitment_id=commitment_id)
    services.commitment_complete(
        actor=request.user,
        commitment=commitment,
        completed_on=payload.completed_on,
        note=payload.note,
        outcome=payload.outcome[:16],
    )
    return commitment_out(commitment_get(user=request.user, commitment_id=commitment_id), local_today())


class ConfirmIn(Schema):
    note: str = ""


@router.post("/commitments/{commitment_id}/confirm", response=CommitmentOut)
def confirm_completion(request, commitment_id: Id, payload: ConfirmIn):
    """The reviewer confirms a completion awaiting confirmation (status `awaiting_confirmation`)."""
    commitment = commitment_get(user=request.user, commitment_id=commitment_id)
    services.completion_confirm(actor=request.user, commitment=commitment, note=payload.note)
    return commitment_out(commitment_get(user=request.user, commitment_id=commitment_id), local_today())
