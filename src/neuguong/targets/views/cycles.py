"""Pages of scoring cycles and assessments: the cycle and its team, survey import, ranking, the
assessment page with self-scoring, appraisal and the workflow actions, transparency."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from neuguong.access.scope import scope_for
from neuguong.audit.selectors import history_for
from neuguong.core.dates import local_today
from neuguong.core.errors import BusinessError, OutOfScope
from neuguong.core.forms import apply_business_error
from neuguong.organizations.models import Organization

from .. import events, exports, rules, selectors, services
from ..forms import (
    AppraisalForm,
    CycleForm,
    ReopenForm,
    SelfScoreForm,
    SubmitForm,
    SurveyImportForm,
    TeamForm,
    default_deadline,
)
from ..importers import ImportProblems
from ..models import AssessmentStatus, Component, ScoreEvidence, SetStatus
from .common import (
    docx_response,
    form_page,
)

MSG_UNKNOWN_USERS = "Không có tài khoản: {names}."


# --------------------------------------------------------------------------------------------- cycles
def _users_by_names(text: str):
    names = [n.strip() for n in (text or "").split(",") if n.strip()]
    users = list(get_user_model().objects.filter(username__in=names, is_active=True))
    missing = sorted(set(names) - {u.username for u in users})
    if missing:
        raise BusinessError(MSG_UNKNOWN_USERS.format(names=", ".join(missing)), field="team")
    return users


@login_required
def cycle_create_view(request):
    orgs = Organization.objects.writable_by(request.user)
    if not orgs.exists():
        raise Http404
    sets = selectors.scoring_set_list(user=request.user).filter(status=SetStatus.PUBLISHED)
    form = CycleForm(
        request.POST or None, org_queryset=orgs, sets=sets, initial={"self_deadline": default_deadline()}
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            data["team"] = _users_by_names(data.pop("team"))
            cycle = services.cycle_create(actor=request.user, **data)
        except OutOfScope:
            form.add_error("organization", services.MSG_NO_RIGHT)
        except BusinessError as exc:
            apply_business_error(form, exc)
        else:
            messages.success(request, "Đã mở đợt chấm điểm.")
            return redirect("targets:cycle", cycle_id=cycle.pk)
    return form_page(request, form, "Mở đợt chấm điểm", back=reverse("targets:scoring"))


@login_required
def cycle_detail_view(request, cycle_id: int):
    """The cycle's assessments with status and totals; the team and survey import for organisers."""
    cycle = selectors.cycle_get(user=request.user, cycle_id=cycle_id)
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
    context = {
        "cycle": cycle,
        "rows": rows,
        "maximum": selectors.set_maximum(cycle.scoring_set_id),
        "is_team": is_team,
        "can_manage": scope.can_write_path(cycle.organization.path),
        "team": list(cycle.team.all()),
        "team_form": TeamForm(initial={"team": ", ".join(u.username for u in cycle.team.all())}),
        "survey_form": SurveyImportForm(),
        "today": local_today(),
    }
    return render(request, "targets/cycle_detail.html", context)


@login_required
@require_POST
def cycle_team_view(request, cycle_id: int):
    cycle = selectors.cycle_get(user=request.user, cycle_id=cycle_id)
    form = TeamForm(request.POST)
    try:
        if not form.is_valid():
            raise BusinessError("Cần ít nhất một thành viên tổ thẩm định.")
        services.cycle_team_set(
            actor=request.user, cycle=cycle, users=_users_by_names(form.cleaned_data["team"])
        )
    except OutOfScope as exc:
        raise Http404 from exc
    except BusinessError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Đã cập nhật tổ thẩm định.")
    return redirect("targets:cycle", cycle_id=cycle.pk)


@login_required
@require_POST
def cycle_survey_view(request, cycle_id: int):
    cycle = selectors.cycle_get(user=request.user, cycle_id=cycle_id)
    form = SurveyImportForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "Chưa chọn tệp.")
        return redirect("targets:cycle", cycle_id=cycle.pk)
    try:
        count = services.survey_scores_import(
            actor=request.user, cycle=cycle, upload=form.cleaned_data["file"]
        )
    except ImportProblems as exc:
        messages.error(request, exc.message)
        for problem in exc.problems[:50]:
            messages.error(request, problem)
    except BusinessError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Đã nhập điểm điều tra của {count} cơ quan.")
    return redirect("targets:cycle", cycle_id=cycle.pk)


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


def _component_of(assessment, component_id: int) -> Component:
    component = Component.objects.filter(
        pk=component_id, criterion__area__scoring_set_id=assessment.cycle.scoring_set_id
    ).first()
    if component is None:
        raise Http404
    return component


@login_required
@require_POST
def self_score_view(request, assessment_id: int, component_id: int):
    assessment = selectors.assessment_get(user=request.user, assessment_id=assessment_id)
    component = _component_of(assessment, component_id)
    form = SelfScoreForm(request.POST, request.FILES)
    form.is_valid()
    data = form.cleaned_data
    try:
        services.self_score_save(
            actor=request.user,
            assessment=assessment,
            component=component,
            score=request.POST.get("score", ""),
            explanation=data.get("explanation", ""),
            files=request.FILES.getlist("files"),
        )
    except OutOfScope as exc:
        raise Http404 from exc
    except BusinessError as exc:
        row_input = {
            "score": request.POST.get("score", "")[:20],
            "explanation": request.POST.get("explanation", "")[:5000],
        }
        return _component_error(request, assessment, component, exc.message, row_input)
    messages.success(request, f"Đã lưu điểm tự chấm {component.code}.")
    return _back_to_component(assessment, component)


@login_required
@require_POST
def appraise_view(request, assessment_id: int, component_id: int):
    assessment = selectors.assessment_get(user=request.user, assessment_id=assessment_id)
    component = _component_of(assessment, component_id)
    form = AppraisalForm(request.POST)
    form.is_valid()
    try:
        services.appraisal_save(
            actor=request.user,
            assessment=assessment,
            component=component,
            score=request.POST.get("score", ""),
            comment=form.cleaned_data.get("comment", ""),
        )
    except BusinessError as exc:
        row_input = {
            "appraised": request.POST.get("score", "")[:20],
            "comment": request.POST.get("comment", "")[:5000],
        }
        return _component_error(request, assessment, component, exc.message, row_input)
    messages.success(request, f"Đã lưu điểm thẩm định {component.code}.")
    return _back_to_component(assessment, component)


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
def assessment_action_view(request, assessment_id: int, action: str):
    """Submit, reopen, send for response, respond, finalise: one POST each, one service each."""
    assessment = selectors.assessment_get(user=request.user, assessment_id=assessment_id)
    forms = {}
    try:
        if action == "nop":
            form = forms["submit"] = SubmitForm(request.POST)
            if form.is_valid():
                services.assessment_submit(actor=request.user, assessment=assessment, **form.cleaned_data)
                messages.success(request, "Đã nộp bản tự chấm điểm.")
        elif action == "mo-lai":
            form = forms["reopen"] = ReopenForm(request.POST)
            if not form.is_valid():
                raise BusinessError("Cần ngày và lý do mở lại.")
            services.assessment_reopen(actor=request.user, assessment=assessment, **form.cleaned_data)
            messages.success(request, "Đã mở lại cho cơ quan tự chấm và nộp muộn.")
        elif action == "gui-giai-trinh":
            services.appraisal_send_for_response(actor=request.user, assessment=assessment)
            messages.success(request, "Đã gửi nhận xét để cơ quan giải trình.")
        elif action == "giai-trinh":
            responses = {
                int(key.removeprefix("response_")): value
                for key, value in request.POST.items()
                if key.startswith("response_") and key.removeprefix("response_").isdigit()
            }
            services.assessment_respond(
                actor=request.user,
                assessment=assessment,
                response_text=request.POST.get("response_text", ""),
                responses=responses,
            )
            messages.success(request, "Đã gửi giải trình.")
        elif action == "cong-bo":
            services.assessment_finalise(actor=request.user, assessment=assessment)
            messages.success(request, "Đã công bố kết quả.")
        else:
            raise Http404
    except OutOfScope as exc:
        raise Http404 from exc
    except BusinessError as exc:
        messages.error(request, exc.message)
        context = _assessment_context(request, assessment, forms=forms)
        return render(request, "targets/assessment.html", context, status=400)
    return redirect("targets:assessment", assessment_id=assessment.pk)


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
    evidence = (
        ScoreEvidence.objects.alive()
        .filter(
            pk=evidence_id,
            score__assessment__in=selectors.AgencyAssessment.objects.visible_to(request.user),
        )
        .first()
    )
    if evidence is None:
        raise Http404
    return FileResponse(evidence.file.open("rb"), as_attachment=True, filename=evidence.original_name)
