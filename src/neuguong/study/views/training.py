"""Political-theory training pages: courses, enrolment, results, certificate, the theory-level gap."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from neuguong.access.scope import scope_for
from neuguong.core.forms import submit_form
from neuguong.core.paging import paginate
from neuguong.organizations.models import Organization
from neuguong.people.models import Person, PositionTitle, TheoryLevel

from .. import forms, selectors, services
from ..models import (
    PositionRequirement,
)
from .common import first_error, require


@login_required
def course_list_view(request):
    scope = scope_for(request.user)
    return render(
        request,
        "study/course_list.html",
        {
            "can_create": scope.is_global or bool(scope.write_paths),
            **paginate(request, selectors.course_list(user=request.user)),
        },
    )


@login_required
def course_create_view(request):
    scope = scope_for(request.user)
    require(scope.is_global or bool(scope.write_paths))
    form = forms.CourseForm(request.POST or None, queryset=Organization.objects.writable_by(request.user))
    if request.method == "POST" and (
        done := submit_form(form, lambda data: services.course_create(actor=request.user, **data))
    ):
        course = done.result
        messages.success(request, f"Đã mở lớp «{course.title}» ({course.get_kind_display()}).")
        return redirect("study:course_detail", course_id=course.pk)
    return render(request, "study/form.html", {"form": form, "title": "Mở lớp lý luận chính trị"})


def _course_page(request, course, *, enrol_form=None, row_errors=None, status: int = 200):
    scope = scope_for(request.user)
    enrolments = list(selectors.enrolment_list(user=request.user, course=course))
    for enrolment in enrolments:
        enrolment.can_write = scope.can_write_path(enrolment.person.organization.path)
        enrolment.error = (row_errors or {}).get(enrolment.pk)
    return render(
        request,
        "study/course_detail.html",
        {
            "course": course,
            "enrolments": enrolments,
            "enrol_form": enrol_form or forms.EnrolForm(people=Person.objects.none()),
            "can_enrol": scope.is_global or bool(scope.write_paths),
        },
        status=status,
    )


@login_required
def course_detail_view(request, course_id: int):
    course = selectors.course_get(user=request.user, course_id=course_id)
    if request.method != "POST" or "enrol" not in request.POST:
        return _course_page(request, course)
    form = forms.EnrolForm(request.POST, people=Person.objects.visible_to(request.user))
    if done := submit_form(
        form, lambda data: services.enrolment_add(actor=request.user, course=course, person=data["person"])
    ):
        messages.success(request, f"Đã ghi danh {done.result.person.full_name} vào lớp «{course.title}».")
        return redirect(request.path)
    return _course_page(request, course, enrol_form=form)


@login_required
@require_POST
def enrolment_complete_view(request, course_id: int, enrolment_id: int):
    course = selectors.course_get(user=request.user, course_id=course_id)
    enrolment = selectors.enrolment_list(user=request.user, course=course).filter(pk=enrolment_id).first()
    require(enrolment is not None)
    form = forms.CompleteForm(request.POST)
    if done := submit_form(
        form, lambda data: services.enrolment_complete(actor=request.user, enrolment=enrolment, **data)
    ):
        messages.success(
            request,
            f"Đã ghi kết quả học tập của {enrolment.person.full_name}: {done.result.get_status_display()}.",
        )
        return redirect("study:course_detail", course_id=course.pk)
    return _course_page(request, course, row_errors={enrolment.pk: first_error(form)}, status=400)


@login_required
def certificate_view(request, course_id: int, enrolment_id: int):
    course = selectors.course_get(user=request.user, course_id=course_id)
    enrolment = (
        selectors.enrolment_list(user=request.user, course=course)
        .filter(pk=enrolment_id, status="completed")
        .first()
    )
    require(enrolment is not None)
    return render(request, "study/certificate.html", {"course": course, "enrolment": enrolment})


@login_required
def theory_gap_view(request):
    scope = scope_for(request.user)
    require(scope.has_org_role)
    form = forms.RequirementForm(request.POST or None)
    can_configure = scope.is_global or bool(scope.structure_paths)
    if request.method == "POST":
        require(can_configure)
        if submit_form(form, lambda data: services.position_requirement_set(actor=request.user, **data)):
            requirement = form.cleaned_data
            messages.success(
                request,
                f"Đã lưu yêu cầu trình độ: {PositionTitle(requirement['title']).label} cần "
                f"{TheoryLevel(requirement['required_level']).label}.",
            )
            return redirect("study:theory_gap")
    page = paginate(request, selectors.theory_gap_list(user=request.user))
    labels = dict(TheoryLevel.choices)
    for position in page["page_obj"]:
        position.required_label = labels.get(position.required_level, "")
    return render(
        request,
        "study/theory_gap.html",
        {
            "requirements": PositionRequirement.objects.all(),
            "form": form,
            "can_configure": can_configure,
            **page,
        },
    )
