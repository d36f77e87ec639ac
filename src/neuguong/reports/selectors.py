"""The one selector computing report figures: the dashboard, both reports, the XLSX annex and the API all
call `report_figures`, so they answer the same numbers for the same scope, period and day.

Which commitments a period covers: those whose deadline falls in the period (what was due then), of
the organisation's whole subtree, among those the user may see. Status is the one rule of
`commitments.status`, evaluated in SQL on the report day (`today`, Asia/Ho_Chi_Minh): figures are
"as of the day the report is made". Everything is aggregated in the database: a handful of GROUP BY
queries whatever the number of commitments, never a row per commitment in Python.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, NamedTuple

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import BooleanField, Case, Count, Q, Value, When
from django.db.models.functions import ExtractMonth, ExtractYear
from django.http import Http404

from neuguong.access.scope import scope_for
from neuguong.commitments.models import (
    Commitment,
    CommitmentCategory,
    LeadUnitTally,
    OrgTally,
    StatusTally,
)
from neuguong.commitments.status import (
    CANCELLED,
    DONE_LATE,
    DONE_ON_TIME,
    DONE_STATUSES,
    OPEN_ON_TIME,
    OPEN_OVERDUE,
    PENDING_STATUSES,
    STATUS_CODES,
    STATUS_LABELS,
    SUSPENDED,
    on_time_rate,
    on_time_share_of_done,
    status_case,
    status_q,
)
from neuguong.commitments.tally import (
    generation as tally_generation,
)
from neuguong.commitments.tally import (
    month_range,
    period_keys,
    tally_by_organization,
    tally_ready,
    tally_rows,
)
from neuguong.core.dates import local_now
from neuguong.organizations.models import Agency, Organization
from neuguong.people.models import Person, Position, PositionTitle

from .models import ReportDraft, ReportTemplate
from .periods import Period

# The four statuses of government task tracking (domain notes, section 4).

if TYPE_CHECKING:
    from django.contrib.auth.models import User
GOV_STATUSES = (DONE_ON_TIME, DONE_LATE, OPEN_ON_TIME, OPEN_OVERDUE)
NO_LEAD_UNIT = "Giao cho cá nhân (không có đơn vị chủ trì)"


def _empty() -> dict[str, int]:
    return dict.fromkeys(STATUS_CODES, 0)


@dataclass(slots=True)
class StatusCounts:
    """Counts by status code, with the rates every page and document uses."""

    counts: dict[str, int] = field(default_factory=_empty)
    # Open commitments waiting on a decision (returned, extension requested, completion awaiting
    # confirmation) whose deadline has passed: the four government statuses count them as overdue, the
    # others as open on time.
    pending_past_deadline: int = 0

    def add(self, code: str, n: int, past_deadline: bool = False) -> None:
        self.counts[code] = self.counts.get(code, 0) + n
        if past_deadline and code in PENDING_STATUSES:
            self.pending_past_deadline += n

    def merge(self, other: StatusCounts) -> None:
        for code, n in other.counts.items():
            self.counts[code] += n
        self.pending_past_deadline += other.pending_past_deadline

    def subtract(self, other: StatusCounts) -> None:
        for code, n in other.counts.items():
            self.counts[code] -= n
        self.pending_past_deadline -= other.pending_past_deadline

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def live(self) -> int:
        """Commitments that still count: not cancelled, not suspended."""
        return self.total - self.counts[CANCELLED] - self.counts[SUSPENDED]

    @property
    def done(self) -> int:
        return sum(self.counts[c] for c in DONE_STATUSES)

    @property
    def open(self) -> int:
        return self.live - self.done

    @property
    def overdue(self) -> int:
        """Open and past the deadline, those waiting on a decision included (as in the on-time rate)."""
        return self.counts[OPEN_OVERDUE] + self.pending_past_deadline

    @property
    def on_time_rate(self) -> float | None:
        """The on-time rate in percent, from the one definition (`commitments.status.on_time_rate`)."""
        rate = on_time_rate(self.counts, pending_past_deadline=self.pending_past_deadline)
        return None if rate is None else round(100 * rate, 1)

    @property
    def on_time_share_of_done(self) -> float | None:
        """Percent of the completed ones completed on time (labelled "… trong số đã hoàn thành")."""
        share = on_time_share_of_done(self.counts)
        return None if share is None else round(100 * share, 1)

    @property
    def completion_rate(self) -> float | None:
        """Percent of live commitments completed (on time or late)."""
        return round(100 * self.done / self.live, 1) if self.live else None

    def gov(self) -> dict[str, int]:
        """The four government statuses (cancelled and suspended left out): a returned report, a pending
        extension or a completion awaiting confirmation is 'not completed', on time or overdue by its
        deadline."""
        pending = sum(self.counts[code] for code in PENDING_STATUSES)
        return {
            OPEN_ON_TIME: self.counts[OPEN_ON_TIME] + pending - self.pending_past_deadline,
            OPEN_OVERDUE: self.counts[OPEN_OVERDUE] + self.pending_past_deadline,
            DONE_ON_TIME: self.counts[DONE_ON_TIME],
            DONE_LATE: self.counts[DONE_LATE],
        }

    def as_dict(self) -> dict:
        return {
            "total": self.total,
            "by_status": dict(self.counts),
            "done": self.done,
            "open": self.open,
            "overdue": self.overdue,
            "on_time_rate": self.on_time_rate,
            "on_time_share_of_done": self.on_time_share_of_done,
            "completion_rate": self.completion_rate,
            "gov": self.gov(),
        }


@dataclass(slots=True)
class GroupRow:
    key: str
    label: str
    counts: StatusCounts

    def as_dict(self) -> dict:
        return {"key": self.key, "label": self.label, **self.counts.as_dict()}


@dataclass
class HeadRow:
    person_id: int
    name: str
    organization: str
    overdue: int


@dataclass
class Figures:
    organization: Organization
    period: Period
    today: dt.date
    totals: StatusCounts
    by_category: list[GroupRow]
    by_child: list[GroupRow]
    by_lead_unit: list[GroupRow]
    by_month: list[GroupRow]
    # Heads of agencies with overdue commitments: one query over their commitments, made on first use
    # (the reports and the API list them; the dashboard does not, and does not pay for them).
    heads_source: Callable[[], list[HeadRow]] = field(repr=False, compare=False)
    computed_at: dt.datetime = field(default_factory=local_now)
    _heads: list[HeadRow] | None = field(default=None, init=False, repr=False, compare=False)
    # The cache key these figures are kept under (empty when counted live): what is drawn from them
    # (charts) may be kept under it too.
    cache_key: str = field(default="", init=False, repr=False, compare=False)
    # An organisation with more than CHILDREN_IN_FIGURES children (the national root has 52,000): the
    # figures hold the first page of them by name (with the rows on the organisation itself and of
    # dissolved children); `all_child_rows()` reads every one, a page at a time, for the reports.
    children_total: int | None = None  # active children, when not all are in `by_child`
    children_source: Callable[[], Iterator[GroupRow]] | None = field(default=None, repr=False, compare=False)

    @property
    def children_complete(self) -> bool:
        return self.children_total is None

    def _is_child(self, row: GroupRow) -> bool:
        return row.key not in ("", self.organization.code)  # not the organisation's own row, nor dissolved

    def children_beyond(self, shown: int) -> int:
        """How many active children are not among the first `shown` rows of `by_child` (which may also
        hold the organisation's own row and that of dissolved children)."""
        total = self.children_total
        if total is None:
            total = sum(1 for row in self.by_child if self._is_child(row))
        return max(0, total - sum(1 for row in self.by_child[: max(shown, 0)] if self._is_child(row)))

    def child_row_count(self) -> int:
        """How many rows `all_child_rows()` yields (the annex needs it before the first row)."""
        if self.children_total is None:
            return len(self.by_child)
        return self.children_total + sum(1 for row in self.by_child if not self._is_child(row))

    def all_child_rows(self) -> Iterator[GroupRow]:
        """Every row of `by_child` as the reports show them (the organisation itself first, then each
        active child by name, then dissolved children), streamed when the figures hold only a page."""
        if self.children_source is None:
            return iter(self.by_child)
        return self.children_source()

    @property
    def heads_overdue(self) -> list[HeadRow]:
        if self._heads is None:
            self._heads = self.heads_source()
        return self._heads

    ROW_LISTS = ("by_category", "by_child", "by_lead_unit", "by_month")

    def __getstate__(self) -> dict:
        """A cached copy carries the query for the heads, not a list that could be out of date (heads
        change with agencies and posts, which the cache key does not follow). Rows travel as plain
        tuples: unpickling 1,500 dataclass rows one by one was most of a cached dashboard's time."""
        state = self.__dict__.copy()
        state["_heads"] = None
        for name in self.ROW_LISTS:
            state[name] = [
                (row.key, row.label, tuple(row.counts.counts.items()), row.counts.pending_past_deadline)
                for row in state[name]
            ]
        return state

    def fresh_copy(self) -> Figures:
        """A copy sharing the (read-only) rows, whose heads of agencies are queried again on use."""
        copy = object.__new__(Figures)
        copy.__dict__.update(self.__dict__)
        copy._heads = None
        return copy

    def __setstate__(self, state: dict) -> None:
        for name in self.ROW_LISTS:
            state[name] = [
                GroupRow(key, label, StatusCounts(dict(counts), pending))
                for key, label, counts, pending in state[name]
            ]
        self.__dict__.update(state)

    @property
    def is_empty(self) -> bool:
        return self.totals.total == 0

    def as_dict(self) -> dict:
        """The JSON the API answers (and what the consistency test compares)."""
        return {
            "organization": self.organization.code,
            "start": self.period.start.isoformat(),
            "end": self.period.end.isoformat(),
            "as_of": self.today.isoformat(),
            "computed_at": self.computed_at.isoformat(timespec="seconds"),
            "totals": self.totals.as_dict(),
            "by_category": [row.as_dict() for row in self.by_category],
            "by_child": [row.as_dict() for row in self.all_child_rows()],
            "by_lead_unit": [row.as_dict() for row in self.by_lead_unit],
            "by_month": [row.as_dict() for row in self.by_month],
            "heads_overdue": [
                {
                    "person_id": h.person_id,
                    "name": h.name,
                    "organization": h.organization,
                    "overdue": h.overdue,
                }
                for h in self.heads_overdue
            ],
        }


def draft_get(*, organization: Organization, kind: str, period: Period, plan=None) -> ReportDraft | None:
    """The draft of an organisation's report for a period (of its report on one plan, with `plan`)."""
    return ReportDraft.objects.filter(
        organization=organization, kind=kind, period_start=period.start, period_end=period.end, plan=plan
    ).first()


def template_for(organization: Organization, kind: str) -> bytes | None:
    """The nearest active template up the tree (the organisation's own first; one for this kind before
    one for all kinds); None means the repo's default."""
    ids = organization.ancestor_ids or [organization.pk]
    candidates = (
        ReportTemplate.objects.filter(organization_id__in=ids, is_active=True, kind__in=[kind, ""])
        .select_related("organization")
        .order_by("-organization__depth", "-kind", "-created_at")
    )
    chosen = candidates.first()
    if chosen is None:
        return None
    with chosen.file.open("rb") as handle:
        return handle.read()


def report_organization(*, user: User, code: str) -> Organization:
    """An organisation the user may report on (an organisation role reading its path), or 404."""
    organization = Organization.objects.filter(code=code).first()
    if organization is None or not scope_for(user).can_read_path(organization.path):
        raise Http404
    return organization


def period_commitments(*, user: User, organization: Organization, period: Period):
    """The commitments a report covers: visible to the user, in the subtree, due in the period."""
    return Commitment.objects.visible_to(user).filter(
        organization__path__startswith=organization.path,
        deadline__gte=period.start,
        deadline__lte=period.end,
    )


DIMENSIONS = ("category", "organization_id", "lead_unit_id", "rs_month")


def _grouped_all(qs, today: dt.date) -> dict[str, dict]:
    """Counts by (status, deadline passed) for each dimension — category, organisation, lead unit, month —
    in ONE scan of the commitments: the scoped rows are materialised once (a CTE, built by Django from
    `qs` and the one status expression) and grouped four ways. Works on PostgreSQL and SQLite."""
    past = Case(When(deadline__lt=today, then=Value(True)), default=Value(False), output_field=BooleanField())
    base = qs.annotate(
        rs_status=status_case(today),
        rs_past=past,
        rs_month=ExtractYear("deadline") * 100 + ExtractMonth("deadline"),
    ).values(*DIMENSIONS[:3], "rs_month", "rs_status", "rs_past")
    inner, params = base.order_by().query.sql_with_params()
    # Only the module's own column names are interpolated; every value travels as a parameter.
    unions = " UNION ALL ".join(
        f"SELECT '{dim}', CAST({dim} AS TEXT), rs_status, rs_past, COUNT(*) FROM base GROUP BY {dim}, rs_status, rs_past"  # noqa: S608
        for dim in DIMENSIONS
    )
    result: dict[str, dict] = {dim: {} for dim in DIMENSIONS}
    with connection.cursor() as cursor:
        cursor.execute(f"WITH base AS MATERIALIZED ({inner}) {unions}", params)
        for dim, key, code, is_past, n in cursor.fetchall():
            result[dim].setdefault(key, StatusCounts()).add(code, n, bool(is_past))
    return result


def _by_child(organization: Organization, per_org: dict[str, StatusCounts]) -> list[GroupRow]:
    """Fold per-organisation counts into the direct children's subtrees (from the organisations' paths)."""
    children = list(organization.children.filter(dissolved_on__isnull=True).order_by("name_folded", "id"))
    paths = (
        dict(Organization.objects.filter(pk__in=[int(k) for k in per_org]).values_list("pk", "path"))
        if per_org
        else {}
    )
    prefix = len(organization.path)
    per_child: dict[str, StatusCounts] = {}
    for key, counts in per_org.items():
        rest = paths.get(int(key), organization.path)[prefix:]
        per_child.setdefault(rest.split("/", 1)[0], StatusCounts()).merge(counts)
    rows = [
        GroupRow(child.code, child.name, per_child.pop(str(child.pk), StatusCounts())) for child in children
    ]
    direct = per_child.pop("", StatusCounts())
    stray = StatusCounts()
    for counts in per_child.values():
        stray.merge(counts)
    return _with_direct_and_stray(organization, rows, direct, stray)


def _with_direct_and_stray(
    organization: Organization, rows: list[GroupRow], direct: StatusCounts, stray: StatusCounts
) -> list[GroupRow]:
    """The per-child rows completed so they sum to the totals: commitments on the organisation itself
    first, and those of children dissolved since as one last row (each only when there are some)."""
    if direct.total:
        rows.insert(0, GroupRow(organization.code, f"{organization.name} (trực tiếp)", direct))
    if stray.total:
        rows.append(GroupRow("", "Tổ chức đã giải thể, sáp nhập", stray))
    return rows


# A bound on staleness in the one race the generation cannot see: a write that took its tally row id
# before another's but committed after a reader had computed and cached with the other's id.
GENERATION_CACHE_SECONDS = 120


class Generation(NamedTuple):
    """`key` changes with every figure of the organisation; `tree` only with the organisation tree."""

    key: str
    tree: str


def _generation(organization: Organization) -> Generation:
    """Changes whenever a figure of `organization` may change (`tally.generation`): the newest rows of the
    organisation itself (its status, month, category, source or lead unit; `OrgTally`'s keys are a subset
    of `StatusTally`'s), the tally day and the tree."""
    mine = {"organization": organization.pk}
    found = tally_generation([(StatusTally, mine), (LeadUnitTally, mine)])
    return Generation(
        hashlib.sha256(repr(tuple(found)).encode()).hexdigest()[:16],
        hashlib.sha256(repr(found.tree).encode()).hexdigest()[:16],
    )


class _RecentFigures:
    """This process's last few figures read from the shared cache, by the same generation key and for
    the same 120 s at most: a hit skips unpickling 1,500 rows. Derived data only, checked against the
    database's generation on every request, so no other server ever needs it."""

    size = 16

    def __init__(self) -> None:
        self._items: OrderedDict[str, tuple[float, Figures]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> Figures | None:
        with self._lock:
            item = self._items.get(key)
            if item is None or item[0] < time.monotonic():
                self._items.pop(key, None)
                return None
            self._items.move_to_end(key)
            return item[1]

    def put(self, key: str, figures: Figures) -> None:
        with self._lock:
            self._items[key] = (time.monotonic() + GENERATION_CACHE_SECONDS, figures)
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


_recent = _RecentFigures()


def forget_recent_figures() -> None:
    """Empty this process's copies (tests: table ids may repeat after a rollback on SQLite)."""
    _recent.clear()


def _cache_key(scope, organization: Organization, period: Period, today: dt.date) -> str:
    who = "all" if scope.is_global else ",".join(scope.read_paths) + f"|{scope.person_id}"
    raw = f"{organization.pk}|{organization.path}|{period.start}|{period.end}|{today}|{who}"
    return "reports:figures:" + hashlib.sha256(raw.encode()).hexdigest()


def report_figures(*, user: User, organization: Organization, period: Period, today: dt.date) -> Figures:
    """Every figure of the dashboard, the reports, the annex and the API (a few aggregate queries).

    Figures read from the status tallies are cached under a key that follows every change (`_generation`).
    With `settings.REPORTS_FIGURES_CACHE_SECONDS` > 0 the result is instead kept that long in the cache,
    keyed by scope, organisation, period and day: every consumer then reads the same snapshot (so they
    still agree) and pages show when it was computed (`computed_at`). Off (0) by default."""
    scope = scope_for(user)
    if not scope.can_read_path(organization.path):
        raise Http404
    seconds = int(getattr(settings, "REPORTS_FIGURES_CACHE_SECONDS", 0) or 0)
    if seconds <= 0:
        from_tally = month_range(period.start, period.end) is not None and tally_ready(today)
        if not from_tally:
            return _compute_figures(
                user=user, organization=organization, period=period, today=today, use_tally=False
            )
        # Read from the tallies: kept under a key that changes with every write to the tallies or the
        # tree, so a cached copy is never older than the data (see `_generation`).
        generation = _generation(organization)
        key = f"{_cache_key(scope, organization, period, today)}:{generation.key}"
        figures = _recent.get(key)
        if figures is None:
            figures = cache.get(key)
            if figures is None:
                figures = _compute_figures(
                    user=user,
                    organization=organization,
                    period=period,
                    today=today,
                    use_tally=True,
                    tree_generation=generation.tree,
                )
                figures.cache_key = key
                cache.set(key, figures, GENERATION_CACHE_SECONDS)
            _recent.put(key, figures)
        return figures.fresh_copy()
    key = _cache_key(scope, organization, period, today)
    figures = cache.get(key)
    if figures is None:
        figures = _compute_figures(user=user, organization=organization, period=period, today=today)
        cache.set(key, figures, seconds)
    return figures


# Above this many active children the figures keep the first CHILD_PAGE of them (the dashboard shows
# those); the reports read the others from the tallies a page at a time (`_tally_child_pages`).
CHILDREN_IN_FIGURES = 2_000
CHILD_PAGE = 100


class _Children(NamedTuple):
    """What the figures need of an organisation's children, apart from their counts: how many are
    active, and above CHILDREN_IN_FIGURES the first page of them by name and the dissolved ones' ids."""

    active_count: int
    first_page: list[tuple[int, str, str]] | None
    dissolved_ids: list[int] | None


def _children(organization: Organization, tree_generation: str | None) -> _Children:
    """The organisation's `_Children`, kept in the cache under the tree's generation when given: after a
    write to a commitment the tree is unchanged, and at the national root counting 52,000 children and
    finding the dissolved ones among them was a third of the dashboard's queries' time."""
    key = f"reports:children:{organization.pk}:{tree_generation}" if tree_generation else ""
    if key and (cached := cache.get(key)) is not None:
        return cached
    active = Organization.objects.filter(parent=organization, dissolved_on__isnull=True)
    active_count = active.count()
    children = _Children(active_count, None, None)
    if active_count > CHILDREN_IN_FIGURES:
        first_page = list(active.order_by("name_folded", "id").values_list("pk", "code", "name")[:CHILD_PAGE])
        dissolved = Organization.objects.filter(parent=organization, dissolved_on__isnull=False)
        children = _Children(active_count, first_page, list(dissolved.values_list("pk", flat=True)))
    if key:
        cache.set(key, children, GENERATION_CACHE_SECONDS)
    return children


def _tally_grouped(
    organization: Organization,
    months: tuple[int, int],
    period: Period,
    today: dt.date,
    tree_generation: str | None = None,
) -> tuple[dict, list[GroupRow], int | None]:
    """What `_grouped_all` + `_by_child` give, read from the status tallies: a few small queries over the
    rows of the organisation and of its children, whatever the number of commitments below them. The
    third value is the number of active children when `by_child` holds only the first page of them.
    `tree_generation` (`Generation.tree`) lets the children's list come from the cache."""
    grouped: dict[str, dict] = {"category": {}, "rs_month": {}, "lead_unit_id": {}}
    for row in tally_rows(StatusTally, [organization.pk], group=("category", "month"), months=months):
        for dim, key in (("category", row["category"]), ("rs_month", str(row["month"]))):
            grouped[dim].setdefault(key, StatusCounts()).add(row["status"], row["total"], row["past"])
    for row in tally_rows(LeadUnitTally, [organization.pk], group=("lead_unit_key",), months=months):
        key = str(row["lead_unit_key"]) if row["lead_unit_key"] else None
        grouped["lead_unit_id"].setdefault(key, StatusCounts()).add(row["status"], row["total"], row["past"])

    keys = period_keys(months)  # whole years as one row each
    children_of = _children(organization, tree_generation)
    if children_of.first_page is not None:
        rows = _tally_child_rows(children_of.first_page, keys)
        direct, stray = _direct_and_stray(
            organization, keys, period.start, period.end, today, dissolved_ids=children_of.dissolved_ids
        )
        return grouped, _with_direct_and_stray(organization, rows, direct, stray), children_of.active_count

    children_qs = Organization.objects.filter(parent=organization)
    children = list(
        children_qs.order_by("name_folded", "id").values_list("pk", "code", "name", "dissolved_on")
    )
    per_child: dict[int, StatusCounts] = {pk: StatusCounts() for pk, *_ in children}
    for pk, (counts, pending_past) in tally_by_organization(
        OrgTally, children_qs.values("pk"), period__in=keys
    ).items():
        per_child[pk] = StatusCounts(counts, pending_past)
    # Commitments on the organisation itself: its subtree less its children's subtrees.
    direct = StatusCounts()
    for category_counts in grouped["category"].values():
        direct.merge(category_counts)
    for child_counts in per_child.values():
        direct.subtract(child_counts)
    rows = [
        GroupRow(code, name, per_child[pk])
        for pk, code, name, dissolved_on in children
        if dissolved_on is None
    ]
    stray = StatusCounts()
    for pk, _code, _name, dissolved_on in children:
        if dissolved_on is not None:
            stray.merge(per_child[pk])
    return grouped, _with_direct_and_stray(organization, rows, direct, stray), None


def _tally_child_rows(children: list[tuple[int, str, str]], keys: list[int]) -> list[GroupRow]:
    """Rows of these (id, code, name) children from their tally rows (one query)."""
    counted = tally_by_organization(OrgTally, [pk for pk, _, _ in children], period__in=keys)
    rows = []
    for pk, code, name in children:
        counts, pending_past = counted.get(pk, (None, 0))
        rows.append(GroupRow(code, name, StatusCounts(counts, pending_past) if counts else StatusCounts()))
    return rows


def _direct_and_stray(
    organization: Organization,
    keys: list[int],
    start: dt.date,
    end: dt.date,
    today: dt.date,
    dissolved_ids: list[int] | None = None,
) -> tuple[StatusCounts, StatusCounts]:
    """The commitments on the organisation itself (its tally rows less its children's would mean reading
    every child: they are counted on their own, an indexed handful) and those of dissolved children
    (`dissolved_ids` when the caller has them)."""
    own = Commitment.objects.filter(organization=organization, deadline__gte=start, deadline__lte=end)
    direct = StatusCounts()
    for counts in _grouped_all(own, today)["category"].values():
        direct.merge(counts)
    if dissolved_ids is None:
        dissolved = Organization.objects.filter(parent=organization, dissolved_on__isnull=False)
        dissolved_ids = list(dissolved.values_list("pk", flat=True))
    stray = StatusCounts()
    if dissolved_ids:
        for counts, pending_past in tally_by_organization(OrgTally, dissolved_ids, period__in=keys).values():
            stray.merge(StatusCounts(counts, pending_past))
    return direct, stray


def _tally_child_pages(
    organization_id: int, months: tuple[int, int], start: dt.date, end: dt.date, today: dt.date
) -> Iterator[GroupRow]:
    """Every row of a large organisation's `by_child`, in the order of the small case: the organisation
    itself, its active children by name (read CHILDREN_IN_FIGURES at a time, after the last one read),
    the dissolved children. Memory stays at one page whatever the number of children."""
    organization = Organization.objects.get(pk=organization_id)
    keys = period_keys(months)
    direct, stray = _direct_and_stray(organization, keys, start, end, today)
    if direct.total:
        yield GroupRow(organization.code, f"{organization.name} (trực tiếp)", direct)
    active = Organization.objects.filter(parent=organization, dissolved_on__isnull=True).order_by(
        "name_folded", "id"
    )
    after: tuple[str, int] | None = None
    while True:
        page_qs = active
        if after is not None:
            page_qs = page_qs.filter(Q(name_folded__gt=after[0]) | Q(name_folded=after[0], id__gt=after[1]))
        page = list(page_qs.values_list("pk", "code", "name", "name_folded")[:CHILDREN_IN_FIGURES])
        if not page:
            break
        yield from _tally_child_rows([(pk, code, name) for pk, code, name, _ in page], keys)
        after = (page[-1][3], page[-1][0])
    if stray.total:
        yield GroupRow("", "Tổ chức đã giải thể, sáp nhập", stray)


def _compute_figures(
    *,
    user: User,
    organization: Organization,
    period: Period,
    today: dt.date,
    use_tally: bool | None = None,
    tree_generation: str | None = None,
) -> Figures:
    """Figures from the status tallies when they are current and the period is whole months (the
    organisation's whole subtree is visible to the user: `report_figures` checked it); else counted live.
    `use_tally` is the caller's answer to "current and whole months" when it already has one;
    `tree_generation` its `Generation.tree`, when it has one."""
    qs = period_commitments(user=user, organization=organization, period=period)

    months = month_range(period.start, period.end)
    if use_tally is None:
        use_tally = months is not None and tally_ready(today)
    children_total = None
    if use_tally and months is not None:
        grouped, by_child, children_total = _tally_grouped(
            organization, months, period, today, tree_generation
        )
    else:
        grouped = _grouped_all(qs, today)
        by_child = _by_child(organization, grouped["organization_id"])
    totals = StatusCounts()
    for counts in grouped["category"].values():
        totals.merge(counts)
    by_category = [
        GroupRow(value, label, grouped["category"].get(value, StatusCounts()))
        for value, label in CommitmentCategory.choices
    ]
    per_unit = grouped["lead_unit_id"]
    unit_names = {
        str(pk): name
        for pk, name in Organization.objects.filter(
            pk__in=[int(k) for k in per_unit if k is not None]
        ).values_list("pk", "name")
    }
    by_lead_unit = sorted(
        (
            GroupRow(key or "", unit_names.get(key, NO_LEAD_UNIT) if key else NO_LEAD_UNIT, counts)
            for key, counts in per_unit.items()
        ),
        key=lambda row: (row.key == "", row.label),
    )
    by_month = [
        GroupRow(f"{key[:4]}-{key[4:6]}", f"{key[4:6]}/{key[:4]}", grouped["rs_month"][key])
        for key in sorted(grouped["rs_month"])
    ]

    return Figures(
        organization=organization,
        period=period,
        today=today,
        totals=totals,
        by_category=by_category,
        by_child=by_child,
        by_lead_unit=by_lead_unit,
        by_month=by_month,
        # Plain values, not the queryset: a cached Figures is pickled, and pickling a queryset loads its rows.
        heads_source=partial(_heads_in_subtree, organization.pk, period.start, period.end, today),
        children_total=children_total,
        children_source=None
        if children_total is None or months is None
        else partial(_tally_child_pages, organization.pk, months, period.start, period.end, today),
    )


def _heads_in_subtree(organization_id: int, start: dt.date, end: dt.date, today: dt.date) -> list[HeadRow]:
    """`_heads_overdue` over the subtree's commitments due in [start, end]. No user filter is needed:
    `report_figures` only answers a user who reads the organisation's whole subtree."""
    organization = Organization.objects.get(pk=organization_id)
    qs = Commitment.objects.filter(
        organization__path__startswith=organization.path, deadline__gte=start, deadline__lte=end
    )
    return _heads_overdue(qs, organization, today)


HEADS_PER_QUERY = 10_000


def _heads_overdue(qs, organization: Organization, today: dt.date) -> list[HeadRow]:
    """Heads of agencies in the subtree (agency head, or a current head-of-agency post) with overdue
    commitments in the period, most overdue first."""
    # The heads first (two small indexed queries), then one aggregate over their commitments: a join
    # through positions inside the big query made it scan every commitment again.
    head_ids = set(
        Agency.objects.filter(
            organization__path__startswith=organization.path, head__isnull=False
        ).values_list("head_id", flat=True)
    )
    head_ids |= set(
        Position.objects.filter(
            title=PositionTitle.HEAD_OF_AGENCY,
            organization__path__startswith=organization.path,
            started_on__lte=today,
        )
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=today))
        .values_list("person_id", flat=True)
    )
    if not head_ids:
        return []
    # Counted per person over the commitments alone, HEADS_PER_QUERY heads at a time: each query is an
    # index scan over those people's commitments. With the 52,000 heads of the nation in one IN list the
    # planner read the whole commitments table instead (18 s; 4 s in chunks). Names and organisations for
    # those found, after.
    overdue = qs.filter(status_q(OPEN_OVERDUE, today))
    ids = sorted(head_ids)
    counts: dict[int, int] = {}
    for first in range(0, len(ids), HEADS_PER_QUERY):
        counts.update(
            overdue.filter(responsible_person_id__any=ids[first : first + HEADS_PER_QUERY])
            .values("responsible_person_id")
            .annotate(n=Count("pk"))
            .order_by()
            .values_list("responsible_person_id", "n")
        )
    people = Person.objects.filter(pk__any=list(counts)).values_list("pk", "full_name", "organization__name")
    rows = [HeadRow(pk, name, organization_name or "", counts[pk]) for pk, name, organization_name in people]
    return sorted(rows, key=lambda row: (-row.overdue, row.name))


def most_overdue(
    *, user: User, organization: Organization, period: Period, today: dt.date, limit: int = 10
) -> list:
    """The commitments of the period most overdue today (oldest deadline first), joined for display."""
    return list(
        period_commitments(user=user, organization=organization, period=period)
        .filter(status_q(OPEN_OVERDUE, today))  # the status rule's filter form: no CASE per row
        .annotate(status_code=Value(OPEN_OVERDUE))
        .only(*MOST_OVERDUE_COLUMNS)
        .select_related("organization", "responsible_person", "lead_unit")
        .order_by("deadline", "id")[:limit]
    )


MOST_OVERDUE_COLUMNS = (
    "id",
    "title",
    "deadline",
    "original_deadline",
    "organization__name",
    "organization__code",
    "responsible_person__full_name",
    "lead_unit__name",
)


def status_label(code: str) -> str:
    return STATUS_LABELS[code]
