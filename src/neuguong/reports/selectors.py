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
from typing import TYPE_CHECKING, Any, NamedTuple

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
    TallySnapshot,
    appended_since,
    month_range,
    period_keys,
    tally_by_organization,
    tally_ready,
    tally_rows,
)
from neuguong.commitments.tally import (
    generation as tally_generation,
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


@dataclass(slots=True)
class ChildParts:
    """What `by_child` is made of when read from the tallies: the active children's ids in the order of
    their rows, the dissolved children's ids, and the counts on the organisation itself and on dissolved
    children (rows of their own only when not zero: `_with_direct_and_stray`)."""

    child_ids: list[int]
    dissolved_ids: frozenset[int]
    direct: StatusCounts
    stray: StatusCounts

    def child_rows(self, by_child: list[GroupRow]) -> list[GroupRow]:
        """The active children's rows of `by_child` (without the organisation's own row and the dissolved)."""
        start = 1 if self.direct.total else 0
        return by_child[start : start + len(self.child_ids)]


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
    # Read from the tallies: how `by_child` was put together, so that rows appended to the tallies since
    # can be added to it (`_figures_since`).
    parts: ChildParts | None = field(default=None, init=False, repr=False, compare=False)

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
        self._items: OrderedDict[str, tuple[float, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> Any:
        with self._lock:
            item = self._items.get(key)
            if item is None or item[0] < time.monotonic():
                self._items.pop(key, None)
                return None
            self._items.move_to_end(key)
            return item[1]

    def put(self, key: str, value: Any) -> None:
        with self._lock:
            self._items[key] = (time.monotonic() + GENERATION_CACHE_SECONDS, value)
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


_recent = _RecentFigures()
_recent_bases = _RecentFigures()  # the bases of `_figures_following`, by base key


def forget_recent_figures() -> None:
    """Empty this process's copies (tests: table ids may repeat after a rollback on SQLite)."""
    _recent.clear()
    _recent_bases.clear()


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
        scope_key = _cache_key(scope, organization, period, today)
        key = f"{scope_key}:{generation.key}"
        figures = _recent.get(key)
        if figures is None:
            figures = _figures_following(user, organization, period, today, generation, f"{scope_key}:base")
            figures.cache_key = key
            _recent.put(key, figures)
        return figures.fresh_copy()
    key = _cache_key(scope, organization, period, today)
    figures = cache.get(key)
    if figures is None:
        figures = _compute_figures(user=user, organization=organization, period=period, today=today)
        cache.set(key, figures, seconds)
    return figures


def _figures_following(
    user: User,
    organization: Organization,
    period: Period,
    today: dt.date,
    generation: Generation,
    base_key: str,
) -> Figures:
    """The figures at this generation, from the tallies: the shared base (kept in the cache under the
    tree's generation for GENERATION_CACHE_SECONDS) as it is when nothing changed since, or plus the rows
    appended since; else read whole, and kept as the new base. After a write anywhere in a province, the
    first view adds a few rows instead of summing 1,500 children again."""
    base_key = f"{base_key}:{generation.tree}"
    base = _recent_bases.get(base_key)
    if base is None and (base := cache.get(base_key)) is not None:
        _recent_bases.put(base_key, base)
    if base is not None and base.expires_at > time.time():
        if base.generation == generation.key:
            return base.figures
        if (since := _figures_since(base, organization)) is not None:
            return since
    snapshot = TallySnapshot()
    figures = _compute_figures(
        user=user,
        organization=organization,
        period=period,
        today=today,
        use_tally=True,
        tree_generation=generation.tree,
        snapshot=snapshot,
    )
    months = month_range(period.start, period.end)
    marks = {model._meta.db_table: snapshot.mark(model) for model in (StatusTally, LeadUnitTally, OrgTally)}
    if snapshot.epoch is not None and months is not None and None not in marks.values():
        base = _Base(
            figures=figures,
            generation=generation.key,
            epoch=snapshot.epoch,
            marks=marks,  # type: ignore[arg-type]
            months=months,
            expires_at=time.time() + GENERATION_CACHE_SECONDS,
        )
        cache.set(base_key, base, GENERATION_CACHE_SECONDS)
        _recent_bases.put(base_key, base)
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


class _TallyGrouped(NamedTuple):
    grouped: dict
    by_child: list[GroupRow]
    children_total: int | None  # active children, when `by_child` holds only the first page of them
    parts: ChildParts


def _tally_grouped(
    organization: Organization,
    months: tuple[int, int],
    period: Period,
    today: dt.date,
    tree_generation: str | None = None,
    snapshot: TallySnapshot | None = None,
) -> _TallyGrouped:
    """What `_grouped_all` + `_by_child` give, read from the status tallies: a few small queries over the
    rows of the organisation and of its children, whatever the number of commitments below them.
    `tree_generation` (`Generation.tree`) lets the children's list come from the cache; `snapshot` notes
    what was read (one query per tally table)."""
    grouped: dict[str, dict] = {"category": {}, "rs_month": {}, "lead_unit_id": {}}
    _add_status_rows(
        grouped,
        tally_rows(
            StatusTally, [organization.pk], group=("category", "month"), months=months, snapshot=snapshot
        ),
    )
    _add_lead_unit_rows(
        grouped,
        tally_rows(
            LeadUnitTally, [organization.pk], group=("lead_unit_key",), months=months, snapshot=snapshot
        ),
    )

    keys = period_keys(months)  # whole years as one row each
    children_of = _children(organization, tree_generation)
    if children_of.first_page is not None:
        dissolved_ids = children_of.dissolved_ids or []
        counted = tally_by_organization(
            OrgTally,
            [pk for pk, _, _ in children_of.first_page] + dissolved_ids,
            period__in=keys,
            snapshot=snapshot,
        )
        rows = _child_rows(children_of.first_page, counted)
        direct = _own_counts(organization, period.start, period.end, today)
        stray = _sum_counts(counted, dissolved_ids)
        parts = ChildParts(
            [pk for pk, _, _ in children_of.first_page], frozenset(dissolved_ids), direct, stray
        )
        by_child = _with_direct_and_stray(organization, rows, direct, stray)
        return _TallyGrouped(grouped, by_child, children_of.active_count, parts)

    children_qs = Organization.objects.filter(parent=organization)
    children = list(
        children_qs.order_by("name_folded", "id").values_list("pk", "code", "name", "dissolved_on")
    )
    counted = tally_by_organization(OrgTally, children_qs.values("pk"), period__in=keys, snapshot=snapshot)
    # Commitments on the organisation itself: its subtree less its children's subtrees.
    direct = StatusCounts()
    for category_counts in grouped["category"].values():
        direct.merge(category_counts)
    direct.subtract(_sum_counts(counted, counted))
    active = [(pk, code, name) for pk, code, name, dissolved_on in children if dissolved_on is None]
    dissolved_ids = [pk for pk, _code, _name, dissolved_on in children if dissolved_on is not None]
    stray = _sum_counts(counted, dissolved_ids)
    parts = ChildParts([pk for pk, _, _ in active], frozenset(dissolved_ids), direct, stray)
    by_child = _with_direct_and_stray(organization, _child_rows(active, counted), direct, stray)
    return _TallyGrouped(grouped, by_child, None, parts)


def _add_status_rows(grouped: dict[str, dict], rows: list[dict]) -> None:
    for row in rows:
        for dim, key in (("category", row["category"]), ("rs_month", str(row["month"]))):
            grouped[dim].setdefault(key, StatusCounts()).add(row["status"], row["total"], row["past"])


def _add_lead_unit_rows(grouped: dict[str, dict], rows: list[dict]) -> None:
    for row in rows:
        key = str(row["lead_unit_key"]) if row["lead_unit_key"] else None
        grouped["lead_unit_id"].setdefault(key, StatusCounts()).add(row["status"], row["total"], row["past"])


def _sum_counts(counted: dict[int, tuple[dict[str, int], int]], ids) -> StatusCounts:
    total = StatusCounts()
    for pk in ids:
        if (found := counted.get(pk)) is not None:
            total.merge(StatusCounts(found[0], found[1]))
    return total


def _child_rows(
    children: list[tuple[int, str, str]], counted: dict[int, tuple[dict[str, int], int]]
) -> list[GroupRow]:
    """Rows of these (id, code, name) children from their counted tally rows."""
    rows = []
    for pk, code, name in children:
        counts, pending_past = counted.get(pk, (None, 0))
        rows.append(GroupRow(code, name, StatusCounts(counts, pending_past) if counts else StatusCounts()))
    return rows


def _tally_child_rows(children: list[tuple[int, str, str]], keys: list[int]) -> list[GroupRow]:
    """Rows of these (id, code, name) children from their tally rows (one query)."""
    counted = tally_by_organization(OrgTally, [pk for pk, _, _ in children], period__in=keys)
    return _child_rows(children, counted)


def _own_counts(organization: Organization, start: dt.date, end: dt.date, today: dt.date) -> StatusCounts:
    """The commitments on the organisation itself (its tally rows less its children's would mean reading
    every child: they are counted on their own, an indexed handful)."""
    own = Commitment.objects.filter(organization=organization, deadline__gte=start, deadline__lte=end)
    direct = StatusCounts()
    for counts in _grouped_all(own, today)["category"].values():
        direct.merge(counts)
    return direct


def _direct_and_stray(
    organization: Organization, keys: list[int], start: dt.date, end: dt.date, today: dt.date
) -> tuple[StatusCounts, StatusCounts]:
    """The commitments on the organisation itself and those of its dissolved children."""
    direct = _own_counts(organization, start, end, today)
    dissolved = Organization.objects.filter(parent=organization, dissolved_on__isnull=False)
    dissolved_ids = list(dissolved.values_list("pk", flat=True))
    stray = StatusCounts()
    if dissolved_ids:
        stray = _sum_counts(tally_by_organization(OrgTally, dissolved_ids, period__in=keys), dissolved_ids)
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
    snapshot: TallySnapshot | None = None,
) -> Figures:
    """Figures from the status tallies when they are current and the period is whole months (the
    organisation's whole subtree is visible to the user: `report_figures` checked it); else counted live.
    `use_tally` is the caller's answer to "current and whole months" when it already has one;
    `tree_generation` its `Generation.tree`, when it has one; `snapshot` notes the tally rows read."""
    qs = period_commitments(user=user, organization=organization, period=period)

    months = month_range(period.start, period.end)
    if use_tally is None:
        use_tally = months is not None and tally_ready(today)
    children_total = None
    parts = None
    if use_tally and months is not None:
        grouped, by_child, children_total, parts = _tally_grouped(
            organization, months, period, today, tree_generation, snapshot
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
    figures = Figures(
        organization=organization,
        period=period,
        today=today,
        totals=totals,
        by_category=by_category,
        by_child=by_child,
        by_lead_unit=_lead_unit_rows(grouped["lead_unit_id"]),
        by_month=_month_rows(grouped["rs_month"]),
        # Plain values, not the queryset: a cached Figures is pickled, and pickling a queryset loads its rows.
        heads_source=partial(_heads_in_subtree, organization.pk, period.start, period.end, today),
        children_total=children_total,
        children_source=None
        if children_total is None or months is None
        else partial(_tally_child_pages, organization.pk, months, period.start, period.end, today),
    )
    figures.parts = parts
    return figures


def _lead_unit_rows(
    per_unit: dict[str | None, StatusCounts], known: dict[str, str] | None = None
) -> list[GroupRow]:
    """Rows by lead unit (None: given to a person), named, in order; names not in `known` (key → name)
    are read."""
    names = dict(known or {})
    wanted = [int(k) for k in per_unit if k is not None and k not in names]
    if wanted:
        names.update(
            (str(pk), name)
            for pk, name in Organization.objects.filter(pk__in=wanted).values_list("pk", "name")
        )
    return sorted(
        (
            GroupRow(key or "", names.get(key, NO_LEAD_UNIT) if key else NO_LEAD_UNIT, counts)
            for key, counts in per_unit.items()
        ),
        key=lambda row: (row.key == "", row.label),
    )


def _month_rows(per_month: dict[str, StatusCounts]) -> list[GroupRow]:
    """Rows by deadline month (keys yyyymm), in order."""
    return [
        GroupRow(f"{key[:4]}-{key[4:6]}", f"{key[4:6]}/{key[:4]}", per_month[key])
        for key in sorted(per_month)
    ]


def _plus(counts: StatusCounts, delta: StatusCounts | None) -> StatusCounts:
    """A new StatusCounts: `counts` + `delta` (rows are shared between cached copies: never changed)."""
    if delta is None:
        return counts
    result = StatusCounts(dict(counts.counts), counts.pending_past_deadline)
    result.merge(delta)
    return result


# Above this many grouped rows appended since the base was read, the figures are read again whole.
MOST_ROWS_SINCE = 5_000


@dataclass
class _Base:
    """Figures read from the tallies with what they were read up to: the newest row id of each table,
    the epoch, the generation they were read at and when they stop being used (`GENERATION_CACHE_SECONDS`
    after they were read). Later figures are these plus the rows appended since (`_figures_since`)."""

    figures: Figures
    generation: str
    epoch: int
    marks: dict[str, int]
    months: tuple[int, int]
    expires_at: float


def _figures_since(base: _Base, organization: Organization) -> Figures | None:
    """`base.figures` plus the tally rows appended since they were read: the organisation's own rows by
    category and month and by lead unit, and its children's rows (one statement over the few rows past
    the base's marks: `tally.appended_since`). None when the epoch moved (rows were folded or rebuilt since: the marks no
    longer say what was counted) or when there are too many rows to add."""
    figures = base.figures
    parts = figures.parts
    if parts is None:
        return None
    appended = appended_since(
        organization_id=organization.pk,
        months=base.months,
        periods=period_keys(base.months),
        marks=base.marks,
    )
    if appended is None or appended.epoch != base.epoch:
        return None
    status_rows, unit_rows = appended.status_rows, appended.unit_rows
    if len(status_rows) + len(unit_rows) + len(appended.child_rows) > MOST_ROWS_SINCE:
        return None
    child_counts: dict[int, StatusCounts] = {}
    for child_row in appended.child_rows:
        child_counts.setdefault(child_row["organization_id"], StatusCounts()).add(
            child_row["status"], child_row["total"], child_row["past"]
        )
    delta: dict[str, dict] = {"category": {}, "rs_month": {}, "lead_unit_id": {}}
    _add_status_rows(delta, status_rows)
    _add_lead_unit_rows(delta, unit_rows)

    totals_delta = StatusCounts()
    for counts in delta["category"].values():
        totals_delta.merge(counts)
    by_category = [
        GroupRow(r.key, r.label, _plus(r.counts, delta["category"].get(r.key))) for r in figures.by_category
    ]

    per_month = {row.key.replace("-", ""): row.counts for row in figures.by_month}
    for key, counts in delta["rs_month"].items():
        per_month[key] = _plus(per_month.get(key, StatusCounts()), counts)
    by_month = _month_rows({key: counts for key, counts in per_month.items() if counts.total})

    per_unit: dict[str | None, StatusCounts] = {row.key or None: row.counts for row in figures.by_lead_unit}
    names = {row.key: row.label for row in figures.by_lead_unit if row.key}
    for key, counts in delta["lead_unit_id"].items():
        per_unit[key] = _plus(per_unit.get(key, StatusCounts()), counts)
    by_lead_unit = _lead_unit_rows({key: counts for key, counts in per_unit.items() if counts.total}, names)

    # The children: their rows, the dissolved ones' row, and what is left on the organisation itself.
    rows = list(parts.child_rows(figures.by_child))
    at = {pk: i for i, pk in enumerate(parts.child_ids)} if child_counts else {}
    children_delta, stray_delta = StatusCounts(), StatusCounts()
    for pk, change in child_counts.items():
        children_delta.merge(change)
        if (i := at.get(pk)) is not None:
            rows[i] = GroupRow(rows[i].key, rows[i].label, _plus(rows[i].counts, change))
        elif pk in parts.dissolved_ids:
            stray_delta.merge(change)
    direct_delta = StatusCounts(dict(totals_delta.counts), totals_delta.pending_past_deadline)
    direct_delta.subtract(children_delta)
    direct = _plus(parts.direct, direct_delta)
    stray = _plus(parts.stray, stray_delta)

    since = Figures(
        organization=organization,
        period=figures.period,
        today=figures.today,
        totals=_plus(figures.totals, totals_delta),
        by_category=by_category,
        by_child=_with_direct_and_stray(organization, rows, direct, stray),
        by_lead_unit=by_lead_unit,
        by_month=by_month,
        heads_source=figures.heads_source,
        children_total=figures.children_total,
        children_source=figures.children_source,
    )
    since.parts = ChildParts(parts.child_ids, parts.dissolved_ids, direct, stray)
    return since


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
    """The commitments of the period most overdue today (oldest deadline first), joined for display.
    Their organisations, people and lead units are read by id afterwards: joining them in the query
    made PostgreSQL plan four tables on every dashboard (2 ms of planning for 10 rows)."""
    commitments = list(
        period_commitments(user=user, organization=organization, period=period)
        .filter(status_q(OPEN_OVERDUE, today))  # the status rule's filter form: no CASE per row
        .annotate(status_code=Value(OPEN_OVERDUE))
        .only(*MOST_OVERDUE_COLUMNS)
        .order_by("deadline", "id")[:limit]
    )
    if not commitments:
        return commitments
    organization_ids = {c.organization_id for c in commitments} | {
        c.lead_unit_id for c in commitments if c.lead_unit_id
    }
    organizations = Organization.objects.only("id", "code", "name", "path").in_bulk(organization_ids)
    person_ids = [c.responsible_person_id for c in commitments if c.responsible_person_id]
    people = Person.objects.only("id", "full_name").in_bulk(person_ids) if person_ids else {}
    for c in commitments:
        c.organization = organizations[c.organization_id]
        c.responsible_person = people.get(c.responsible_person_id) if c.responsible_person_id else None
        c.lead_unit = organizations.get(c.lead_unit_id) if c.lead_unit_id else None
    return commitments


MOST_OVERDUE_COLUMNS = (
    "id",
    "title",
    "deadline",
    "original_deadline",
    "organization_id",
    "responsible_person_id",
    "lead_unit_id",
)


def status_label(code: str) -> str:
    return STATUS_LABELS[code]
