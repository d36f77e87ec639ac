"""Reads about commitments, always scoped through `Commitment.objects.visible_to(user)`."""

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q
from django.http import Http404

from neuguong.organizations.models import Organization, path_ids

from .models import Commitment, Evidence, ExtensionRequest, OrgTally, Pledge, ProgressReport, StatusTally
from .status import (
    OPEN_OVERDUE,
    PENDING_STATUSES,
    STATUS_CODES,
    against_original_default,
    commitment_status,
    status_case,
    status_q,
)
from .status import on_time_rate as status_on_time_rate
from .tally import tally_ready, tally_rows

if TYPE_CHECKING:
    from django.contrib.auth.models import User

SORTS = {
    "deadline": ("deadline", "id"),
    "-deadline": ("-deadline", "-id"),
    "title": ("title_folded", "id"),
    "person": ("responsible_person__name_folded", "deadline", "id"),
    "org": ("organization__path", "deadline", "id"),
}


def commitment_list(
    *,
    user: "User",
    today: dt.date,
    organization: Organization | None = None,
    status: str = "",
    category: str = "",
    person_id: int | None = None,
    source_kind: str = "",
    year: int | None = None,
    due_from: dt.date | None = None,
    due_to: dt.date | None = None,
    query: str = "",
    sort: str = "deadline",
    annotate_status: bool = True,
    plan_id: int | None = None,
    plan_item_ids: Collection[int] | None = None,
    waiting_for=None,
):
    """Commitments the user may see, filtered; organisation and person joined (no query per row), each
    annotated with `status_code` computed in SQL by the same rule as `commitment_status` (unless
    `annotate_status` is False: a page of 50 rows computes it in Python with the rule itself). `plan_id`
    and `plan_item_ids` keep those serving a plan (any of its items) or these items."""
    qs = Commitment.objects.visible_to(user).select_related("organization", "responsible_person", "lead_unit")
    if organization is not None:
        qs = qs.filter(organization__path__startswith=organization.path)
        ids = _subtree_ids(organization)
        if ids is not None:
            # Same rows; the explicit id list lets PostgreSQL use the (organization, deadline) index
            # instead of estimating the path prefix (it chose a full scan on a million rows).
            qs = qs.filter(organization_id__in=ids)
    else:
        qs = _scope_hint(qs, user)
    if status in STATUS_CODES:
        qs = qs.filter(status_q(status, today))
    if category:
        qs = qs.filter(category=category)
    if person_id:
        qs = qs.filter(responsible_person_id=person_id)
    if source_kind:
        qs = qs.filter(source_kind=source_kind)
    if year:
        qs = qs.filter(deadline__year=year)
    if due_from:
        qs = qs.filter(deadline__gte=due_from)
    if due_to:
        qs = qs.filter(deadline__lte=due_to)
    if query:
        qs = qs.search(query)
    if plan_id is not None:
        qs = qs.filter(plan_item__plan_id=plan_id)
    if plan_item_ids is not None:
        qs = qs.filter(plan_item_id__in=list(plan_item_ids))
    if waiting_for is not None:
        from .waiting import waiting_q

        qs = qs.filter(waiting_q(waiting_for))
    if annotate_status:
        qs = qs.annotate(status_code=status_case(today))
    return qs.order_by(*SORTS.get(sort, SORTS["deadline"]))


SUBTREE_HINT_MAX = 2000


def _subtree_ids(organization: Organization) -> list[int] | None:
    """Ids of the organisations in the subtree, when there are few enough to pass as a list."""
    ids = list(
        Organization.objects.filter(path__startswith=organization.path).values_list("id", flat=True)[
            : SUBTREE_HINT_MAX + 1
        ]
    )
    return ids if len(ids) <= SUBTREE_HINT_MAX else None


def _scope_hint(qs, user: "User"):
    """The same rows as `visible_to`, restated with the ids of the readable organisations when they
    are few (see `commitment_list`)."""
    from django.db.models import Q

    from neuguong.access.scope import scope_for

    scope = scope_for(user)
    if scope.is_global or not scope.read_paths:
        return qs
    ids = list(Organization.objects.visible_to(user).values_list("id", flat=True)[: SUBTREE_HINT_MAX + 1])
    if len(ids) > SUBTREE_HINT_MAX:
        return qs
    hint = Q(organization_id__in=ids)
    if scope.person_id:
        hint |= Q(responsible_person_id=scope.person_id)
    return qs.filter(hint)


def my_commitments(*, user: "User", today: dt.date):
    """'Việc của tôi': the user's own commitments, due soon first."""
    from neuguong.access.scope import scope_for

    person_id = scope_for(user).person_id
    if person_id is None:
        return Commitment.objects.none()
    return (
        Commitment.objects.filter(responsible_person_id=person_id)
        .select_related("organization")
        .annotate(status_code=status_case(today))
        .order_by("deadline", "id")
    )


def commitment_get(*, user: "User", commitment_id) -> Commitment:
    """A commitment the user may see, or 404 — the same answer as for one that does not exist."""
    try:
        return (
            Commitment.objects.visible_to(user)
            .select_related(
                "organization",
                "responsible_person__organization",
                "lead_unit",
                "halted_by",
                "series",
                "plan_item__plan__document",
            )
            .get(pk=commitment_id)
        )
    except (Commitment.DoesNotExist, ValueError, TypeError, OverflowError) as exc:
        raise Http404 from exc


def commitment_timeline(commitment: Commitment) -> dict:
    """Reports (with their evidence), extension requests: two queries plus one for evidence."""
    reports = list(
        ProgressReport.objects.filter(commitment=commitment).select_related(
            "reported_by", "on_behalf_of", "reviewed_by"
        )
    )
    evidence = Evidence.objects.alive().filter(report__commitment=commitment)
    by_report: dict[int, list] = {}
    for item in evidence:
        by_report.setdefault(item.report_id, []).append(item)
    for report in reports:
        report.evidence_files = by_report.get(report.pk, [])
    extensions = list(
        ExtensionRequest.objects.filter(commitment=commitment).select_related("requested_by", "decided_by")
    )
    return {"reports": reports, "extensions": extensions}


def status_counts(queryset, today: dt.date) -> dict[str, int]:
    """{status code: count} over `queryset`, counted in the database (one query)."""
    against_original = against_original_default()
    aggregates = {
        code: Count("pk", filter=status_q(code, today, against_original=against_original))
        for code in STATUS_CODES
    }
    counts = queryset.order_by().aggregate(**aggregates)
    return {code: counts[code] or 0 for code in STATUS_CODES}


def board_status_counts(
    *,
    user: "User",
    today: dt.date,
    organization: Organization | None = None,
    category: str = "",
    source_kind: str = "",
    year: int | None = None,
    person_id: int | None = None,
    due_from: dt.date | None = None,
    due_to: dt.date | None = None,
    query: str = "",
    waiting_for=None,
    **ignored,
) -> dict[str, int]:
    """{status code: count} of the board's commitments for these filters (any status).

    Organisation, category, source and year are read from the status tallies (a few hundred rows even at
    the root of a province); a person, a date range or a text search is counted live."""
    from neuguong.access.scope import scope_for

    scope = scope_for(user)
    live_only = bool(person_id or due_from or due_to or query or waiting_for)
    if not live_only and tally_ready(today):
        if organization is not None:
            roots = [organization.pk] if scope.can_read_path(organization.path) else None
        elif scope.reads_everything:
            roots = list(Organization.objects.filter(parent__isnull=True).values_list("pk", flat=True))
        else:
            roots = [path_ids(path)[-1] for path in scope.read_paths]
        if roots is not None:
            filters: dict[str, Any] = {
                key: value for key, value in (("category", category), ("source_kind", source_kind)) if value
            }
            months = (year * 100 + 1, year * 100 + 12) if year else None
            counts = dict.fromkeys(STATUS_CODES, 0)
            for row in tally_rows(StatusTally, roots, group=(), months=months, **filters):
                counts[row["status"]] += row["total"]
            if organization is None and scope.person_id and not scope.reads_everything:
                # The user's own commitments outside the subtrees they read (visible to them as well).
                own = Commitment.objects.filter(responsible_person_id=scope.person_id).exclude(
                    scope.read_q("organization__path")
                )
                own = own.filter(**filters)
                if year:
                    own = own.filter(deadline__year=year)
                for code, n in status_counts(own, today).items():
                    counts[code] += n
            return counts
    qs = commitment_list(
        user=user,
        today=today,
        organization=organization,
        category=category,
        source_kind=source_kind,
        year=year,
        person_id=person_id,
        due_from=due_from,
        due_to=due_to,
        query=query,
        waiting_for=waiting_for,
    )
    return status_counts(qs, today)


@dataclass
class SummaryRow:
    organization: Organization
    counts: dict[str, int]
    # Open commitments waiting on a decision whose deadline has passed: overdue for the on-time rate.
    pending_past_deadline: int = 0

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def on_time_rate(self) -> float | None:
        """The one on-time rate (commitments.status.on_time_rate), a fraction."""
        return status_on_time_rate(self.counts, pending_past_deadline=self.pending_past_deadline)

    @property
    def overdue(self) -> int:
        return self.counts[OPEN_OVERDUE]


def summary_children(organization: Organization):
    """The active children of `organization`, in the summary's order (a queryset, to page)."""
    return organization.children.filter(dissolved_on__isnull=True).order_by("name_folded", "id")


def subtree_summary(
    *, user: "User", organization: Organization, today: dt.date, children: list[Organization] | None = None
) -> tuple[SummaryRow, list[SummaryRow]]:
    """Counts per status for `organization` (whole subtree) and for each direct child's subtree (all the
    active children, or the page of them given as `children`).

    From the status tallies when they are current (two queries whatever the size of the subtree).
    Otherwise three queries: the children, the (id, path) of the organisations in the subtree, and one
    GROUP BY organisation over the subtree's commitments; each organisation id is then folded into its
    child of `organization` from its path (no recursion, no query per child)."""
    from neuguong.access.scope import scope_for

    if children is None:
        children = list(summary_children(organization))
    if scope_for(user).can_read_path(organization.path) and tally_ready(today):
        # Everything under the organisation is visible: each subtree's counts are its tally rows.
        counts = {pk: dict.fromkeys(STATUS_CODES, 0) for pk in [organization.pk, *(c.pk for c in children)]}
        pending_past = dict.fromkeys(counts, 0)
        for row in tally_rows(OrgTally, list(counts), group=("organization_id",), period=0):
            counts[row["organization_id"]][row["status"]] += row["total"]
            if row["past"] and row["status"] in PENDING_STATUSES:
                pending_past[row["organization_id"]] += row["total"]
        total = SummaryRow(organization, counts[organization.pk], pending_past[organization.pk])
        return total, [SummaryRow(child, counts[child.pk], pending_past[child.pk]) for child in children]
    child_of: dict[int, int | None] = {}
    prefix_len = len(organization.path)
    for org_id, path in Organization.objects.filter(path__startswith=organization.path).values_list(
        "id", "path"
    ):
        head = path[prefix_len:].split("/", 1)[0]
        child_of[org_id] = int(head) if head else None
    # One row per organisation with the eight counts as FILTERed aggregates: a hash aggregate over the
    # subtree, no sort of (organisation, status) pairs.
    against_original = against_original_default()
    aggregates = {
        code: Count("pk", filter=status_q(code, today, against_original=against_original))
        for code in STATUS_CODES
    }
    pending = Q()
    for code in PENDING_STATUSES:
        pending |= status_q(code, today, against_original=against_original)
    aggregates["pending_past"] = Count("pk", filter=pending & Q(deadline__lt=today))
    qs = Commitment.objects.visible_to(user).filter(organization__path__startswith=organization.path)
    if len(child_of) <= SUBTREE_HINT_MAX:
        qs = qs.filter(organization_id__in=list(child_of))
    rows = qs.order_by().values("organization_id").annotate(**aggregates)
    totals = dict.fromkeys(STATUS_CODES, 0)
    per_child: dict[int, dict[str, int]] = {child.pk: dict.fromkeys(STATUS_CODES, 0) for child in children}
    past_total = 0
    past_per_child = dict.fromkeys(per_child, 0)
    for row in rows:
        child_id = child_of.get(row["organization_id"])
        past_total += row["pending_past"]
        if child_id in per_child:
            past_per_child[child_id] += row["pending_past"]
        for code in STATUS_CODES:
            totals[code] += row[code]
            if child_id in per_child:
                per_child[child_id][code] += row[code]
    return SummaryRow(organization, totals, past_total), [
        SummaryRow(child, per_child[child.pk], past_per_child[child.pk]) for child in children
    ]


def deadline_groups(commitments) -> list[tuple[str, str, list, str]]:
    """Group 'my commitments' by status for display, in the order a person should act on them."""
    order = [
        "open_overdue",
        "returned",
        "open_on_time",
        "extension_requested",
        "awaiting_confirmation",
        "suspended",
        "done_late",
        "done_on_time",
        "cancelled",
    ]
    groups: dict[str, list] = {code: [] for code in order}
    for commitment in commitments:
        groups[commitment.status_code].append(commitment)
    from .status import STATUS_COLOURS, STATUS_LABELS

    return [(code, STATUS_LABELS[code], groups[code], STATUS_COLOURS[code]) for code in order if groups[code]]


def status_of(commitment: Commitment, today: dt.date) -> str:
    return getattr(commitment, "status_code", None) or commitment_status(commitment, today)


def heads_of_agencies(*, user: "User", organization: Organization) -> list:
    """Heads (người đứng đầu) of every agency in `organization`'s subtree that the user may see, plus
    people holding a current head-of-agency post there."""
    from neuguong.people.models import Person

    head_ids = head_of_agency_ids(user=user, organization=organization)
    return list(Person.objects.filter(pk__in=head_ids).select_related("organization").order_by("name_folded"))


def head_of_agency_ids(*, user, organization: Organization) -> set[int]:
    """The ids of `heads_of_agencies` (what a page that counts their commitments needs first)."""
    from neuguong.core.dates import local_today
    from neuguong.organizations.models import Agency
    from neuguong.people.models import Person, PositionTitle

    today = local_today()
    head_ids = set(
        Agency.objects.visible_to(user)
        .filter(organization__path__startswith=organization.path, head__isnull=False)
        .values_list("head_id", flat=True)
    )
    # One filter() call: every condition holds for the same post. An exclude() of ended posts dropped
    # anyone who had ever left any post, a current head included.
    head_ids |= set(
        Person.objects.visible_to(user)
        .filter(
            Q(positions__ended_on__isnull=True) | Q(positions__ended_on__gte=today),
            positions__title=PositionTitle.HEAD_OF_AGENCY,
            positions__organization__path__startswith=organization.path,
            positions__started_on__lte=today,
        )
        .order_by()  # a set: sorting 1,500 heads by name read every one of their rows (34 → 6 ms)
        .values_list("pk", flat=True)
    )
    return head_ids


def pledge_items(pledge: Pledge) -> list[str]:
    """The items of a registered pledge, in the order they were written (they became commitments)."""
    from django.contrib.contenttypes.models import ContentType

    return list(
        Commitment.objects.filter(
            source_type=ContentType.objects.get_for_model(Pledge),
            source_id=pledge.pk,
            responsible_person=pledge.person,
        )
        .order_by("pk")
        .values_list("title", flat=True)
    )
