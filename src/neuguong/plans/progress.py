"""Counting a plan's commitments: by item, by status, with the one status rule and the status tallies.

What a user counts is what the commitments list shows them (`Commitment.objects.visible_to`): the
commitments on boards in their readable subtrees, plus their own. The tallies hold every commitment
serving a plan item once in each organisation of its path (`commitments.PlanItemTally`), so:
- counts = the tally rows of the items at the roots of the user's readable subtrees (a province plan is
  one organisation's rows, whatever the number of commitments), plus a small live count of the user's
  own commitments outside those subtrees;
- a period of whole months reads the tallies' deadline months; any other period, a day other than the
  tallies' day, or tallies not built are counted live with the same rule (`status_case`).

The on-time rate is the one of the domain notes, section 13: over the commitments whose deadline falls in
the period (cancelled and suspended left out), done on time ÷ (done on time + done late + open overdue),
where open overdue includes the returned and pending commitments whose deadline has passed (the four
government statuses). Open commitments still within their deadline are in neither part.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal, Protocol

from django.db.models import BooleanField, Case, Count, Q, Value, When

from neuguong.access.scope import scope_for
from neuguong.commitments.models import Commitment, PlanItemTally, PlanTally
from neuguong.commitments.status import (
    CANCELLED,
    DONE_LATE,
    DONE_ON_TIME,
    DONE_STATUSES,
    OPEN_OVERDUE,
    PENDING_STATUSES,
    STATUS_CODES,
    SUSPENDED,
    status_case,
)
from neuguong.commitments.tally import (
    month_range,
    period_keys,
    tally_by_organization,
    tally_ready,
    tally_rows,
)
from neuguong.organizations.models import Organization, path_ids

EXEMPLARY = "exemplary"


class OrganizationLike(Protocol):
    """An organisation as counting by subtree reads it (a model instance or a plain row)."""

    @property
    def pk(self) -> int: ...

    @property
    def path(self) -> str: ...


def _empty() -> dict[str, int]:
    return dict.fromkeys(STATUS_CODES, 0)


@dataclass(slots=True)
class Counts:
    """Commitments by status code, with the figures every page, document and the API show."""

    counts: dict[str, int] = field(default_factory=_empty)
    # Pending (returned, extension requested…) commitments whose deadline has passed: overdue for the
    # government statuses and the on-time rate.
    pending_past: int = 0

    def add(self, code: str, n: int, past: bool = False) -> None:
        self.counts[code] = self.counts.get(code, 0) + n
        if past and code in PENDING_STATUSES:
            self.pending_past += n

    def merge(self, other: Counts) -> None:
        for code, n in other.counts.items():
            self.counts[code] = self.counts.get(code, 0) + n
        self.pending_past += other.pending_past

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def live(self) -> int:
        """Commitments that still count: not cancelled, not suspended."""
        return self.total - self.counts[CANCELLED] - self.counts[SUSPENDED]

    @property
    def done(self) -> int:
        return sum(self.counts[code] for code in DONE_STATUSES)

    @property
    def open(self) -> int:
        return self.live - self.done

    @property
    def overdue(self) -> int:
        """Open past the deadline (returned and pending ones included)."""
        return self.counts[OPEN_OVERDUE] + self.pending_past

    @property
    def open_on_time(self) -> int:
        return self.open - self.overdue

    @property
    def on_time_rate(self) -> float | None:
        """Domain notes, section 13 (percent, one decimal); None when nothing is done or overdue yet."""
        base = self.counts[DONE_ON_TIME] + self.counts[DONE_LATE] + self.overdue
        return round(100 * self.counts[DONE_ON_TIME] / base, 1) if base else None

    @property
    def on_time_share_of_done(self) -> float | None:
        """On time '… trong số đã hoàn thành' (percent)."""
        return round(100 * self.counts[DONE_ON_TIME] / self.done, 1) if self.done else None

    @property
    def completion_rate(self) -> float | None:
        """Done (on time or late) over the live commitments (percent)."""
        return round(100 * self.done / self.live, 1) if self.live else None

    def badges(self) -> list[tuple[str, str, int, str]]:
        """(code, label, count, colour) of the statuses present, in the rule's order."""
        from neuguong.commitments.status import STATUS_COLOURS, STATUS_LABELS

        return [
            (code, STATUS_LABELS.get(code, code), n, STATUS_COLOURS.get(code, "secondary"))
            for code, n in self.counts.items()
            if n
        ]

    def as_dict(self) -> dict:
        return {
            "total": self.total,
            "by_status": dict(self.counts),
            "done": self.done,
            "open": self.open,
            "overdue": self.overdue,
            "on_time_rate": self.on_time_rate,
            "completion_rate": self.completion_rate,
        }


@dataclass(frozen=True)
class Part:
    """Which of a plan's commitments a user counts: the roots of their readable subtrees (each root's
    tally rows) and, for a member, their own commitments outside them."""

    roots: tuple[int, ...]
    person_id: int | None
    outside_q: Q | None  # the user's own commitments outside the subtrees they read


def part_of(user) -> Part:
    scope = scope_for(user)
    if scope.reads_everything:
        roots = tuple(Organization.objects.filter(parent__isnull=True).values_list("pk", flat=True))
        return Part(roots, None, None)
    roots = tuple(path_ids(path)[-1] for path in scope.read_paths)
    if scope.person_id:
        outside = Q(responsible_person_id=scope.person_id) & ~scope.read_q("organization__path")
        return Part(roots, scope.person_id, outside)
    return Part(roots, None, None)


def _months(start: dt.date | None, end: dt.date | None) -> tuple[int, int] | Literal[False] | None:
    """The tally month range of a period; None for all time; False when the period splits a month."""
    if start is None and end is None:
        return None
    if start is None or end is None:
        return False
    return month_range(start, end) or False


def uses_tallies(today: dt.date, start: dt.date | None, end: dt.date | None) -> bool:
    return _months(start, end) is not False and tally_ready(today)


def _past_case(today: dt.date) -> Case:
    return Case(When(deadline__lt=today, then=Value(True)), default=Value(False), output_field=BooleanField())


def _live_rows(qs, today: dt.date, group: tuple[str, ...]) -> Iterable[dict]:
    return (
        qs.annotate(pl_status=status_case(today), pl_past=_past_case(today))
        .values(*group, "pl_status", "pl_past")
        .annotate(n=Count("pk"))
        .order_by()
    )


def count_items(
    *,
    user,
    item_ids: Collection[int],
    today: dt.date,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> dict[tuple[int, str], Counts]:
    """{(item id, category): Counts} of the commitments serving these items that the user sees, whose
    deadline falls in [start, end] (all when no period). One or two queries."""
    result: dict[tuple[int, str], Counts] = {}
    if not item_ids:
        return result
    item_ids = sorted(item_ids)
    months = _months(start, end)
    if months is not False and tally_ready(today):
        part = part_of(user)
        for row in tally_rows(
            PlanItemTally,
            list(part.roots),
            group=("plan_item_key", "category"),
            months=months or None,
            plan_item_key__in=item_ids,
        ):
            key = (row["plan_item_key"], row["category"])
            result.setdefault(key, Counts()).add(row["status"], row["total"], row["past"])
        if part.outside_q is not None:
            own = Commitment.objects.filter(part.outside_q, plan_item_id__in=item_ids)
            own = _in_period(own, start, end)
            for row in _live_rows(own, today, ("plan_item_id", "category")):
                key = (row["plan_item_id"], row["category"])
                result.setdefault(key, Counts()).add(row["pl_status"], row["n"], row["pl_past"])
        return result
    qs = _in_period(Commitment.objects.visible_to(user).filter(plan_item_id__in=item_ids), start, end)
    for row in _live_rows(qs, today, ("plan_item_id", "category")):
        key = (row["plan_item_id"], row["category"])
        result.setdefault(key, Counts()).add(row["pl_status"], row["n"], row["pl_past"])
    return result


def _in_period(qs, start: dt.date | None, end: dt.date | None):
    if start is not None:
        qs = qs.filter(deadline__gte=start)
    if end is not None:
        qs = qs.filter(deadline__lte=end)
    return qs


def count_by_organization(
    *,
    user,
    plan_id: int,
    organizations: Sequence[OrganizationLike],
    item_ids: Collection[int],
    today: dt.date,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> dict[int, Counts]:
    """{organisation id: Counts} of the plan's commitments in each organisation's whole subtree (the
    user reads every one of them: the caller checked it). From the plan's tally (`PlanTally`: one row per
    organisation and status, whole years as one row): one query for any number of organisations; live:
    one query, each organisation's commitments folded up by path."""
    result = {org.pk: Counts() for org in organizations}
    if not organizations or not item_ids:
        return result
    item_ids = sorted(item_ids)
    months = _months(start, end)
    if months is not False and tally_ready(today):
        periods = [0] if months is None else period_keys(months)
        by_organization = tally_by_organization(
            PlanTally, [org.pk for org in organizations], plan_key=plan_id, period__in=periods
        )
        for organization_id, (counts, pending_past) in by_organization.items():
            result[organization_id].merge(Counts(dict(counts), pending_past))
        return result
    q = Q()
    for org in organizations:
        q |= Q(organization__path__startswith=org.path)
    qs = _in_period(Commitment.objects.filter(q, plan_item_id__in=item_ids), start, end)
    rows = list(_live_rows(qs, today, ("organization_id",)))
    paths = dict(
        Organization.objects.filter(pk__in={row["organization_id"] for row in rows}).values_list("pk", "path")
    )
    for row in rows:
        path = paths.get(row["organization_id"], "")
        for org in organizations:
            if path.startswith(org.path):
                result[org.pk].add(row["pl_status"], row["n"], row["pl_past"])
    return result


def count_by_person(
    *,
    user,
    person_ids: Collection[int],
    item_ids: Collection[int],
    today: dt.date,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> dict[int, Counts]:
    """{person id: Counts} of the plan's commitments these people are responsible for (live: one query
    through the (responsible person, deadline) index)."""
    result: dict[int, Counts] = {}
    if not person_ids or not item_ids:
        return result
    qs = Commitment.objects.visible_to(user).filter(
        responsible_person_id__any=sorted(person_ids), plan_item_id__in=sorted(item_ids)
    )
    for row in _live_rows(_in_period(qs, start, end), today, ("responsible_person_id",)):
        result.setdefault(row["responsible_person_id"], Counts()).add(
            row["pl_status"], row["n"], row["pl_past"]
        )
    return result
