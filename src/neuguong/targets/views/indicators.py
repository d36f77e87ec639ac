"""Pages of indicators, annual targets and their actuals, and the overdue reports."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from neuguong.access.scope import scope_for
from neuguong.audit.selectors import history_for
from neuguong.core.dates import local_today
from neuguong.core.forms import submit_form
from neuguong.core.paging import paginate
from neuguong.organizations.models import Agency, Organization

from .. import charts, exports, rules, selectors, services
from ..forms import ActualForm, AnnualTargetForm, IndicatorForm, XlsxImportForm
from .common import form_page, org_filter, query_param, require_org_role, submit_import, year_param


@login_required
def index_view(request):
    """Indicators of the user's committees, with the year's overdue reports."""
    require_org_role(request.user)
    query = query_param(request, "q", 100)
    today = local_today()
    overdue = selectors.overdue_reports(user=request.user, today=today, limit=10)
    context = {
        "query": query,
        "year": year_param(request),
        "overdue": overdue,
        "can_write": bool(scope_for(request.user).write_paths) or request.user.is_superuser,
        **paginate(request, selectors.indicator_list(user=request.user, query=query)),
    }
    return render(request, "targets/index.html", context)


@login_required
def indicator_create_view(request):
    organizations = Organization.objects.writable_by(request.user)
    if not organizations.exists():
        raise Http404
    form = IndicatorForm(request.POST or None, org_queryset=organizations)
    if request.method == "POST" and (
        done := submit_form(form, lambda data: services.indicator_create(actor=request.user, **data))
    ):
        messages.success(request, f"Đã thêm chỉ tiêu {done.result}.")
        return redirect("targets:indicator", indicator_id=done.result.pk)
    return form_page(request, form, "Thêm chỉ tiêu", back=reverse("targets:index"))


@login_required
def indicator_edit_view(request, indicator_id: int):
    indicator = selectors.indicator_for_write(user=request.user, indicator_id=indicator_id)
    initial = {
        name: getattr(indicator, name) for name in IndicatorForm.base_fields if hasattr(indicator, name)
    }
    initial["baseline"] = rules.format_number(indicator.baseline)
    form = IndicatorForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and submit_form(
        form, lambda data: services.indicator_update(actor=request.user, indicator=indicator, **data)
    ):
        messages.success(request, f"Đã lưu thay đổi của chỉ tiêu {indicator}.")
        return redirect("targets:indicator", indicator_id=indicator.pk)
    back = reverse("targets:indicator", args=[indicator.pk])
    return form_page(request, form, f"Sửa chỉ tiêu {indicator.code}", back=back)


@login_required
def indicator_detail_view(request, indicator_id: int):
    """Roll-up of an indicator over the chosen subtree, period by period, with its trend chart."""
    indicator = selectors.indicator_get(user=request.user, indicator_id=indicator_id)
    year = year_param(request)
    organization = org_filter(request)
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
    agencies = Agency.objects.writable_by(request.user)
    if not agencies.exists():
        raise Http404
    form = AnnualTargetForm(
        request.POST or None,
        indicators=selectors.indicator_list(user=request.user),
        agencies=agencies,
        initial={"indicator": request.GET.get("indicator")},
    )
    if request.method == "POST" and (
        done := submit_form(form, lambda data: services.annual_target_set(actor=request.user, **data))
    ):
        target = done.result
        messages.success(
            request,
            f"Đã giao chỉ tiêu năm {target.year} «{target.indicator.name}» cho {target.agency.name}: "
            f"{rules.format_number(target.target_value)} {target.indicator.unit}.",
        )
        return redirect("targets:target", target_id=target.pk)
    return form_page(request, form, "Giao chỉ tiêu năm cho cơ quan", back=reverse("targets:index"))


@login_required
def targets_import_view(request):
    organizations = Organization.objects.writable_by(request.user)
    if not organizations.exists():
        raise Http404
    form = XlsxImportForm(request.POST or None, request.FILES or None, org_queryset=organizations)
    done, problems = submit_import(
        form,
        lambda data: services.annual_targets_import(
            actor=request.user, organization=data["organization"], upload=data["file"]
        ),
    )
    if done:
        messages.success(request, f"Đã nhập {len(done.result)} chỉ tiêu năm.")
        return redirect("targets:index")
    intro = "Cột: Mã chỉ tiêu | Mã cơ quan | Năm | Chỉ tiêu năm | Ghi chú. Có lỗi ở dòng nào thì không nhập dòng nào."
    return form_page(
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
    target = selectors.annual_target_page(user=request.user, target_id=target_id)
    cells = selectors.target_periods(target, local_today())
    can_write = scope_for(request.user).can_write_path(target.agency.organization.path)
    if request.method == "POST" and not can_write:
        raise Http404
    form = ActualForm(
        request.POST or None,
        request.FILES or None,
        periods=[(c.period, c.label) for c in cells],
        initial={"period": next((c.period for c in cells if c.value is None), cells[-1].period)},
    )
    done = request.method == "POST" and submit_form(
        form,
        lambda data: services.actual_record(
            actor=request.user,
            annual_target=target,
            period=data["period"],
            value=data["value"],
            note=data["note"],
            files=request.FILES.getlist("files"),
        ),
    )
    if done:
        actual = done.result
        label = rules.period_label(target.year, target.indicator.frequency, actual.period)
        messages.success(
            request,
            f"Đã ghi kết quả thực hiện {label} của {target.agency.name}: "
            f"{rules.format_number(actual.value)} {target.indicator.unit}.",
        )
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
        "history": selectors.target_history(target),
    }
    return render(request, "targets/target_detail.html", context)


@login_required
def actual_evidence_view(request, evidence_id: int):
    evidence = selectors.actual_evidence_get(user=request.user, evidence_id=evidence_id)
    return FileResponse(evidence.file.open("rb"), as_attachment=True, filename=evidence.original_name)


@login_required
def overdue_view(request):
    require_org_role(request.user)
    rows = selectors.overdue_reports(user=request.user, today=local_today(), organization=org_filter(request))
    if request.GET.get("format") == "xlsx":
        return exports.xlsx_response(exports.overdue_workbook(rows), "bao-cao-qua-han.xlsx")
    return render(request, "targets/overdue.html", {"rows": rows, **paginate(request, rows)})
