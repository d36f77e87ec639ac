"""Reads about chi bộ meetings, always scoped through `Meeting.objects.visible_to(user)`.

The compliance report (`compliance`) is one selector: the page, the DOCX, the XLSX and the API read it.
"""

import datetime as dt
from dataclasses import dataclass, field
from functools import reduce
from operator import or_
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import TruncDate
from django.http import Http404
from django.utils import timezone

from neuguong.access.scope import scope_for
from neuguong.commitments.status import (
    DONE_LATE,
    DONE_ON_TIME,
    OPEN_STATUSES,
    STATUS_CODES,
    STATUS_COLOURS,
    STATUS_LABELS,
    commitment_status,
    status_q,
)
from neuguong.core.dates import LOCAL_ZONE, local_today
from neuguong.organizations.models import BRANCH_KINDS, Organization
from neuguong.people.attendance import AttendanceStatus

from . import rules
from .models import (
    HELD_STATES,
    LIVE_STATES,
    MONTHLY_KINDS,
    UPCOMING_STATES,
    AgendaItem,
    Invitee,
    Meeting,
    MeetingDocument,
    MeetingKind,
    MeetingRecord,
    MeetingSettings,
    MeetingState,
    RecordKind,
    RecordState,
    ResolutionItem,
)

SORTS = {
    "-starts_at": ("-starts_at", "-id"),
    "starts_at": ("starts_at", "id"),
    "org": ("organization__path", "-starts_at", "id"),
    "topic": ("topic_folded", "id"),
}


# --- settings -------------------------------------------------------------------------------------------


def rules_for(organization: Organization) -> rules.Rules:
    """The meeting rules that apply to `organization`: the nearest settings up its path, else the defaults."""
    ids = organization.ancestor_ids or [organization.pk]
    found = {s.organization_id: s for s in MeetingSettings.objects.filter(organization_id__in=ids)}
    for org_id in reversed(ids):
        saved = found.get(org_id)
        if saved is not None:
            return rules.Rules(
                schedule_due_day=saved.schedule_due_day,
                documents_lead_days=saved.documents_lead_days,
                min_minutes_regular=saved.min_minutes_regular,
                min_minutes_combined=saved.min_minutes_combined,
                small_branch_members=saved.small_branch_members,
                thematic_per_year=saved.thematic_per_year,
                scoring_criteria=tuple((c["title"], int(c["max"])) for c in saved.scoring_criteria or ()),
                defined_by=str(org_id),
            )
    return rules.DEFAULTS


def settings_of(organization: Organization) -> MeetingSettings | None:
    return MeetingSettings.objects.filter(organization=organization).first()


# --- lists and one meeting ------------------------------------------------------------------------------


def meeting_list(
    *,
    user,
    organization: Organization | None = None,
    kind: str = "",
    state: str = "",
    year: int | None = None,
    month: int | None = None,
    query: str = "",
    sort: str = "-starts_at",
    mine: bool = False,
) -> QuerySet[Meeting]:
    """Meetings the user may see, filtered and sorted; the chi bộ joined (no query per row)."""
    qs = Meeting.objects.visible_to(user).select_related("organization")
    if organization is not None:
        qs = qs.filter(organization__path__startswith=organization.path)
    if mine:
        person_id = scope_for(user).person_id
        qs = qs.filter(invitees__person_id=person_id) if person_id else qs.none()
    if kind in MeetingKind.values:
        qs = qs.filter(kind=kind)
    if state in MeetingState.values:
        qs = qs.filter(state=state)
    if year:
        qs = qs.filter(for_month__year=year)
    if month:
        qs = qs.filter(for_month__month=month)
    if query:
        qs = qs.search(query)
    return qs.order_by(*SORTS.get(sort, SORTS["-starts_at"]))


def meeting_get(*, user, meeting_id) -> Meeting:
    """A meeting the user may see, or 404 — the same answer as for one that does not exist."""
    try:
        return (
            Meeting.objects.visible_to(user)
            .select_related("organization", "preparer", "chair", "recorder", "replaces", "announced_by")
            .get(pk=meeting_id)
        )
    except (Meeting.DoesNotExist, ValueError, TypeError, OverflowError) as exc:
        raise Http404 from exc


def can_manage(user, meeting: Meeting) -> bool:
    return scope_for(user).can_write_path(meeting.organization.path)


def can_read_all(user, meeting: Meeting) -> bool:
    """Readers of the chi bộ (secretaries, staff, inspectors) see the whole record; an invitee sees the
    announcement, the documents made available, and their own reply and attendance."""
    return scope_for(user).can_read_path(meeting.organization.path)


def my_invitation(user, meeting: Meeting) -> Invitee | None:
    person_id = scope_for(user).person_id
    if person_id is None:
        return None
    return Invitee.objects.filter(meeting=meeting, person_id=person_id).first()


def replacement_of(meeting: Meeting) -> Meeting | None:
    return Meeting.objects.filter(replaces=meeting).first()


# --- documents ------------------------------------------------------------------------------------------


def documents_for(user, meeting: Meeting) -> list[MeetingDocument]:
    """The meeting's documents: all of them (withdrawn ones marked) for its readers; for an invitee, those
    made available and not withdrawn."""
    qs = MeetingDocument.objects.filter(meeting=meeting).select_related("document")
    if not can_read_all(user, meeting):
        qs = qs.alive().filter(available_at__isnull=False, available_at__lte=timezone.now())
    return list(qs.order_by("added_at", "id"))


def document_get(*, user, meeting: Meeting, document_id) -> MeetingDocument:
    """One uploaded document of a meeting the user may see, if the user may read it, else 404."""
    for document in documents_for(user, meeting):
        if str(document.pk) == str(document_id) and not document.is_deleted:
            return document
    raise Http404


def document_readers(scope) -> Q | None:
    """`core.registry.DOCUMENT_READERS`: an invitee reads the registered documents made available to them
    for their meetings (not withdrawn). A Q over documents.Document."""
    if not scope.person_id:
        return None
    shared = MeetingDocument.objects.filter(
        document_id=OuterRef("pk"),
        deleted_at__isnull=True,
        available_at__isnull=False,
        available_at__lte=timezone.now(),
        meeting__invitees__person_id=scope.person_id,
    )
    return Q(Exists(shared))


# --- attendance and quality -----------------------------------------------------------------------------


@dataclass(frozen=True)
class AttendanceCounts:
    invited: int = 0
    expected: int = 0  # invitees who were members by the meeting date
    present: int = 0
    excused: int = 0
    absent: int = 0
    unmarked: int = 0
    attending: int = 0  # replies "will attend"
    declined: int = 0  # replies "asks to be excused"

    @property
    def rate(self) -> float | None:
        """Present ÷ expected, in percent (a later joiner is not expected)."""
        return rules.rate(self.present, self.expected)


def attendance_counts(meeting: Meeting) -> AttendanceCounts:
    """Counts of the invitees by attendance and reply: one query."""
    day = rules.local_date(meeting.started_at or meeting.starts_at)
    expected = Q(joined_on__isnull=True) | Q(joined_on__lte=day)
    row = Invitee.objects.filter(meeting=meeting).aggregate(
        invited=Count("pk"),
        expected=Count("pk", filter=expected),
        present=Count("pk", filter=Q(status=AttendanceStatus.PRESENT)),
        excused=Count("pk", filter=Q(status=AttendanceStatus.EXCUSED) & expected),
        absent=Count("pk", filter=Q(status=AttendanceStatus.ABSENT) & expected),
        unmarked=Count("pk", filter=Q(status="") & expected),
        attending=Count("pk", filter=Q(reply=Invitee.Reply.ATTENDING)),
        declined=Count("pk", filter=Q(reply=Invitee.Reply.EXCUSED)),
    )
    return AttendanceCounts(**{k: v or 0 for k, v in row.items()})


def invitee_sheet(meeting: Meeting, *, query: str = "") -> QuerySet[Invitee]:
    """The invitees with their person (for the attendance sheet and the minutes)."""
    qs = Invitee.objects.filter(meeting=meeting).select_related("person", "marked_by")
    if query:
        from neuguong.core.text import search_key

        key = search_key(query)
        if key:
            qs = qs.filter(person__name_folded__contains=key)
    return qs.order_by("person__name_folded", "id")


@dataclass(frozen=True)
class ItemStatus:
    item: ResolutionItem
    commitment: object | None
    status: str
    label: str
    colour: str


def item_statuses(items, *, today: dt.date) -> list[ItemStatus]:
    """Each resolution item with its commitment and the commitment's status (the one rule), one query."""
    from neuguong.commitments.models import Commitment

    items = list(items)
    if not items:
        return []
    commitments = {
        c.source_id: c
        for c in Commitment.objects.filter(
            source_type=ContentType.objects.get_for_model(ResolutionItem), source_id__in=[i.pk for i in items]
        )
    }
    rows = []
    for item in items:
        commitment = commitments.get(item.pk)
        code = commitment_status(commitment, today) if commitment else ""
        rows.append(
            ItemStatus(
                item=item,
                commitment=commitment,
                status=code,
                label=STATUS_LABELS.get(code, "Chưa theo dõi"),
                colour=STATUS_COLOURS.get(code, "secondary"),
            )
        )
    return rows


def resolution_items(meeting: Meeting, *, today: dt.date) -> list[ItemStatus]:
    items = ResolutionItem.objects.filter(meeting=meeting).select_related("responsible_person")
    return item_statuses(items, today=today)


def previous_meeting(meeting: Meeting) -> Meeting | None:
    """The chi bộ's last meeting held before this one (whose decisions this one reviews)."""
    return (
        Meeting.objects.filter(organization_id=meeting.organization_id, state__in=HELD_STATES)
        .filter(starts_at__lt=meeting.started_at or meeting.starts_at)
        .exclude(pk=meeting.pk)
        .order_by("-starts_at", "-id")
        .first()
    )


def on_time_rate(counts: dict[str, int], open_past_deadline: int) -> float | None:
    """Tỷ lệ hoàn thành đúng hạn (domain notes, section 13): done on time ÷ (done on time + done late +
    open past the deadline); open items still within their deadline are in neither part."""
    whole = counts.get(DONE_ON_TIME, 0) + counts.get(DONE_LATE, 0) + open_past_deadline
    return rules.rate(counts.get(DONE_ON_TIME, 0), whole)


@dataclass
class Quality:
    duration: int | None
    min_minutes: int
    short: bool
    announcement_late: bool
    documents: int
    documents_late: int
    attendance: AttendanceCounts
    items: int
    items_on_time_rate: float | None
    score: object | None = None


def meeting_quality(
    meeting: Meeting, *, counts: AttendanceCounts, items: list[ItemStatus], now: dt.datetime
) -> Quality:
    """What the meeting page flags: length against the minimum, announcement and documents on time, the
    share present, the resolution items done on time."""
    today = now.astimezone(LOCAL_ZONE).date()
    documents = list(
        MeetingDocument.objects.alive().filter(meeting=meeting).values_list("available_at", flat=True)
    )
    by_status: dict[str, int] = {}
    past = 0
    for row in items:
        by_status[row.status] = by_status.get(row.status, 0) + 1
        if row.status in OPEN_STATUSES and row.item.deadline < today:
            past += 1
    return Quality(
        duration=rules.duration_minutes(meeting.started_at, meeting.ended_at),
        min_minutes=meeting.min_minutes,
        short=rules.is_short(
            started_at=meeting.started_at, ended_at=meeting.ended_at, minimum=meeting.min_minutes
        ),
        announcement_late=meeting.state not in ("postponed", "cancelled")
        and rules.announcement_is_late(
            announced_at=meeting.announced_at, due_on=meeting.schedule_due_on, today=today
        ),
        documents=len(documents),
        documents_late=sum(
            rules.document_is_late(available_at=at, due_at=meeting.documents_due_at, now=now)
            for at in documents
        ),
        attendance=counts,
        items=len(items),
        items_on_time_rate=on_time_rate(by_status, past),
        score=getattr(meeting, "score", None) if hasattr(meeting, "score") else None,
    )


def records_of(meeting: Meeting) -> dict[str, list[MeetingRecord]]:
    """{kind: versions newest first} of the minutes and the resolution."""
    out: dict[str, list[MeetingRecord]] = {RecordKind.MINUTES: [], RecordKind.RESOLUTION: []}
    for record in (
        MeetingRecord.objects.filter(meeting=meeting).select_related("approved_by").order_by("-version")
    ):
        out[record.kind].append(record)
    return out


def current_record(meeting: Meeting, kind: str) -> MeetingRecord | None:
    """The version a document is made from: the open draft, else the approved one."""
    records = MeetingRecord.objects.filter(meeting=meeting, kind=kind)
    return (
        records.filter(state=RecordState.DRAFT).first() or records.filter(state=RecordState.APPROVED).first()
    )


# --- the facts of a meeting (what minutes and resolution say; frozen at approval) -----------------------


def _local(value: dt.datetime | None) -> str:
    return value.astimezone(LOCAL_ZONE).isoformat() if value else ""


def meeting_facts(meeting: Meeting, *, today: dt.date | None = None) -> dict:
    """Everything the minutes and the resolution are made of, as plain data (kept in an approved version)."""
    today = today or local_today()
    counts = attendance_counts(meeting)
    invitees = list(invitee_sheet(meeting))
    day = rules.local_date(meeting.started_at or meeting.starts_at)
    previous = previous_meeting(meeting)
    previous_items = resolution_items(previous, today=today) if previous else []
    return {
        "organization": meeting.organization.name,
        "title": meeting.title,
        "kind": meeting.get_kind_display(),
        "topic": meeting.topic,
        "starts_at": _local(meeting.starts_at),
        "started_at": _local(meeting.started_at),
        "ended_at": _local(meeting.ended_at),
        "place": meeting.place,
        "online_link": meeting.online_link,
        "chair": meeting.chair.full_name if meeting.chair else "",
        "recorder": meeting.recorder.full_name if meeting.recorder else "",
        "preparer": meeting.preparer.full_name if meeting.preparer else "",
        "counts": {
            "invited": counts.invited,
            "expected": counts.expected,
            "present": counts.present,
            "excused": counts.excused,
            "absent": counts.absent,
            "unmarked": counts.unmarked,
        },
        "absentees": [
            {"name": i.person.full_name, "status": i.get_status_display(), "reason": i.reason}
            for i in invitees
            if i.status in (AttendanceStatus.EXCUSED, AttendanceStatus.ABSENT)
            and (i.joined_on is None or i.joined_on <= day)
        ],
        "agenda": [
            {
                "position": a.position,
                "kind": a.get_kind_display(),
                "title": a.title,
                "presenter": a.presenter.full_name if a.presenter else "",
                "notes": a.notes,
                "votes": [a.votes_for, a.votes_against or 0, a.votes_abstain or 0] if a.has_votes else None,
            }
            for a in AgendaItem.objects.filter(meeting=meeting).select_related("presenter")
        ],
        "items": [
            {
                "title": row.item.title,
                "person": row.item.responsible_person.full_name,
                "deadline": row.item.deadline.isoformat(),
                "expected_result": row.item.expected_result,
            }
            for row in resolution_items(meeting, today=today)
        ],
        "previous": {
            "title": previous.title if previous else "",
            "items": [
                {
                    "title": row.item.title,
                    "person": row.item.responsible_person.full_name,
                    "deadline": row.item.deadline.isoformat(),
                    "status": row.label,
                }
                for row in previous_items
            ],
        },
        "documents": [
            d.title for d in MeetingDocument.objects.alive().filter(meeting=meeting).order_by("added_at")
        ],
    }


# --- home panels, person panel, calendar ----------------------------------------------------------------


def upcoming_invitations(person_id: int, *, now: dt.datetime, limit: int = 5) -> list[Invitee]:
    """The member's announced meetings still to come (their reply shown), soonest first."""
    return list(
        Invitee.objects.filter(
            person_id=person_id,
            meeting__state=MeetingState.ANNOUNCED,
            meeting__starts_at__gte=now - dt.timedelta(hours=6),
        )
        .select_related("meeting__organization")
        .order_by("meeting__starts_at")[:limit]
    )


def calendar_meetings(
    *, user, organization: Organization | None = None, mine: bool = False
) -> QuerySet[Meeting]:
    """Meetings for an iCal feed: from a year back, for an organisation's subtree or the user's own
    invitations; planned ones only for the chi bộ's readers (members learn of a meeting when announced)."""
    since = timezone.now() - dt.timedelta(days=366)
    qs = meeting_list(user=user, organization=organization, mine=mine).filter(starts_at__gte=since)
    if mine:
        qs = qs.exclude(state=MeetingState.PLANNED)
    return qs.order_by("starts_at", "id")[:2000]


# --- the compliance report ------------------------------------------------------------------------------


@dataclass
class BranchRow:
    organization: Organization
    cells: list[str]
    held: int = 0
    postponed: int = 0
    missing: int = 0
    thematic: int = 0
    meetings_held: int = 0
    short: int = 0
    announcements: int = 0
    announcements_late: int = 0
    documents: int = 0
    documents_late: int = 0
    expected: int = 0
    present: int = 0
    items: dict[str, int] = field(default_factory=dict)
    items_open_past_deadline: int = 0

    @property
    def attendance_rate(self) -> float | None:
        return rules.rate(self.present, self.expected)

    @property
    def items_total(self) -> int:
        return sum(self.items.values())

    @property
    def items_on_time_rate(self) -> float | None:
        return on_time_rate(self.items, self.items_open_past_deadline)

    @property
    def cell_labels(self) -> list[tuple[str, str, str]]:
        return [(code, rules.CELL_SYMBOLS[code], rules.CELL_LABELS[code]) for code in self.cells]


@dataclass
class Compliance:
    organization: Organization
    year: int
    today: dt.date
    months: list[dt.date]
    rows: list[BranchRow]
    month_totals: list[dict[str, int]]
    totals: BranchRow
    thematic_required: int

    @property
    def status_labels(self) -> list[tuple[str, str]]:
        return [(code, STATUS_LABELS[code]) for code in STATUS_CODES]


def _branches(organization: Organization, year: int) -> list[Organization]:
    start = dt.date(year, 1, 1)
    return list(
        Organization.objects.filter(path__startswith=organization.path, kind__in=BRANCH_KINDS)
        .filter(Q(dissolved_on__isnull=True) | Q(dissolved_on__gte=start))
        .order_by("path")
    )


def compliance(*, organization: Organization, year: int, today: dt.date | None = None) -> Compliance:
    """For a committee and a year: each chi bộ's regular meeting month by month (held / postponed /
    missing), attendance, lateness of announcements and documents, short meetings, and the resolution
    items by status (the commitments' one status rule). A fixed number of queries, whatever the size.
    The caller has checked that the user may read `organization` (`organization_get` answers 404)."""
    today = today or local_today()
    now = timezone.now()
    months = [dt.date(year, m, 1) for m in range(1, 13)]
    branches = _branches(organization, year)
    rows = {b.pk: BranchRow(organization=b, cells=[]) for b in branches}
    facts: dict[tuple[int, int], dict[str, bool]] = {}
    meetings = Meeting.objects.filter(organization_id__in=list(rows), for_month__year=year).values_list(
        "pk",
        "organization_id",
        "kind",
        "state",
        "for_month",
        "started_at",
        "ended_at",
        "min_minutes",
        "announced_at",
        "schedule_due_on",
    )
    counted: list[int] = []
    for (
        pk,
        org_id,
        kind,
        state,
        for_month,
        started_at,
        ended_at,
        minimum,
        announced_at,
        due_on,
    ) in meetings.iterator(chunk_size=2000):
        row = rows[org_id]
        if state in LIVE_STATES:
            counted.append(pk)
            if announced_at is not None or due_on <= today:
                row.announcements += 1
                row.announcements_late += rules.announcement_is_late(
                    announced_at=announced_at, due_on=due_on, today=today
                )
        if state in HELD_STATES:
            row.meetings_held += 1
            row.short += rules.is_short(started_at=started_at, ended_at=ended_at, minimum=minimum)
            if kind in (MeetingKind.THEMATIC, MeetingKind.COMBINED):
                row.thematic += 1
        if kind not in MONTHLY_KINDS:
            continue
        seen = facts.setdefault((org_id, for_month.month), {})
        if state in HELD_STATES:
            held_month = rules.month_start(rules.local_date(started_at)) if started_at else for_month
            seen["held_in_month" if held_month <= for_month else "held_later"] = True
        elif state == MeetingState.POSTPONED:
            seen["postponed"] = True
        elif state in UPCOMING_STATES:
            seen["upcoming"] = True
    for org_id, row in rows.items():
        for month in months:
            code = rules.month_cell(
                rules.MonthFacts(**facts.get((org_id, month.month), {})), month=month, today=today
            )
            row.cells.append(code)
            counts_as = rules.CELL_COUNTS_AS.get(code)
            if counts_as:
                setattr(row, counts_as, getattr(row, counts_as) + 1)
    # Attendance over the meetings held (a later joiner is not expected).
    held = Meeting.objects.filter(pk__in=counted, state__in=HELD_STATES)
    joined_in_time = Q(joined_on__isnull=True) | Q(
        joined_on__lte=TruncDate("meeting__started_at", tzinfo=LOCAL_ZONE)
    )
    for org_id, expected, present in (
        Invitee.objects.filter(meeting__in=held)
        .values("meeting__organization_id")
        .annotate(
            expected=Count("pk", filter=joined_in_time),
            present=Count("pk", filter=Q(status=AttendanceStatus.PRESENT)),
        )
        .values_list("meeting__organization_id", "expected", "present")
    ):
        rows[org_id].expected, rows[org_id].present = expected, present
    # Documents of the meetings that still count (not postponed or cancelled).
    for org_id, total, late_count in (
        MeetingDocument.objects.alive()
        .filter(meeting_id__in=counted)
        .values("meeting__organization_id")
        .annotate(
            total=Count("pk"),
            late=Count(
                "pk",
                filter=Q(available_at__gt=F("meeting__documents_due_at"))
                | Q(available_at__isnull=True, meeting__documents_due_at__lt=now),
            ),
        )
        .values_list("meeting__organization_id", "total", "late")
    ):
        rows[org_id].documents, rows[org_id].documents_late = total, late_count
    # Resolution items by their commitments' status.
    from neuguong.commitments.models import Commitment

    item_ids = ResolutionItem.objects.filter(
        meeting__organization_id__in=list(rows), meeting__for_month__year=year
    )
    commitments = Commitment.objects.filter(
        source_type=ContentType.objects.get_for_model(ResolutionItem), source_id__in=item_ids.values("pk")
    )
    open_past = reduce(or_, (status_q(code, today) for code in OPEN_STATUSES)) & Q(deadline__lt=today)
    aggregates = {code: Count("pk", filter=status_q(code, today)) for code in STATUS_CODES}
    for values in commitments.values("organization_id").annotate(
        open_past=Count("pk", filter=open_past), **aggregates
    ):
        counted_row = rows.get(values["organization_id"])
        if counted_row is not None:
            tallies: dict[str, Any] = dict(values)
            counted_row.items = {code: tallies[code] for code in STATUS_CODES}
            counted_row.items_open_past_deadline = tallies["open_past"]
    ordered = [rows[b.pk] for b in branches]
    for row in ordered:
        row.items = {code: row.items.get(code, 0) for code in STATUS_CODES}
    month_totals = [
        {
            key: sum(1 for row in ordered if rules.CELL_COUNTS_AS.get(row.cells[i]) == key)
            for key in ("held", "postponed", "missing")
        }
        for i in range(12)
    ]
    totals = BranchRow(organization=organization, cells=[])
    for row in ordered:
        for name in (
            "held",
            "postponed",
            "missing",
            "thematic",
            "meetings_held",
            "short",
            "announcements",
            "announcements_late",
            "documents",
            "documents_late",
            "expected",
            "present",
            "items_open_past_deadline",
        ):
            setattr(totals, name, getattr(totals, name) + getattr(row, name))
    totals.items = {code: sum(row.items[code] for row in ordered) for code in STATUS_CODES}
    return Compliance(
        organization=organization,
        year=year,
        today=today,
        months=months,
        rows=ordered,
        month_totals=month_totals,
        totals=totals,
        thematic_required=rules_for(organization).thematic_per_year,
    )
