"""Reads about plans, always scoped through `Plan.objects.visible_to(user)`; a plan's progress counts
exactly the commitments the user would list (`progress.py`). The page, the report (DOCX, XLSX) and the
API all call `plan_progress`, so they answer the same figures."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import TYPE_CHECKING, NamedTuple

from django.core.cache import cache
from django.db.models import Max, Prefetch, Q
from django.http import Http404

from neuguong.access.scope import scope_for
from neuguong.core.dates import format_vn
from neuguong.organizations.models import Organization

from .models import PLAN_DOCUMENT_TYPES, Plan, PlanItem, PlanState
from .progress import EXEMPLARY, Counts, count_by_organization, count_by_person, count_items, uses_tallies

if TYPE_CHECKING:
    from neuguong.study.models import Campaign
    from neuguong.targets.models import Indicator

SORTS = {
    "new": ("-starts_on", "-id"),
    "old": ("starts_on", "id"),
    "title": ("title_folded", "id"),
    "number": ("document__number_text", "id"),
    "end": ("ends_on", "id"),
}


def plan_list(
    *,
    user,
    query: str = "",
    state: str = "",
    kind: str = "",
    year: int | None = None,
    organization: Organization | None = None,
    sort: str = "new",
):
    """Plans the user may see, document, issuer and scope joined; `year` keeps those running that year."""
    qs = Plan.objects.visible_to(user).select_related(
        "document", "organization", "applies_to", "parent__document"
    )
    if query:
        qs = qs.search(query)
    if state in PlanState.values:
        qs = qs.filter(state=state)
    if kind in PLAN_DOCUMENT_TYPES:
        qs = qs.filter(document__doc_type=kind)
    if year:
        qs = qs.filter(starts_on__year__lte=year, ends_on__year__gte=year)
    if organization is not None:
        qs = qs.filter(
            Q(organization__path__startswith=organization.path)
            | Q(applies_to__path__startswith=organization.path)
        )
    return qs.order_by(*SORTS.get(sort, SORTS["new"]))


def _get(queryset, pk):
    try:
        return queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError, OverflowError) as exc:
        raise Http404 from exc


def plan_get(*, user, plan_id) -> Plan:
    """A plan the user may see, or 404 — the same answer as for one that does not exist. The plan it
    follows and the one replacing it (most plans have neither) are read after, only when there are some:
    joined, the nine tables took PostgreSQL longer to plan than to read (1.3 ms)."""
    return _get(
        Plan.objects.visible_to(user)
        .select_related("document", "organization", "applies_to", "owner")
        .prefetch_related("parent__document", "replaced_by__document"),
        plan_id,
    )


def plan_for_write(*, user, plan_id) -> Plan:
    """A plan the user may change (its issuing organisation's staff and secretaries), or 404."""
    return _get(
        Plan.objects.writable_by(user).select_related("document", "organization", "applies_to", "owner"),
        plan_id,
    )


def item_get(*, plan: Plan, item_id) -> PlanItem:
    return _get(
        PlanItem.objects.filter(plan=plan).select_related("plan__document", "lead_unit", "parent"), item_id
    )


def plan_item_choices(user):
    """The items a user may choose for a commitment or a campaign: those of the plans they see (whether
    the item may take that work is the link's check, `services.plan_item_link`)."""
    return PlanItem.objects.filter(plan__in=Plan.objects.visible_to(user).values("pk")).select_related(
        "plan__document"
    )


def plan_items(plan: Plan) -> list[PlanItem]:
    """The plan's items in reading order (each after its parent), with `depth` set; lead units, co-operating
    units and indicators loaded (four queries)."""
    from neuguong.targets.models import Indicator

    items = list(
        PlanItem.objects.filter(plan=plan)
        .select_related("lead_unit")
        .prefetch_related(
            Prefetch("co_units", queryset=Organization.objects.only("id", "name", "code", "path")),
            Prefetch("indicators", queryset=Indicator.objects.only("id", "code", "name", "unit")),
        )
        .order_by("position", "id")
    )
    children: dict[int | None, list[PlanItem]] = {}
    for item in items:
        children.setdefault(item.parent_id, []).append(item)
    ordered: list[PlanItem] = []

    def walk(parent_id: int | None, depth: int) -> None:
        for item in children.get(parent_id, []):
            item.depth = depth
            ordered.append(item)
            walk(item.pk, depth + 1)

    walk(None, 0)
    return ordered


def children_plans(*, user, plan: Plan) -> list[Plan]:
    return list(
        Plan.objects.visible_to(user)
        .filter(parent=plan)
        .select_related("document")
        .order_by("document__number")
    )


# ---------------------------------------------------------------------------------------------------------
# Progress


@dataclass
class ItemRow:
    item: PlanItem
    depth: int
    own: Counts = field(default_factory=Counts)  # commitments serving this item itself
    total: Counts = field(default_factory=Counts)  # its own and its sub-items' (each counted once)
    exemplary: Counts = field(default_factory=Counts)
    children: list[ItemRow] = field(default_factory=list)
    progress: float | None = None
    visible: bool = True

    @property
    def weighted(self) -> bool:
        return any(child.item.weight for child in self.children)


@dataclass
class GroupRow:
    key: str
    label: str
    counts: Counts


@dataclass
class HeadRow:
    person_id: int
    name: str
    organization: str
    counts: Counts


@dataclass
class IndicatorSummary:
    indicator: Indicator
    year: int | None
    period_label: str = ""
    agencies: int = 0
    reported: int = 0
    reached: int = 0
    value_mean: Decimal | None = None
    target_mean: Decimal | None = None


@dataclass
class PlanProgress:
    plan: Plan
    today: dt.date
    start: dt.date | None
    end: dt.date | None
    full: bool  # the user reads the plan's whole subtree (else: their part)
    base: Organization | None  # where the breakdown by subtree starts
    rows: list[ItemRow]  # visible items in reading order
    totals: Counts
    exemplary: Counts
    progress: float | None
    weighted: bool
    from_tallies: bool
    by_lead_unit: list[GroupRow]
    by_child: list[GroupRow]
    heads_source: Callable[[], list[HeadRow]] = field(repr=False, compare=False)

    @cached_property
    def heads(self) -> list[HeadRow]:
        """Heads of agencies of the breakdown's subtree with commitments of the plan (most overdue first)."""
        return self.heads_source()

    @property
    def heads_behind(self) -> list[HeadRow]:
        return [row for row in self.heads if row.counts.overdue]

    @property
    def units_behind(self) -> list[GroupRow]:
        rows = [row for row in self.by_child + self.by_lead_unit if row.counts.overdue]
        return sorted(rows, key=lambda row: (-row.counts.overdue, row.label))

    @property
    def period_label(self) -> str:
        return period_label(self.start, self.end)

    @property
    def rate_basis(self) -> str:
        """Which commitments a rate on the page covers (domain notes, section 13: it says its period)."""
        if self.start is None and self.end is None:
            return "tính trên mọi nhiệm vụ của kế hoạch"
        return f"tính trên các nhiệm vụ có {self.period_label}"

    @property
    def item_ids(self) -> list[int]:
        return [row.item.pk for row in self.rows]

    def as_dict(self) -> dict:
        """What the API answers (and what the figures test compares with the page and the files)."""
        return {
            "plan": self.plan.pk,
            "reference": self.plan.reference,
            "as_of": self.today.isoformat(),
            "start": self.start.isoformat() if self.start else None,
            "end": self.end.isoformat() if self.end else None,
            "part": "all" if self.full else "part",
            "progress": self.progress,
            "weighted": self.weighted,
            **self.totals.as_dict(),
            "exemplary": self.exemplary.as_dict(),
            "items": [
                {
                    "id": row.item.pk,
                    "number": row.item.number,
                    "title": row.item.title,
                    "parent": row.item.parent_id,
                    "lead_unit": row.item.lead_unit.code,
                    "deadline": row.item.deadline.isoformat(),
                    "weight": row.item.weight,
                    "progress": row.progress,
                    **row.total.as_dict(),
                }
                for row in self.rows
            ],
            "by_lead_unit": [
                {"key": r.key, "label": r.label, **r.counts.as_dict()} for r in self.by_lead_unit
            ],
            "by_child": [{"key": r.key, "label": r.label, **r.counts.as_dict()} for r in self.by_child],
        }


def period_label(start: dt.date | None, end: dt.date | None) -> str:
    if start is None and end is None:
        return "mọi thời hạn"
    if start and end and start.month == 1 and start.day == 1 and end == dt.date(start.year, 12, 31):
        return f"thời hạn trong năm {start.year}"
    return f"thời hạn từ {format_vn(start)} đến {format_vn(end)}"


def _breakdown_base(user, plan: Plan) -> Organization | None:
    """The plan's subtree when the user reads it whole; else the highest organisation of the plan's
    subtree the user reads whole (a secretary's own organisation); None for a member."""
    scope = scope_for(user)
    if scope.can_read_path(plan.applies_to.path):
        return plan.applies_to
    inside = sorted(
        (path for path in scope.read_paths if path.startswith(plan.applies_to.path)),
        key=lambda p: (len(p), p),
    )
    if not inside:
        return None
    from neuguong.organizations.models import path_ids

    return Organization.objects.filter(pk=path_ids(inside[0])[-1]).first()


def _roll_up(row: ItemRow) -> float | None:
    """An item's progress: the share of its live commitments done (its own and its sub-items'), unless
    some sub-item carries a weight: then the weighted mean of its sub-items' progress (a sub-item without
    a weight weighs 1, one without commitments counts 0 %, and the item's own commitments, if any, are
    one more part of weight 1)."""
    for child in row.children:
        child.progress = _roll_up(child)
    if not row.weighted:
        return row.total.completion_rate
    parts = [(child.item.weight or 1, child.progress or 0.0) for child in row.children]
    if row.own.live:
        parts.append((1, row.own.completion_rate or 0.0))
    weight = sum(w for w, _ in parts)
    return round(sum(w * p for w, p in parts) / weight, 1) if weight else None


def plan_progress(
    *,
    user,
    plan: Plan,
    today: dt.date,
    start: dt.date | None = None,
    end: dt.date | None = None,
    items: list[PlanItem] | None = None,
    breakdown: bool = True,
) -> PlanProgress:
    """Every figure of a plan for the user: counts by status per item (rolled up the item tree) and for the
    plan, weighted progress, the on-time rate, by lead unit, by subtree, and (on use) the heads of
    agencies; over the commitments whose deadline falls in [start, end] (all without a period).
    `breakdown=False` leaves out the rows by subtree (a list that needs only the counts)."""
    scope = scope_for(user)
    items = plan_items(plan) if items is None else items
    full = scope.can_read_path(plan.applies_to.path)
    counted = count_items(user=user, item_ids=[i.pk for i in items], today=today, start=start, end=end)
    rows = {item.pk: ItemRow(item=item, depth=item.depth) for item in items}
    for (item_id, category), counts in counted.items():
        row = rows.get(item_id)
        if row is None:
            continue
        row.own.merge(counts)
        if category == EXEMPLARY:
            row.exemplary.merge(counts)
    tops: list[ItemRow] = []
    for item in items:
        row = rows[item.pk]
        (rows[item.parent_id].children if item.parent_id in rows else tops).append(row)

    def total(row: ItemRow) -> Counts:
        row.total = Counts()
        row.total.merge(row.own)
        for child in row.children:
            row.total.merge(total(child))
        return row.total

    for row in tops:
        total(row)
    if not full:
        readable = scope.read_paths
        for row in rows.values():
            row.visible = bool(row.own.total) or any(row.item.lead_unit.path.startswith(p) for p in readable)
        # An item is shown when it or one of its sub-items is: the numbering stays readable.
        for item in reversed(items):
            row = rows[item.pk]
            if row.visible and item.parent_id in rows:
                rows[item.parent_id].visible = True
        # Her part: progress over the items she sees only.
        for row in rows.values():
            row.children = [child for child in row.children if child.visible]
        tops = [row for row in tops if row.visible]
    totals, exemplary = Counts(), Counts()
    for row in rows.values():
        totals.merge(row.own)
        exemplary.merge(row.exemplary)
    weighted = any(row.item.weight for row in tops)
    for row in tops:
        row.progress = _roll_up(row)
    if weighted:
        parts = [(row.item.weight or 1, row.progress or 0.0) for row in tops]
        progress = round(sum(w * p for w, p in parts) / sum(w for w, _ in parts), 1) if parts else None
    else:
        progress = totals.completion_rate
    by_unit: dict[int, GroupRow] = {}
    for row in rows.values():
        unit = row.item.lead_unit
        group = by_unit.setdefault(unit.pk, GroupRow(unit.code, unit.name, Counts()))
        group.counts.merge(row.own)
    base = _breakdown_base(user, plan)
    item_ids = [item.pk for item in items]
    from_tallies = uses_tallies(today, start, end)
    by_child = (
        _by_child(user, plan.pk, base, item_ids, today, start, end, from_tallies=from_tallies)
        if base is not None and breakdown
        else []
    )

    def heads() -> list[HeadRow]:
        return _heads(user, base, item_ids, today, start, end) if base is not None else []

    return PlanProgress(
        plan=plan,
        today=today,
        start=start,
        end=end,
        full=full,
        base=base,
        rows=[rows[item.pk] for item in items if rows[item.pk].visible],
        totals=totals,
        exemplary=exemplary,
        progress=progress,
        weighted=weighted,
        from_tallies=from_tallies,
        by_lead_unit=sorted((g for g in by_unit.values() if g.counts.total), key=lambda g: g.label),
        by_child=by_child,
        heads_source=heads,
    )


class OrganizationRow(NamedTuple):
    """What counting by subtree needs of an organisation."""

    pk: int
    code: str
    name: str
    path: str


# How long rows by subtree are kept under their generation: the bound on staleness in the one race the
# generation cannot see (a tally row whose id was taken before another's but committed after), as for the
# report figures (reports.selectors.GENERATION_CACHE_SECONDS).
BY_CHILD_CACHE_SECONDS = 120


def _by_child_key(plan_id: int, base: Organization, item_ids, today, start, end) -> str:
    """A key that changes whenever the rows by subtree may change (`tally.generation`): the newest row of
    the plan's tally at `base` (every change to a commitment of the plan below `base` appends rows there),
    the tally day and the tree (names, children)."""
    from neuguong.commitments.models import PlanTally
    from neuguong.commitments.tally import generation

    found = generation([(PlanTally, {"plan_key": plan_id, "organization": base.pk})])
    raw = repr((plan_id, base.pk, base.path, sorted(item_ids), today, start, end, tuple(found)))
    return "plans:by-child:" + hashlib.sha256(raw.encode()).hexdigest()


def _by_child(
    user, plan_id: int, base: Organization, item_ids, today, start, end, *, from_tallies: bool
) -> list[GroupRow]:
    """The plan's commitments in each active child's subtree of `base`, and those on `base` itself.
    Read from the tallies, the rows are kept under a key that follows every change (`_by_child_key`):
    a province root's 1,500 children were most of the plan page's time."""
    key = _by_child_key(plan_id, base, item_ids, today, start, end) if from_tallies else ""
    if key and (cached := cache.get(key)) is not None:
        return cached
    rows = _count_by_child(user, plan_id, base, item_ids, today, start, end)
    if key:
        cache.set(key, rows, BY_CHILD_CACHE_SECONDS)
    return rows


def _count_by_child(user, plan_id: int, base: Organization, item_ids, today, start, end) -> list[GroupRow]:
    # Plain rows, not model instances: a province root has 1,500 children.
    children = [
        OrganizationRow(*row)
        for row in base.children.filter(dissolved_on__isnull=True)
        .order_by("name_folded", "id")
        .values_list("pk", "code", "name", "path")
    ]
    counts = count_by_organization(
        user=user,
        plan_id=plan_id,
        organizations=[base, *children],
        item_ids=item_ids,
        today=today,
        start=start,
        end=end,
    )
    direct = Counts()
    direct.merge(counts[base.pk])
    for child in children:
        for code, n in counts[child.pk].counts.items():
            direct.counts[code] -= n
        direct.pending_past -= counts[child.pk].pending_past
    rows = [
        GroupRow(child.code, child.name, counts[child.pk]) for child in children if counts[child.pk].total
    ]
    if direct.total:
        rows.insert(0, GroupRow(base.code, f"{base.name} (trực tiếp)", direct))
    return rows


def plan_heads_behind(
    *, user, plan: Plan, today: dt.date, start: dt.date | None = None, end: dt.date | None = None
) -> list[HeadRow]:
    """`PlanProgress.heads_behind` without the rest of the progress: what the plan page fetches after it
    is shown (a province's 1,500 heads are counted live, the slowest part of the page)."""
    base = _breakdown_base(user, plan)
    if base is None:
        return []
    item_ids = [item.pk for item in plan_items(plan)]
    return [row for row in _heads(user, base, item_ids, today, start, end) if row.counts.overdue]


def _heads(user, base: Organization, item_ids, today, start, end) -> list[HeadRow]:
    from neuguong.commitments.selectors import head_of_agency_ids
    from neuguong.people.models import Person

    # Counted first, then only the names of those with commitments in the plan (a province has
    # thousands of heads: no model row each).
    head_ids = head_of_agency_ids(user=user, organization=base)
    counts = count_by_person(
        user=user, person_ids=sorted(head_ids), item_ids=item_ids, today=today, start=start, end=end
    )
    names = {
        pk: (name, organization)
        for pk, name, organization in Person.objects.filter(pk__any=list(counts)).values_list(
            "pk", "full_name", "organization__name"
        )
    }
    rows = [
        HeadRow(pk, names[pk][0], names[pk][1] or "", person_counts)
        for pk, person_counts in counts.items()
        if pk in names
    ]
    return sorted(rows, key=lambda row: (-row.counts.overdue, row.name))


def indicator_summaries(*, user, items: list[PlanItem], organization: Organization, today: dt.date):
    """The latest reported values of the indicators linked to the items: for each, its latest year with
    targets (up to this year), the last period with values: agencies reporting, reaching the target, and
    the mean value beside the mean target."""
    from neuguong.targets import rules
    from neuguong.targets.models import AnnualTarget, Indicator
    from neuguong.targets.selectors import indicator_rollup

    ids = {indicator.pk for item in items for indicator in item.indicators.all()}
    summaries = []
    for indicator in Indicator.objects.visible_to(user).filter(pk__in=ids).order_by("code", "id"):
        year = (
            AnnualTarget.objects.visible_to(user)
            .filter(indicator=indicator, year__lte=today.year)
            .aggregate(y=Max("year"))["y"]
        )
        summary = IndicatorSummary(indicator=indicator, year=year)
        if year is not None:
            rollup = indicator_rollup(
                user=user, indicator=indicator, year=year, organization=organization, today=today
            )
            summary.agencies = rollup["agencies"]
            reported = [period for period in rollup["periods"] if period.reported]
            if reported:
                latest = reported[-1]
                summary.period_label = latest.label
                summary.reported = latest.reported
                summary.reached = latest.counts.get(rules.MET, 0) + latest.counts.get(rules.EXCEEDED, 0)
                summary.value_mean = latest.value_mean
                if summary.agencies:
                    summary.target_mean = (latest.target_sum / summary.agencies).quantize(Decimal("0.01"))
        summaries.append(summary)
    return summaries


# ---------------------------------------------------------------------------------------------------------
# Resolution study: the campaigns carrying out the plan's items


@dataclass
class CampaignFigures:
    campaign: Campaign
    item: PlanItem
    sessions: int
    invited: int
    expected: int
    attended: int
    made_up: int
    attendance_rate: float | None
    reflections_submitted: int
    reflections_with_plans: int
    plan_items: int
    plan_commitments: int
    plan_commitments_done: int


def study_figures(*, user, items: list[PlanItem]) -> list[CampaignFigures]:
    """For each study campaign linked to one of the items (that the user sees): sessions, attendance,
    reflections and their application plans, from the study module's selectors."""
    from django.db.models import Count

    from neuguong.study.models import Campaign, Invitee, Reflection
    from neuguong.study.selectors import campaign_org_stats, totals_of

    by_id = {item.pk: item for item in items}
    campaigns = list(
        Campaign.objects.visible_to(user)
        .filter(plan_item_id__in=list(by_id))
        .select_related("organizer")
        .annotate(n_sessions=Count("sessions", distinct=True))
        .order_by("plan_item__position", "created_at", "id")
    )
    figures = []
    for campaign in campaigns:
        totals = totals_of(campaign_org_stats(user=user, campaign=campaign))
        invitees = Invitee.objects.visible_to(user).filter(campaign=campaign)
        with_plans = (
            Reflection.objects.filter(invitee__in=invitees, plan_items__isnull=False).distinct().count()
        )
        figures.append(
            CampaignFigures(
                campaign=campaign,
                item=by_id[campaign.plan_item_id],
                sessions=campaign.n_sessions,
                invited=totals.invited,
                expected=totals.expected,
                attended=totals.attended,
                made_up=totals.made_up,
                attendance_rate=totals.attendance_rate,
                reflections_submitted=totals.reflections_submitted,
                reflections_with_plans=with_plans,
                plan_items=totals.plan_items,
                plan_commitments=totals.plan_commitments,
                plan_commitments_done=totals.plan_commitments_done,
            )
        )
    return figures


def plan_closing(plan: Plan):
    """The closing record of a closed plan with its open commitments (joined), else None."""
    from .models import PlanClosing

    return PlanClosing.objects.filter(plan=plan).select_related("closed_by", "replaced_by__document").first()
