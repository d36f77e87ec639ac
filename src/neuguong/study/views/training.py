"""Political-theory training pages: courses, enrolment, results, certificate, the theory-level gap."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from neuguong.access.scope import scope_for
from neuguong.core.errors import BusinessError, OutOfScope
from neuguong.core.forms import apply_business_error
from neuguong.core.paging import paginate
from neuguong.organizations.models import Organization
from neuguong.people.models import Person, TheoryLevel

from .. import forms, selectors, services
from ..models import (
    PositionRequirement,
)
from .common import (
    require,
)

# --- political-theory training ---------------------------------------------------------------------


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
    if request.method == "POST" and form.is_valid():
        try:
            course = services.course_create(actor=request.user, **form.cleaned_data)
        except OutOfScope:
            form.add_error("organizer", services.MSG_NO_RIGHT)
        except BusinessError as exc:
            apply_business_error(form, exc)
        else:
            messages.success(request, "Đã mở lớp.")
            return redirect("study:course_detail", course_id=course.pk)
    return render(request, "study/form.html", {"form": form, "title": "Mở lớp lý luận chính trị"})


@login_required
def course_detail_view(request, course_id: int):
    course = selectors.course_get(user=request.user, course_id=course_id)
    scope = scope_for(request.user)
    enrol_form = forms.EnrolForm(request.POST if "enrol" in request.POST else None)
    if request.method == "POST" and "enrol" in request.POST and enrol_form.is_valid():
        person = (
            Person.objects.visible_to(request.user)
            .filter(card_number=enrol_form.cleaned_data["card_number"].strip())
            .first()
        )
        if person is None:
            enrol_form.add_error(
                "card_number", "Không tìm thấy đảng viên có số thẻ này trong phạm vi của bạn."
            )
        else:
            try:
                services.enrolment_add(actor=request.user, course=course, person=person)
            except OutOfScope:
                enrol_form.add_error("card_number", services.MSG_NO_RIGHT)
            except BusinessError as exc:
                apply_business_error(enrol_form, exc)
            else:
                messages.success(request, f"Đã ghi danh {person.full_name}.")
                return redirect(request.path)
    enrolments = list(selectors.enrolment_list(user=request.user, course=course))
    for enrolment in enrolments:
        enrolment.can_write = scope.can_write_path(enrolment.person.organization.path)
    return render(
        request,
        "study/course_detail.html",
        {
            "course": course,
            "enrolments": enrolments,
            "enrol_form": enrol_form,
            "complete_form": forms.CompleteForm(),
            "can_enrol": scope.is_global or bool(scope.write_paths),
        },
    )


@login_required
@require_POST
def enrolment_complete_view(request, course_id: int, enrolment_id: int):
    course = selectors.course_get(user=request.user, course_id=course_id)
    enrolment = selectors.enrolment_list(user=request.user, course=course).filter(pk=enrolment_id).first()
    require(enrolment is not None)
    form = forms.CompleteForm(request.POST)
    if form.is_valid():
        try:
            services.enrolment_complete(actor=request.user, enrolment=enrolment, **form.cleaned_data)
        except OutOfScope as exc:
            raise Http404 from exc
        except BusinessError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "Đã ghi kết quả.")
    else:
        messages.error(request, "Kết quả không hợp lệ.")
    return redirect("study:course_detail", course_id=course.pk)


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
        if form.is_valid():
            services.position_requirement_set(actor=request.user, **form.cleaned_data)
            messages.success(request, "Đã lưu yêu cầu trình độ.")
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
