"""Writes about plans: open a registered document for follow-up, hang its items, put it in force, finish
or replace it (with a closing record listing what was still open). Each service checks the actor's
rights and the current state, changes the rows and writes the event in one transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db import transaction

from neuguong.access.scope import scope_for
from neuguong.audit.services import snapshot
from neuguong.core.dates import format_vn, local_today
from neuguong.core.errors import BusinessError, OutOfScope
from neuguong.core.registry import PlanItemSource
from neuguong.core.text import normalize_text
from neuguong.organizations.models import Organization

from . import events
from .models import (
    CLOSED_STATES,
    PLAN_DOCUMENT_TYPES,
    Plan,
    PlanClosing,
    PlanClosingOpen,
    PlanItem,
    PlanState,
)

MSG_NO_RIGHT = "Bạn không có quyền lập hoặc điều chỉnh kế hoạch của tổ chức này."
MSG_NO_DOCUMENT = "Kế hoạch phải gắn với một văn bản đã vào sổ văn bản: hãy vào sổ văn bản trước."
MSG_DOCUMENT_UNKNOWN = "Không tìm thấy văn bản này trong sổ văn bản (trong phạm vi của bạn)."
MSG_DOCUMENT_TYPE = (
    "Chỉ mở theo dõi thực hiện kế hoạch, chương trình, đề án, nghị quyết, chỉ thị hoặc kết luận "
    "(văn bản {number} là {label})."
)
MSG_DOCUMENT_HAS_PLAN = "Văn bản {number} đã được mở theo dõi thực hiện."
MSG_TITLE_REQUIRED = "Tên kế hoạch không được để trống."
MSG_PERIOD = "Ngày kết thúc không được trước ngày bắt đầu."
MSG_PERIOD_TOO_LONG = "Thời gian thực hiện không quá 10 năm."
MSG_DATE_RANGE = "{label} phải trong khoảng {earliest} – {latest}."
MSG_DATE_MISSING = "Cần nhập {label}."
MSG_ORG_CLOSED = "Tổ chức «{name}» đã giải thể hoặc sáp nhập."
MSG_APPLIES_OUTSIDE = "Phạm vi áp dụng phải là {org} hoặc tổ chức trực thuộc."
MSG_OWNER_OUTSIDE = "Đơn vị theo dõi phải là {org} hoặc tổ chức trực thuộc."
MSG_APPLIES_LOCKED = "Đã có nhiệm vụ gắn với kế hoạch: không đổi được phạm vi áp dụng."
MSG_PARENT_SELF = "Một kế hoạch không thể thực hiện chính nó."
MSG_PARENT_CYCLE = "Không thể chọn «{parent}»: kế hoạch này đã là văn bản cấp trên của nó (vòng lặp)."
MSG_PARENT_SCOPE = "Phạm vi áp dụng phải nằm trong phạm vi áp dụng của «{parent}»."
MSG_CLOSED = "Kế hoạch đã kết thúc hoặc đã được thay thế: không thể thay đổi."
MSG_NOT_DRAFTING = "Kế hoạch đã bắt đầu thực hiện."
MSG_NOT_IN_FORCE = "Chỉ kết thúc hoặc thay thế được kế hoạch đang thực hiện."
MSG_NO_ITEMS = "Kế hoạch chưa có mục nào: hãy thêm các mục (nội dung, giải pháp) trước khi bắt đầu thực hiện."
MSG_IN_FORCE_DATE = "Ngày bắt đầu thực hiện không được sau hôm nay."
MSG_CLOSE_NOTE = "Cần ghi đánh giá kết quả hoặc lý do kết thúc."
MSG_CLOSE_DATE = "Ngày kết thúc phải từ ngày bắt đầu thực hiện ({start}) đến hôm nay."
MSG_REPLACED_BY = "Chọn văn bản thay thế (đã mở theo dõi thực hiện)."
MSG_REPLACED_BY_SELF = "Kế hoạch không thể được thay thế bằng chính nó."
MSG_REPLACED_BY_CLOSED = "Văn bản thay thế đã kết thúc hoặc đã bị thay thế."

MSG_PERIOD_EXCLUDES_ITEM = (
    "Mục {number} có thời hạn {deadline} nằm ngoài thời gian mới ({start} – {end}) mà chưa ghi lý do: "
    "hãy sửa mục đó trước."
)
MSG_ITEM_TITLE = "Nội dung của mục không được để trống."
MSG_ITEM_UNKNOWN = "Không tìm thấy mục kế hoạch này."
MSG_LEAD_UNIT_REQUIRED = "Cần chọn đơn vị chủ trì."
MSG_REPLACED_BY_UNKNOWN = (
    "Không tìm thấy văn bản thay thế này trong phạm vi của bạn: gõ số hoặc tên rồi chọn."
)
MSG_UNIT_OUTSIDE = "Đơn vị chủ trì, phối hợp phải thuộc phạm vi áp dụng của kế hoạch ({org})."
MSG_ITEM_DEADLINE_OUTSIDE = (
    "Thời hạn {deadline} nằm ngoài thời gian thực hiện kế hoạch ({start} – {end}): cần ghi lý do."
)
MSG_ITEM_DEADLINE_BEFORE_START = "Thời hạn không được trước ngày bắt đầu."
MSG_WEIGHT = "Trọng số phải là số nguyên từ 1 đến 100."
MSG_NUMBER_TAKEN = "Số mục «{number}» đã có trong kế hoạch."
MSG_NUMBER_FORMAT = "Số mục chỉ gồm chữ, số, dấu chấm, dấu gạch và khoảng trắng (tối đa 24 ký tự)."
MSG_ITEM_PARENT = "Mục cấp trên phải thuộc cùng kế hoạch."
MSG_ITEM_PARENT_CYCLE = "Không thể đặt một mục vào trong chính nó hoặc mục con của nó."
MSG_ITEM_TOO_DEEP = "Các mục lồng nhau tối đa {levels} cấp."
MSG_TOO_MANY_ITEMS = "Một kế hoạch có tối đa {limit} mục."
MSG_ITEM_HAS_WORK = "Mục đã có nhiệm vụ hoặc mục con: không bỏ được."
MSG_ITEM_REMOVE_STATE = "Chỉ bỏ được mục khi kế hoạch đang xây dựng."
MSG_INDICATOR_UNKNOWN = "Không tìm thấy chỉ tiêu trong phạm vi của bạn."

MSG_LINK_NOT_APPLICABLE = "«{item}» thuộc {plan}, không áp dụng cho {org}."
MSG_LINK_NOT_IN_FORCE = "{plan} chưa bắt đầu thực hiện: chưa giao được nhiệm vụ theo mục này."
MSG_LINK_CLOSED = "{plan} đã kết thúc: không giao thêm nhiệm vụ theo mục này."

# The Party was founded on 03/02/1930: no plan, item or deadline can be older; plans reach at most ten
# years ahead (two terms). The same bounds as every other date people enter.
EARLIEST_DATE = dt.date(1930, 1, 1)
FUTURE_YEARS = 10
MAX_PERIOD_DAYS = 3660
MAX_DEPTH = 4
MAX_ITEMS = 500
NUMBER_CHARS = set("0123456789.-–/ ()")


def _latest_date(today: dt.date) -> dt.date:
    try:
        return today.replace(year=today.year + FUTURE_YEARS)
    except ValueError:  # 29/02
        return today.replace(year=today.year + FUTURE_YEARS, day=28)


def _check_date(value: dt.date | None, *, field: str, label: str, today: dt.date, required: bool = True):
    if value is None:
        if required:
            raise BusinessError(MSG_DATE_MISSING.format(label=label.lower()), field=field)
        return None
    latest = _latest_date(today)
    if not EARLIEST_DATE <= value <= latest:
        raise BusinessError(
            MSG_DATE_RANGE.format(label=label, earliest=format_vn(EARLIEST_DATE), latest=format_vn(latest)),
            field=field,
        )
    return value


def _within(organization: Organization, root: Organization) -> bool:
    return organization.path.startswith(root.path)


def can_manage(actor, plan: Plan) -> bool:
    """The issuing organisation's staff and secretaries manage its plans."""
    return scope_for(actor).can_write_path(plan.organization.path)


def _require_manage(actor, organization: Organization) -> None:
    if not scope_for(actor).can_write_path(organization.path):
        raise OutOfScope(MSG_NO_RIGHT)


def _locked(plan: Plan) -> Plan:
    # Only the plan's row is locked: its parent (a nullable relation, an outer join) is read, not locked.
    return (
        Plan.objects.select_for_update(of=("self",))
        .select_related("organization", "applies_to", "owner", "document", "parent")
        .get(pk=plan.pk)
    )


def _open(plan: Plan) -> None:
    if plan.state in CLOSED_STATES:
        raise BusinessError(MSG_CLOSED)


# ---------------------------------------------------------------------------------------------------------
# Plans


def _check_period(starts_on, ends_on, today: dt.date) -> None:
    _check_date(starts_on, field="starts_on", label="Ngày bắt đầu", today=today)
    _check_date(ends_on, field="ends_on", label="Ngày kết thúc", today=today)
    if ends_on < starts_on:
        raise BusinessError(MSG_PERIOD, field="ends_on")
    if (ends_on - starts_on).days > MAX_PERIOD_DAYS:
        raise BusinessError(MSG_PERIOD_TOO_LONG, field="ends_on")


def _check_parent(plan: Plan | None, parent: Plan | None, applies_to: Organization) -> None:
    """A parent plan (the congress resolution above its action programmes): not the plan itself, not one
    of its descendants (no cycle), and whose subtree holds this plan's."""
    if parent is None:
        return
    if plan is not None and parent.pk == plan.pk:
        raise BusinessError(MSG_PARENT_SELF, field="parent")
    if plan is not None:
        seen: set[int] = set()
        ancestor: Plan | None = parent
        while ancestor is not None and ancestor.pk not in seen:
            if ancestor.pk == plan.pk:
                raise BusinessError(MSG_PARENT_CYCLE.format(parent=parent.reference), field="parent")
            seen.add(ancestor.pk)
            ancestor = (
                Plan.objects.select_related("document").filter(pk=ancestor.parent_id).first()
                if ancestor.parent_id
                else None
            )
    if not _within(applies_to, parent.applies_to):
        raise BusinessError(MSG_PARENT_SCOPE.format(parent=parent.reference), field="parent")


def _check_document(actor, document) -> None:
    from neuguong.documents.models import Document

    if document is None or getattr(document, "pk", None) is None:
        raise BusinessError(MSG_NO_DOCUMENT, field="document")
    if not Document.objects.visible_to(actor).filter(pk=document.pk).exists():
        raise BusinessError(MSG_DOCUMENT_UNKNOWN, field="document")
    if document.doc_type not in PLAN_DOCUMENT_TYPES:
        raise BusinessError(
            MSG_DOCUMENT_TYPE.format(
                number=document.number_text, label=document.get_doc_type_display().lower()
            ),
            field="document",
        )
    if Plan.objects.filter(document_id=document.pk).exists():
        raise BusinessError(MSG_DOCUMENT_HAS_PLAN.format(number=document.number_text), field="document")


@transaction.atomic
def plan_create(
    *,
    actor,
    document,
    title: str,
    organization: Organization,
    starts_on: dt.date,
    ends_on: dt.date,
    applies_to: Organization | None = None,
    owner: Organization | None = None,
    parent: Plan | None = None,
    items: Sequence[Mapping[str, Any]] = (),
    today: dt.date | None = None,
) -> Plan:
    """Open a registered document for follow-up (state: drafting), optionally with its items at once
    (`items`: dicts of `plan_item_add`'s arguments, each with optional `children`)."""
    today = today or local_today()
    _require_manage(actor, organization)
    _check_document(actor, document)
    title = normalize_text(title or "") or normalize_text(document.summary or "")
    if not title:
        raise BusinessError(MSG_TITLE_REQUIRED, field="title")
    if not organization.is_active:
        raise BusinessError(MSG_ORG_CLOSED.format(name=organization.name), field="organization")
    applies_to = applies_to or organization
    owner = owner or organization
    if not _within(applies_to, organization):
        raise BusinessError(MSG_APPLIES_OUTSIDE.format(org=organization.name), field="applies_to")
    if not _within(owner, organization):
        raise BusinessError(MSG_OWNER_OUTSIDE.format(org=organization.name), field="owner")
    _check_period(starts_on, ends_on, today)
    _check_parent(None, parent, applies_to)
    plan = Plan.objects.create(
        document=document,
        title=title[:500],
        organization=organization,
        applies_to=applies_to,
        owner=owner,
        starts_on=starts_on,
        ends_on=ends_on,
        parent=parent,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    events.plan_created(actor=actor, plan=plan)
    _add_items(actor=actor, plan=plan, parent=None, specs=items, today=today)
    return plan


def _add_items(
    *, actor, plan: Plan, parent: PlanItem | None, specs: Sequence[Mapping[str, Any]], today
) -> None:
    for spec in specs:
        values = dict(spec)
        children = values.pop("children", ())
        values.setdefault("lead_unit", plan.owner)
        values.setdefault("deadline", plan.ends_on)
        item = plan_item_add(actor=actor, plan=plan, parent=parent, today=today, **values)
        _add_items(actor=actor, plan=plan, parent=item, specs=children, today=today)


def plan_create_from_document(
    *,
    actor,
    document,
    title: str,
    organization: Organization,
    starts_on: dt.date,
    ends_on: dt.date,
    items: Sequence[Mapping[str, Any]] = (),
    **options: Any,
) -> Plan:
    """A plan for a document just adopted (consultation): `plan_create`, items included. Each item is a
    dict with `title` and optionally `number`, `lead_unit` (default: the plan's owner), `deadline`
    (default: the plan's end), `starts_on`, `expected_result`, `weight`, `co_units`, `children`."""
    return plan_create(
        actor=actor,
        document=document,
        title=title,
        organization=organization,
        starts_on=starts_on,
        ends_on=ends_on,
        items=items,
        **options,
    )


PLAN_EDITABLE = ("title", "applies_to", "owner", "starts_on", "ends_on", "parent")


@transaction.atomic
def plan_update(*, actor, plan: Plan, today: dt.date | None = None, **values: Any) -> Plan:
    """Change what a plan says about itself (not its document or state)."""
    today = today or local_today()
    plan = _locked(plan)
    _require_manage(actor, plan.organization)
    _open(plan)
    unknown = set(values) - set(PLAN_EDITABLE)
    if unknown:  # a programming error: the document and the state change only through their services
        raise TypeError(f"plan_update cannot change {sorted(unknown)}")
    before = snapshot(plan, list(PLAN_EDITABLE))
    merged = {name: getattr(plan, name) for name in PLAN_EDITABLE} | values
    merged["title"] = normalize_text(merged["title"] or "")
    if not merged["title"]:
        raise BusinessError(MSG_TITLE_REQUIRED, field="title")
    merged["applies_to"] = merged["applies_to"] or plan.organization
    merged["owner"] = merged["owner"] or plan.organization
    if not _within(merged["applies_to"], plan.organization):
        raise BusinessError(MSG_APPLIES_OUTSIDE.format(org=plan.organization.name), field="applies_to")
    if merged["applies_to"].pk != plan.applies_to_id and _has_commitments(plan):
        raise BusinessError(MSG_APPLIES_LOCKED, field="applies_to")
    if not _within(merged["owner"], plan.organization):
        raise BusinessError(MSG_OWNER_OUTSIDE.format(org=plan.organization.name), field="owner")
    _check_period(merged["starts_on"], merged["ends_on"], today)
    _check_parent(plan, merged["parent"], merged["applies_to"])
    start, end = merged["starts_on"], merged["ends_on"]
    for item in plan.items.all():
        if not start <= item.deadline <= end and not item.deadline_reason:
            raise BusinessError(
                MSG_PERIOD_EXCLUDES_ITEM.format(
                    number=item.number,
                    deadline=format_vn(item.deadline),
                    start=format_vn(start),
                    end=format_vn(end),
                ),
                field="ends_on",
            )
    for name, value in merged.items():
        setattr(plan, name, value)
    plan.save()
    events.plan_updated(actor=actor, plan=plan, before=before)
    return plan


def _has_commitments(plan: Plan) -> bool:
    from neuguong.commitments.models import Commitment

    return Commitment.objects.filter(plan_item__plan=plan).exists()


@transaction.atomic
def plan_put_in_force(*, actor, plan: Plan, on: dt.date | None = None, today: dt.date | None = None) -> Plan:
    """Drafting → in force: its items now take commitments (the units leading them are told)."""
    today = today or local_today()
    plan = _locked(plan)
    _require_manage(actor, plan.organization)
    if plan.state != PlanState.DRAFTING:
        raise BusinessError(MSG_NOT_DRAFTING)
    if not plan.items.exists():
        raise BusinessError(MSG_NO_ITEMS)
    on = on or today
    _check_date(on, field="on", label="Ngày bắt đầu thực hiện", today=today)
    if on > today:
        raise BusinessError(MSG_IN_FORCE_DATE, field="on")
    before = snapshot(plan, ["state", "in_force_on"])
    plan.state = PlanState.IN_FORCE
    plan.in_force_on = on
    plan.save(update_fields=["state", "in_force_on", "updated_at"])
    events.plan_in_force(actor=actor, plan=plan, before=before)
    return plan


def _close(
    *,
    actor,
    plan: Plan,
    state: str,
    closed_on: dt.date,
    note: str,
    replaced_by: Plan | None,
    today: dt.date,
) -> PlanClosing:
    """Finish or replace an in-force plan, with the closing record: the counts by status that day and every
    commitment still open, listed (they stay on their boards and keep their link to the item)."""
    from neuguong.commitments.models import Commitment
    from neuguong.commitments.status import OPEN_STATUSES, status_case

    plan = _locked(plan)
    _require_manage(actor, plan.organization)
    if plan.state != PlanState.IN_FORCE:
        raise BusinessError(MSG_NOT_IN_FORCE)
    note = normalize_text(note or "")
    if not note:
        raise BusinessError(MSG_CLOSE_NOTE, field="note")
    if closed_on is None or closed_on > today or closed_on < (plan.in_force_on or plan.starts_on):
        raise BusinessError(
            MSG_CLOSE_DATE.format(start=format_vn(plan.in_force_on or plan.starts_on)), field="closed_on"
        )
    if state == PlanState.REPLACED:
        if replaced_by is None:
            raise BusinessError(MSG_REPLACED_BY, field="replaced_by")
        # Only a plan the actor may see (what the picker offers): another is refused like a missing one.
        if not Plan.objects.visible_to(actor).filter(pk=replaced_by.pk).exists():
            raise BusinessError(MSG_REPLACED_BY_UNKNOWN, field="replaced_by")
        if replaced_by.pk == plan.pk:
            raise BusinessError(MSG_REPLACED_BY_SELF, field="replaced_by")
        if replaced_by.state in CLOSED_STATES:
            raise BusinessError(MSG_REPLACED_BY_CLOSED, field="replaced_by")
    rows = (
        Commitment.objects.filter(plan_item__plan=plan)
        .annotate(code=status_case(today))
        .values_list("pk", "code")
        .order_by("pk")
    )
    counts: dict[str, int] = {}
    open_rows: list[tuple[int, str]] = []
    for pk, code in rows.iterator(chunk_size=5000):
        counts[code] = counts.get(code, 0) + 1
        if code in OPEN_STATUSES:
            open_rows.append((pk, code))
    before = snapshot(plan, ["state", "closed_on", "replaced_by"])
    plan.state = state
    plan.closed_on = closed_on
    plan.replaced_by = replaced_by if state == PlanState.REPLACED else None
    plan.save(update_fields=["state", "closed_on", "replaced_by", "updated_at"])
    closing = PlanClosing.objects.create(
        plan=plan,
        state=state,
        closed_on=closed_on,
        replaced_by=plan.replaced_by,
        note=note[:5000],
        counts=counts,
        open_count=len(open_rows),
        closed_by=actor,
    )
    PlanClosingOpen.objects.bulk_create(
        (PlanClosingOpen(closing=closing, commitment_id=pk, status=code) for pk, code in open_rows),
        batch_size=5000,
    )
    events.plan_closed(actor=actor, plan=plan, before=before, closing=closing)
    return closing


@transaction.atomic
def plan_finish(
    *, actor, plan: Plan, closed_on: dt.date, note: str, today: dt.date | None = None
) -> PlanClosing:
    """In force → finished, on `closed_on`, with the closing record (open commitments listed in it)."""
    return _close(
        actor=actor,
        plan=plan,
        state=PlanState.FINISHED,
        closed_on=closed_on,
        note=note,
        replaced_by=None,
        today=today or local_today(),
    )


@transaction.atomic
def plan_replace(
    *,
    actor,
    plan: Plan,
    replaced_by: Plan | None,
    closed_on: dt.date,
    note: str,
    today: dt.date | None = None,
) -> PlanClosing:
    """In force → replaced by another plan, with the closing record."""
    return _close(
        actor=actor,
        plan=plan,
        state=PlanState.REPLACED,
        closed_on=closed_on,
        note=note,
        replaced_by=replaced_by,
        today=today or local_today(),
    )


# ---------------------------------------------------------------------------------------------------------
# Items


def _check_item_deadline(*, plan_period: tuple[dt.date, dt.date], item_values: Mapping[str, Any]) -> None:
    start, end = plan_period
    deadline = item_values["deadline"]
    if not start <= deadline <= end and not normalize_text(item_values.get("deadline_reason") or ""):
        raise BusinessError(
            MSG_ITEM_DEADLINE_OUTSIDE.format(
                deadline=format_vn(deadline), start=format_vn(start), end=format_vn(end)
            ),
            field="deadline_reason",
        )


def _clean_number(number: str) -> str:
    number = normalize_text(number or "")
    if len(number) > 24 or any(not (ch.isalpha() or ch in NUMBER_CHARS) for ch in number):
        raise BusinessError(MSG_NUMBER_FORMAT, field="number")
    return number


def _next_number(plan: Plan, parent: PlanItem | None) -> str:
    """'1', '2', … at the top; '2.1', '2.2', … under item '2' (the first free one)."""
    taken = set(plan.items.values_list("number", flat=True))
    prefix = f"{parent.number}." if parent is not None and parent.number else ""
    n = PlanItem.objects.filter(plan=plan, parent=parent).count() + 1
    while f"{prefix}{n}" in taken:
        n += 1
    return f"{prefix}{n}"


def _depth(item: PlanItem | None) -> int:
    depth = 0
    while item is not None:
        depth += 1
        item = item.parent
    return depth


def _check_item(
    *,
    actor,
    plan: Plan,
    item: PlanItem | None,
    values: dict[str, Any],
    co_units: Sequence[Organization],
    indicators: Sequence,
    today: dt.date,
) -> dict[str, Any]:
    """Validate an item's values; returns them cleaned."""
    values["title"] = normalize_text(values.get("title") or "")
    if not values["title"]:
        raise BusinessError(MSG_ITEM_TITLE, field="title")
    lead_unit = values.get("lead_unit")
    if lead_unit is None:
        raise BusinessError(MSG_LEAD_UNIT_REQUIRED, field="lead_unit")
    # A unit dissolved since it was chosen stays on the item; a new choice must be active.
    kept = set() if item is None else {item.lead_unit_id, *item.co_units.values_list("pk", flat=True)}
    for unit in [lead_unit, *co_units]:
        if not _within(unit, plan.applies_to):
            raise BusinessError(
                MSG_UNIT_OUTSIDE.format(org=plan.applies_to.name),
                field="lead_unit" if unit is lead_unit else "co_units",
            )
        if not unit.is_active and unit.pk not in kept:
            raise BusinessError(
                MSG_ORG_CLOSED.format(name=unit.name), field="lead_unit" if unit is lead_unit else "co_units"
            )
    _check_date(values.get("deadline"), field="deadline", label="Thời hạn", today=today)
    _check_date(values.get("starts_on"), field="starts_on", label="Ngày bắt đầu", today=today, required=False)
    if values.get("starts_on") and values["deadline"] < values["starts_on"]:
        raise BusinessError(MSG_ITEM_DEADLINE_BEFORE_START, field="deadline")
    values["deadline_reason"] = normalize_text(values.get("deadline_reason") or "")[:500]
    _check_item_deadline(plan_period=(plan.starts_on, plan.ends_on), item_values=values)
    weight = values.get("weight")
    if weight is not None and (
        isinstance(weight, bool) or not isinstance(weight, int) or not 1 <= weight <= 100
    ):
        raise BusinessError(MSG_WEIGHT, field="weight")
    parent = values.get("parent")
    if parent is not None:
        if parent.plan_id != plan.pk:
            raise BusinessError(MSG_ITEM_PARENT, field="parent")
        ancestor = parent
        while ancestor is not None:
            if item is not None and ancestor.pk == item.pk:
                raise BusinessError(MSG_ITEM_PARENT_CYCLE, field="parent")
            ancestor = ancestor.parent
        if _depth(parent) + 1 > MAX_DEPTH:
            raise BusinessError(MSG_ITEM_TOO_DEEP.format(levels=MAX_DEPTH), field="parent")
    values["number"] = _clean_number(values.get("number") or "")
    if values["number"]:
        taken = PlanItem.objects.filter(plan=plan, number=values["number"])
        if item is not None:
            taken = taken.exclude(pk=item.pk)
        if taken.exists():
            raise BusinessError(MSG_NUMBER_TAKEN.format(number=values["number"]), field="number")
    if indicators:
        from neuguong.targets.models import Indicator

        visible = set(
            Indicator.objects.visible_to(actor)
            .filter(pk__in=[i.pk for i in indicators])
            .values_list("pk", flat=True)
        )
        if any(indicator.pk not in visible for indicator in indicators):
            raise BusinessError(MSG_INDICATOR_UNKNOWN, field="indicators")
    values["expected_result"] = (values.get("expected_result") or "").strip()[:5000]
    return values


@transaction.atomic
def plan_item_add(
    *,
    actor,
    plan: Plan,
    title: str,
    lead_unit: Organization | None,
    deadline: dt.date,
    number: str = "",
    parent: PlanItem | None = None,
    starts_on: dt.date | None = None,
    expected_result: str = "",
    weight: int | None = None,
    deadline_reason: str = "",
    co_units: Iterable[Organization] = (),
    indicators: Iterable = (),
    today: dt.date | None = None,
) -> PlanItem:
    """Hang an item on a plan (drafting or in force): lead unit and co-operating units inside the plan's
    subtree, a deadline inside its period (outside only with a reason); numbered '2.1' when no number is
    given."""
    today = today or local_today()
    plan = _locked(plan)
    _require_manage(actor, plan.organization)
    _open(plan)
    if plan.items.count() >= MAX_ITEMS:
        raise BusinessError(MSG_TOO_MANY_ITEMS.format(limit=MAX_ITEMS))
    co_units, indicators = list(co_units), list(indicators)
    values = _check_item(
        actor=actor,
        plan=plan,
        item=None,
        values={
            "title": title,
            "lead_unit": lead_unit,
            "deadline": deadline,
            "number": number,
            "parent": parent,
            "starts_on": starts_on,
            "expected_result": expected_result,
            "weight": weight,
            "deadline_reason": deadline_reason,
        },
        co_units=co_units,
        indicators=indicators,
        today=today,
    )
    values["number"] = values["number"] or _next_number(plan, parent)
    position = PlanItem.objects.filter(plan=plan, parent=parent).count() + 1
    item = PlanItem.objects.create(plan=plan, position=position, **values)
    if co_units:
        item.co_units.set(co_units)
    if indicators:
        item.indicators.set(indicators)
    item.plan = plan
    events.item_added(actor=actor, item=item)
    return item


ITEM_EDITABLE = (
    "title",
    "lead_unit",
    "deadline",
    "number",
    "parent",
    "starts_on",
    "expected_result",
    "weight",
    "deadline_reason",
)


@transaction.atomic
def plan_item_update(
    *,
    actor,
    item: PlanItem,
    co_units: Iterable[Organization] | None = None,
    indicators: Iterable | None = None,
    today: dt.date | None = None,
    **values: Any,
) -> PlanItem:
    """Change an item (its commitments keep their own deadlines; the item's is what they were asked for)."""
    today = today or local_today()
    item = PlanItem.objects.select_for_update(of=("self",)).select_related("plan", "parent").get(pk=item.pk)
    plan = _locked(item.plan)
    _require_manage(actor, plan.organization)
    _open(plan)
    unknown = set(values) - set(ITEM_EDITABLE)
    if unknown:
        raise TypeError(f"plan_item_update cannot change {sorted(unknown)}")
    before = snapshot(item, list(ITEM_EDITABLE))
    before_names = events.item_names(item)
    merged = {name: getattr(item, name) for name in ITEM_EDITABLE} | values
    co_units = list(item.co_units.all()) if co_units is None else list(co_units)
    indicators = list(item.indicators.all()) if indicators is None else list(indicators)
    merged = _check_item(
        actor=actor,
        plan=plan,
        item=item,
        values=merged,
        co_units=co_units,
        indicators=indicators,
        today=today,
    )
    merged["number"] = merged["number"] or item.number
    for name, value in merged.items():
        setattr(item, name, value)
    item.save()
    item.co_units.set(co_units)
    item.indicators.set(indicators)
    events.item_updated(actor=actor, item=item, before=before, before_names=before_names)
    return item


@transaction.atomic
def plan_item_remove(*, actor, item: PlanItem) -> None:
    """Take an item off a plan still being drafted (one without commitments or sub-items)."""
    from neuguong.commitments.models import Commitment

    item = PlanItem.objects.select_for_update().select_related("plan").get(pk=item.pk)
    plan = _locked(item.plan)
    _require_manage(actor, plan.organization)
    if plan.state != PlanState.DRAFTING:
        raise BusinessError(MSG_ITEM_REMOVE_STATE)
    if item.children.exists() or Commitment.objects.filter(plan_item=item).exists():
        raise BusinessError(MSG_ITEM_HAS_WORK)
    item.plan = plan
    events.item_removed(actor=actor, item=item)
    item.co_units.clear()
    item.indicators.clear()
    item.delete()


# ---------------------------------------------------------------------------------------------------------
# The link other modules make to an item (registered in core.registry.PLAN_ITEM_LINK)


def plan_item_link(
    plan_item: PlanItem, organization: Organization, *, new_work: bool = True
) -> PlanItemSource:
    """May `plan_item` take work of `organization`? Its plan must apply to the organisation (the plan's
    subtree holds it) and, for new work, be in force. Returns what the work's source becomes: the plan's
    registered document and the item."""
    plan = (
        Plan.objects.select_related("document", "applies_to").filter(pk=plan_item.plan_id).first()
        if plan_item is not None and plan_item.pk
        else None
    )
    if plan is None:
        raise BusinessError(MSG_ITEM_UNKNOWN, field="plan_item")
    if not _within(organization, plan.applies_to):
        raise BusinessError(
            MSG_LINK_NOT_APPLICABLE.format(item=plan_item.label, plan=plan.reference, org=organization.name),
            field="plan_item",
        )
    if new_work and plan.state == PlanState.DRAFTING:
        raise BusinessError(MSG_LINK_NOT_IN_FORCE.format(plan=plan.reference), field="plan_item")
    if new_work and plan.state in CLOSED_STATES:
        raise BusinessError(MSG_LINK_CLOSED.format(plan=plan.reference), field="plan_item")
    return PlanItemSource(
        document=plan.document, note=f"{plan.document.number_text}, {plan_item.label}"[:255]
    )
