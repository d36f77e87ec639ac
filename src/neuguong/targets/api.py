"""/api/v1/targets and /api/v1/scoring/...: the same selectors and services as the pages, the same scope.
Appraisal scores are left out until an assessment is finalised, unless the caller organises or appraises."""

import datetime as dt

from django.http import Http404
from ninja import Query, Router, Schema

from neuguong.access.scope import scope_for
from neuguong.core.api import FIRST_PAGE, Id, PageParams, Year, paginate_queryset
from neuguong.core.dates import local_today
from neuguong.organizations.models import Organization

from . import selectors, services

router = Router(tags=["targets"])


class PeriodOut(Schema):
    period: int
    label: str
    value: str | None
    status: str
    deadline: dt.date
    reporting: str


class TargetOut(Schema):
    id: int
    indicator_code: str
    indicator: str
    unit: str
    direction: str
    agency_code: str
    agency: str
    year: int
    target_value: str
    periods: list[PeriodOut]


class TargetPage(Schema):
    items: list[TargetOut]
    count: int


class ActualIn(Schema):
    period: int
    value: str
    note: str = ""


def _target_out(target, today) -> dict:
    return {
        "id": target.pk,
        "indicator_code": target.indicator.code,
        "indicator": target.indicator.name,
        "unit": target.indicator.unit,
        "direction": target.indicator.direction,
        "agency_code": target.agency.code,
        "agency": target.agency.name,
        "year": target.year,
        "target_value": _pts(target.target_value),
        "periods": [
            {
                "period": c.period,
                "label": c.label,
                "value": _pts(c.value),
                "status": c.status,
                "deadline": c.deadline,
                "reporting": c.reporting,
            }
            for c in selectors.target_periods(target, today)
        ],
    }


def _org(user, code: str):
    if not code:
        return None
    organization = Organization.objects.visible_to(user).filter(code=code[:32]).first()
    if organization is None:
        raise Http404
    return organization


@router.get("/targets", response=TargetPage)
def list_targets(
    request, year: Year | None = None, org: str = "", q: str = "", paging: Query[PageParams] = FIRST_PAGE
):
    qs = selectors.annual_target_list(
        user=request.user, year=year, organization=_org(request.user, org), query=q[:100]
    )
    items, count = paginate_queryset(qs, paging)
    today = local_today()
    return {"items": [_target_out(t, today) for t in items], "count": count}


@router.get("/targets/{target_id}", response=TargetOut)
def get_target(request, target_id: Id):
    target = selectors.annual_target_get(user=request.user, target_id=target_id)
    return _target_out(target, local_today())


@router.post("/targets/{target_id}/actuals", response={201: TargetOut})
def post_actual(request, target_id: Id, payload: ActualIn):
    target = selectors.annual_target_get(user=request.user, target_id=target_id)
    services.actual_record(
        actor=request.user,
        annual_target=target,
        period=payload.period,
        value=payload.value,
        note=payload.note,
    )
    return 201, _target_out(
        selectors.annual_target_get(user=request.user, target_id=target_id), local_today()
    )


# ------------------------------------------------------------------------------------------------ scoring
class SetOut(Schema):
    id: int
    name: str
    year: int
    version: int
    status: str
    organization: str
    components: int


class ComponentOut(Schema):
    code: str
    name: str
    max_points: str
    guide: str


class CriterionOut(ComponentOut):
    components: list[ComponentOut]


class AreaOut(Schema):
    code: str
    name: str
    max_points: str
    criteria: list[CriterionOut]


class SetDetailOut(SetOut):
    areas: list[AreaOut]


class AssessmentOut(Schema):
    id: int
    agency_code: str
    agency: str
    status: str
    self_total: str
    appraised_total: str | None
    survey_score: str | None
    submitted_late: bool


class RankOut(Schema):
    rank: int
    agency_code: str
    agency: str
    self_total: str
    appraised_total: str
    survey_score: str
    final_score: str
    percent: str
    band: str


class RankingOut(Schema):
    cycle: str
    maximum: str
    items: list[RankOut]


def _set_out(s, components: int) -> dict:
    return {
        "id": s.pk,
        "name": s.name,
        "year": s.year,
        "version": s.version,
        "status": s.status,
        "organization": s.organization.code,
        "components": components,
    }


def _pts(value) -> str | None:
    """Decimal as plain text without trailing zeros (20.00 → "20", 8.50 → "8.5")."""
    return format(value.normalize(), "f") if value is not None else None


@router.get("/scoring/sets", response=list[SetOut])
def list_sets(request):
    return [_set_out(s, s.component_count) for s in selectors.scoring_set_list(user=request.user)[:500]]


@router.get("/scoring/sets/{set_id}", response=SetDetailOut)
def get_set(request, set_id: Id):
    s = selectors.scoring_set_get(user=request.user, set_id=set_id)
    areas = list(s.areas.prefetch_related("criteria__components"))
    out = _set_out(s, sum(len(c.components.all()) for a in areas for c in a.criteria.all()))
    out["areas"] = [
        {
            "code": a.code,
            "name": a.name,
            "max_points": _pts(a.max_points),
            "criteria": [
                {
                    "code": c.code,
                    "name": c.name,
                    "max_points": _pts(c.max_points),
                    "guide": c.guide,
                    "components": [
                        {"code": x.code, "name": x.name, "max_points": _pts(x.max_points), "guide": x.guide}
                        for x in c.components.all()
                    ],
                }
                for c in a.criteria.all()
            ],
        }
        for a in areas
    ]
    return out


class CycleOut(Schema):
    id: int
    name: str
    year: int
    organization: str
    scoring_set_id: int
    self_deadline: dt.date
    survey_max_points: str


@router.get("/scoring/cycles", response=list[CycleOut])
def list_cycles(request):
    return [
        {
            "id": c.pk,
            "name": c.name,
            "year": c.year,
            "organization": c.organization.code,
            "scoring_set_id": c.scoring_set_id,
            "self_deadline": c.self_deadline,
            "survey_max_points": _pts(c.survey_max_points),
        }
        for c in selectors.cycle_list(user=request.user)[:500]
    ]


@router.get("/scoring/cycles/{cycle_id}/assessments", response=list[AssessmentOut])
def list_assessments(request, cycle_id: Id):
    cycle = selectors.cycle_get(user=request.user, cycle_id=cycle_id)
    assessments = list(selectors.cycle_assessments(user=request.user, cycle=cycle))
    totals = selectors.assessment_totals([a.pk for a in assessments])
    organiser = services.is_team_member(request.user, cycle) or scope_for(request.user).can_read_path(
        cycle.organization.path
    )
    out = []
    for a in assessments:
        shown = organiser or a.is_finalised
        t = totals.get(a.pk, {})
        out.append(
            {
                "id": a.pk,
                "agency_code": a.agency.code,
                "agency": a.agency.name,
                "status": a.status,
                "self_total": _pts(t.get("self_total", selectors.ZERO)),
                "appraised_total": _pts(t.get("appraised_total", selectors.ZERO)) if shown else None,
                "survey_score": _pts(a.survey_score) if shown else None,
                "submitted_late": a.submitted_late,
            }
        )
    return out


@router.get("/scoring/cycles/{cycle_id}/ranking", response=RankingOut)
def get_ranking(request, cycle_id: Id):
    cycle = selectors.cycle_get(user=request.user, cycle_id=cycle_id)
    ranking = selectors.cycle_ranking(user=request.user, cycle=cycle)
    return {
        "cycle": cycle.name,
        "maximum": _pts(ranking["maximum"]),
        "items": [
            {
                "rank": r.rank,
                "agency_code": r.assessment.agency.code,
                "agency": r.assessment.agency.name,
                "self_total": _pts(r.self_total),
                "appraised_total": _pts(r.appraised_total),
                "survey_score": _pts(r.survey),
                "final_score": _pts(r.final),
                "percent": _pts(r.percent),
                "band": r.band,
            }
            for r in ranking["rows"]
        ],
    }
