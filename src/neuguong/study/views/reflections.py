"""Reflection pages: the member's own, entered on behalf, the list and the review."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import RequestDataTooBig
from django.shortcuts import redirect, render

from neuguong.access.scope import scope_for
from neuguong.audit.selectors import history_for
from neuguong.core.forms import submit_form
from neuguong.core.paging import paginate

from .. import forms, selectors, services
from ..models import ReflectionGrade, ReflectionStatus
from .common import (
    query_param,
    require,
)

# --- reflections -----------------------------------------------------------------------------------


def _reflection_form_view(request, campaign, invitee, *, on_behalf: bool):
    reflection = selectors.reflection_of(invitee)
    questions = campaign.reflection_questions
    locked = reflection is not None and reflection.status not in (
        ReflectionStatus.DRAFT,
        ReflectionStatus.RETURNED,
    )
    too_big = False
    data = files = None
    if request.method == "POST" and not locked:
        # Special case: a body over the request limit cannot even be read; say why instead of a 400.
        try:
            data, files = request.POST, request.FILES
        except RequestDataTooBig:
            too_big = True
    form = forms.ReflectionForm(
        data, files, questions=questions, initial=forms.reflection_initial(reflection)
    )
    if too_big:
        form = forms.ReflectionForm(questions=questions, initial=forms.reflection_initial(reflection))
        form.is_bound = False
        messages.error(request, services.reflection_too_large().message)
    elif data is not None and submit_form(
        form,
        lambda cleaned: services.reflection_save(
            actor=request.user,
            invitee=invitee,
            answers=form.answer_texts(),
            plan_items=form.plan_items(),
            attachment=cleaned.get("attachment"),
            submit="submit" in request.POST,
        ),
    ):
        author = "" if not on_behalf else f" của {invitee.person.full_name}"
        messages.success(
            request,
            f"Đã nộp bài thu hoạch{author} — {campaign.title}."
            if "submit" in request.POST
            else f"Đã lưu bản nháp bài thu hoạch{author}.",
        )
        if on_behalf:
            return redirect("study:reflection_review", campaign_id=campaign.pk, invitee_id=invitee.pk)
        return redirect("study:reflection_mine", campaign_id=campaign.pk)
    return render(
        request,
        "study/reflection_form.html",
        {
            "campaign": campaign,
            "invitee": invitee,
            "reflection": reflection,
            "form": form,
            "locked": locked,
            "on_behalf": on_behalf,
        },
        status=413 if too_big else 200,
    )


@login_required
def reflection_mine_view(request, campaign_id: int):
    campaign = selectors.campaign_get(user=request.user, campaign_id=campaign_id)
    invitee = selectors.own_invitee(user=request.user, campaign=campaign)
    require(invitee is not None)
    return _reflection_form_view(request, campaign, invitee, on_behalf=False)


@login_required
def reflection_enter_view(request, campaign_id: int, invitee_id: int):
    campaign = selectors.campaign_get(user=request.user, campaign_id=campaign_id)
    invitee = selectors.invitee_get(user=request.user, campaign=campaign, invitee_id=invitee_id)
    require(scope_for(request.user).can_write_path(invitee.organization.path))
    return _reflection_form_view(request, campaign, invitee, on_behalf=True)


@login_required
def reflection_list_view(request, campaign_id: int):
    campaign = selectors.campaign_get(user=request.user, campaign_id=campaign_id)
    require(scope_for(request.user).has_org_role)
    status = query_param(request, "status", 16)
    qs = selectors.reflection_list(user=request.user, campaign=campaign, status=status)
    return render(
        request,
        "study/reflection_list.html",
        {
            "campaign": campaign,
            "status": status,
            "statuses": ReflectionStatus.choices,
            **paginate(request, qs, per_page=100),
        },
    )


@login_required
def reflection_review_view(request, campaign_id: int, invitee_id: int):
    campaign = selectors.campaign_get(user=request.user, campaign_id=campaign_id)
    invitee = selectors.invitee_get(user=request.user, campaign=campaign, invitee_id=invitee_id)
    can_write = scope_for(request.user).can_write_path(invitee.organization.path)
    reflection = selectors.reflection_of(invitee)
    review_form = forms.ReviewForm(request.POST if "review" in request.POST else None)
    excuse_form = forms.ExcuseForm(request.POST if "excuse" in request.POST else None)
    name = invitee.person.full_name
    if request.method == "POST":
        require(can_write)
        if "excuse" in request.POST and submit_form(
            excuse_form,
            lambda data: services.reflection_excuse(actor=request.user, invitee=invitee, **data),
        ):
            messages.success(request, f"Đã miễn viết thu hoạch cho {name}.")
            return redirect(request.path)
        returning = request.POST.get("review") == "return"
        if (
            "review" in request.POST
            and reflection is not None
            and submit_form(
                review_form,
                lambda data: (
                    services.reflection_return(actor=request.user, reflection=reflection, note=data["note"])
                    if returning
                    else services.reflection_grade(
                        actor=request.user, reflection=reflection, grade=data["grade"], note=data["note"]
                    )
                ),
            )
        ):
            messages.success(
                request,
                f"Đã trả lại bài thu hoạch của {name} để sửa."
                if returning
                else f"Đã chấm bài thu hoạch của {name}: {ReflectionGrade(review_form.cleaned_data['grade']).label}.",
            )
            return redirect(request.path)
    return render(
        request,
        "study/reflection_review.html",
        {
            "campaign": campaign,
            "invitee": invitee,
            "reflection": reflection,
            "qa": list(zip(campaign.reflection_questions, reflection.answers, strict=False))
            if reflection
            else [],
            "can_write": can_write,
            "review_form": review_form,
            "excuse_form": excuse_form,
            "history": history_for(reflection) if reflection else [],
        },
    )
