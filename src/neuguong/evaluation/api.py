"""/api/v1/evaluation/...: the same selectors and services as the pages, the same scope. Level codes:
htxs, htt, ht, khtnv. A refusal is a 400 whose `detail` names the rule (core/api.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404
from ninja import Query, Router, Schema

from neuguong.core.api import Id, PageParams, Year, paginate_queryset
from neuguong.core.dates import local_today
from neuguong.core.errors import BusinessError
from neuguong.organizations.models import Organization

from . import levels, selectors, services
from .models import Period, Review
from .services.decisions import MSG_UNKNOWN_REVIEW

router = Router(tags=["evaluation"])


class PeriodOut(Schema):
    id: int
    name: str
    organization: str
    rule_set: str
    rule_set_version: int
    kind: str
    year: int
    quarter: int | None
    starts_on: dt.date
    ends_on: dt.date
    state: str
    self_assessment_due: dt.date
    meeting_due: dt.date
    civil_servant_rating_due: dt.date
    proposal_due: dt.date
    decision_due: dt.date
    decision: str | None
    decided_on: dt.date | None


class PeriodPage(Schema):
    items: list[PeriodOut]
    count: int


class PeriodIn(Schema):
    organization: str
    year: int
    rule_set: str
    kind: str = "year"
    quarter: int | None = None
    name: str = ""
    includes_members: bool | None = None
    includes_organizations: bool | None = None
    self_assessment_due: dt.date | None = None
    meeting_due: dt.date | None = None
    civil_servant_rating_due: dt.date | None = None
    proposal_due: dt.date | None = None
    decision_due: dt.date | None = None


class ReviewOut(Schema):
    id: int
    subject: int | str
    subject_type: str
    subject_name: str
    subject_kind: str
    organization: str
    state: str
    self_level: str | None
    self_score: str | None
    proposed_level: str | None
    allowed_level: str | None
    decided_level: str | None
    score: str | None
    is_probationary: bool
    is_exempt: bool


class ReviewPage(Schema):
    items: list[ReviewOut]
    count: int


class ScoresIn(Schema):
    level: str = ""
    score: str | float | int | None = None
    scores: dict[str, str | float | int] | None = None
    grades: dict[str, str] | None = None


class SelfIn(ScoresIn):
    text: str


class ProposeIn(ScoresIn):
    reason: str = ""
    no_self_reason: str = ""
    votes_present: int | None = None
    votes_for: int | None = None
    votes_against: int | None = None
    opinion: str = ""


class CapOut(Schema):
    rule: str
    level: str
    message: str
    overridable: bool


class ProposalOut(ReviewOut):
    base_level: str
    caps: list[CapOut]
    task_results_proposal: dict[str, str] | None
    facts: dict[str, Any]


class DecideIn(Schema):
    decided_on: dt.date | None = None
    number: str = ""
    signer: str = ""
    override_reason: str = ""
    levels: dict[str, str] | None = None


class SummaryOut(Schema):
    period: int
    levels: dict[str, int]
    proposed: dict[str, int]
    excused: int
    not_proposed: int
    classified: int
    total: int
    members: dict[str, Any]
    organizations: dict[str, Any]
    by_grassroots: list[dict[str, Any]]
    by_group: list[dict[str, Any]]
    quota: list[dict[str, Any]]


def _period_out(p: Period) -> dict:
    return {
        "id": p.pk,
        "name": p.name,
        "organization": p.organization.code,
        "rule_set": p.rule_set.code,
        "rule_set_version": p.rule_set.version,
        "kind": p.kind,
        "year": p.year,
        "quarter": p.quarter,
        "starts_on": p.starts_on,
        "ends_on": p.ends_on,
        "state": p.state,
        "self_assessment_due": p.self_assessment_due,
        "meeting_due": p.meeting_due,
        "civil_servant_rating_due": p.civil_servant_rating_due,
        "proposal_due": p.proposal_due,
        "decision_due": p.decision_due,
        "decision": p.decision_document.number_text if p.decision_document is not None else None,
        "decided_on": p.decided_on,
    }


def _score(value) -> str | None:
    return None if value is None else str(value)


def _review_out(r: Review, user) -> dict:
    shown = selectors.shows_decision(user, r)
    return {
        "id": r.pk,
        "subject": r.person_id if r.organization is None else r.organization.code,
        "subject_type": "person" if r.person_id else "organization",
        "subject_name": r.subject_name,
        "subject_kind": r.subject_kind,
        "organization": r.home_organization.code,
        "state": r.state,
        "self_level": r.self_level or None,
        "self_score": _score(r.self_score),
        "proposed_level": r.proposed_level or None,
        "allowed_level": r.allowed_level or None,
        "decided_level": (r.decided_level or None) if shown else None,
        "score": _score(r.proposed_score if r.proposed_score is not None else r.self_score),
        "is_probationary": r.is_probationary,
        "is_exempt": r.is_exempt,
    }


@router.get("/evaluation/periods", response=PeriodPage)
def list_periods(request, year: Year | None = None, org: str = "", paging: Query[PageParams] | None = None):
    organization = None
    if org:
        organization = Organization.objects.visible_to(request.user).filter(code=org[:32]).first()
        if organization is None:
            raise Http404
    qs = selectors.period_list(user=request.user, year=year, organization=organization)
    items, count = paginate_queryset(qs, paging or PageParams())
    return {"items": [_period_out(p) for p in items], "count": count}


@router.post("/evaluation/periods", response={201: PeriodOut})
def create_period(request, payload: PeriodIn):
    from neuguong.organizations.selectors import organization_for_write

    organization = organization_for_write(user=request.user, code=payload.organization)
    rule_set = services.published_rule_set(payload.rule_set)
    data = payload.dict()
    for key in ("organization", "rule_set"):
        data.pop(key)
    period = services.period_open(actor=request.user, organization=organization, rule_set=rule_set, **data)
    return 201, _period_out(selectors.period_get(user=request.user, period_id=period.pk))


@router.get("/evaluation/periods/{period_id}", response=PeriodOut)
def get_period(request, period_id: Id):
    return _period_out(selectors.period_get(user=request.user, period_id=period_id))


@router.get("/evaluation/reviews", response=ReviewPage)
def list_reviews(request, period: Id, state: str = "", q: str = "", paging: Query[PageParams] | None = None):
    found = selectors.period_get(user=request.user, period_id=period)
    qs = selectors.review_list(user=request.user, period=found, state=state[:16], query=q[:100])
    items, count = paginate_queryset(qs, paging or PageParams())
    for item in items:
        item.period = found
    return {"items": [_review_out(r, request.user) for r in items], "count": count}


@router.get("/evaluation/reviews/{review_id}", response=ProposalOut)
def get_review(request, review_id: Id):
    review = selectors.review_get(user=request.user, review_id=review_id)
    return _proposal_out(review, request.user)


def _proposal_out(review: Review, user) -> dict:
    assessment = getattr(review, "assessment_result", None)
    stored = review.assessment or {}
    caps = [cap.as_dict() for cap in assessment.caps] if assessment else stored.get("caps", [])
    year_facts = review.facts or services.live_facts(review, today=local_today())
    proposal = year_facts.get("task_results_proposal")
    return {
        **_review_out(review, user),
        "base_level": str(assessment.base) if assessment else stored.get("base", ""),
        "caps": caps,
        "task_results_proposal": proposal,
        "facts": {k: v for k, v in year_facts.items() if k != "task_results_proposal"},
    }


def _scores(payload: ScoresIn) -> dict:
    return {
        "level": payload.level,
        "score": payload.score,
        "scores": payload.scores,
        "grades": payload.grades,
    }


@router.post("/evaluation/reviews/{review_id}/self", response=ReviewOut)
def self_assess(request, review_id: Id, payload: SelfIn):
    review = selectors.review_get(user=request.user, review_id=review_id)
    review = services.review_self_assess(
        actor=request.user, review=review, text=payload.text, **_scores(payload)
    )
    return _review_out(selectors.review_get(user=request.user, review_id=review.pk), request.user)


@router.post("/evaluation/reviews/{review_id}/propose", response=ProposalOut)
def propose(request, review_id: Id, payload: ProposeIn):
    """The answer carries the level the rules allow for the score given, the rules that capped it and the
    year's facts (snapshotted now)."""
    review = selectors.review_get(user=request.user, review_id=review_id)
    done = services.review_propose(
        actor=request.user,
        review=review,
        reason=payload.reason,
        no_self_reason=payload.no_self_reason,
        votes_present=payload.votes_present,
        votes_for=payload.votes_for,
        votes_against=payload.votes_against,
        opinion=payload.opinion,
        **_scores(payload),
    )
    fresh = selectors.review_get(user=request.user, review_id=done.pk)
    fresh.assessment_result = done.assessment_result
    return _proposal_out(fresh, request.user)


@router.post("/evaluation/periods/{period_id}/decide", response=SummaryOut)
def decide(request, period_id: Id, payload: DecideIn):
    """Decide every proposed review of the period at once (400 naming the rule when one is broken)."""
    period = selectors.period_get(user=request.user, period_id=period_id)
    levels_by_review = None
    if payload.levels:
        levels_by_review = {}
        for key, value in payload.levels.items():
            if not str(key).isdigit():
                raise BusinessError(MSG_UNKNOWN_REVIEW.format(id=str(key)[:20]), field="levels")
            levels_by_review[int(key)] = value
    services.period_decide(
        actor=request.user,
        period=period,
        decided_on=payload.decided_on,
        number_text=payload.number,
        signer=payload.signer,
        override_reason=payload.override_reason,
        levels_by_review=levels_by_review,
    )
    return _summary_out(selectors.period_get(user=request.user, period_id=period_id), request.user)


def _summary_out(period: Period, user) -> dict:
    summary = selectors.period_summary(user=user, period=period)
    data = summary.as_dict()
    decided = {
        level: summary.members.decided[level] + summary.organizations.decided[level]
        for level in levels.Level.values
    }
    proposed = {
        level: summary.members.proposed[level] + summary.organizations.proposed[level]
        for level in levels.Level.values
    }
    return {
        "period": period.pk,
        "levels": decided,
        "proposed": proposed,
        "excused": summary.members.excused + summary.organizations.excused,
        "not_proposed": summary.members.waiting + summary.organizations.waiting,
        "classified": summary.members.classified + summary.organizations.classified,
        "total": summary.members.total + summary.organizations.total,
        **data,
    }


@router.get("/evaluation/periods/{period_id}/summary", response=SummaryOut)
def summary(request, period_id: Id):
    """Counts per level (decided; proposed apart), the same as the period page and its XLSX."""
    return _summary_out(selectors.period_get(user=request.user, period_id=period_id), request.user)
