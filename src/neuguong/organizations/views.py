from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from neuguong.access.scope import scope_for
from neuguong.audit.selectors import history_for
from neuguong.core.forms import submit_form
from neuguong.core.paging import COUNT_CAP, paginate
from neuguong.core.registry import ORG_LINKS, ORG_LIST_LINKS
from neuguong.core.text import search_key

from . import services
from .forms import (
    OrganizationCreateForm,
    OrganizationDissolveForm,
    OrganizationEditForm,
    OrganizationMergeForm,
    OrganizationMoveForm,
    organization_queryset_for,
)
from .selectors import (
    LISTED_COLUMNS,
    breadcrumbs,
    children_with_counts,
    organization_get,
    organization_list,
    organization_search_results,
)


def _require_org_role(user):
    if not scope_for(user).has_org_role:
        raise Http404


@login_required
def organization_list_view(request):
    _require_org_role(request.user)
    query = request.GET.get("q", "")[:200]
    show_dissolved = request.GET.get("dissolved") == "1"
    if search_key(query):
        # Best matches first, from the name index: filtering 180,000 organisations by a substring and
        # counting them took a second at national size (bench/README.md).
        qs = organization_search_results(
            user=request.user, query=query, include_dissolved=show_dissolved, want=COUNT_CAP + 1, listed=True
        )
    else:
        qs = organization_list(user=request.user, include_dissolved=show_dissolved).only(*LISTED_COLUMNS)
    context = {
        "query": query,
        "show_dissolved": show_dissolved,
        "list_links": [{"label": label, "url": reverse(name)} for label, name in ORG_LIST_LINKS],
        **paginate(request, qs, per_page=100, capped=True),
    }
    return render(request, "organizations/list.html", context)


@login_required
def organization_detail_view(request, code: str):
    _require_org_role(request.user)
    organization = organization_get(user=request.user, code=code)
    scope = scope_for(request.user)
    context = {
        "org": organization,
        "crumbs": breadcrumbs(user=request.user, organization=organization),
        "children": children_with_counts(organization=organization),
        "decisions": organization.decisions.select_related("actor")[:50],
        "history": history_for(organization),
        "can_change_structure": scope.can_change_structure(organization.path),
        "can_write": scope.can_write_path(organization.path),
        "org_links": [
            {"label": label, "url": reverse(name, kwargs={"code": organization.code})}
            for label, name in ORG_LINKS
        ],
    }
    return render(request, "organizations/detail.html", context)


def _organization_for_structure(request, code: str):
    """The organisation whose structure the user may change, or 404 (the same as a missing one)."""
    organization = organization_get(user=request.user, code=code)
    if not scope_for(request.user).can_change_structure(organization.path):
        raise Http404
    return organization


def _structure_form_view(
    request, code, form_class, title, handler, *, success, with_queryset=False, initial=None
):
    organization = _organization_for_structure(request, code)
    kwargs = {"queryset": organization_queryset_for(request.user)} if with_queryset else {}
    form = form_class(request.POST or None, initial=initial(organization) if initial else None, **kwargs)
    if request.method == "POST" and (done := submit_form(form, lambda d: handler(organization, d))):
        messages.success(request, success(organization, done.result))
        return redirect("organizations:detail", code=done.result.code)
    return render(request, "organizations/form.html", {"form": form, "org": organization, "title": title})


@login_required
def organization_create_view(request, code: str):
    def handle(parent, data):
        return services.organization_create(actor=request.user, parent=parent, **data)

    return _structure_form_view(
        request,
        code,
        OrganizationCreateForm,
        "Thành lập tổ chức trực thuộc",
        handle,
        success=lambda parent, created: f"Đã thành lập {created.name} trực thuộc {parent.name}.",
    )


EDITABLE = ("name", "abbreviation", "superior_body", "has_branch_committee")


@login_required
def organization_edit_view(request, code: str):
    def handle(org, data):
        return services.organization_update(actor=request.user, organization=org, **data)

    return _structure_form_view(
        request,
        code,
        OrganizationEditForm,
        "Sửa thông tin, đổi tên",
        handle,
        success=lambda org, saved: f"Đã lưu thông tin của {saved.name}.",
        initial=lambda org: {name: getattr(org, name) for name in EDITABLE},
    )


@login_required
def organization_move_view(request, code: str):
    def handle(org, data):
        return services.organization_move(actor=request.user, organization=org, **data)

    return _structure_form_view(
        request,
        code,
        OrganizationMoveForm,
        "Chuyển tổ chức cấp trên",
        handle,
        success=lambda org, moved: f"Đã chuyển {moved.name} về trực thuộc {moved.parent.name}.",
        with_queryset=True,
    )


@login_required
def organization_merge_view(request, code: str):
    def handle(org, data):
        return services.organization_merge(actor=request.user, source=org, **data)

    return _structure_form_view(
        request,
        code,
        OrganizationMergeForm,
        "Sáp nhập",
        handle,
        success=lambda org, target: f"Đã sáp nhập {org.name} vào {target.name}.",
        with_queryset=True,
    )


@login_required
def organization_dissolve_view(request, code: str):
    def handle(org, data):
        return services.organization_dissolve(actor=request.user, organization=org, **data)

    return _structure_form_view(
        request,
        code,
        OrganizationDissolveForm,
        "Giải thể",
        handle,
        success=lambda org, dissolved: f"Đã ghi quyết định giải thể {dissolved.name}.",
    )
