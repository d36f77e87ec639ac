"""Pages of scoring sets: import, detail and export, publication, copy, draft component edits."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from neuguong.access.scope import scope_for
from neuguong.audit.selectors import history_for
from neuguong.core.errors import BusinessError, OutOfScope
from neuguong.core.forms import apply_business_error
from neuguong.organizations.models import Organization

from .. import exports, rules, selectors, services
from ..forms import (
    ComponentForm,
    ScoringSetCopyForm,
    ScoringSetImportForm,
)
from ..importers import ImportProblems
from ..models import Component, ScoringSet, SetStatus
from .common import (
    form_page,
)


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
    orgs = Organization.objects.writable_by(request.user)
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
    return form_page(
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
    return form_page(
        request,
        form,
        f"Sửa tiêu chí thành phần {component.code}",
        back=reverse("targets:set", args=[scoring_set.pk]),
    )
