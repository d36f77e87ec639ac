"""Reads of the annual review, always scoped (`visible_to`). The figures — counts by level per grassroots
organisation or group, the quota check, last year's comparison, pledges kept — come from `summarize`,
which the period page, the report page, the DOCX, the XLSX annexes and the API all call."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q
from django.http import Http404

from neuguong.core.text import search_key
from neuguong.organizations.models import GRASSROOTS_KINDS, Organization

from . import levels
from .levels import LEVELS, Level
from .models import (
    AWAITING_DECISION,
    FINAL_STATES,
    Discipline,
    EntryStep,
    Period,
    PeriodState,
    Review,
    ReviewEntry,
    ReviewState,
    RuleSet,
)

_NOT_FOUND = (ValueError, TypeError, OverflowError)


def _get(queryset, pk):
    try:
        return queryset.get(pk=int(pk))
    except (*_NOT_FOUND, queryset.model.DoesNotExist) as exc:
        raise Http404 from exc


# ------------------------------------------------------------------------------------------------ rule sets
def rule_set_list(*, user):
    return (
        RuleSet.objects.visible_to(user)
        .select_related("organization", "copied_from")
        .annotate(period_count=Count("periods"))
        .order_by("-year_from", "code", "-version")
    )


def rule_set_get(*, user, rule_set_id) -> RuleSet:
    return _get(RuleSet.objects.visible_to(user).select_related("organization", "copied_from"), rule_set_id)


def rule_set_parts(rule_set: RuleSet) -> list[dict]:
    """Each kind of subject with its criteria (areas → criteria → components), a few queries."""
    from .services.common import criteria_of

    parts = []
    for part in rule_set.parts.select_related("criteria").order_by("subject_kind"):
        criteria = criteria_of(part, rule_set.method)
        areas = list(part.criteria.areas.prefetch_related("criteria__components"))
        parts.append({"part": part, "areas": areas, "criteria": criteria})
    return parts


# ------------------------------------------------------------------------------------------------ periods
PERIOD_SORTS = {
    "new": ("-year", "-ends_on", "organization__path", "id"),
    "old": ("year", "ends_on", "organization__path", "id"),
    "org": ("organization__name_folded", "-year", "id"),
}


def period_list(
    *,
    user,
    year: int | None = None,
    organization: Organization | None = None,
    state: str = "",
    query: str = "",
    sort: str = "new",
):
    qs = Period.objects.visible_to(user).select_related("organization", "rule_set", "decision_document")
    if year:
        qs = qs.filter(year=year)
    if organization is not None:
        qs = qs.filter(organization__path__startswith=organization.path)
    if state in PeriodState.values:
        qs = qs.filter(state=state)
    key = search_key(query)
    if key:
        qs = qs.filter(organization__name_folded__contains=key)
    counted = ~Q(reviews__state=ReviewState.LEFT)
    qs = qs.annotate(
        review_count=Count("reviews", filter=counted),
        proposed_count=Count("reviews", filter=Q(reviews__state__in=AWAITING_DECISION)),
        final_count=Count("reviews", filter=Q(reviews__state__in=FINAL_STATES)),
        self_count=Count(
            "reviews", filter=~Q(reviews__state__in=(ReviewState.NOT_STARTED, ReviewState.LEFT))
        ),
    )
    return qs.order_by(*PERIOD_SORTS.get(sort, PERIOD_SORTS["new"]))


def period_get(*, user, period_id) -> Period:
    return _get(
        Period.objects.visible_to(user).select_related(
            "organization", "rule_set", "decision_document", "decided_by", "term"
        ),
        period_id,
    )


# ------------------------------------------------------------------------------------------------ reviews
REVIEW_SORTS = {
    "name": ("home_organization__path", "person__name_folded", "organization__name_folded", "id"),
    "state": ("state", "home_organization__path", "person__name_folded", "id"),
    "level": ("decided_level", "proposed_level", "person__name_folded", "id"),
    "score": ("-proposed_score", "-self_score", "person__name_folded", "id"),
}


def review_list(
    *,
    user,
    period: Period,
    state: str = "",
    query: str = "",
    organization: Organization | None = None,
    level: str = "",
    sort: str = "name",
):
    """The period's reviews the user may see (not those who left unless asked), subject and organisation
    joined (no query per row)."""
    qs = (
        Review.objects.visible_to(user)
        .filter(period=period)
        .select_related("person", "organization", "home_organization", "transferred_from")
    )
    # Those who left the audience are listed only when asked for.
    qs = qs.filter(state=state) if state in ReviewState.values else qs.exclude(state=ReviewState.LEFT)
    if level in Level.values:
        qs = qs.filter(Q(decided_level=level) | Q(decided_level="", proposed_level=level))
    if organization is not None:
        qs = qs.filter(home_organization__path__startswith=organization.path)
    key = search_key(query)
    if key:
        qs = qs.filter(Q(person__name_folded__contains=key) | Q(organization__name_folded__contains=key))
    return qs.order_by(*REVIEW_SORTS.get(sort, REVIEW_SORTS["name"]))


def review_get(*, user, review_id) -> Review:
    return _get(
        Review.objects.visible_to(user).select_related(
            "period__organization",
            "period__rule_set",
            "period__decision_document",
            "person",
            "organization",
            "home_organization",
            "transferred_from",
        ),
        review_id,
    )


def my_reviews(*, user):
    """The user's own reviews, newest period first (a member's history)."""
    from neuguong.access.scope import scope_for

    person_id = scope_for(user).person_id
    if not person_id:
        return Review.objects.none()
    return (
        Review.objects.filter(person_id=person_id)
        .exclude(state=ReviewState.LEFT)
        .select_related("period__organization", "period__rule_set", "home_organization")
        .order_by("-period__year", "-period__ends_on", "-id")
    )


def shows_decision(user, review: Review) -> bool:
    """The decided level is the deciders' until published; the subject learns it at publication."""
    from neuguong.access.scope import scope_for

    if review.state == ReviewState.PUBLISHED:
        return True
    scope = scope_for(user)
    return scope.can_read_path(review.home_organization.path) or scope.can_read_path(
        review.period.organization.path
    )


def review_versions(review: Review) -> list[dict]:
    """Every round of the review, newest first, each with its steps in order (returned rounds kept)."""
    entries = list(
        ReviewEntry.objects.filter(review=review)
        .select_related("entered_by", "on_behalf_of")
        .order_by("created_at", "id")
    )
    rounds: dict[int, list[ReviewEntry]] = defaultdict(list)
    for entry in entries:
        rounds[entry.version].append(entry)
    return [
        {
            "version": version,
            "entries": rounds[version],
            "returned": any(e.step == EntryStep.RETURN for e in rounds[version]),
            "current": version == review.version,
        }
        for version in sorted(rounds, reverse=True)
    ]


def discipline_list(*, user, organization: Organization | None = None, year: int | None = None):
    qs = Discipline.objects.visible_to(user).select_related("person__organization", "organization")
    if organization is not None:
        qs = qs.filter(
            Q(person__organization__path__startswith=organization.path)
            | Q(organization__path__startswith=organization.path)
        )
    if year:
        qs = qs.filter(decided_on__year=year)
    return qs.order_by("-decided_on", "-id")


# ------------------------------------------------------------------------------------------------ figures
@dataclass
class Counts:
    """Counts by level of one row (decided levels; proposed ones separately until decided)."""

    label: str
    decided: dict[str, int] = field(default_factory=lambda: dict.fromkeys(Level.values, 0))
    proposed: dict[str, int] = field(default_factory=lambda: dict.fromkeys(Level.values, 0))
    excused: int = 0
    waiting: int = 0  # not yet proposed

    def add(self, state: str, decided: str, proposed: str) -> None:
        if state == ReviewState.EXCUSED:
            self.excused += 1
        elif decided and state in FINAL_STATES:
            self.decided[decided] += 1
        elif proposed and state in AWAITING_DECISION:
            self.proposed[proposed] += 1
        else:
            self.waiting += 1

    @property
    def classified(self) -> int:
        return sum(self.decided.values())

    @property
    def total(self) -> int:
        return self.classified + sum(self.proposed.values()) + self.excused + self.waiting

    def share(self, level: str) -> Decimal | None:
        return levels.percent(self.decided[level], self.classified)

    def as_dict(self) -> dict:
        return {
            "label": self.label,
            "levels": dict(self.decided),
            "proposed": dict(self.proposed),
            "excused": self.excused,
            "not_proposed": self.waiting,
            "classified": self.classified,
            "total": self.total,
        }


@dataclass
class Summary:
    members: Counts
    organizations: Counts
    member_rows: list[Counts]
    organization_rows: list[Counts]
    quota: list[levels.QuotaCheck]
    quota_applies: bool

    def as_dict(self) -> dict:
        return {
            "members": self.members.as_dict(),
            "organizations": self.organizations.as_dict(),
            "by_grassroots": [row.as_dict() for row in self.member_rows],
            "by_group": [row.as_dict() for row in self.organization_rows],
            "quota": [
                {
                    "group": q.group,
                    "htxs": q.excellent,
                    "htt": q.good,
                    "allowed": q.allowed,
                    "percent": str(q.percent),
                    "ok": q.ok,
                }
                for q in self.quota
            ],
        }


def _grassroots_names(paths: Iterable[str]) -> dict[str, str]:
    """For each organisation path, the name of the grassroots organisation on it (one query)."""
    paths = set(paths)
    ids = {int(part) for path in paths for part in path.strip("/").split("/") if part}
    orgs = {o["pk"]: o for o in Organization.objects.filter(pk__in=ids).values("pk", "path", "kind", "name")}
    names = {}
    for path in paths:
        parts = [int(p) for p in path.strip("/").split("/") if p]
        name = ""
        for pk in reversed(parts):
            org = orgs.get(pk)
            if org and org["kind"] in GRASSROOTS_KINDS:
                name = org["name"]
                break
        names[path] = name or (orgs[parts[-1]]["name"] if parts and parts[-1] in orgs else "")
    return names


def summarize(rows: Iterable[dict], *, rules: levels.Rules | None) -> Summary:
    """Figures from review rows (values: person_id, state, decided_level, proposed_level, appraised_level,
    quota_group, home_organization__path). The quota is checked on decided levels, or on proposed ones
    while nothing is decided (a preview for the deciders)."""
    rows = list(rows)
    grassroots = _grassroots_names(r["home_organization__path"] for r in rows if r["person_id"])
    members, organizations = Counts("Đảng viên"), Counts("Tổ chức đảng")
    member_rows: dict[str, Counts] = {}
    org_rows: dict[str, Counts] = {}
    for row in rows:
        if row["state"] == ReviewState.LEFT:
            continue
        proposed = row["appraised_level"] or row["proposed_level"]
        if row["person_id"]:
            label = grassroots.get(row["home_organization__path"], "")
            target, by = members, member_rows.setdefault(label, Counts(label))
        else:
            label = row["quota_group"]
            target, by = organizations, org_rows.setdefault(label, Counts(label))
        target.add(row["state"], row["decided_level"], proposed)
        by.add(row["state"], row["decided_level"], proposed)
    quota = []
    if rules is not None and rules.quota.applies:
        for group in [*member_rows.values(), *org_rows.values()]:
            counts = group.decided if group.classified else group.proposed
            quota.append(levels.quota_check(group.label, counts, rules.quota))
    return Summary(
        members=members,
        organizations=organizations,
        member_rows=sorted(member_rows.values(), key=lambda c: c.label),
        organization_rows=sorted(org_rows.values(), key=lambda c: c.label),
        quota=quota,
        quota_applies=bool(rules and rules.quota.applies),
    )


SUMMARY_FIELDS = (
    "person_id",
    "state",
    "decided_level",
    "proposed_level",
    "appraised_level",
    "quota_group",
    "home_organization__path",
)


def period_summary(*, user, period: Period) -> Summary:
    """The figures of one period over the reviews the user may see (page, XLSX and API alike)."""
    rows = Review.objects.visible_to(user).filter(period=period).values(*SUMMARY_FIELDS)
    return summarize(rows, rules=period.rule_set.rules())


@dataclass
class YearReport:
    organization: Organization
    year: int
    periods: list[Period]
    summary: Summary
    last_year: Summary
    pledges: list[dict]
    overrides: list[dict]

    def comparison(self) -> list[dict]:
        """Each level this year and last year (members), counts and shares."""
        rows = []
        for level in LEVELS:
            rows.append(
                {
                    "level": level,
                    "label": level.label,
                    "now": self.summary.members.decided[level],
                    "now_share": self.summary.members.share(level),
                    "before": self.last_year.members.decided[level],
                    "before_share": self.last_year.members.share(level),
                }
            )
        return rows

    def as_dict(self) -> dict:
        return {
            "organization": self.organization.code,
            "year": self.year,
            "periods": [p.pk for p in self.periods],
            **self.summary.as_dict(),
            "last_year": self.last_year.as_dict(),
            "pledges": self.pledges,
        }


def _year_reviews(user, organization: Organization, year: int):
    return Review.objects.visible_to(user).filter(
        period__year=year, period__organization__path__startswith=organization.path
    )


def year_report(*, user, organization: Organization, year: int) -> YearReport:
    """ "Báo cáo kết quả kiểm điểm, đánh giá, xếp loại chất lượng tổ chức đảng và đảng viên năm …" of the
    organisation's subtree: the periods of the year under it, figures, last year, pledges, decisions
    that set a rule aside (with the decider's reason)."""
    periods = list(
        Period.objects.visible_to(user)
        .filter(year=year, organization__path__startswith=organization.path)
        .select_related("organization", "rule_set", "decision_document")
        .order_by("organization__path")
    )
    rules = periods[0].rule_set.rules() if periods else None
    summary = summarize(_year_reviews(user, organization, year).values(*SUMMARY_FIELDS), rules=rules)
    last_rules = (
        Period.objects.filter(year=year - 1, organization__path__startswith=organization.path)
        .select_related("rule_set")
        .first()
    )
    last_year = summarize(
        _year_reviews(user, organization, year - 1).values(*SUMMARY_FIELDS),
        rules=last_rules.rule_set.rules() if last_rules else None,
    )
    pledges = []
    overrides = []
    for review in (
        _year_reviews(user, organization, year)
        .filter(person__isnull=False)
        .exclude(state=ReviewState.LEFT)
        .select_related("person", "home_organization")
        .order_by("home_organization__path", "person__name_folded", "id")
    ):
        pledge = (review.facts or {}).get("pledge") or {}
        if pledge.get("registered"):
            pledges.append(
                {
                    "name": review.person.full_name,
                    "organization": review.home_organization.name,
                    "kept": int(pledge.get("kept", 0)),
                    "broken": int(pledge.get("broken", 0)),
                    "pending": int(pledge.get("pending", 0)),
                    "level": review.decided_level or "",
                }
            )
        if review.decision_reason:
            overrides.append(
                {
                    "name": review.person.full_name,
                    "organization": review.home_organization.name,
                    "level": review.decided_level,
                    "reason": review.decision_reason,
                    "caps": [c["message"] for c in (review.assessment or {}).get("caps", [])],
                }
            )
    return YearReport(
        organization=organization,
        year=year,
        periods=periods,
        summary=summary,
        last_year=last_year,
        pledges=pledges,
        overrides=overrides,
    )
