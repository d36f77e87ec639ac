"""Pages of scoring sets: import, detail and export, publication, copy, draft component edits."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from neuguong.access.scope import scope_for
from neuguong.audit.selectors import history_for
from neuguong.core.forms import submit_form
from neuguong.organizations.models import Organization

from .. import exports, rules, selectors, services
from ..forms import ActionForm, ComponentForm, ScoringSetCopyForm, ScoringSetImportForm
from .common import flash_errors, form_page, submit_import


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
    organizations = Organization.objects.writable_by(request.user)
    if not organizations.exists():
        raise Http404
    form = ScoringSetImportForm(request.POST or None, request.FILES or None, org_queryset=organizations)
    done, problems = submit_import(
        form,
        lambda data: services.scoring_set_import(
            actor=request.user,
            organization=data["organization"],
            name=data["name"],
            year=data["year"],
            upload=data["file"],
        ),
    )
    if done:
        messages.success(request, f"Đã nhập {done.result} (dự thảo). Kiểm tra rồi ban hành.")
        return redirect("targets:set", set_id=done.result.pk)
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


def _set_page(request, scoring_set, *, copy_form=None, status: int = 200):
    areas = list(scoring_set.areas.prefetch_related("criteria__components"))
    return render(
        request,
        "targets/set_detail.html",
        {
            "scoring_set": scoring_set,
            "areas": areas,
            "total": sum((a.max_points for a in areas), rules.Decimal(0)),
            "problems": [] if scoring_set.is_published else services.set_problems(scoring_set),
            "can_write": scope_for(request.user).can_write_path(scoring_set.organization.path),
            "copy_form": copy_form or ScoringSetCopyForm(initial={"year": scoring_set.year + 1}),
            "history": history_for(scoring_set),
        },
        status=status,
    )


@login_required
def set_detail_view(request, set_id: int):
    scoring_set = selectors.scoring_set_get(user=request.user, set_id=set_id)
    if request.GET.get("format") == "xlsx":
        return exports.xlsx_response(
            exports.set_workbook(scoring_set), f"bo-chi-so-{scoring_set.year}-v{scoring_set.version}.xlsx"
        )
    return _set_page(request, scoring_set)


@login_required
@require_POST
def set_publish_view(request, set_id: int):
    scoring_set = selectors.scoring_set_get(user=request.user, set_id=set_id)
    form = ActionForm(request.POST)
    if submit_form(form, lambda _: services.scoring_set_publish(actor=request.user, scoring_set=scoring_set)):
        messages.success(request, f"Đã ban hành {scoring_set}; từ nay mọi thay đổi cần tạo phiên bản mới.")
    else:
        flash_errors(request, form)
    return redirect("targets:set", set_id=scoring_set.pk)


@login_required
@require_POST
def set_copy_view(request, set_id: int):
    scoring_set = selectors.scoring_set_get(user=request.user, set_id=set_id)
    form = ScoringSetCopyForm(request.POST)
    if done := submit_form(
        form, lambda data: services.scoring_set_copy(actor=request.user, source=scoring_set, **data)
    ):
        messages.success(request, f"Đã tạo {done.result} (dự thảo) từ {scoring_set}.")
        return redirect("targets:set", set_id=done.result.pk)
    return _set_page(request, scoring_set, copy_form=form, status=400)


@login_required
def component_edit_view(request, component_id: int):
    component = selectors.component_for_edit(user=request.user, component_id=component_id)
    scoring_set = component.criterion.area.scoring_set
    form = ComponentForm(
        request.POST or None,
        initial={
            "name": component.name,
            "max_points": rules.format_number(component.max_points),
            "guide": component.guide,
        },
    )
    if request.method == "POST" and submit_form(
        form, lambda data: services.component_update(actor=request.user, component=component, **data)
    ):
        messages.success(request, f"Đã lưu tiêu chí thành phần {component.code}.")
        return redirect("targets:set", set_id=scoring_set.pk)
    return form_page(
        request,
        form,
        f"Sửa tiêu chí thành phần {component.code}",
        back=reverse("targets:set", args=[scoring_set.pk]),
    )
