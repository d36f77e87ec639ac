"""/api/v1/plans: the same scoping, services and figures as the pages.

A plan the user may not see is a 404, like a missing one; a secretary of an organisation the plan
applies to sees it, and in its progress her part (her subtrees' commitments, as `/commitments` lists
them for her). `GET /plans/{id}/progress` counts per status code what `GET /commitments?plan=ID&status=…`
lists (with the same `year`)."""

import datetime as dt

from ninja import Query, Router, Schema, Status

from neuguong.core.api import Id, PageParams, Year, paginate_queryset
from neuguong.core.dates import local_today
from neuguong.core.errors import BusinessError
from neuguong.organizations.models import Organization

from . import services
from .models import Plan, PlanItem
from .selectors import item_get, plan_for_write, plan_get, plan_list, plan_progress

router = Router(tags=["plans"])

MSG_ORG_UNKNOWN = "Không tìm thấy tổ chức «{code}»."
MSG_PARENT_UNKNOWN = "Không tìm thấy kế hoạch có mã {id} trong phạm vi của bạn."
MSG_ITEM_UNKNOWN = "Không tìm thấy mục có mã {id} trong kế hoạch này."
MSG_ID_RANGE = "Mã «{name}» không hợp lệ."
MSG_YEAR = "Năm phải từ 2000 đến 2100."
MAX_ID = 2**63


class PlanOut(Schema):
    id: int
    document: int
    number: str
    issued_on: dt.date
    kind: str
    title: str
    organization: str
    applies_to: str
    owner: str
    starts_on: dt.date
    ends_on: dt.date
    parent: int | None
    state: str
    in_force_on: dt.date | None
    closed_on: dt.date | None
    replaced_by: int | None


class PlanPage(Schema):
    items: list[PlanOut]
    count: int


class PlanIn(Schema):
    document: Id | None = None
    title: str = ""
    organization: str
    starts_on: dt.date
    ends_on: dt.date
    parent: Id | None = None
    applies_to: str | None = None
    owner: str | None = None


class ItemOut(Schema):
    id: int
    plan: int
    parent: int | None
    number: str
    title: str
    lead_unit: str
    co_units: list[str]
    starts_on: dt.date | None
    deadline: dt.date
    deadline_reason: str
    expected_result: str
    weight: int | None


class ItemIn(Schema):
    title: str
    lead_unit: str
    deadline: dt.date
    parent: Id | None = None
    number: str = ""
    starts_on: dt.date | None = None
    expected_result: str = ""
    weight: int | None = None
    deadline_reason: str = ""
    co_units: list[str] = []


class InForceIn(Schema):
    on: dt.date | None = None


def plan_out(plan: Plan) -> dict:
    return {
        "id": plan.pk,
        "document": plan.document_id,
        "number": plan.document.number_text,
        "issued_on": plan.document.issued_on,
        "kind": plan.document.doc_type,
        "title": plan.title,
        "organization": plan.organization.code,
        "applies_to": plan.applies_to.code,
        "owner": plan.owner.code,
        "starts_on": plan.starts_on,
        "ends_on": plan.ends_on,
        "parent": plan.parent_id,
        "state": plan.state,
        "in_force_on": plan.in_force_on,
        "closed_on": plan.closed_on,
        "replaced_by": plan.replaced_by_id,
    }


def item_out(item: PlanItem) -> dict:
    return {
        "id": item.pk,
        "plan": item.plan_id,
        "parent": item.parent_id,
        "number": item.number,
        "title": item.title,
        "lead_unit": item.lead_unit.code,
        "co_units": sorted(unit.code for unit in item.co_units.all()),
        "starts_on": item.starts_on,
        "deadline": item.deadline,
        "deadline_reason": item.deadline_reason,
        "expected_result": item.expected_result,
        "weight": item.weight,
    }


def _check_id(value: int | None, name: str) -> None:
    if value is not None and not 0 < value < MAX_ID:
        raise BusinessError(MSG_ID_RANGE.format(name=name), field=name)


def _visible_org(request, code: str, *, field: str) -> Organization:
    organization = (
        Organization.objects.visible_to(request.user).filter(code=code[:32].replace("\x00", "")).first()
    )
    if organization is None:
        raise BusinessError(MSG_ORG_UNKNOWN.format(code=code[:32]), field=field)
    return organization


@router.get("/plans", response=PlanPage)
def list_plans(
    request,
    q: str = "",
    state: str = "",
    kind: str = "",
    year: Year | None = None,
    org: str = "",
    paging: Query[PageParams] | None = None,
):
    if year is not None and not 2000 <= year <= 2100:
        raise BusinessError(MSG_YEAR, field="year")
    organization = _visible_org(request, org, field="org") if org else None
    qs = plan_list(
        user=request.user, query=q[:200], state=state, kind=kind, year=year, organization=organization
    ).select_related("owner")
    items, count = paginate_queryset(qs, paging or PageParams())
    return {"items": [plan_out(p) for p in items], "count": count}


@router.post("/plans", response={201: PlanOut})
def create_plan(request, payload: PlanIn):
    from neuguong.documents.models import Document

    _check_id(payload.document, "document")
    _check_id(payload.parent, "parent")
    organization = _visible_org(request, payload.organization, field="organization")
    document = None
    if payload.document is not None:
        # A document the user may not see is answered like one that does not exist (the service says so).
        document = Document.objects.visible_to(request.user).filter(pk=payload.document).first()
        if document is None:
            raise BusinessError(services.MSG_DOCUMENT_UNKNOWN, field="document")
    parent = None
    if payload.parent is not None:
        parent = (
            Plan.objects.visible_to(request.user)
            .select_related("applies_to", "document")
            .filter(pk=payload.parent)
            .first()
        )
        if parent is None:
            raise BusinessError(MSG_PARENT_UNKNOWN.format(id=payload.parent), field="parent")
    plan = services.plan_create(
        actor=request.user,
        document=document,
        title=payload.title,
        organization=organization,
        starts_on=payload.starts_on,
        ends_on=payload.ends_on,
        parent=parent,
        applies_to=_visible_org(request, payload.applies_to, field="applies_to")
        if payload.applies_to
        else None,
        owner=_visible_org(request, payload.owner, field="owner") if payload.owner else None,
    )
    return Status(201, plan_out(plan_get(user=request.user, plan_id=plan.pk)))


@router.get("/plans/{plan_id}", response=PlanOut)
def get_plan(request, plan_id: Id):
    _check_id(plan_id, "plan_id")
    return plan_out(plan_get(user=request.user, plan_id=plan_id))


@router.get("/plans/{plan_id}/items", response=list[ItemOut])
def list_items(request, plan_id: Id):
    """The plan's items the user sees (all of them, or those of her part), in reading order."""
    _check_id(plan_id, "plan_id")
    plan = plan_get(user=request.user, plan_id=plan_id)
    progress = plan_progress(user=request.user, plan=plan, today=local_today(), breakdown=False)
    return [item_out(row.item) for row in progress.rows]


@router.post("/plans/{plan_id}/items", response={201: ItemOut})
def add_item(request, plan_id: Id, payload: ItemIn):
    _check_id(plan_id, "plan_id")
    _check_id(payload.parent, "parent")
    plan = plan_get(user=request.user, plan_id=plan_id)
    parent = None
    if payload.parent is not None:
        parent = PlanItem.objects.filter(plan=plan, pk=payload.parent).select_related("parent").first()
        if parent is None:
            raise BusinessError(MSG_ITEM_UNKNOWN.format(id=payload.parent), field="parent")
    item = services.plan_item_add(
        actor=request.user,
        plan=plan,
        title=payload.title,
        lead_unit=_visible_org(request, payload.lead_unit, field="lead_unit"),
        deadline=payload.deadline,
        parent=parent,
        number=payload.number,
        starts_on=payload.starts_on,
        expected_result=payload.expected_result,
        weight=payload.weight,
        deadline_reason=payload.deadline_reason,
        co_units=[_visible_org(request, code, field="co_units") for code in payload.co_units[:50]],
    )
    return Status(201, item_out(item_get(plan=plan, item_id=item.pk)))


@router.post("/plans/{plan_id}/in-force", response=PlanOut)
def put_in_force(request, plan_id: Id, payload: InForceIn):
    """Drafting → in force (its items then take commitments)."""
    _check_id(plan_id, "plan_id")
    plan = plan_for_write(user=request.user, plan_id=plan_id)
    services.plan_put_in_force(actor=request.user, plan=plan, on=payload.on)
    return plan_out(plan_get(user=request.user, plan_id=plan_id))


@router.get("/plans/{plan_id}/progress")
def get_progress(
    request, plan_id: Id, year: Year | None = None, start: dt.date | None = None, end: dt.date | None = None
):
    """Counts per commitment status code for the plan and each item it shows (rolled up the item tree),
    the on-time rate (domain notes, section 13), weighted progress, by lead unit and by subtree; over
    the commitments whose deadline falls in the year (or [start, end]); all of them without one."""
    _check_id(plan_id, "plan_id")
    if year is not None:
        if not 2000 <= year <= 2100:
            raise BusinessError(MSG_YEAR, field="year")
        start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    elif (start is None) != (end is None) or (start and end and end < start):
        raise BusinessError(services.MSG_PERIOD, field="end")
    plan = plan_get(user=request.user, plan_id=plan_id)
    return plan_progress(user=request.user, plan=plan, today=local_today(), start=start, end=end).as_dict()
