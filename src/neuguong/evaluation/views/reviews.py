"""The review page: the subject's year of facts beside the review (commitments, pledge, inspections, study,
discipline), every version of it, and the step the viewer may take (self-assessment, the chi bộ's
meeting, opinions, proposal, appraisal, return, excuse). A member's own page: their reviews and history."""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from neuguong.audit.selectors import history_for
from neuguong.core.forms import submit_form

from .. import facts, levels, selectors, services
from ..forms import AppraisalForm, MeetingForm, OpinionForm, ProposalForm, ReasonForm, SelfAssessmentForm
from ..levels import Level
from ..models import EntryStep, ReviewState
from ..services.reviews import MEETING_STATES, PROPOSE_STATES, SELF_STATES
from .common import today


def _latest(review, step: str):
    return (
        review.entries.filter(version=review.version, step=step, superseded=False)
        .order_by("-created_at", "-id")
        .first()
    )


def _review_context(request, review, forms: dict | None = None) -> dict:
    forms = forms or {}
    user = request.user
    period = review.period
    rule_set = period.rule_set
    rules = rule_set.rules()
    criteria = services.review_criteria(review)
    points = rules.is_points
    year_facts = review.facts or services.live_facts(review, today=today())
    subject = facts.subject_facts(year_facts, collective=review.is_collective)
    proposal = None
    if review.facts.get("task_results_proposal"):
        proposal = {k: Decimal(v) for k, v in review.facts["task_results_proposal"].items()}
    else:
        proposal = services.task_results(review, criteria, rules, subject.tasks.on_time_rate)
    self_entry = _latest(review, EntryStep.SELF)
    proposal_entry = _latest(review, EntryStep.PROPOSAL)
    basis = proposal_entry or self_entry
    preview = None
    if basis is not None and (basis.score is not None or basis.grades or not points):
        preview = levels.assess(
            rules,
            subject,
            total=basis.score if points else None,
            grades=basis.grades or None,
            key_codes=[leaf.code for leaf in criteria.leaves if leaf.area in rules.key_areas],
            is_collective=review.is_collective,
        )
    stored = services.common.assessment_from(review.assessment) if review.assessment else None
    initial_self = (self_entry.scores or self_entry.grades) if self_entry else {}
    initial_proposal = dict(initial_self or {})
    if proposal:
        initial_proposal.update({code: str(value) for code, value in proposal.items()})
    is_open = period.is_open
    can_self = is_open and review.state in SELF_STATES and services.can_self_assess(user, review)
    can_review = is_open and services.can_review(user, review)
    can_decide = services.can_decide(user, review)
    form_kwargs = {"criteria": criteria, "points": points}
    return {
        "review": review,
        "period": period,
        "rule_set": rule_set,
        "rules": rules,
        "criteria": criteria,
        "points": points,
        "facts": year_facts,
        "facts_snapshot": bool(review.facts),
        "subject_facts": subject,
        "task_proposal": proposal,
        "task_proposal_total": sum(proposal.values(), Decimal(0)) if proposal else None,
        "preview": preview,
        "stored": stored,
        "self_entry": self_entry,
        "versions": selectors.review_versions(review),
        "opinions": list(review.opinions.select_related("entered_by")),
        "show_decision": selectors.shows_decision(user, review),
        "is_subject": services.is_subject(user, review),
        "can_self": can_self,
        "can_meet": can_review and review.state in MEETING_STATES,
        "can_opinion": can_review
        and not review.is_final
        and review.state not in (ReviewState.EXCUSED, ReviewState.LEFT),
        "can_propose": can_review and review.state in PROPOSE_STATES,
        "can_appraise": is_open and can_decide and review.state == ReviewState.PROPOSED,
        "can_return": can_review
        and review.state
        in (ReviewState.SELF_ASSESSED, ReviewState.REVIEWED, ReviewState.PROPOSED, ReviewState.APPRAISED),
        "can_excuse": can_review
        and review.is_exempt
        and rules.exempt_excusable
        and not review.is_final
        and review.state not in (ReviewState.EXCUSED, ReviewState.LEFT),
        "self_form": forms.get("self")
        or SelfAssessmentForm(
            auto_id="self_%s",
            criteria=criteria,
            points=points,
            initial_values=initial_self,
            initial={"text": self_entry.text if self_entry else "", "level": review.self_level},
        ),
        "meeting_form": forms.get("meeting")
        or MeetingForm(auto_id="meeting_%s", initial={"level": review.self_level}),
        "opinion_form": forms.get("opinion") or OpinionForm(auto_id="opinion_%s"),
        "proposal_form": forms.get("proposal")
        or ProposalForm(auto_id="proposal_%s", initial_values=initial_proposal, **form_kwargs),
        "appraisal_form": forms.get("appraisal")
        or AppraisalForm(auto_id="appraisal_%s", initial={"level": review.proposed_level}),
        "return_form": forms.get("return") or ReasonForm(auto_id="return_%s"),
        "excuse_form": forms.get("excuse") or ReasonForm(auto_id="excuse_%s"),
        "open_form": next(iter(forms), ""),
        "history": history_for(review) if can_review or can_decide else [],
        "levels": Level,
    }


def _review_page(request, review, *, forms=None, status: int = 200):
    return render(request, "evaluation/review.html", _review_context(request, review, forms), status=status)


@login_required
def review_view(request, review_id: int):
    return _review_page(request, selectors.review_get(user=request.user, review_id=review_id))


def _step(request, review_id: int, key: str, form, run, success):
    """A step posted from the review page: the service through the form; on success a message and back to
    the review; otherwise the page again with the form's errors next to its fields."""
    review = selectors.review_get(user=request.user, review_id=review_id)
    if done := submit_form(form, lambda data: run(review, data)):
        messages.success(request, success(done.result))
        return redirect("evaluation:review", review_id=review.pk)
    return _review_page(request, review, forms={key: form}, status=400)


def _criteria_form(request, review_id: int, form_class, auto_id: str):
    review = selectors.review_get(user=request.user, review_id=review_id)
    rules = review.period.rule_set.rules()
    return form_class(
        request.POST, auto_id=auto_id, criteria=services.review_criteria(review), points=rules.is_points
    )


@login_required
@require_POST
def review_self_view(request, review_id: int):
    form = _criteria_form(request, review_id, SelfAssessmentForm, "self_%s")
    return _step(
        request,
        review_id,
        "self",
        form,
        lambda review, data: services.review_self_assess(
            actor=request.user, review=review, text=data["text"], level=data["level"], **form.entered(data)
        ),
        lambda r: (
            f"Đã ghi bản tự kiểm điểm của {r.subject_name}"
            + (f" (tự chấm {levels.fmt(r.self_score)} điểm)" if r.self_score is not None else "")
            + "."
        ),
    )


@login_required
@require_POST
def review_meeting_view(request, review_id: int):
    return _step(
        request,
        review_id,
        "meeting",
        MeetingForm(request.POST, auto_id="meeting_%s"),
        lambda review, data: services.review_meeting(actor=request.user, review=review, **data),
        lambda r: f"Đã ghi kết quả chi bộ kiểm điểm {r.subject_name}.",
    )


@login_required
@require_POST
def review_opinion_view(request, review_id: int):
    return _step(
        request,
        review_id,
        "opinion",
        OpinionForm(request.POST, auto_id="opinion_%s"),
        lambda review, data: services.opinion_add(actor=request.user, review=review, **data),
        lambda o: f"Đã thêm ý kiến của {o.body_name or o.get_body_display()} về {o.review.subject_name}.",
    )


@login_required
@require_POST
def review_propose_view(request, review_id: int):
    form = _criteria_form(request, review_id, ProposalForm, "proposal_%s")
    return _step(
        request,
        review_id,
        "proposal",
        form,
        lambda review, data: services.review_propose(
            actor=request.user,
            review=review,
            level=data["level"],
            reason=data["reason"],
            no_self_reason=data["no_self_reason"],
            **form.entered(data),
        ),
        lambda r: (
            f"Đã đề xuất {r.subject_name}: {Level(r.proposed_level).label}"
            + (f" ({levels.fmt(r.proposed_score)} điểm)" if r.proposed_score is not None else "")
            + "."
        ),
    )


@login_required
@require_POST
def review_appraise_view(request, review_id: int):
    return _step(
        request,
        review_id,
        "appraisal",
        AppraisalForm(request.POST, auto_id="appraisal_%s"),
        lambda review, data: services.review_appraise(actor=request.user, review=review, **data),
        lambda r: f"Đã thẩm định {r.subject_name}: {Level(r.appraised_level).label}.",
    )


@login_required
@require_POST
def review_return_view(request, review_id: int):
    return _step(
        request,
        review_id,
        "return",
        ReasonForm(request.POST, auto_id="return_%s"),
        lambda review, data: services.review_return(actor=request.user, review=review, reason=data["reason"]),
        lambda r: f"Đã trả lại kiểm điểm của {r.subject_name} để làm lại (lần {r.version}).",
    )


@login_required
@require_POST
def review_excuse_view(request, review_id: int):
    return _step(
        request,
        review_id,
        "excuse",
        ReasonForm(request.POST, auto_id="excuse_%s"),
        lambda review, data: services.review_excuse(actor=request.user, review=review, reason=data["reason"]),
        lambda r: f"Đã miễn đánh giá cho {r.subject_name}.",
    )


@login_required
def mine_view(request):
    """A member's own reviews, newest first, with their results once published."""
    reviews = list(selectors.my_reviews(user=request.user))
    for review in reviews:
        review.row_decision = selectors.shows_decision(request.user, review)
    return render(request, "evaluation/mine.html", {"reviews": reviews})
