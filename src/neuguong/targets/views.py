"""Pages of targets and scoring: thin — parse input, call one selector or service, render.
Anything out of scope is a 404, the same as a missing record."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from neuguong.access.scope import scope_for
from neuguong.audit.selectors import history_for
from neuguong.core.dates import local_today
from neuguong.core.errors import BusinessError, OutOfScope
from neuguong.core.forms import apply_business_error
from neuguong.core.paging import paginate
from neuguong.organizations.models import Agency, Organization

from . import charts, exports, rules, selectors, services
from .forms import (
    ActualForm,
    AnnualTargetForm,
    AppraisalForm,
    ComponentForm,
    CycleForm,
    IndicatorForm,
    ReopenForm,
    ScoringSetCopyForm,
    ScoringSetImportForm,
    SelfScoreForm,
    SubmitForm,
    SurveyImportForm,
    TeamForm,
    XlsxImportForm,
    default_deadline,
)
from .importers import ImportProblems
from .models import AssessmentStatus, Component, ScoreEvidence, ScoringSet, SetStatus

MSG_UNKNOWN_USERS = "Không có tài khoản: {names}."


def _writable_orgs(user):
    return Organization.objects.visible_to(user).active().filter(scope_for(user).write_q("path"))


def _writable_agencies(user):
    return Agency.objects.filter(scope_for(user).write_q("organization__path"))


def _require_org_role(user) -> None:
    if not scope_for(user).has_org_role:
        raise Http404


def _year(request) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return local_today().year
    return year if 2000 <= year <= 2100 else local_today().year


def _org_filter(request):
    code = request.GET.get("org", "").strip()[:32]
    if not code:
        return None
    organization = Organization.objects.visible_to(request.user).filter(code=code).first()
    if organization is None:
        raise Http404
    return organization


def _form_page(request, form, title: str, *, back: str, problems=None, intro: str = "", multipart=False):
    return render(
        request,
        "targets/form.html",
        {
            "form": form,
            "title": title,
            "back": back,
            "problems": problems or [],
            "intro": intro,
            "multipart": multipart,
        },
    )


# --------------------------------------------------------------------------------------------- targets
@login_required
def index_view(request):
    """Indicators of the user's committees, with the year's overdue reports."""
    _require_org_role(request.user)
    query = request.GET.get("q", "")[:100]
    today = local_today()
    overdue = selectors.overdue_reports(user=request.user, today=today, limit=10)
    context = {
        "query": query,
        "year": _year(request),
        "overdue": overdue,
        "can_write": bool(scope_for(request.user).write_paths) or request.user.is_superuser,
        **paginate(request, selectors.indicator_list(user=request.user, query=query)),
    }
    return render(request, "targets/index.html", context)


@login_required
def indicator_create_view(request):
    orgs = _writable_orgs(request.user)
    if not orgs.exists():
        raise Http404
    form = IndicatorForm(request.POST or None, org_queryset=orgs)
    if request.method == "POST" and form.is_valid():
        try:
            indicator = services.indicator_create(actor=request.user, **form.cleaned_data)
        except BusinessError as exc:
            apply_business_error(form, exc)
        else:
            messages.success(request, "Đã thêm chỉ tiêu.")
            return redirect("targets:indicator", indicator_id=indicator.pk)
    return _form_page(request, form, "Thêm chỉ tiêu", back=reverse("targets:index"))


@login_required
def indicator_edit_view(request, indicator_id: int):
    indicator = selectors.indicator_get(user=request.user, indicator_id=indicator_id)
    if not scope_for(request.user).can_write_path(indicator.organization.path):
        raise Http404
    initial = {
        name: getattr(indicator, name) for name in IndicatorForm.base_fields if hasattr(indicator, name)
    }
    initial["baseline"] = rules.format_number(indicator.baseline)
    form = IndicatorForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            services.indicator_update(actor=request.user, indicator=indicator, **form.cleaned_data)
        except BusinessError as exc:
            apply_business_error(form, exc)
        else:
            messages.success(request, "Đã lưu thay đổi.")
            return redirect("targets:indicator", indicator_id=indicator.pk)
    back = reverse("targets:indicator", args=[indicator.pk])
    return _form_page(request, form, f"Sửa chỉ tiêu {indicator.code}", back=back)


@login_required
def indicator_detail_view(request, indicator_id: int):
    """Roll-up of an indicator over the chosen subtree, period by period, with its trend chart."""
    indicator = selectors.indicator_get(user=request.user, indicator_id=indicator_id)
    year = _year(request)
    organization = _org_filter(request)
    rollup = selectors.indicator_rollup(
        user=request.user, indicator=indicator, year=year, organization=organization, today=local_today()
    )
    if request.GET.get("format") == "xlsx":
        return exports.xlsx_response(
            exports.rollup_workbook(indicator, year, rollup), f"chi-tieu-{indicator.code}-{year}.xlsx"
        )
    periods = rollup["periods"]
    reported = [p for p in periods if p.reported]
    mean_target = (reported[0].target_sum / rollup["agencies"]) if reported and rollup["agencies"] else None
    chart = charts.line_chart(
        title=f"{indicator.name} — {year}",
        labels=[p.label.replace(f"/{year}", "").replace(f" năm {year}", "") for p in periods],
        series=[("Bình quân kết quả của các cơ quan đã báo cáo", [p.value_mean for p in periods])],
        reference=("Chỉ tiêu bình quân", mean_target.quantize(rules.Decimal("0.01")))
        if mean_target is not None
        else None,
        unit=indicator.unit,
    )
    context = {
        "indicator": indicator,
        "year": year,
        "organization": organization,
        "rollup": rollup,
        "chart": chart,
        "status_order": [
            (code, rules.STATUS_LABELS[code], rules.STATUS_COLOURS[code]) for code in rules.STATUS_ORDER
        ],
        "can_write": scope_for(request.user).can_write_path(indicator.organization.path),
        "history": history_for(indicator),
        **paginate(request, rollup["rows"]),
    }
    return render(request, "targets/indicator_detail.html", context)


@login_required
def target_create_view(request):
    agencies = _writable_agencies(request.user)
    if not agencies.exists():
        raise Http404
    indicators = selectors.indicator_list(user=request.user)
    form = AnnualTargetForm(
        request.POST or None,
        indicators=indicators,
        agencies=agencies,
        initial={"indicator": request.GET.get("indicator")},
    )
    if request.method == "POST" and form.is_valid():
        try:
            target = services.annual_target_set(actor=request.user, **form.cleaned_data)
        except BusinessError as exc:
            apply_business_error(form, exc)
        else:
            messages.success(request, "Đã lưu chỉ tiêu năm.")
            return redirect("targets:target", target_id=target.pk)
    return _form_page(request, form, "Giao chỉ tiêu năm cho cơ quan", back=reverse("targets:index"))


@login_required
def targets_import_view(request):
    orgs = _writable_orgs(request.user)
    if not orgs.exists():
        raise Http404
    form = XlsxImportForm(request.POST or None, request.FILES or None, org_queryset=orgs)
    problems = []
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.annual_targets_import(
                actor=request.user,
                organization=form.cleaned_data["organization"],
                upload=form.cleaned_data["file"],
            )
        except ImportProblems as exc:
            form.add_error("file", exc.message)
            problems = exc.problems
        except BusinessError as exc:
            apply_business_error(form, exc)
        else:
            messages.success(request, f"Đã nhập {len(saved)} chỉ tiêu năm.")
            return redirect("targets:index")
    intro = "Cột: Mã chỉ tiêu | Mã cơ quan | Năm | Chỉ tiêu năm | Ghi chú. Có lỗi ở dòng nào thì không nhập dòng nào."
    return _form_page(
        request,
        form,
        "Nhập chỉ tiêu năm từ Excel",
        back=reverse("targets:index"),
        problems=problems,
        intro=intro,
        multipart=True,
    )


@login_required
def target_detail_view(request, target_id: int):
    """One agency's target: its periods with status and reporting state, evidence, and the actual form."""
    target = selectors.annual_target_get(user=request.user, target_id=target_id)
    today = local_today()
    target = (
        type(target)
        .objects.prefetch_related("actuals__evidence")
        .select_related("indicator__organization", "agency__organization")
        .get(pk=target.pk)
    )
    cells = selectors.target_periods(target, today)
    can_write = scope_for(request.user).can_write_path(target.agency.organization.path)
    form = ActualForm(
        request.POST or None,
        request.FILES or None,
        periods=[(c.period, c.label) for c in cells],
        initial={"period": next((c.period for c in cells if c.value is None), cells[-1].period)},
    )
    if request.method == "POST":
        if not can_write:
            raise Http404
        if form.is_valid():
            try:
                services.actual_record(
                    actor=request.user,
                    annual_target=target,
                    period=form.cleaned_data["period"],
                    value=form.cleaned_data["value"],
                    note=form.cleaned_data["note"],
                    files=request.FILES.getlist("files"),
                )
            except BusinessError as exc:
                apply_business_error(form, exc)
            else:
                messages.success(request, "Đã ghi kết quả thực hiện.")
                return redirect("targets:target", target_id=target.pk)
    indicator = target.indicator
    chart = charts.line_chart(
        title=f"{indicator.name} — {target.agency.name} — {target.year}",
        labels=[c.label.replace(f"/{target.year}", "").replace(f" năm {target.year}", "") for c in cells],
        series=[("Kết quả thực hiện", [c.value for c in cells])],
        reference=("Chỉ tiêu năm", target.target_value),
        unit=indicator.unit,
    )
    context = {
        "target": target,
        "indicator": indicator,
        "cells": cells,
        "form": form,
        "can_write": can_write,
        "chart": chart,
        "target_text": rules.format_number(target.target_value),
        "history": history_for(target),
    }
    return render(request, "targets/target_detail.html", context)


@login_required
def actual_evidence_view(request, evidence_id: int):
    from .models import ActualEvidence

    evidence = (
        ActualEvidence.objects.alive()
        .filter(
            pk=evidence_id, actual__annual_target__in=selectors.AnnualTarget.objects.visible_to(request.user)
        )
        .first()
    )
    if evidence is None:
        raise Http404
    return FileResponse(evidence.file.open("rb"), as_attachment=True, filename=evidence.original_name)


@login_required
def overdue_view(request):
    _require_org_role(request.user)
    rows = selectors.overdue_reports(
        user=request.user, today=local_today(), organization=_org_filter(request)
    )
    if request.GET.get("format") == "xlsx":
        return exports.xlsx_response(exports.overdue_workbook(rows), "bao-cao-qua-han.xlsx")
    return render(request, "targets/overdue.html", {"rows": rows, **paginate(request, rows)})


# --------------------------------------------------------------------------------------------- scoring sets
@login_required
def scoring_index_view(request):
    sets = selectors.scoring_set_list(user=request.user)
    cycles = selectors.cycle_list(user=request.user)
    scope = scope_for(request.user)
    if not scope.has_org_role and not cycles.exists():
        raise Http404
    return render(
        request,
        "targets/scoring_index.html",
        {"sets": sets, "cycles": cycles, "can_write": bool(scope.write_paths) or scope.is_global},
    )


@login_required
def set_import_view(request):
    orgs = _writable_orgs(request.user)
    if not orgs.exists():
        raise Http404
    form = ScoringSetImportForm(request.POST or None, request.FILES or None, org_queryset=orgs)
    problems = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            scoring_set = services.scoring_set_import(
                actor=request.user,
                organization=data["organization"],
                name=data["name"],
                year=data["year"],
                upload=data["file"],
            )
        except ImportProblems as exc:
            form.add_error("file", exc.message)
            problems = exc.problems
        except BusinessError as exc:
            apply_business_error(form, exc)
        else:
            messages.success(request, "Đã nhập bộ chỉ số (dự thảo). Kiểm tra rồi ban hành.")
            return redirect("targets:set", set_id=scoring_set.pk)
    intro = (
        "Cột: Mã | Nội dung | Điểm tối đa | Hướng dẫn chấm. Mã 1 = lĩnh vực, 1.2 = tiêu chí, 1.2.3 = tiêu chí "
        "thành phần. Tổng điểm các tiêu chí thành phần phải bằng điểm của tiêu chí."
    )
    return _form_page(
        request,
        form,
        "Nhập bộ chỉ số từ Excel",
        back=reverse("targets:scoring"),
        problems=problems,
        intro=intro,
        multipart=True,
    )


@login_required
def set_detail_view(request, set_id: int):
    scoring_set = selectors.scoring_set_get(user=request.user, set_id=set_id)
    if request.GET.get("format") == "xlsx":
        return exports.xlsx_response(
            exports.set_workbook(scoring_set), f"bo-chi-so-{scoring_set.year}-v{scoring_set.version}.xlsx"
        )
    areas = list(scoring_set.areas.prefetch_related("criteria__components"))
    can_write = scope_for(request.user).can_write_path(scoring_set.organization.path)
    return render(
        request,
        "targets/set_detail.html",
        {
            "scoring_set": scoring_set,
            "areas": areas,
            "total": sum((a.max_points for a in areas), rules.Decimal(0)),
            "problems": [] if scoring_set.is_published else services.set_problems(scoring_set),
            "can_write": can_write,
            "copy_form": ScoringSetCopyForm(initial={"year": scoring_set.year + 1}),
            "history": history_for(scoring_set),
        },
    )


@login_required
@require_POST
def set_publish_view(request, set_id: int):
    scoring_set = selectors.scoring_set_get(user=request.user, set_id=set_id)
    try:
        services.scoring_set_publish(actor=request.user, scoring_set=scoring_set)
    except OutOfScope as exc:
        raise Http404 from exc
    except BusinessError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Đã ban hành bộ chỉ số; từ nay mọi thay đổi cần tạo phiên bản mới.")
    return redirect("targets:set", set_id=scoring_set.pk)


@login_required
@require_POST
def set_copy_view(request, set_id: int):
    scoring_set = selectors.scoring_set_get(user=request.user, set_id=set_id)
    form = ScoringSetCopyForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Năm không hợp lệ.")
        return redirect("targets:set", set_id=scoring_set.pk)
    try:
        copy = services.scoring_set_copy(actor=request.user, source=scoring_set, **form.cleaned_data)
    except OutOfScope as exc:
        raise Http404 from exc
    except BusinessError as exc:
        messages.error(request, exc.message)
        return redirect("targets:set", set_id=scoring_set.pk)
    messages.success(request, f"Đã tạo {copy} (dự thảo).")
    return redirect("targets:set", set_id=copy.pk)


@login_required
def component_edit_view(request, component_id: int):
    component = (
        Component.objects.select_related("criterion__area__scoring_set")
        .filter(pk=component_id, criterion__area__scoring_set__in=ScoringSet.objects.visible_to(request.user))
        .first()
    )
    if component is None:
        raise Http404
    scoring_set = component.criterion.area.scoring_set
    if (
        not scope_for(request.user).can_write_path(scoring_set.organization.path)
        or scoring_set.status != SetStatus.DRAFT
    ):
        raise Http404
    form = ComponentForm(
        request.POST or None,
        initial={
            "name": component.name,
            "max_points": rules.format_number(component.max_points),
            "guide": component.guide,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.component_update(actor=request.user, component=component, **form.cleaned_data)
        except BusinessError as exc:
            apply_business_error(form, exc)
        else:
            messages.success(request, "Đã lưu tiêu chí thành phần.")
            return redirect("targets:set", set_id=scoring_set.pk)
    return _form_page(
        request,
        form,
        f"Sửa tiêu chí thành phần {component.code}",
        back=reverse("targets:set", args=[scoring_set.pk]),
    )


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
    orgs = _writable_orgs(request.user)
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
    return _form_page(request, form, "Mở đợt chấm điểm", back=reverse("targets:scoring"))


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
        from .reports import ranking_annex

        return exports.xlsx_response(
            ranking_annex(cycle=cycle, ranking=ranking), f"phu-luc-xep-hang-cchc-{cycle.year}.xlsx"
        )
    if fmt == "docx":
        from .reports import ranking_report

        return _docx(
            ranking_report(cycle=cycle, ranking=ranking, today=local_today()),
            f"bao-cao-xep-hang-cchc-{cycle.year}.docx",
        )
    return render(request, "targets/ranking.html", {"cycle": cycle, "ranking": ranking})


def _docx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


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


# Events that carry appraisal-side values (the survey score import): hidden like the scores themselves.
APPRAISAL_SIDE_ACTIONS = ("import",)


def _visible_history(assessment, show_appraisal: bool) -> list[dict]:
    rows = history_for(assessment)
    if show_appraisal:
        return rows
    return [row for row in rows if row["event"].action not in APPRAISAL_SIDE_ACTIONS]


@login_required
def assessment_view(request, assessment_id: int):
    assessment = selectors.assessment_get(user=request.user, assessment_id=assessment_id)
    context = _assessment_context(request, assessment)
    if request.GET.get("format") == "docx":
        from .reports import self_assessment_report

        return _docx(
            self_assessment_report(
                assessment=assessment, breakdown=context["breakdown"], today=local_today()
            ),
            f"bao-cao-tu-danh-gia-{assessment.agency.code}-{assessment.cycle.year}.docx",
        )
    if request.GET.get("format") == "xlsx":
        from .reports import breakdown_annex

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
