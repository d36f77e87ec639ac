"""Pages of scoring cycles and assessments: the cycle and its team, survey import, ranking, the
assessment page with self-scoring, appraisal and the workflow actions, transparency."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from neuguong.access.scope import scope_for
from neuguong.audit.selectors import history_for
from neuguong.core.dates import local_today
from neuguong.core.forms import submit_form
from neuguong.organizations.models import Organization
from neuguong.people.selectors import account_holder_name

from .. import events, exports, rules, selectors, services
from ..forms import (
    ActionForm,
    AppraisalForm,
    CycleForm,
    ReopenForm,
    ResponseForm,
    SelfScoreForm,
    SubmitForm,
    SurveyImportForm,
    TeamForm,
    default_deadline,
)
from ..models import AssessmentStatus, SetStatus
from .common import docx_response, form_page, submit_import


# --------------------------------------------------------------------------------------------- cycles
@login_required
def cycle_create_view(request):
    organizations = Organization.objects.writable_by(request.user)
    if not organizations.exists():
        raise Http404
    sets = selectors.scoring_set_list(user=request.user).filter(status=SetStatus.PUBLISHED)
    form = CycleForm(
        request.POST or None,
        org_queryset=organizations,
        sets=sets,
        initial={"self_deadline": default_deadline()},
    )
    if request.method == "POST" and (
        done := submit_form(form, lambda data: services.cycle_create(actor=request.user, **data))
    ):
        cycle = done.result
        messages.success(
            request, f"Đã mở đợt chấm điểm «{cycle.name}» cho {cycle.assessments.count()} cơ quan."
        )
        return redirect("targets:cycle", cycle_id=cycle.pk)
    return form_page(request, form, "Mở đợt chấm điểm", back=reverse("targets:scoring"))


def _cycle_page(request, cycle, *, team_form=None, survey_form=None, survey_problems=(), status: int = 200):
    """The cycle's assessments with status and totals; the team and survey import for organisers."""
    assessments = list(selectors.cycle_assessments(user=request.user, cycle=cycle))
    totals = selectors.assessment_totals([a.pk for a in assessments])
    scope = scope_for(request.user)
    is_team = services.is_team_member(request.user, cycle)
    organiser = scope.can_read_path(cycle.organization.path) or is_team
    today = local_today()
    rows = []
    for a in assessments:
        t = totals.get(a.pk, {})
        rows.append(
            {
                "assessment": a,
                "self_total": t.get("self_total"),
                "scored": t.get("scored", 0),
                "appraised_total": t.get("appraised_total") if (organiser or a.is_finalised) else None,
                "locked": rules.is_locked(cycle.self_deadline, a.reopened_until, today),
            }
        )
    team = list(cycle.team.select_related("person"))
    context = {
        "cycle": cycle,
        "rows": rows,
        "maximum": selectors.set_maximum(cycle.scoring_set_id),
        "is_team": is_team,
        "can_manage": scope.can_write_path(cycle.organization.path),
        # By the holder's name, as the account picker shows it (an account's own name may be empty).
        "team": [account_holder_name(user) for user in team],
        "team_form": team_form or TeamForm(initial={"team": [u.pk for u in team]}),
        "survey_form": survey_form or SurveyImportForm(),
        "survey_problems": survey_problems,
        "today": today,
    }
    return render(request, "targets/cycle_detail.html", context, status=status)


@login_required
def cycle_detail_view(request, cycle_id: int):
    return _cycle_page(request, selectors.cycle_get(user=request.user, cycle_id=cycle_id))


@login_required
@require_POST
def cycle_team_view(request, cycle_id: int):
    cycle = selectors.cycle_get(user=request.user, cycle_id=cycle_id)
    form = TeamForm(request.POST)
    if submit_form(
        form, lambda data: services.cycle_team_set(actor=request.user, cycle=cycle, users=data["team"])
    ):
        names = ", ".join(account_holder_name(user) for user in cycle.team.select_related("person"))
        messages.success(request, f"Đã cập nhật tổ thẩm định: {names}.")
        return redirect("targets:cycle", cycle_id=cycle.pk)
    return _cycle_page(request, cycle, team_form=form, status=400)


@login_required
@require_POST
def cycle_survey_view(request, cycle_id: int):
    cycle = selectors.cycle_get(user=request.user, cycle_id=cycle_id)
    form = SurveyImportForm(request.POST, request.FILES)
    done, problems = submit_import(
        form, lambda data: services.survey_scores_import(actor=request.user, cycle=cycle, upload=data["file"])
    )
    if done:
        messages.success(request, f"Đã nhập điểm điều tra của {done.result} cơ quan.")
        return redirect("targets:cycle", cycle_id=cycle.pk)
    return _cycle_page(request, cycle, survey_form=form, survey_problems=problems, status=400)


@login_required
def ranking_view(request, cycle_id: int):
    cycle = selectors.cycle_get(user=request.user, cycle_id=cycle_id)
    ranking = selectors.cycle_ranking(user=request.user, cycle=cycle)
    fmt = request.GET.get("format")
    if fmt == "xlsx":
        from ..reports import ranking_annex

        return exports.xlsx_response(
            ranking_annex(cycle=cycle, ranking=ranking), f"phu-luc-xep-hang-cchc-{cycle.year}.xlsx"
        )
    if fmt == "docx":
        from ..reports import ranking_report

        return docx_response(
            ranking_report(cycle=cycle, ranking=ranking, today=local_today()),
            f"bao-cao-xep-hang-cchc-{cycle.year}.docx",
        )
    return render(request, "targets/ranking.html", {"cycle": cycle, "ranking": ranking})


# --------------------------------------------------------------------------------------------- assessments
def _assessment_context(request, assessment, *, row_errors=None, row_input=None, forms=None) -> dict:
    """What the assessment page shows this user; `forms` are bound forms to show again with their errors."""
    user = request.user
    cycle = assessment.cycle
    show_appraisal = services.can_see_appraisal(user, assessment)
    is_team = services.is_team_member(user, cycle)
    can_self = services.can_self_score(user, assessment)
    locked = services.assessment_is_locked(assessment)
    self_open = can_self and assessment.status == AssessmentStatus.DRAFT and not locked
    appraisal_open = is_team and (
        assessment.status
        in (AssessmentStatus.SUBMITTED, AssessmentStatus.AWAITING_RESPONSE, AssessmentStatus.RESPONDED)
        or (assessment.status == AssessmentStatus.DRAFT and locked)
    )
    forms = forms or {}
    return {
        "assessment": assessment,
        "cycle": cycle,
        "breakdown": selectors.assessment_breakdown(assessment, show_appraisal=show_appraisal),
        "show_appraisal": show_appraisal,
        "is_team": is_team,
        "can_self": can_self,
        "locked": locked,
        "self_open": self_open,
        "appraisal_open": appraisal_open,
        "can_respond": can_self and assessment.status == AssessmentStatus.AWAITING_RESPONSE,
        "show_comments": show_appraisal
        or assessment.status in (AssessmentStatus.AWAITING_RESPONSE, AssessmentStatus.RESPONDED),
        "row_errors": row_errors or {},
        "row_input": row_input or {},
        "submit_form": forms.get("submit")
        or SubmitForm(
            initial={"difficulties": assessment.difficulties, "recommendations": assessment.recommendations}
        ),
        "reopen_form": forms.get("reopen") or ReopenForm(),
        "respond_form": forms.get("respond") or ResponseForm(),
        "history": _visible_history(assessment, show_appraisal) if (show_appraisal or can_self) else [],
        "today": local_today(),
    }


def _visible_history(assessment, show_appraisal: bool) -> list[dict]:
    rows = history_for(assessment)
    if show_appraisal:
        return rows
    # Events that carry appraisal-side values (the survey score import): hidden like the scores themselves.
    return [row for row in rows if row["event"].action not in events.APPRAISAL_SIDE_EVENTS]


@login_required
def assessment_view(request, assessment_id: int):
    assessment = selectors.assessment_get(user=request.user, assessment_id=assessment_id)
    context = _assessment_context(request, assessment)
    if request.GET.get("format") == "docx":
        from ..reports import self_assessment_report

        return docx_response(
            self_assessment_report(
                assessment=assessment, breakdown=context["breakdown"], today=local_today()
            ),
            f"bao-cao-tu-danh-gia-{assessment.agency.code}-{assessment.cycle.year}.docx",
        )
    if request.GET.get("format") == "xlsx":
        from ..reports import breakdown_annex

        return exports.xlsx_response(
            breakdown_annex(assessment=assessment, breakdown=context["breakdown"]),
            f"phu-luc-diem-{assessment.agency.code}-{assessment.cycle.year}.xlsx",
        )
    return render(request, "targets/assessment.html", context)


def _first_error(form) -> str:
    return next(error for errors in form.errors.values() for error in errors)


def _component_error(request, assessment, component, message: str, row_input: dict):
    """Re-render the assessment with the error and the user's input on the component's row."""
    context = _assessment_context(
        request, assessment, row_errors={component.pk: message}, row_input={component.pk: row_input}
    )
    return render(request, "targets/assessment.html", context, status=400)


def _back_to_component(assessment, component):
    return redirect(f"{reverse('targets:assessment', args=[assessment.pk])}#c{component.pk}")


@login_required
@require_POST
def self_score_view(request, assessment_id: int, component_id: int):
    assessment = selectors.assessment_get(user=request.user, assessment_id=assessment_id)
    component = selectors.assessment_component(assessment=assessment, component_id=component_id)
    form = SelfScoreForm(request.POST, request.FILES)
    if submit_form(
        form,
        lambda data: services.self_score_save(
            actor=request.user,
            assessment=assessment,
            component=component,
            score=data["score"],
            explanation=data["explanation"],
            files=request.FILES.getlist("files"),
        ),
    ):
        messages.success(request, f"Đã lưu điểm tự chấm {component.code} của {assessment.agency.name}.")
        return _back_to_component(assessment, component)
    row_input = {
        "score": request.POST.get("score", "")[:20],
        "explanation": request.POST.get("explanation", "")[:5000],
    }
    return _component_error(request, assessment, component, _first_error(form), row_input)


@login_required
@require_POST
def appraise_view(request, assessment_id: int, component_id: int):
    assessment = selectors.assessment_get(user=request.user, assessment_id=assessment_id)
    component = selectors.assessment_component(assessment=assessment, component_id=component_id)
    form = AppraisalForm(request.POST)
    if submit_form(
        form,
        lambda data: services.appraisal_save(
            actor=request.user,
            assessment=assessment,
            component=component,
            score=data["score"],
            comment=data["comment"],
        ),
    ):
        messages.success(request, f"Đã lưu điểm thẩm định {component.code} của {assessment.agency.name}.")
        return _back_to_component(assessment, component)
    row_input = {
        "appraised": request.POST.get("score", "")[:20],
        "comment": request.POST.get("comment", "")[:5000],
    }
    return _component_error(request, assessment, component, _first_error(form), row_input)


# The workflow steps of an assessment, one POST and one service each: (form, where the page shows it,
# the service, what the flash says).
ACTIONS = {
    "nop": (
        SubmitForm,
        "submit",
        lambda request, assessment, form: services.assessment_submit(
            actor=request.user, assessment=assessment, **form.cleaned_data
        ),
        "Đã nộp bản tự chấm điểm của {agency}.",
    ),
    "mo-lai": (
        ReopenForm,
        "reopen",
        lambda request, assessment, form: services.assessment_reopen(
            actor=request.user, assessment=assessment, **form.cleaned_data
        ),
        "Đã mở lại cho {agency} tự chấm và nộp muộn.",
    ),
    "gui-giai-trinh": (
        ActionForm,
        "action",
        lambda request, assessment, form: services.appraisal_send_for_response(
            actor=request.user, assessment=assessment
        ),
        "Đã gửi nhận xét để {agency} giải trình.",
    ),
    "giai-trinh": (
        ResponseForm,
        "respond",
        lambda request, assessment, form: services.assessment_respond(
            actor=request.user,
            assessment=assessment,
            response_text=form.cleaned_data["response_text"],
            responses=form.responses(),
        ),
        "Đã gửi giải trình của {agency}.",
    ),
    "cong-bo": (
        ActionForm,
        "action",
        lambda request, assessment, form: services.assessment_finalise(
            actor=request.user, assessment=assessment
        ),
        "Đã công bố kết quả của {agency}.",
    ),
}


@login_required
@require_POST
def assessment_action_view(request, assessment_id: int, action: str):
    """Submit, reopen, send for response, respond, finalise: one POST each, one service each. A refusal shows
    the page again with the message next to the form it concerns."""
    assessment = selectors.assessment_get(user=request.user, assessment_id=assessment_id)
    if action not in ACTIONS:
        raise Http404
    form_class, place, run, done_message = ACTIONS[action]
    form = form_class(request.POST)
    if submit_form(form, lambda _: run(request, assessment, form)):
        messages.success(request, done_message.format(agency=assessment.agency.name))
        return redirect("targets:assessment", assessment_id=assessment.pk)
    # A refusal of the step itself (not of one field) is said once, above the actions, whether or not the
    # form it came from is still on the page (a locked assessment no longer shows the submit form).
    action_errors = list(form.errors.pop(NON_FIELD_ERRORS, []))
    context = _assessment_context(request, assessment, forms={place: form})
    return render(request, "targets/assessment.html", {**context, "action_errors": action_errors}, status=400)


@login_required
def transparency_view(request, assessment_id: int):
    """Công khai: every component's self-score, appraised score, evidence and comments, and the arithmetic."""
    assessment = selectors.assessment_get(user=request.user, assessment_id=assessment_id)
    if not assessment.is_finalised:
        raise Http404
    breakdown = selectors.assessment_breakdown(assessment, show_appraisal=True)
    ranking = selectors.cycle_ranking(user=request.user, cycle=assessment.cycle)
    own = next((r for r in ranking["rows"] if r.assessment.pk == assessment.pk), None)
    return render(
        request, "targets/transparency.html", {"assessment": assessment, "breakdown": breakdown, "rank": own}
    )


@login_required
def score_evidence_view(request, evidence_id: int):
    evidence = selectors.score_evidence_get(user=request.user, evidence_id=evidence_id)
    return FileResponse(evidence.file.open("rb"), as_attachment=True, filename=evidence.original_name)
