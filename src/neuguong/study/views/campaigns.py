"""Pages of study campaigns: list and export, create, detail, edit, invited list, sessions, materials,
and the campaign's report and annex."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from neuguong.access.scope import scope_for
from neuguong.audit.selectors import history_for_records
from neuguong.core.forms import submit_form
from neuguong.core.paging import paginate
from neuguong.organizations.models import Organization
from neuguong.organizations.selectors import top_organization

from .. import forms, reports, selectors, services
from ..models import (
    CampaignLevel,
)
from .common import (
    managed_campaign,
    query_param,
    require,
)

# --- campaigns -------------------------------------------------------------------------------------


def _campaign_filters(request) -> dict:
    level = request.GET.get("level", "")
    sort = request.GET.get("sort", "new")
    return {
        "query": query_param(request, "q", 100),
        "level": level if level in CampaignLevel.values else "",
        "sort": sort if sort in selectors.CAMPAIGN_SORTS else "new",
    }


@login_required
def campaign_list_view(request):
    filters = _campaign_filters(request)
    scope = scope_for(request.user)
    context = {
        "filters": filters,
        "levels": CampaignLevel.choices,
        "can_create": scope.is_global or bool(scope.write_paths),
        **paginate(request, selectors.campaign_list(user=request.user, **filters)),
    }
    return render(request, "study/campaign_list.html", context)


@login_required
def campaign_list_xlsx_view(request):
    """Exactly the list shown (same filters, same scope), every page."""
    top = top_organization(request.user)
    content = reports.campaign_list_xlsx(
        selectors.campaign_list(user=request.user, **_campaign_filters(request)),
        organization=top.name if top else "",
    )
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = 'attachment; filename="dot-hoc-tap.xlsx"'
    return response


@login_required
def campaign_create_view(request):
    scope = scope_for(request.user)
    require(scope.is_global or bool(scope.write_paths))
    queryset = Organization.objects.writable_by(request.user)
    from neuguong.documents.models import Document

    form = forms.CampaignForm(
        request.POST or None, queryset=queryset, document_queryset=Document.objects.visible_to(request.user)
    )
    if request.method == "POST" and (
        done := submit_form(form, lambda data: services.campaign_create(actor=request.user, **data))
    ):
        campaign = done.result
        messages.success(
            request, f"Đã tạo đợt học tập «{campaign.title}» do {campaign.organizer.name} tổ chức."
        )
        return redirect("study:campaign_detail", campaign_id=campaign.pk)
    return render(request, "study/form.html", {"form": form, "title": "Tạo đợt học tập nghị quyết"})


@login_required
def campaign_detail_view(request, campaign_id: int):
    campaign = selectors.campaign_get(user=request.user, campaign_id=campaign_id)
    scope = scope_for(request.user)
    mine = selectors.own_invitee(user=request.user, campaign=campaign)
    my_marks = {}
    if mine:
        my_marks = {a.session_id: a for a in mine.attendances.all()}
    sessions = list(campaign.sessions.all())
    for session in sessions:
        session.my_mark = my_marks.get(session.pk)
    materials, rounds = list(campaign.materials.all()), list(campaign.quiz_rounds.all())
    org_rows = (
        selectors.campaign_org_stats(user=request.user, campaign=campaign) if scope.has_org_role else []
    )
    context = {
        "campaign": campaign,
        "sessions": sessions,
        "materials": materials,
        "rounds": rounds,
        "question_count": campaign.questions.count(),
        "mine": mine,
        "my_reflection": selectors.reflection_of(mine) if mine else None,
        "can_manage": selectors.can_manage(request.user, campaign),
        "can_mark": selectors.can_mark_any(request.user, campaign),
        "org_rows": org_rows,
        "totals": selectors.totals_of(org_rows),
        "history": history_for_records([campaign, *sessions, *materials, *rounds])
        if scope.has_org_role
        else [],
    }
    return render(request, "study/campaign_detail.html", context)


@login_required
def campaign_edit_view(request, campaign_id: int):
    campaign = managed_campaign(request, campaign_id)
    initial = {
        "title": campaign.title,
        "level": campaign.level,
        "audience_root": campaign.audience_root.code,
        "audience_statuses": campaign.audience_statuses,
        "audience_positions": campaign.audience_positions,
        "reflection_questions": "\n".join(campaign.reflection_questions),
        "reflection_due": campaign.reflection_due,
        "description": campaign.description,
    }
    form = forms.CampaignEditForm(
        request.POST or None, initial=initial, queryset=Organization.objects.writable_by(request.user)
    )
    if request.method == "POST" and submit_form(
        form,
        lambda data: services.campaign_update(
            actor=request.user,
            campaign=campaign,
            **{**data, "audience_root": data.get("audience_root") or campaign.organizer},
        ),
    ):
        messages.success(request, f"Đã lưu thay đổi của đợt học tập «{campaign.title}».")
        return redirect("study:campaign_detail", campaign_id=campaign.pk)
    return render(
        request,
        "study/form.html",
        {"form": form, "title": f"Sửa đợt học tập: {campaign}", "campaign": campaign},
    )


@login_required
@require_POST
def campaign_invite_view(request, campaign_id: int):
    campaign = managed_campaign(request, campaign_id)
    added = services.invitees_generate(actor=request.user, campaign=campaign)
    messages.success(request, f"Đã bổ sung {added} người vào danh sách triệu tập «{campaign.title}».")
    return redirect("study:campaign_detail", campaign_id=campaign.pk)


@login_required
def session_create_view(request, campaign_id: int):
    campaign = managed_campaign(request, campaign_id)
    form = forms.SessionForm(request.POST or None, initial={"is_makeup": request.GET.get("hoc_bu") == "1"})
    if request.method == "POST" and (
        done := submit_form(
            form, lambda data: services.session_add(actor=request.user, campaign=campaign, **data)
        )
    ):
        messages.success(request, f"Đã thêm {done.result} vào đợt học tập «{campaign.title}».")
        return redirect("study:campaign_detail", campaign_id=campaign.pk)
    return render(
        request,
        "study/form.html",
        {"form": form, "title": f"Thêm buổi học: {campaign}", "campaign": campaign},
    )


@login_required
def material_create_view(request, campaign_id: int):
    campaign = managed_campaign(request, campaign_id)
    form = forms.MaterialForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and (
        done := submit_form(
            form, lambda data: services.material_add(actor=request.user, campaign=campaign, **data)
        )
    ):
        messages.success(
            request, f"Đã thêm tài liệu «{done.result.title}» vào đợt học tập «{campaign.title}»."
        )
        return redirect("study:campaign_detail", campaign_id=campaign.pk)
    return render(
        request,
        "study/form.html",
        {"form": form, "title": f"Thêm tài liệu: {campaign}", "campaign": campaign, "multipart": True},
    )


@login_required
def invitee_list_view(request, campaign_id: int):
    campaign = selectors.campaign_get(user=request.user, campaign_id=campaign_id)
    require(scope_for(request.user).has_org_role)
    query = query_param(request, "q", 100)
    qs = selectors.invitee_list(user=request.user, campaign=campaign, query=query)
    return render(
        request,
        "study/invitee_list.html",
        {"campaign": campaign, "query": query, **paginate(request, qs, per_page=100)},
    )


# --- reports ---------------------------------------------------------------------------------------


@login_required
def campaign_xlsx_view(request, campaign_id: int):
    campaign = selectors.campaign_get(user=request.user, campaign_id=campaign_id)
    require(scope_for(request.user).has_org_role)
    content = reports.campaign_annex_xlsx(user=request.user, campaign=campaign)
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="hoc-tap-{campaign.pk}-phu-luc.xlsx"'
    return response


@login_required
def campaign_docx_view(request, campaign_id: int):
    campaign = selectors.campaign_get(user=request.user, campaign_id=campaign_id)
    require(scope_for(request.user).has_org_role)
    content = reports.campaign_report_docx(user=request.user, campaign=campaign)
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    response["Content-Disposition"] = f'attachment; filename="hoc-tap-{campaign.pk}-bao-cao.docx"'
    return response
