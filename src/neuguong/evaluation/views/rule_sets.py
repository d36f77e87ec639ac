"""Rule sets (the shipped 124 and 366 and committees' own versions), the year report, discipline records."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from neuguong.access.scope import scope_for
from neuguong.audit.selectors import history_for
from neuguong.core.forms import submit_form
from neuguong.core.paging import paginate
from neuguong.organizations.models import Organization
from neuguong.people.models import Person

from .. import levels, reports, selectors, services, shipped
from ..forms import (
    CriterionEditForm,
    DisciplineRecordForm,
    ReportFilterForm,
    RuleSetCopyForm,
    RuleSetEditForm,
)
from ..levels import LEVELS
from .common import DOCX, XLSX, file_response, org_param, require_org_role, today, year_param


@login_required
def rule_sets_view(request):
    require_org_role(request.user)
    shipped.ensure_shipped()
    return render(
        request, "evaluation/rule_sets.html", {"rule_sets": selectors.rule_set_list(user=request.user)}
    )


def _rule_set_page(request, rule_set, *, copy_form=None, edit_form=None, status=200):
    can_write = scope_for(request.user).can_write_path(rule_set.organization.path)
    writable = Organization.objects.writable_by(request.user)
    try:
        rules = rule_set.rules()
        rules_problems = []
    except levels.RulesInvalid as error:
        rules, rules_problems = None, error.problems
    context = {
        "rule_set": rule_set,
        "rules": rules,
        "rules_problems": rules_problems,
        "parts": selectors.rule_set_parts(rule_set),
        "problems": [] if rule_set.is_published else services.rule_set_problems(rule_set),
        "can_write": can_write,
        "can_copy": writable.exists(),
        "copy_form": copy_form
        or RuleSetCopyForm(organizations=writable, initial={"year_from": today().year}),
        "edit_form": edit_form or RuleSetEditForm(initial=RuleSetEditForm.initial_for(rule_set)),
        "levels": LEVELS,
        "history": history_for(rule_set),
    }
    return render(request, "evaluation/rule_set.html", context, status=status)


@login_required
def rule_set_view(request, rule_set_id: int):
    require_org_role(request.user)
    return _rule_set_page(request, selectors.rule_set_get(user=request.user, rule_set_id=rule_set_id))


@login_required
@require_POST
def rule_set_copy_view(request, rule_set_id: int):
    rule_set = selectors.rule_set_get(user=request.user, rule_set_id=rule_set_id)
    form = RuleSetCopyForm(request.POST, organizations=Organization.objects.writable_by(request.user))
    if done := submit_form(
        form, lambda data: services.rule_set_copy(actor=request.user, source=rule_set, **data)
    ):
        messages.success(request, f"Đã sao {rule_set.code} thành dự thảo «{done.result}»; sửa rồi ban hành.")
        return redirect("evaluation:rule_set", rule_set_id=done.result.pk)
    return _rule_set_page(request, rule_set, copy_form=form, status=400)


@login_required
@require_POST
def rule_set_edit_view(request, rule_set_id: int):
    rule_set = selectors.rule_set_get(user=request.user, rule_set_id=rule_set_id)
    form = RuleSetEditForm(request.POST)
    if done := submit_form(
        form,
        lambda data: services.rule_set_update(
            actor=request.user,
            rule_set=rule_set,
            name=data["name"],
            basis=data["basis"],
            year_from=data["year_from"],
            settings=form.settings_from(data, rule_set.settings),
        ),
    ):
        messages.success(request, f"Đã lưu quy tắc của {done.result}.")
        return redirect("evaluation:rule_set", rule_set_id=rule_set.pk)
    return _rule_set_page(request, rule_set, edit_form=form, status=400)


@login_required
@require_POST
def rule_set_criterion_view(request, rule_set_id: int, part_id: int):
    rule_set = selectors.rule_set_get(user=request.user, rule_set_id=rule_set_id)
    part = rule_set.parts.filter(pk=part_id).first()
    if part is None:
        raise Http404
    form = CriterionEditForm(request.POST)
    if submit_form(
        form, lambda data: services.criterion_update(actor=request.user, rule_set=rule_set, part=part, **data)
    ):
        messages.success(request, f"Đã sửa tiêu chí {form.cleaned_data['code']}.")
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
    return redirect("evaluation:rule_set", rule_set_id=rule_set.pk)


@login_required
@require_POST
def rule_set_publish_view(request, rule_set_id: int):
    rule_set = selectors.rule_set_get(user=request.user, rule_set_id=rule_set_id)
    services.rule_set_publish(actor=request.user, rule_set=rule_set)
    messages.success(request, f"Đã ban hành {rule_set}; từ nay mọi thay đổi cần tạo phiên bản mới.")
    return redirect("evaluation:rule_set", rule_set_id=rule_set.pk)


# ------------------------------------------------------------------------------------------------ report
@login_required
def report_view(request):
    """The year report of an organisation's subtree: page, DOCX and XLSX from the same selector. The
    organisation is chosen by name (`organization`, a picker) or given by code in links (`org`)."""
    require_org_role(request.user)
    scope = scope_for(request.user)
    visible = Organization.objects.visible_to(request.user)
    form = ReportFilterForm(request.GET or None, organizations=visible)
    organization = form.cleaned_data.get("organization") if form.is_bound and form.is_valid() else None
    organization = organization or org_param(request)
    if organization is None:
        organization = visible.order_by("depth", "name_folded").first()
        if organization is None:
            raise Http404
    if not scope.can_read_path(organization.path):
        raise Http404
    year = year_param(request, default=today().year) or today().year
    report = selectors.year_report(user=request.user, organization=organization, year=year)
    fmt = request.GET.get("format")
    if fmt == "docx":
        return file_response(
            reports.year_report_docx(report=report, today=today()), f"bao-cao-xep-loai-{year}.docx", DOCX
        )
    if fmt == "xlsx":
        return file_response(reports.year_report_xlsx(report=report), f"phu-luc-xep-loai-{year}.xlsx", XLSX)
    form = ReportFilterForm(initial={"organization": organization, "year": year}, organizations=visible)
    return render(
        request,
        "evaluation/report.html",
        {"report": report, "organization": organization, "year": year, "levels": LEVELS, "form": form},
    )


# ------------------------------------------------------------------------------------------------ discipline
@login_required
def disciplines_view(request):
    require_org_role(request.user)
    people = Person.objects.visible_to(request.user).filter(
        scope_for(request.user).write_q("organization__path")
    )
    organizations = Organization.objects.writable_by(request.user)
    form = DisciplineRecordForm(request.POST or None, people=people, organizations=organizations)
    if request.method == "POST" and (
        done := submit_form(form, lambda data: services.discipline_record(actor=request.user, **data))
    ):
        messages.success(request, f"Đã ghi nhận kỷ luật: {done.result}.")
        return redirect("evaluation:disciplines")
    year = year_param(request)
    records = selectors.discipline_list(user=request.user, organization=org_param(request), year=year)
    return render(
        request,
        "evaluation/disciplines.html",
        {"form": form, "year": year, "can_write": organizations.exists(), **paginate(request, records)},
        status=400 if form.is_bound else 200,
    )
