"""Reads for targets and scoring, always scoped to what `user` may see. Statuses come from `rules`;
totals are summed from component scores (SQL for lists and rankings, Python for the breakdown)."""

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Count, DateField, DecimalField, Exists, OuterRef, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404

from neuguong.access.scope import scope_for
from neuguong.audit.selectors import history_for_records
from neuguong.organizations.models import Organization

from . import rules
from .models import (
    Actual,
    ActualEvidence,
    AgencyAssessment,
    AnnualTarget,
    Area,
    AssessmentStatus,
    Component,
    ComponentScore,
    Indicator,
    ScoreEvidence,
    ScoringCycle,
    ScoringSet,
    SetStatus,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import User

ZERO = Decimal("0.00")


def _get(queryset, pk):
    try:
        return queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError, OverflowError) as exc:
        raise Http404 from exc


# --------------------------------------------------------------------------------------------- targets
def indicator_list(*, user: "User", query: str = ""):
    qs = Indicator.objects.visible_to(user).select_related("organization")
    if query:
        from neuguong.core.text import search_key

        key = search_key(query)
        qs = qs.filter(Q(name_folded__contains=key) | Q(code__iexact=query.strip()[:32]))
    return qs.order_by("organization__path", "code")


def indicator_get(*, user: "User", indicator_id) -> Indicator:
    return _get(Indicator.objects.visible_to(user).select_related("organization"), indicator_id)


def indicator_for_write(*, user: "User", indicator_id) -> Indicator:
    """The indicator, when the user may change it (write scope over its committee); else 404."""
    indicator = indicator_get(user=user, indicator_id=indicator_id)
    if not scope_for(user).can_write_path(indicator.organization.path):
        raise Http404
    return indicator


def annual_target_get(*, user: "User", target_id) -> AnnualTarget:
    return _get(
        AnnualTarget.objects.visible_to(user).select_related(
            "indicator__organization", "agency__organization"
        ),
        target_id,
    )


def annual_target_page(*, user: "User", target_id) -> AnnualTarget:
    """The target with what its page shows: actuals with their evidence, indicator and agency."""
    return _get(
        AnnualTarget.objects.visible_to(user)
        .select_related("indicator__organization", "agency__organization")
        .prefetch_related("actuals__evidence"),
        target_id,
    )


def target_history(target: AnnualTarget) -> list[dict]:
    """The target's history with its period reports' (uses the prefetched actuals)."""
    return history_for_records([target, *target.actuals.all()])


def actual_evidence_get(*, user: "User", evidence_id) -> ActualEvidence:
    """A live evidence file of an actual the user may see, or 404."""
    return _get(
        ActualEvidence.objects.alive().filter(
            actual__annual_target__in=AnnualTarget.objects.visible_to(user)
        ),
        evidence_id,
    )


def annual_target_list(
    *,
    user: "User",
    year: int | None = None,
    indicator: Indicator | None = None,
    organization: Organization | None = None,
    query: str = "",
):
    """Targets the user may see, with indicator, agency and actuals loaded (two queries in all)."""
    qs = (
        AnnualTarget.objects.visible_to(user)
        .select_related("indicator", "agency__organization")
        .prefetch_related("actuals")
    )
    if year:
        qs = qs.filter(year=year)
    if indicator is not None:
        qs = qs.filter(indicator=indicator)
    if organization is not None:
        qs = qs.filter(agency__organization__path__startswith=organization.path)
    if query:
        from neuguong.core.text import search_key

        key = search_key(query)
        qs = qs.filter(Q(indicator__name_folded__contains=key) | Q(agency__name_folded__contains=key))
    return qs.order_by("indicator__code", "agency__name", "year")


@dataclass
class PeriodCell:
    period: int
    label: str
    value: Decimal | None
    status: str
    deadline: dt.date
    reporting: str
    actual: Actual | None = None

    @property
    def status_label(self) -> str:
        return rules.STATUS_LABELS[self.status]

    @property
    def status_colour(self) -> str:
        return rules.STATUS_COLOURS[self.status]

    @property
    def reporting_label(self) -> str:
        return rules.REPORTING_LABELS[self.reporting]

    @property
    def value_text(self) -> str:
        return rules.format_number(self.value)


def target_periods(target: AnnualTarget, today: dt.date) -> list[PeriodCell]:
    """Every period of the year with its value, status (one rule) and reporting state (uses prefetched actuals)."""
    indicator = target.indicator
    by_period = {a.period: a for a in target.actuals.all()}
    cells = []
    for period in range(1, rules.period_count(indicator.frequency) + 1):
        actual = by_period.get(period)
        deadline = rules.report_deadline(target.year, indicator.frequency, period, indicator.report_due_days)
        cells.append(
            PeriodCell(
                period=period,
                label=rules.period_label(target.year, indicator.frequency, period),
                value=actual.value if actual else None,
                status=rules.target_status(
                    indicator.direction, target.target_value, actual.value if actual else None
                ),
                deadline=deadline,
                reporting=rules.reporting_state(deadline, actual.reported_on if actual else None, today),
                actual=actual,
            )
        )
    return cells


def latest_cell(cells: list[PeriodCell]) -> PeriodCell | None:
    reported = [c for c in cells if c.value is not None]
    return reported[-1] if reported else None


@dataclass
class RollupPeriod:
    period: int
    label: str
    counts: dict[str, int] = field(default_factory=dict)
    value_sum: Decimal = ZERO
    target_sum: Decimal = ZERO
    reported: int = 0
    overdue: int = 0

    @property
    def value_mean(self) -> Decimal | None:
        return (self.value_sum / self.reported).quantize(Decimal("0.01")) if self.reported else None

    @property
    def reached(self) -> int:
        return self.counts.get(rules.MET, 0) + self.counts.get(rules.EXCEEDED, 0)


def indicator_rollup(
    *, user: "User", indicator: Indicator, year: int, organization: Organization | None, today: dt.date
):
    """Per period, how many agencies of the subtree exceeded / met / missed the target or did not report,
    with the sum and mean of reported values. Two queries whatever the number of agencies."""
    targets = list(annual_target_list(user=user, year=year, indicator=indicator, organization=organization))
    count = rules.period_count(indicator.frequency)
    periods = [
        RollupPeriod(
            period=p,
            label=rules.period_label(year, indicator.frequency, p),
            counts=dict.fromkeys(rules.STATUS_ORDER, 0),
        )
        for p in range(1, count + 1)
    ]
    rows = []
    for target in targets:
        cells = target_periods(target, today)
        rows.append({"target": target, "cells": cells})
        for cell, bucket in zip(cells, periods, strict=True):
            bucket.counts[cell.status] += 1
            bucket.target_sum += target.target_value
            if cell.value is not None:
                bucket.reported += 1
                bucket.value_sum += cell.value
            if cell.reporting == rules.OVERDUE:
                bucket.overdue += 1
    return {"periods": periods, "rows": rows, "agencies": len(targets)}


# Parts of one UNION statement (SQLite allows 500 compound SELECTs).
UNION_PARTS = 400


def overdue_reports(
    *, user: "User", today: dt.date, organization: Organization | None = None, limit: int = 500
):
    """Periods whose reporting deadline has passed without a value (this year and last), oldest deadline
    first, then by agency. Found in the database, `limit` at most: each (indicator, year, period) whose
    deadline has passed is one part of a UNION of the targets lacking that period's value (a province's
    office sees tens of thousands of targets; reading each one's periods in Python took seconds on every
    home page). Only the rows returned are read whole."""
    years = [today.year - 1, today.year]
    visible = AnnualTarget.objects.visible_to(user).filter(year__in=years)
    if organization is not None:
        visible = visible.filter(agency__organization__path__startswith=organization.path)
    parts = []
    for indicator_id, year, frequency, due_days in (
        visible.values_list("indicator_id", "year", "indicator__frequency", "indicator__report_due_days")
        .distinct()
        .order_by()
    ):
        for period in range(1, rules.period_count(frequency) + 1):
            deadline = rules.report_deadline(year, frequency, period, due_days)
            if rules.reporting_state(deadline, None, today) != rules.OVERDUE:
                continue
            reported = Actual.objects.filter(annual_target=OuterRef("pk"), period=period)
            parts.append(
                visible.filter(indicator_id=indicator_id, year=year)
                .filter(~Exists(reported))
                .annotate(overdue_period=Value(period), overdue_deadline=Value(deadline, DateField()))
                .values_list("pk", "overdue_period", "overdue_deadline", "agency__name")
                .order_by()
            )
    found: list[tuple] = []
    for start in range(0, len(parts), UNION_PARTS):
        first, *rest = parts[start : start + UNION_PARTS]
        combined = first.union(*rest, all=True) if rest else first
        found += list(combined.order_by("overdue_deadline", "agency__name", "pk")[:limit])
    found = sorted(found, key=lambda row: (row[2], row[3], row[0]))[:limit]
    targets = annual_target_list(user=user).in_bulk({pk for pk, *_ in found})
    out = []
    for pk, period, _deadline, _name in found:
        target = targets[pk]
        cell = target_periods(target, today)[period - 1]
        out.append({"target": target, "cell": cell, "days_late": (today - cell.deadline).days})
    return out


# --------------------------------------------------------------------------------------------- scoring
def scoring_set_list(*, user: "User"):
    """The PAR-index sets the user may read (evaluation criteria trees live in `evaluation`)."""
    return (
        ScoringSet.objects.visible_to(user)
        .cchc()
        .select_related("organization")
        .annotate(component_count=Count("areas__criteria__components"))
    )


def scoring_set_get(*, user: "User", set_id) -> ScoringSet:
    return _get(
        ScoringSet.objects.visible_to(user).cchc().select_related("organization", "copied_from"), set_id
    )


def component_for_edit(*, user: "User", component_id) -> Component:
    """A component of a draft set the user may change, or 404 (a published set is frozen)."""
    component = _get(
        Component.objects.select_related("criterion__area__scoring_set__organization").filter(
            criterion__area__scoring_set__in=ScoringSet.objects.visible_to(user).cchc()
        ),
        component_id,
    )
    scoring_set = component.criterion.area.scoring_set
    if scoring_set.status != SetStatus.DRAFT or not scope_for(user).can_write_path(
        scoring_set.organization.path
    ):
        raise Http404
    return component


def set_maximum(scoring_set_id: int) -> Decimal:
    """The set's total maximum, summed from its components."""
    return Component.objects.filter(criterion__area__scoring_set_id=scoring_set_id).aggregate(
        total=Coalesce(Sum("max_points"), Value(ZERO), output_field=DecimalField())
    )["total"]


def cycle_list(*, user: "User"):
    """Cycles the user may see: organisers' tree (above or below) — an agency sees the cycles it is in."""
    return ScoringCycle.objects.visible_to(user).select_related("organization", "scoring_set")


def cycle_get(*, user: "User", cycle_id) -> ScoringCycle:
    return _get(ScoringCycle.objects.visible_to(user).select_related("organization", "scoring_set"), cycle_id)


def assessment_get(*, user: "User", assessment_id) -> AgencyAssessment:
    return _get(
        AgencyAssessment.objects.visible_to(user).select_related(
            "cycle__organization",
            "cycle__scoring_set",
            "agency__organization",
            "agency__head",
            "submitted_by",
        ),
        assessment_id,
    )


def assessment_component(*, assessment: AgencyAssessment, component_id) -> Component:
    """A component of the assessment's scoring set, or 404."""
    return _get(
        Component.objects.filter(criterion__area__scoring_set_id=assessment.cycle.scoring_set_id),
        component_id,
    )


def score_evidence_get(*, user: "User", evidence_id) -> ScoreEvidence:
    """A live evidence file of a self-score in an assessment the user may see, or 404."""
    return _get(
        ScoreEvidence.objects.alive().filter(score__assessment__in=AgencyAssessment.objects.visible_to(user)),
        evidence_id,
    )


def assessment_totals(assessment_ids) -> dict[int, Mapping[str, Any]]:
    # {assessment id: {"self_total", "appraised_total": Decimal, "scored", "appraised": int}}
    """Self and appraised totals per assessment, summed in SQL from component scores (one query)."""
    decimal = DecimalField(max_digits=12, decimal_places=2)
    rows = (
        ComponentScore.objects.filter(assessment_id__in=assessment_ids)
        .values("assessment_id")
        .annotate(
            self_total=Coalesce(Sum("self_score"), Value(ZERO), output_field=decimal),
            appraised_total=Coalesce(Sum("appraised_score"), Value(ZERO), output_field=decimal),
            scored=Count("self_score"),
            appraised=Count("appraised_score"),
        )
    )
    return {row["assessment_id"]: row for row in rows}


def cycle_assessments(*, user: "User", cycle: ScoringCycle):
    """The cycle's assessments the user may see, with agency loaded."""
    return (
        AgencyAssessment.objects.visible_to(user)
        .filter(cycle=cycle)
        .select_related("agency__organization")
        .order_by("agency__name")
    )


@dataclass
class RankRow:
    assessment: AgencyAssessment
    self_total: Decimal
    appraised_total: Decimal
    survey: Decimal
    final: Decimal
    percent: Decimal
    rank: int
    band: str


def cycle_ranking(*, user: "User", cycle: ScoringCycle) -> dict:
    """Final score, rank and band of every finalised agency. Ranks are computed over the whole cycle, so an
    agency's rank is the same whoever asks; only the rows the user may see are returned (three queries)."""
    finalised = list(
        cycle.assessments.filter(status=AssessmentStatus.FINALISED).select_related("agency__organization")
    )
    totals = assessment_totals([a.pk for a in finalised])
    maximum = set_maximum(cycle.scoring_set_id) + cycle.survey_max_points
    finals = {}
    for assessment in finalised:
        total = totals.get(assessment.pk, {}).get("appraised_total", ZERO)
        finals[assessment.pk] = total + (assessment.survey_score or ZERO)
    ranks = rules.competition_ranks(finals.items())
    visible = set(AgencyAssessment.objects.visible_to(user).filter(cycle=cycle).values_list("pk", flat=True))
    rows = [
        RankRow(
            assessment=a,
            self_total=totals.get(a.pk, {}).get("self_total", ZERO),
            appraised_total=totals.get(a.pk, {}).get("appraised_total", ZERO),
            survey=a.survey_score or ZERO,
            final=finals[a.pk],
            percent=rules.percent_of(finals[a.pk], maximum),
            rank=ranks[a.pk],
            band=rules.band_for(finals[a.pk], maximum, cycle.bands),
        )
        for a in finalised
        if a.pk in visible
    ]
    rows.sort(key=lambda r: (r.rank, r.assessment.agency.name))
    return {"rows": rows, "maximum": maximum, "finalised": len(finalised)}


def assessment_breakdown(assessment: AgencyAssessment, *, show_appraisal: bool) -> dict:
    """Area → criterion → component with self and appraised scores, evidence, comments and subtotals, summed
    here in Python with Decimal (five queries). Appraisal values are left out when not shown."""
    cycle = assessment.cycle
    areas = list(
        Area.objects.filter(scoring_set_id=cycle.scoring_set_id).prefetch_related("criteria__components")
    )
    scores = {s.component_id: s for s in assessment.scores.all()}
    evidence = defaultdict(list)
    for item in ScoreEvidence.objects.alive().filter(score__assessment=assessment).order_by("uploaded_at"):
        evidence[item.score_id].append(item)
    self_total = appraised_total = max_total = ZERO
    area_rows: list[dict[str, Any]] = []
    for area in areas:
        area_self = area_appraised = area_max = ZERO
        criterion_rows = []
        for criterion in area.criteria.all():
            crit_self = crit_appraised = crit_max = ZERO
            component_rows = []
            for component in criterion.components.all():
                score = scores.get(component.pk)
                self_score = score.self_score if score else None
                appraised = score.appraised_score if (score and show_appraisal) else None
                crit_self += self_score or ZERO
                crit_appraised += appraised or ZERO
                crit_max += component.max_points
                component_rows.append(
                    {
                        "component": component,
                        "score": score,
                        "self_score": self_score,
                        "appraised": appraised,
                        "comment": score.appraisal_comment if (score and show_appraisal) else "",
                        "evidence": evidence.get(score.pk, []) if score else [],
                    }
                )
            criterion_rows.append(
                {
                    "criterion": criterion,
                    "components": component_rows,
                    "self_total": crit_self,
                    "appraised_total": crit_appraised,
                    "max_total": crit_max,
                }
            )
            area_self += crit_self
            area_appraised += crit_appraised
            area_max += crit_max
        area_rows.append(
            {
                "area": area,
                "criteria": criterion_rows,
                "self_total": area_self,
                "appraised_total": area_appraised,
                "max_total": area_max,
            }
        )
        self_total += area_self
        appraised_total += area_appraised
        max_total += area_max
    survey = (assessment.survey_score or ZERO) if show_appraisal else ZERO
    maximum = max_total + cycle.survey_max_points
    final = appraised_total + survey
    terms = " + ".join(rules.format_number(a["appraised_total"]) for a in area_rows)
    arithmetic = f"{terms} = {rules.format_number(appraised_total)}"
    if cycle.survey_max_points:
        arithmetic += f"; cộng điểm điều tra {rules.format_number(survey)} = {rules.format_number(final)}"
    return {
        "areas": area_rows,
        "self_total": self_total,
        "appraised_total": appraised_total,
        "survey": survey,
        "final": final,
        "max_set": max_total,
        "maximum": maximum,
        "percent": rules.percent_of(final, maximum),
        "band": rules.band_for(final, maximum, cycle.bands),
        "arithmetic": arithmetic,
        "self_arithmetic": " + ".join(rules.format_number(a["self_total"]) for a in area_rows)
        + f" = {rules.format_number(self_total)}",
        "show_appraisal": show_appraisal,
    }
