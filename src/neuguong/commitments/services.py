"""Writes about commitments: each checks the actor's rights and the current state, changes the rows and
writes the audit event in one transaction. `today` defaults to the date in Asia/Ho_Chi_Minh."""

import calendar
import datetime as dt
import os
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from neuguong.access.scope import scope_for
from neuguong.audit.models import AuditEvent
from neuguong.audit.services import snapshot
from neuguong.core import registry
from neuguong.core.dates import check_date, format_vn, local_date_of, local_today
from neuguong.core.errors import BusinessError, OutOfScope
from neuguong.core.fastinsert import insert_rows
from neuguong.core.limits import check_lengths
from neuguong.core.text import fold, normalize_text
from neuguong.core.uploads import check_upload
from neuguong.notifications.models import OutboxStatus
from neuguong.organizations.models import Organization
from neuguong.people.models import Person

from . import events, notices
from .models import (
    DEFAULT_PLEDGE_ITEMS,
    Commitment,
    CommitmentCategory,
    CommitmentSeries,
    CompletionPolicy,
    Evidence,
    ExtensionRequest,
    ExtensionState,
    Halt,
    Outcome,
    Pledge,
    PledgeTemplate,
    ProgressReport,
    Recurrence,
    Reminder,
    ReviewState,
    SourceKind,
    WorkProgram,
    WorkProgramItem,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import User

MSG_TOO_MANY_FILES = "Mỗi lần báo cáo gửi tối đa {limit} tệp minh chứng."
MAX_FILES_PER_REPORT = 10
MSG_NO_RIGHT = "Bạn không có quyền giao hoặc điều chỉnh nhiệm vụ của tổ chức này."
MSG_NOT_YOURS = "Bạn chỉ được báo cáo nhiệm vụ của chính mình."
MSG_TITLE_REQUIRED = "Nội dung công việc không được để trống."
MSG_NOBODY_RESPONSIBLE = "Cần chọn người chịu trách nhiệm hoặc đơn vị chủ trì."
MSG_PERSON_OUTSIDE = "Người chịu trách nhiệm phải thuộc tổ chức này hoặc tổ chức trực thuộc."
MSG_UNIT_OUTSIDE = "Đơn vị chủ trì, phối hợp phải thuộc tổ chức này hoặc tổ chức trực thuộc."
MSG_DEADLINE_BEFORE_START = "Thời hạn không được trước ngày bắt đầu."
MSG_DEADLINE_PAST = "Thời hạn đã qua: cần ghi lý do khi giao nhiệm vụ có thời hạn trong quá khứ."
MSG_ORG_CLOSED = "Tổ chức «{name}» đã giải thể hoặc sáp nhập."
MSG_CATEGORY = "Nhóm nhiệm vụ không hợp lệ."
MSG_SOURCE = "Nguồn nhiệm vụ không hợp lệ."
MSG_NOBODY_SELECTED = "Chưa chọn người nào để giao nhiệm vụ."
MSG_NO_HEADS = "Không tìm thấy người đứng đầu cơ quan, đơn vị nào trong tổ chức này."
MSG_PERCENT = "Tiến độ phải từ 0 đến 100 %."
MSG_REPORT_TEXT = "Nội dung báo cáo không được để trống."
MSG_REPORT_FUTURE = "Ngày báo cáo không được sau ngày hôm nay."
MSG_HALTED = "Nhiệm vụ đã bị hủy hoặc tạm dừng: không thể thực hiện thao tác này."
MSG_CANCELLED = "Nhiệm vụ đã bị hủy: không thể đánh dấu hoàn thành."
MSG_ALREADY_DONE = "Nhiệm vụ đã hoàn thành."
MSG_NOT_DONE = "Nhiệm vụ chưa hoàn thành."
MSG_COMPLETED_FUTURE = "Ngày hoàn thành không được sau ngày hôm nay."
MSG_COMPLETED_RANGE = "Ngày hoàn thành phải từ ngày {earliest} ({since}) đến hôm nay ({today})."
MSG_OUTCOME = "Chọn kết quả so với yêu cầu: vượt, đạt hoặc không đạt yêu cầu."
MSG_REPORT_DECIDED = "Báo cáo này đã được xem xét."
MSG_EVIDENCE_ACCEPTED = "Minh chứng của báo cáo đã được chấp nhận không thể xóa."
MSG_NOTHING_TO_RETURN = "Không có báo cáo hay kết quả hoàn thành nào để trả lại."
MSG_RETURN_NOTE = "Cần ghi ý kiến khi trả lại báo cáo."
MSG_EXTENSION_LATER = "Thời hạn đề nghị phải sau thời hạn hiện tại ({deadline})."
MSG_EXTENSION_REASON = "Cần ghi lý do đề nghị gia hạn."
MSG_EXTENSION_PENDING = "Đã có một đề nghị gia hạn đang chờ quyết định."
MSG_EXTENSION_DECIDED = "Đề nghị gia hạn này đã được quyết định."
MSG_HALT_REASON = "Cần ghi lý do hủy hoặc tạm dừng."
MSG_HALT_KIND = "Chỉ có thể hủy hoặc tạm dừng."
MSG_NOT_HALTED = "Nhiệm vụ không bị tạm dừng."
MSG_RECURRENCE = "Kiểu lặp lại không hợp lệ."
MSG_PERIOD = "Khoảng thời gian lặp lại không hợp lệ."
MSG_PROGRAM_EXISTS = "Tổ chức đã có chương trình công tác năm {year}."
MSG_ITEM_PERIOD = "Mỗi nội dung thuộc đúng một tháng (1–12) hoặc một quý (1–4)."
MSG_PLEDGE_EMPTY = "Bản cam kết cần ít nhất một nội dung."
MSG_TEMPLATE_EMPTY = "Mẫu bản cam kết cần ít nhất một nội dung."
MSG_NOTHING_TO_CONFIRM = "Nhiệm vụ này không có kết quả hoàn thành nào chờ xác nhận."
COMPLETION_REPORT_TEXT = "Báo cáo hoàn thành"


# ---------------------------------------------------------------------------------------------------------
# Rights


def can_manage(actor: "User", organization: Organization) -> bool:
    """Staff and secretaries manage the boards of their subtree."""
    return scope_for(actor).can_write_path(organization.path)


def is_responsible(actor: "User", commitment: Commitment) -> bool:
    person_id = scope_for(actor).person_id
    return person_id is not None and person_id == commitment.responsible_person_id


def _require_manage(actor: "User", organization: Organization) -> None:
    if not can_manage(actor, organization):
        raise OutOfScope(MSG_NO_RIGHT)


def _require_manage_or_own(actor: "User", commitment: Commitment) -> None:
    if not (is_responsible(actor, commitment) or can_manage(actor, commitment.organization)):
        # Pages and API answer 404 (the member cannot see it); the message is for service callers.
        raise OutOfScope(MSG_NOT_YOURS if scope_for(actor).person_id else MSG_NO_RIGHT)


def _proxy_for(actor: "User", commitment: Commitment) -> Person | None:
    """The responsible person when someone else (a secretary) enters for them: recorded as proxy entry."""
    if commitment.responsible_person_id and not is_responsible(actor, commitment):
        return commitment.responsible_person
    return None


def _live(commitment: Commitment) -> None:
    if commitment.halt:
        raise BusinessError(MSG_HALTED)


def _cancel_pending_reminders(commitment: Commitment) -> int:
    """A reassigned, rescheduled, completed or halted commitment drops reminders not yet sent."""
    return Reminder.objects.filter(
        commitment=commitment, status__in=(OutboxStatus.READY, OutboxStatus.FAILED)
    ).update(status=OutboxStatus.CANCELLED)


def _locked(commitment: Commitment) -> Commitment:
    return Commitment.objects.select_for_update().select_related("organization").get(pk=commitment.pk)


# ---------------------------------------------------------------------------------------------------------
# Creation


def _validate_new(
    *,
    organization: Organization,
    title: str,
    deadline: dt.date,
    responsible_person: Person | None,
    lead_unit: Organization | None,
    co_units: Sequence[Organization],
    start_on: dt.date | None,
    category: str,
    source_kind: str,
    reason: str,
    today: dt.date | None,
) -> str:
    """Check what, who and when; `today=None` skips the past-deadline rule (the deadline is not being set)."""
    title = normalize_text(title or "")
    if not title:
        raise BusinessError(MSG_TITLE_REQUIRED, field="title")
    check_lengths(Commitment, title=title, created_reason=normalize_text(reason or ""))
    if not organization.is_active:
        raise BusinessError(MSG_ORG_CLOSED.format(name=organization.name), field="organization")
    if responsible_person is None and lead_unit is None:
        raise BusinessError(MSG_NOBODY_RESPONSIBLE, field="responsible_person")
    if responsible_person is not None and not responsible_person.organization.path.startswith(
        organization.path
    ):
        raise BusinessError(MSG_PERSON_OUTSIDE, field="responsible_person")
    for unit in [lead_unit, *co_units]:
        if unit is not None and not unit.path.startswith(organization.path):
            raise BusinessError(MSG_UNIT_OUTSIDE, field="lead_unit")
    check_date(start_on, field="start_on", label="Ngày bắt đầu")
    if today is not None:  # the deadline is being set
        check_date(deadline, field="deadline", label="Thời hạn", required=True)
    if start_on is not None and deadline < start_on:
        raise BusinessError(MSG_DEADLINE_BEFORE_START, field="deadline")
    if today is not None and deadline < today and not normalize_text(reason or ""):
        raise BusinessError(MSG_DEADLINE_PAST, field="reason")
    if category not in CommitmentCategory.values:
        raise BusinessError(MSG_CATEGORY, field="category")
    if source_kind not in SourceKind.values:
        raise BusinessError(MSG_SOURCE, field="source_kind")
    return title


def _plan_item_source(
    plan_item, organization: Organization, source_kind: str, source_object, source_note: str
):
    """The source of new work serving `plan_item`: the plans module says whether the item takes work of
    this organisation (BusinessError if not); with no other source, the plan's registered document and the
    item are the source, not free text. Returns (source_kind, source_object, source_note)."""
    linked = registry.plan_item_link(plan_item, organization)
    if source_object is None and source_kind in (SourceKind.DOCUMENT, SourceKind.OTHER):
        return SourceKind.DOCUMENT, linked.document, linked.note
    return source_kind, source_object, source_note


def _new_commitment(
    *,
    actor: "User",
    organization: Organization,
    title: str,
    deadline: dt.date,
    responsible_person: Person | None = None,
    lead_unit: Organization | None = None,
    co_units: Sequence[Organization] = (),
    expected_result: str = "",
    category: str = CommitmentCategory.OTHER,
    source_kind: str = SourceKind.OTHER,
    source_object=None,
    source_note: str = "",
    start_on: dt.date | None = None,
    reason: str = "",
    on_behalf_of: Person | None = None,
    series: CommitmentSeries | None = None,
    batch: str = "",
    plan_item=None,
    today: dt.date,
) -> Commitment:
    title = _validate_new(
        organization=organization,
        title=title,
        deadline=deadline,
        responsible_person=responsible_person,
        lead_unit=lead_unit,
        co_units=co_units,
        start_on=start_on,
        category=category,
        source_kind=source_kind,
        reason=reason,
        today=today,
    )
    if plan_item is not None:
        source_kind, source_object, source_note = _plan_item_source(
            plan_item, organization, source_kind, source_object, source_note
        )
    check_lengths(
        Commitment,
        expected_result=(expected_result or "").strip(),
        source_note=normalize_text(source_note or ""),
    )
    commitment = Commitment(
        title=title,
        expected_result=(expected_result or "").strip(),
        organization=organization,
        responsible_person=responsible_person,
        lead_unit=lead_unit,
        start_on=start_on,
        deadline=deadline,
        original_deadline=deadline,
        category=category,
        source_kind=source_kind,
        source_note=normalize_text(source_note or "")[:255],
        series=series,
        batch=batch,
        plan_item=plan_item,
        created_reason=normalize_text(reason or "")[:500],
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    if source_object is not None:
        commitment.source_type = ContentType.objects.get_for_model(type(source_object))
        commitment.source_id = source_object.pk
    commitment.save()
    if co_units:
        commitment.co_units.set(co_units)
    events.commitment_created(
        actor=actor,
        commitment=commitment,
        co_units=co_units,
        on_behalf_of=on_behalf_of.full_name if on_behalf_of else "",
    )
    # Not announced: each occurrence of a series (one notice per month), and what the member wrote
    # themselves (the items of their pledge or of their application plan).
    if series is None and source_kind not in (SourceKind.PLEDGE, SourceKind.STUDY_PLAN):
        notices.assigned(actor=actor, commitment=commitment)
    return commitment


@transaction.atomic
def commitment_create(
    *,
    actor: "User",
    organization: Organization,
    title: str,
    deadline: dt.date,
    responsible_person: Person | None = None,
    lead_unit: Organization | None = None,
    expected_result: str = "",
    category: str = "other",
    source_kind: str = "other",
    source_object=None,
    source_note: str = "",
    start_on: dt.date | None = None,
    reason: str = "",
    on_behalf_of: Person | None = None,
    co_units: Sequence[Organization] = (),
    plan_item=None,
    today: dt.date | None = None,
) -> Commitment:
    """Put one commitment on `organization`'s board (rõ việc, rõ người, rõ thời gian), serving
    `plan_item` when given."""
    _require_manage(actor, organization)
    return _new_commitment(
        actor=actor,
        organization=organization,
        title=title,
        deadline=deadline,
        responsible_person=responsible_person,
        lead_unit=lead_unit,
        co_units=co_units,
        expected_result=expected_result,
        category=category,
        source_kind=source_kind,
        source_object=source_object,
        source_note=source_note,
        start_on=start_on,
        reason=reason,
        on_behalf_of=on_behalf_of,
        plan_item=plan_item,
        today=today or local_today(),
    )


# Co-units of one assignment written per statement.
ASSIGN_BATCH = 2_000


@transaction.atomic
def commitment_assign_many(
    *,
    actor: "User",
    organization: Organization,
    people: Iterable[Person],
    title: str,
    deadline: dt.date,
    today: dt.date | None = None,
    co_units: Sequence[Organization] = (),
    on_behalf_of: Person | None = None,
    source_object=None,
    plan_item=None,
    **fields,
) -> list[Commitment]:
    """One item assigned to many at once (e.g. every head of agency in the subtree): one commitment each,
    all in one batch; either all are created or none.

    Written in bulk (the importer's multi-row INSERT, about 1,000 rows a statement; their audit events
    likewise), so the status tallies' statement triggers count a statement at a time. One at a time, an
    assignment of 100,000 commitments from the national root took 13 ms each (22 minutes), most of it
    the tallies' triggers counting every row apart (bench/growth_bench.py, docs/scaling.md)."""
    _require_manage(actor, organization)
    unique_people = list({person.pk: person for person in people}.values())
    if not unique_people:
        raise BusinessError(MSG_NOBODY_SELECTED, field="people")
    today = today or local_today()
    paths = dict(
        Organization.objects.filter(pk__in={p.organization_id for p in unique_people}).values_list(
            "pk", "path"
        )
    )
    if any(not paths[p.organization_id].startswith(organization.path) for p in unique_people):
        raise BusinessError(MSG_PERSON_OUTSIDE, field="responsible_person")
    # What is shared is checked once (the people's places in the tree just above).
    values = {
        "lead_unit": fields.pop("lead_unit", None),
        "start_on": fields.pop("start_on", None),
        "expected_result": (fields.pop("expected_result", "") or "").strip(),
        "category": fields.pop("category", CommitmentCategory.OTHER),
        "source_kind": fields.pop("source_kind", SourceKind.OTHER),
        "source_note": normalize_text(fields.pop("source_note", "") or "")[:255],
        "created_reason": normalize_text(fields.pop("reason", "") or "")[:500],
    }
    if fields:
        raise TypeError(f"commitment_assign_many: unexpected {sorted(fields)}")
    title = _validate_new(
        organization=organization,
        title=title,
        deadline=deadline,
        responsible_person=None,
        lead_unit=values["lead_unit"] or organization,  # someone is responsible: the people
        co_units=co_units,
        start_on=values["start_on"],
        category=values["category"],
        source_kind=values["source_kind"],
        reason=values["created_reason"],
        today=today,
    )
    if plan_item is not None:
        values["source_kind"], source_object, note = _plan_item_source(
            plan_item, organization, values["source_kind"], source_object, values["source_note"]
        )
        values["source_note"] = normalize_text(note or "")[:255]
    values["plan_item"] = plan_item
    source = {}
    if source_object is not None:
        source = {
            "source_type": ContentType.objects.get_for_model(type(source_object)),
            "source_id": source_object.pk,
        }
    batch = uuid.uuid4().hex
    made = [
        Commitment(
            title=title,
            organization=organization,
            responsible_person=person,
            deadline=deadline,
            original_deadline=deadline,
            batch=batch,
            created_by=actor if getattr(actor, "pk", None) else None,
            **values,
            **source,
        )
        for person in unique_people
    ]
    for commitment in made:
        commitment.title_folded = fold(commitment.title)
    insert_rows(Commitment, made)
    if co_units:
        through = Commitment.co_units.through
        through.objects.bulk_create(
            [through(commitment_id=c.pk, organization_id=u.pk) for c in made for u in co_units],
            batch_size=ASSIGN_BATCH,
        )
    target_type = ContentType.objects.get_for_model(Commitment)
    on_behalf = on_behalf_of.full_name if on_behalf_of else ""
    created = [
        events.commitment_created_event(
            actor=actor, commitment=c, co_units=co_units, on_behalf_of=on_behalf, target_type=target_type
        )
        for c in made
    ]
    insert_rows(AuditEvent, created)
    return made


def _check_period(starts_on: dt.date, ends_on: dt.date, *, field: str) -> None:
    """A recurring commitment runs forwards, for at most five years, within the dates people may enter."""
    check_date(starts_on, field="starts_on", label="Ngày bắt đầu", required=True)
    check_date(ends_on, field="ends_on", label="Ngày kết thúc", required=True)
    if ends_on < starts_on or (ends_on - starts_on).days > 366 * 5:
        raise BusinessError(MSG_PERIOD, field=field)


def _period_ends(recurrence: str, starts_on: dt.date, ends_on: dt.date) -> list[dt.date]:
    """Last day of each month (or quarter) that ends within [starts_on, ends_on]; a partial last period
    ends on `ends_on`."""
    step = 1 if recurrence == Recurrence.MONTHLY else 3
    month = starts_on.month if step == 1 else ((starts_on.month - 1) // 3) * 3 + 1
    year = starts_on.year
    ends: list[dt.date] = []
    while True:
        last_month = month + step - 1
        period_end = dt.date(year, last_month, calendar.monthrange(year, last_month)[1])
        if period_end >= ends_on:
            ends.append(ends_on)
            break
        ends.append(period_end)
        month += step
        if month > 12:
            month -= 12
            year += 1
    return ends


@transaction.atomic
def commitment_create_recurring(
    *,
    actor: "User",
    organization: Organization,
    title: str,
    recurrence: str,
    starts_on: dt.date,
    ends_on: dt.date,
    today: dt.date | None = None,
    **fields,
) -> CommitmentSeries:
    """A monthly or quarterly commitment: one occurrence per period, each due at the period's end."""
    _require_manage(actor, organization)
    if recurrence not in Recurrence.values:
        raise BusinessError(MSG_RECURRENCE, field="recurrence")
    _check_period(starts_on, ends_on, field="ends_on")
    today = today or local_today()
    series = CommitmentSeries.objects.create(
        organization=organization,
        title=normalize_text(title or "")[:500],
        recurrence=recurrence,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    label = "tháng" if recurrence == Recurrence.MONTHLY else "quý"
    for end in _period_ends(recurrence, starts_on, ends_on):
        period = (
            f"{end.month:02d}/{end.year}" if label == "tháng" else f"{(end.month - 1) // 3 + 1}/{end.year}"
        )
        _new_commitment(
            actor=actor,
            organization=organization,
            title=f"{title} ({label} {period})",
            deadline=end,
            series=series,
            today=min(today, end),  # occurrences already past are part of the plan, not late entries
            **fields,
        )
    return series


@dataclass(frozen=True)
class Assignment:
    """What `commitment_assign` created: the commitments (every occurrence of a recurring one), for whom,
    and the recurring series if any."""

    commitments: list[Commitment]
    people: list[Person]
    series: list[CommitmentSeries]


@transaction.atomic
def commitment_assign(
    *,
    actor: "User",
    organization: Organization,
    title: str,
    deadline: dt.date,
    people: Iterable[Person] = (),
    all_heads: bool = False,
    recurrence: str = "",
    start_on: dt.date | None = None,
    lead_unit: Organization | None = None,
    co_units: Sequence[Organization] = (),
    expected_result: str = "",
    category: str = CommitmentCategory.OTHER,
    source_kind: str = SourceKind.OTHER,
    source_object=None,
    source_note: str = "",
    reason: str = "",
    plan_item=None,
    today: dt.date | None = None,
) -> Assignment:
    """Assign work as the assignment form asks: to one person or unit, to several people (one commitment
    each, or to every head of agency in the subtree), or recurring (a series per person), from `start_on`
    to `deadline`. Either everything is created or nothing."""
    _require_manage(actor, organization)
    today = today or local_today()
    chosen = list(people)
    if all_heads:
        from .selectors import heads_of_agencies

        heads = heads_of_agencies(user=actor, organization=organization)
        if not heads:
            raise BusinessError(MSG_NO_HEADS, field="all_heads")
        chosen += heads
    chosen = list({person.pk: person for person in chosen}.values())
    common = {
        "expected_result": expected_result,
        "category": category,
        "source_kind": source_kind,
        "source_object": source_object,
        "source_note": source_note,
        "co_units": list(co_units),
        "lead_unit": lead_unit,
        "plan_item": plan_item,
    }
    if recurrence:
        _check_period(start_on or today, deadline, field="deadline")  # the form's names for the period
        # One series per person chosen; none chosen: one series with no responsible person (a unit's task).
        responsibles: list[Person | None] = [*chosen] or [None]
        series = [
            commitment_create_recurring(
                actor=actor,
                organization=organization,
                title=title,
                recurrence=recurrence,
                starts_on=start_on or today,
                ends_on=deadline,
                responsible_person=person,
                today=today,
                **common,
            )
            for person in responsibles
        ]
        occurrences = Commitment.objects.filter(series__in=series).order_by("deadline", "id")
        return Assignment(commitments=list(occurrences), people=chosen, series=series)
    if len(chosen) > 1:
        created = commitment_assign_many(
            actor=actor,
            organization=organization,
            people=chosen,
            title=title,
            deadline=deadline,
            start_on=start_on,
            reason=reason,
            today=today,
            **common,
        )
    else:
        created = [
            commitment_create(
                actor=actor,
                organization=organization,
                title=title,
                deadline=deadline,
                responsible_person=chosen[0] if chosen else None,
                start_on=start_on,
                reason=reason,
                today=today,
                **common,
            )
        ]
    return Assignment(commitments=created, people=chosen, series=[])


# ---------------------------------------------------------------------------------------------------------
# Editing and reassignment


EDITABLE_FIELDS = (
    "title",
    "expected_result",
    "responsible_person",
    "lead_unit",
    "category",
    "source_note",
    "start_on",
)


@transaction.atomic
def commitment_update(*, actor: "User", commitment: Commitment, **values) -> Commitment:
    """Edit what/who of a commitment; a change of responsible person cancels its pending reminders.
    The deadline changes only through an extension."""
    commitment = _locked(commitment)
    _require_manage(actor, commitment.organization)
    before = snapshot(commitment, list(EDITABLE_FIELDS))
    unknown = set(values) - set(EDITABLE_FIELDS)
    if unknown:  # a programming error, not a user's: the deadline moves only through an extension
        raise TypeError(f"commitment_update cannot change {sorted(unknown)}")
    merged = {name: getattr(commitment, name) for name in EDITABLE_FIELDS} | values
    check_lengths(Commitment, expected_result=merged["expected_result"], source_note=merged["source_note"])
    merged["title"] = _validate_new(
        organization=commitment.organization,
        title=merged["title"],
        deadline=commitment.deadline,
        responsible_person=merged["responsible_person"],
        lead_unit=merged["lead_unit"],
        co_units=(),
        start_on=merged["start_on"],
        category=merged["category"],
        source_kind=commitment.source_kind,
        reason="",
        today=None,  # the deadline is not changed here
    )
    reassigned = (merged["responsible_person"].pk if merged["responsible_person"] else None) != (
        commitment.responsible_person_id
    )
    for name, value in merged.items():
        setattr(commitment, name, value)
    commitment.save()
    if reassigned:
        _cancel_pending_reminders(commitment)
    events.commitment_updated(actor=actor, commitment=commitment, before=before)
    return commitment


@transaction.atomic
def commitment_link_plan_item(*, actor, commitment: Commitment, plan_item=None, document=None) -> Commitment:
    """Name the plan item an existing commitment serves (None: it serves none), or, for a source written
    as free text, the registered `document` that text names. Without another source the commitment's
    source becomes that document (the plan's, for an item); the free text stays as it was written."""
    commitment = _locked(commitment)
    _require_manage(actor, commitment.organization)
    before = snapshot(commitment, ["plan_item", "source_kind"])
    before_source = _source_label(commitment)
    if plan_item is not None:
        # An existing commitment may be linked to a plan whatever its state (its history is tidied up).
        document = registry.plan_item_link(plan_item, commitment.organization, new_work=False).document
    commitment.plan_item = plan_item
    fields = ["plan_item", "updated_at"]
    if (
        document is not None
        and commitment.source_type_id is None
        and commitment.source_kind
        in (
            SourceKind.DOCUMENT,
            SourceKind.OTHER,
        )
    ):
        commitment.source_kind = SourceKind.DOCUMENT
        commitment.source_type = ContentType.objects.get_for_model(type(document))
        commitment.source_id = document.pk
        fields += ["source_kind", "source_type", "source_id"]
    commitment.save(update_fields=fields)
    events.commitment_linked(
        actor=actor,
        commitment=commitment,
        before=before,
        before_source=before_source,
        after_source=_source_label(commitment),
    )
    return commitment


def _source_label(commitment: Commitment) -> str:
    """The source object as the history names it (a document's number and date), else ''."""
    source = commitment.source if commitment.source_type_id else None
    return getattr(source, "reference", None) or (str(source) if source is not None else "")


# ---------------------------------------------------------------------------------------------------------
# Progress reports and evidence


def _store_evidence(*, actor: "User", report: ProgressReport, files: Sequence) -> list[Evidence]:
    stored = []
    for upload in files:
        content_type = check_upload(upload)
        upload.seek(0)
        evidence = Evidence(
            report=report,
            original_name=os.path.basename(upload.name or "tệp")[:255],
            content_type=content_type,
            size=upload.size,
            uploaded_by=actor,
        )
        evidence.file.save("evidence", upload, save=False)
        evidence.save()
        stored.append(evidence)
    return stored


@transaction.atomic
def progress_report_submit(
    *,
    actor: "User",
    commitment: Commitment,
    percent: int,
    text: str,
    files: Sequence = (),
    reported_on: dt.date | None = None,
    today: dt.date | None = None,
) -> ProgressReport:
    """The responsible person (or a secretary on their behalf, recorded as such) reports progress."""
    today = today or local_today()
    commitment = _locked(commitment)
    _require_manage_or_own(actor, commitment)
    _live(commitment)
    if commitment.completed_on is not None:
        raise BusinessError(MSG_ALREADY_DONE)
    if percent is None or not 0 <= int(percent) <= 100:
        raise BusinessError(MSG_PERCENT, field="percent")
    text = (text or "").strip()
    if not text:
        raise BusinessError(MSG_REPORT_TEXT, field="text")
    check_lengths(ProgressReport, text=text)
    reported_on = reported_on or today
    if reported_on > today:
        raise BusinessError(MSG_REPORT_FUTURE, field="reported_on")
    check_date(reported_on, field="reported_on", label="Ngày báo cáo", latest=today)
    files = list(files or [])
    if len(files) > MAX_FILES_PER_REPORT:
        raise BusinessError(MSG_TOO_MANY_FILES.format(limit=MAX_FILES_PER_REPORT), field="files")
    for upload in files:  # check every file before writing anything
        check_upload(upload)
    proxy = _proxy_for(actor, commitment)
    report = ProgressReport.objects.create(
        commitment=commitment,
        reported_on=reported_on,
        percent=int(percent),
        text=text,
        reported_by=actor,
        on_behalf_of=proxy,
    )
    _store_evidence(actor=actor, report=report, files=files)
    old_progress = commitment.progress
    commitment.progress = int(percent)
    commitment.is_returned = False  # a new report supersedes a returned one
    commitment.save(update_fields=["progress", "is_returned", "updated_at"])
    events.progress_reported(
        actor=actor, report=report, old_progress=old_progress, on_behalf_of=proxy.full_name if proxy else ""
    )
    notices.report_submitted(actor=actor, report=report)
    return report


@transaction.atomic
def evidence_delete(*, actor: "User", evidence: Evidence) -> Evidence:
    """Soft-delete an evidence file before its report is accepted: the row and the file in storage stay,
    marked with who and when, and the history says so. Evidence of an accepted report is never removed."""
    evidence = Evidence.objects.select_for_update().select_related("report__commitment").get(pk=evidence.pk)
    commitment = evidence.report.commitment
    _require_manage_or_own(actor, commitment)
    if evidence.report.review_state == ReviewState.ACCEPTED:
        raise BusinessError(MSG_EVIDENCE_ACCEPTED)
    if evidence.deleted_at is None:
        evidence.deleted_at = timezone.now()
        evidence.deleted_by = actor
        evidence.save(update_fields=["deleted_at", "deleted_by"])
        events.evidence_deleted(actor=actor, evidence=evidence)
    return evidence


@transaction.atomic
def report_accept(*, actor: "User", report: ProgressReport, note: str = "") -> ProgressReport:
    """A supervisor accepts a progress report."""
    report = (
        ProgressReport.objects.select_for_update()
        .select_related("commitment__organization")
        .get(pk=report.pk)
    )
    _require_manage(actor, report.commitment.organization)
    if report.review_state != ReviewState.PENDING:
        raise BusinessError(MSG_REPORT_DECIDED)
    report.review_state = ReviewState.ACCEPTED
    report.reviewed_by = actor
    report.reviewed_at = timezone.now()
    report.review_note = normalize_text(note or "")[:500]
    report.save()
    events.report_accepted(actor=actor, report=report)
    if report.commitment.completion_pending:
        # Accepting the report of a completion awaiting confirmation accepts the completion.
        _confirm_completion(actor=actor, commitment=_locked(report.commitment), note=report.review_note)
    notices.report_reviewed(actor=actor, report=report)
    return report


@transaction.atomic
def report_return(*, actor: "User", report: ProgressReport, note: str) -> ProgressReport:
    """A supervisor returns a report (unsupported, insufficient evidence): the commitment is `returned`
    (a completion it reported, awaiting confirmation, is returned with it)."""
    if Commitment.objects.filter(pk=report.commitment_id, completion_pending=True).exists():
        commitment_return(actor=actor, commitment=report.commitment, note=note, report=report)
        return ProgressReport.objects.get(pk=report.pk)
    report = _report_return(actor=actor, report=report, note=note)
    notices.report_reviewed(actor=actor, report=report)
    return report


def _report_return(*, actor: "User", report: ProgressReport, note: str) -> ProgressReport:
    report = (
        ProgressReport.objects.select_for_update()
        .select_related("commitment__organization")
        .get(pk=report.pk)
    )
    _require_manage(actor, report.commitment.organization)
    if report.review_state != ReviewState.PENDING:
        raise BusinessError(MSG_REPORT_DECIDED)
    note = normalize_text(note or "")
    if not note:
        raise BusinessError(MSG_RETURN_NOTE, field="note")
    report.review_state = ReviewState.RETURNED
    report.reviewed_by = actor
    report.reviewed_at = timezone.now()
    report.review_note = note[:500]
    report.save()
    commitment = _locked(report.commitment)
    commitment.is_returned = True
    commitment.save(update_fields=["is_returned", "updated_at"])
    report.commitment = commitment
    events.report_returned(actor=actor, report=report)
    return report


@transaction.atomic
def commitment_return(
    *, actor: "User", commitment: Commitment, note: str, report: ProgressReport | None = None
) -> Commitment:
    """Return the commitment's pending report — or, when it was marked complete, its completion — to the
    responsible person: the status becomes `returned` (counts as not completed)."""
    commitment = _locked(commitment)
    _require_manage(actor, commitment.organization)
    note = normalize_text(note or "")
    if not note:
        raise BusinessError(MSG_RETURN_NOTE, field="note")
    if report is None:
        report = commitment.reports.filter(review_state=ReviewState.PENDING).first()
    if report is not None:
        report = _report_return(actor=actor, report=report, note=note)
        commitment.refresh_from_db()
    if commitment.completed_on is not None:
        before = snapshot(commitment, ["completed_on", "is_returned", "completion_pending", "outcome"])
        commitment.completed_on = None
        commitment.is_returned = True
        commitment.completion_pending = False
        commitment.outcome = Outcome.NONE
        commitment.save(
            update_fields=["completed_on", "is_returned", "completion_pending", "outcome", "updated_at"]
        )
        events.completion_returned(actor=actor, commitment=commitment, before=before, note=note)
        notices.completion_returned(actor=actor, commitment=commitment, note=note)
    elif report is None:
        raise BusinessError(MSG_NOTHING_TO_RETURN)
    else:
        notices.report_reviewed(actor=actor, report=report)
    return commitment


# ---------------------------------------------------------------------------------------------------------
# Completion


def needs_confirmation(organization: Organization) -> bool:
    """Whether a responsible person's own completion on this board waits for the reviewer: the nearest
    `CompletionPolicy` up the tree, else the setting COMMITMENT_COMPLETION_NEEDS_CONFIRMATION (default
    yes). One query."""
    from django.conf import settings

    ids = organization.ancestor_ids
    policies = dict(
        CompletionPolicy.objects.filter(organization_id__in=ids).values_list(
            "organization_id", "needs_confirmation"
        )
    )
    for org_id in reversed(ids):
        if org_id in policies:
            return policies[org_id]
    return bool(getattr(settings, "COMMITMENT_COMPLETION_NEEDS_CONFIRMATION", True))


@transaction.atomic
def commitment_complete(
    *,
    actor: "User",
    commitment: Commitment,
    completed_on: dt.date,
    note: str = "",
    outcome: str = Outcome.MET,
    files: Sequence = (),
    today: dt.date | None = None,
) -> Commitment:
    """Mark done on `completed_on` (on the deadline date is on time), with the result against what was
    required (vượt / đạt / không đạt) and optional evidence (kept on a 100 % report). A reviewer's
    completion is final (they can still return it); the responsible person's waits for the reviewer's
    confirmation ("Chờ xác nhận") where the organisation requires it (`needs_confirmation`), and is then
    dated by `completed_on`."""
    today = today or local_today()
    if outcome not in (Outcome.EXCEEDED, Outcome.MET, Outcome.NOT_MET):
        raise BusinessError(MSG_OUTCOME, field="outcome")
    commitment = _locked(commitment)
    _require_manage_or_own(actor, commitment)
    if commitment.halt == Halt.CANCELLED:
        raise BusinessError(MSG_CANCELLED)
    _live(commitment)
    if commitment.completed_on is not None:
        raise BusinessError(MSG_ALREADY_DONE)
    if completed_on is None or completed_on > today:
        raise BusinessError(MSG_COMPLETED_FUTURE, field="completed_on")
    # Not before the commitment existed (a member "completed" theirs on 01/01/2000 and it became on time),
    # or, for one recorded after the fact (a reporting duty of a period already under way), its start.
    earliest = commitment.start_on or local_date_of(commitment.created_at)
    if completed_on < earliest:
        since = "ngày bắt đầu nhiệm vụ" if commitment.start_on else "ngày giao nhiệm vụ"
        raise BusinessError(
            MSG_COMPLETED_RANGE.format(earliest=format_vn(earliest), since=since, today=format_vn(today)),
            field="completed_on",
        )
    check_lengths(Commitment, completion_note=(note or "").strip())
    files = list(files or [])
    if len(files) > MAX_FILES_PER_REPORT:
        raise BusinessError(MSG_TOO_MANY_FILES.format(limit=MAX_FILES_PER_REPORT), field="files")
    for upload in files:  # check every file before writing anything
        check_upload(upload)
    pending = not can_manage(actor, commitment.organization) and needs_confirmation(commitment.organization)
    before = snapshot(
        commitment,
        ["completed_on", "progress", "is_returned", "completion_note", "completion_pending", "outcome"],
    )
    commitment.completed_on = completed_on
    commitment.outcome = outcome
    commitment.progress = 100
    commitment.is_returned = False
    commitment.completion_pending = pending
    commitment.completion_note = (note or "").strip()
    commitment.save()
    _cancel_pending_reminders(commitment)
    proxy = _proxy_for(actor, commitment)
    if files:
        report = ProgressReport.objects.create(
            commitment=commitment,
            reported_on=today,
            percent=100,
            text=commitment.completion_note or COMPLETION_REPORT_TEXT,
            reported_by=actor,
            on_behalf_of=proxy,
            # A reviewer's own completion needs nobody's review of its evidence.
            review_state=ReviewState.PENDING if pending else ReviewState.ACCEPTED,
        )
        _store_evidence(actor=actor, report=report, files=files)
    events.commitment_completed(
        actor=actor, commitment=commitment, before=before, on_behalf_of=proxy.full_name if proxy else ""
    )
    if pending:
        notices.completion_submitted(actor=actor, commitment=commitment)
    return commitment


def _confirm_completion(*, actor: "User", commitment: Commitment, note: str) -> None:
    before = snapshot(commitment, ["completion_pending"])
    commitment.completion_pending = False
    commitment.save(update_fields=["completion_pending", "updated_at"])
    events.completion_confirmed(actor=actor, commitment=commitment, before=before, note=note[:500])


@transaction.atomic
def completion_confirm(*, actor: "User", commitment: Commitment, note: str = "") -> Commitment:
    """The reviewer confirms a completion awaiting confirmation: done on time or late by the date the
    member gave; its pending reports are accepted with it."""
    commitment = _locked(commitment)
    _require_manage(actor, commitment.organization)
    if not commitment.completion_pending:
        raise BusinessError(MSG_NOTHING_TO_CONFIRM)
    note = normalize_text(note or "")[:500]
    _confirm_completion(actor=actor, commitment=commitment, note=note)
    ProgressReport.objects.filter(commitment=commitment, review_state=ReviewState.PENDING).update(
        review_state=ReviewState.ACCEPTED, reviewed_by=actor, reviewed_at=timezone.now(), review_note=note
    )
    notices.completion_confirmed(actor=actor, commitment=commitment)
    return commitment


@transaction.atomic
def completion_policy_set(
    *, actor: "User", organization: Organization, needs_confirmation: bool
) -> CompletionPolicy:
    """Whether the completions of this organisation's subtree wait for the reviewer's confirmation."""
    _require_manage(actor, organization)
    policy = CompletionPolicy.objects.select_for_update().filter(organization=organization).first()
    if policy is None:
        policy = CompletionPolicy.objects.create(
            organization=organization, needs_confirmation=needs_confirmation, updated_by=actor
        )
        events.completion_policy_set(actor=actor, policy=policy, before=None)
        return policy
    before = snapshot(policy, ["needs_confirmation"])
    policy.needs_confirmation = needs_confirmation
    policy.updated_by = actor
    policy.save(update_fields=["needs_confirmation", "updated_by", "updated_at"])
    events.completion_policy_set(actor=actor, policy=policy, before=before)
    return policy


# ---------------------------------------------------------------------------------------------------------
# Extensions


@transaction.atomic
def extension_request(
    *, actor: "User", commitment: Commitment, requested_deadline: dt.date, reason: str
) -> ExtensionRequest:
    """Ask for a later deadline; the commitment shows `extension_requested` until a supervisor decides."""
    commitment = _locked(commitment)
    _require_manage_or_own(actor, commitment)
    _live(commitment)
    if commitment.completed_on is not None:
        raise BusinessError(MSG_ALREADY_DONE)
    if commitment.extension_pending:
        raise BusinessError(MSG_EXTENSION_PENDING)
    check_date(requested_deadline, field="requested_deadline", label="Thời hạn đề nghị", required=True)
    if requested_deadline <= commitment.deadline:
        raise BusinessError(
            MSG_EXTENSION_LATER.format(deadline=commitment.deadline.strftime("%d/%m/%Y")),
            field="requested_deadline",
        )
    reason = normalize_text(reason or "")
    if not reason:
        raise BusinessError(MSG_EXTENSION_REASON, field="reason")
    extension = ExtensionRequest.objects.create(
        commitment=commitment,
        requested_deadline=requested_deadline,
        previous_deadline=commitment.deadline,
        reason=reason[:500],
        requested_by=actor,
    )
    commitment.extension_pending = True
    commitment.save(update_fields=["extension_pending", "updated_at"])
    proxy = _proxy_for(actor, commitment)
    extension.commitment = commitment
    events.extension_requested(
        actor=actor, extension=extension, on_behalf_of=proxy.full_name if proxy else ""
    )
    notices.extension_requested(actor=actor, extension=extension)
    return extension


@transaction.atomic
def extension_decide(
    *, actor: "User", extension: ExtensionRequest, grant: bool, note: str = ""
) -> ExtensionRequest:
    """Grant (the deadline moves, the original deadline stays on record) or refuse an extension."""
    extension = ExtensionRequest.objects.select_for_update().get(pk=extension.pk)
    commitment = _locked(extension.commitment)
    _require_manage(actor, commitment.organization)
    if extension.state != ExtensionState.PENDING:
        raise BusinessError(MSG_EXTENSION_DECIDED)
    extension.state = ExtensionState.GRANTED if grant else ExtensionState.REFUSED
    extension.decided_by = actor
    extension.decided_at = timezone.now()
    extension.decision_note = normalize_text(note or "")[:500]
    extension.save()
    before = snapshot(commitment, ["deadline"])
    commitment.extension_pending = False
    if grant:
        commitment.deadline = extension.requested_deadline
        _cancel_pending_reminders(commitment)
    commitment.save(update_fields=["deadline", "extension_pending", "updated_at"])
    extension.commitment = commitment
    events.extension_decided(actor=actor, extension=extension, before=before)
    notices.extension_decided(actor=actor, extension=extension)
    return extension


# ---------------------------------------------------------------------------------------------------------
# Cancellation and suspension


@transaction.atomic
def commitment_halt(
    *, actor: "User", commitment: Commitment, halt: str, reason: str, today: dt.date | None = None
) -> Commitment:
    """Cancel or suspend, with the reason and who decided."""
    commitment = _locked(commitment)
    _require_manage(actor, commitment.organization)
    if halt not in (Halt.CANCELLED, Halt.SUSPENDED):
        raise BusinessError(MSG_HALT_KIND, field="halt")
    if commitment.halt == Halt.CANCELLED:
        raise BusinessError(MSG_HALTED)
    if commitment.completed_on is not None:
        raise BusinessError(MSG_ALREADY_DONE)
    reason = normalize_text(reason or "")
    if not reason:
        raise BusinessError(MSG_HALT_REASON, field="reason")
    before = snapshot(commitment, ["halt", "halt_reason", "halted_by", "halted_on"])
    commitment.halt = halt
    commitment.halt_reason = reason[:500]
    commitment.halted_by = actor
    commitment.halted_on = today or local_today()
    commitment.save()
    _cancel_pending_reminders(commitment)
    events.commitment_halted(actor=actor, commitment=commitment, before=before)
    return commitment


@transaction.atomic
def commitment_resume(*, actor: "User", commitment: Commitment, note: str = "") -> Commitment:
    """Resume a suspended commitment (a cancelled one stays cancelled)."""
    commitment = _locked(commitment)
    _require_manage(actor, commitment.organization)
    if commitment.halt != Halt.SUSPENDED:
        raise BusinessError(MSG_NOT_HALTED)
    before = snapshot(commitment, ["halt", "halt_reason", "halted_by", "halted_on"])
    commitment.halt = ""
    commitment.halt_reason = ""
    commitment.halted_by = None
    commitment.halted_on = None
    commitment.save()
    events.commitment_resumed(
        actor=actor, commitment=commitment, before=before, note=normalize_text(note or "")[:500]
    )
    return commitment


# ---------------------------------------------------------------------------------------------------------
# Annual work programs


@transaction.atomic
def work_program_create(
    *, actor: "User", organization: Organization, year: int, title: str, document=None
) -> WorkProgram:
    _require_manage(actor, organization)
    if WorkProgram.objects.filter(organization=organization, year=year).exists():
        raise BusinessError(MSG_PROGRAM_EXISTS.format(year=year), field="year")
    title = normalize_text(title or "") or f"Chương trình công tác năm {year}"
    program = WorkProgram.objects.create(organization=organization, year=year, title=title, document=document)
    events.work_program_created(actor=actor, program=program)
    return program


def period_end(year: int, *, month: int | None = None, quarter: int | None = None) -> dt.date:
    if month:
        last_month = month
    elif quarter:
        last_month = quarter * 3
    else:
        raise ValueError("period_end needs a month or a quarter")
    return dt.date(year, last_month, calendar.monthrange(year, last_month)[1])


@transaction.atomic
def work_program_item_add(
    *,
    actor: "User",
    program: WorkProgram,
    title: str,
    month: int | None = None,
    quarter: int | None = None,
    is_exemplary: bool = False,
    responsible_person: Person | None = None,
    lead_unit: Organization | None = None,
    expected_result: str = "",
    today: dt.date | None = None,
) -> WorkProgramItem:
    """Add an item to a program; an exemplary-responsibility item becomes a commitment due at the end of
    its month or quarter."""
    _require_manage(actor, program.organization)
    if (
        bool(month) == bool(quarter)
        or (month and not 1 <= month <= 12)
        or (quarter and not 1 <= quarter <= 4)
    ):
        raise BusinessError(MSG_ITEM_PERIOD, field="month")
    title = normalize_text(title or "")
    if not title:
        raise BusinessError(MSG_TITLE_REQUIRED, field="title")
    # Who answers for an item is of the program's organisation (what the form's picker offers), exemplary
    # or not: an id posted by hand from another subtree is refused like for a commitment.
    if responsible_person is not None and not responsible_person.organization.path.startswith(
        program.organization.path
    ):
        raise BusinessError(MSG_PERSON_OUTSIDE, field="responsible_person")
    if lead_unit is not None and not lead_unit.path.startswith(program.organization.path):
        raise BusinessError(MSG_UNIT_OUTSIDE, field="lead_unit")
    item = WorkProgramItem.objects.create(
        program=program,
        title=title,
        expected_result=(expected_result or "").strip(),
        month=month or None,
        quarter=quarter or None,
        is_exemplary=is_exemplary,
        responsible_person=responsible_person,
        lead_unit=lead_unit,
    )
    events.work_program_item_added(actor=actor, item=item)
    if is_exemplary:
        deadline = period_end(program.year, month=month, quarter=quarter)
        _new_commitment(
            actor=actor,
            organization=program.organization,
            title=title,
            deadline=deadline,
            responsible_person=responsible_person,
            lead_unit=lead_unit if lead_unit or responsible_person else program.organization,
            expected_result=expected_result,
            category=CommitmentCategory.EXEMPLARY,
            source_kind=SourceKind.WORK_PROGRAM,
            source_object=item,
            source_note=str(program),
            reason=str(program),
            today=today or local_today(),
        )
    return item


# ---------------------------------------------------------------------------------------------------------
# Annual pledges


def pledge_template_for(organization: Organization, year: int) -> list[str]:
    """The nearest template up the tree for that year, else the built-in default items."""
    ids = organization.ancestor_ids
    templates = {
        t.organization_id: t.items for t in PledgeTemplate.objects.filter(organization_id__in=ids, year=year)
    }
    for org_id in reversed(ids):
        if templates.get(org_id):
            return list(templates[org_id])
    return list(DEFAULT_PLEDGE_ITEMS)


@transaction.atomic
def pledge_template_save(
    *, actor: "User", organization: Organization, year: int, items: list[str]
) -> PledgeTemplate:
    _require_manage(actor, organization)
    items = [normalize_text(item)[:500] for item in items if normalize_text(item or "")]
    if not items:
        raise BusinessError(MSG_TEMPLATE_EMPTY, field="items")
    template, created = PledgeTemplate.objects.get_or_create(
        organization=organization, year=year, defaults={"items": items}
    )
    if created:
        events.pledge_template_saved(actor=actor, template=template, before=None)
    else:
        before = snapshot(template, ["items"])
        template.items = items
        template.save(update_fields=["items", "updated_at"])
        events.pledge_template_saved(actor=actor, template=template, before=before)
    return template


def pledge_template_row(organization: Organization, year: int) -> PledgeTemplate | None:
    """The nearest template up the tree for that year (None: the built-in items)."""
    ids = organization.ancestor_ids
    by_org = {t.organization_id: t for t in PledgeTemplate.objects.filter(organization_id__in=ids, year=year)}
    return next((by_org[i] for i in reversed(ids) if i in by_org and by_org[i].items), None)


@dataclass(frozen=True)
class PledgeRegistration:
    pledge: Pledge
    created: bool
    # Items that became new commitments; the others were already followed (kept once).
    added: list[str]
    kept: list[str]


@transaction.atomic
def pledge_register(
    *, actor: "User", person: Person, year: int, items: list[str], today: dt.date | None = None
) -> PledgeRegistration:
    """A member registers the annual pledge (or a secretary enters it for them: a proxy entry); each item
    becomes an exemplary commitment due on 31/12 of that year. One pledge per member and year: registering
    again updates it — items already followed (by this pledge, or already the member's own commitment of
    that year with the same title) are kept once, new items are added, nothing is removed (a commitment is
    cancelled by the committee, with a reason, never dropped by a re-registration)."""
    today = today or local_today()
    scope = scope_for(actor)
    is_self = scope.person_id == person.pk
    if not is_self and not scope.can_write_path(person.organization.path):
        raise OutOfScope(MSG_NO_RIGHT)
    Person.objects.select_for_update().filter(pk=person.pk).first()  # one registration at a time
    items = [normalize_text(item)[:500] for item in items if normalize_text(item or "")]
    if not items:
        raise BusinessError(MSG_PLEDGE_EMPTY, field="items")
    unique = list({fold(item): item for item in reversed(items)}.items())[::-1]
    pledge = Pledge.objects.filter(person=person, year=year).first()
    created = pledge is None
    if pledge is None:
        pledge = Pledge.objects.create(
            person=person,
            organization=person.organization,
            year=year,
            registered_on=today,
            entered_by=actor,
            is_proxy_entry=not is_self,
            template=pledge_template_row(person.organization, year),
        )
    followed = set(
        Commitment.objects.filter(responsible_person=person, deadline__year=year, halt="").values_list(
            "title_folded", flat=True
        )
    )
    added = [item for key, item in unique if key not in followed]
    kept = [item for key, item in unique if key in followed]
    if created:
        events.pledge_registered(actor=actor, pledge=pledge, on_behalf_of="" if is_self else person.full_name)
    elif added:
        events.pledge_updated(
            actor=actor, pledge=pledge, added=added, on_behalf_of="" if is_self else person.full_name
        )
    for item in added:
        _new_commitment(
            actor=actor,
            organization=person.organization,
            title=item,
            deadline=dt.date(year, 12, 31),
            responsible_person=person,
            category=CommitmentCategory.EXEMPLARY,
            source_kind=SourceKind.PLEDGE,
            source_object=pledge,
            source_note=f"Bản cam kết năm {year}",
            reason=f"Bản cam kết năm {year}",
            on_behalf_of=None if is_self else person,
            today=today,
        )
    return PledgeRegistration(pledge=pledge, created=created, added=added, kept=kept)
