from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from neuguong.access.scope import scope_for
from neuguong.audit.selectors import history_for
from neuguong.core.forms import submit_form
from neuguong.core.paging import paginate
from neuguong.core.registry import PEOPLE_LIST_LINKS, PERSON_PANELS
from neuguong.core.text import search_key
from neuguong.organizations.models import Organization

from . import services
from .forms import (
    PersonCreateForm,
    PersonEditForm,
    PersonFilterForm,
    PersonForm,
    PersonTransferForm,
    SensitiveAccessFilterForm,
)
from .selectors import (
    LISTED_COLUMNS,
    SORTS,
    person_get,
    person_list,
    person_search_results,
    sensitive_access_list,
)


def people_filters(request) -> dict:
    """Parse the list filters the same way for the page and its export."""
    form = PersonFilterForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    organization = None
    if data.get("org"):
        organization = Organization.objects.visible_to(request.user).filter(code=data["org"]).first()
        if organization is None:
            raise Http404
    return {
        "query": data.get("q", "")[:200],
        "organization": organization,
        "status": data.get("status", ""),
        "theory_level": data.get("theory_level", ""),
        "sort": data.get("sort") if data.get("sort") in SORTS else "name",
    }


@login_required
def person_list_view(request):
    if not scope_for(request.user).has_org_role:
        raise Http404
    filters = people_filters(request)
    if search_key(filters["query"]) and filters["sort"] == "name":
        # Best matches first (exact diacritics, then names and words that begin with the query).
        qs = person_search_results(
            user=request.user, listed=True, **{k: v for k, v in filters.items() if k != "sort"}
        )
    else:
        qs = person_list(user=request.user, **filters).only(*LISTED_COLUMNS)
    context = {
        "filters": filters,
        "filter_form": PersonFilterForm(request.GET),
        "people_list_links": [{"label": label, "url": reverse(name)} for label, name in PEOPLE_LIST_LINKS],
        **paginate(request, qs, capped=True),
    }
    template = "people/_table.html" if request.htmx else "people/list.html"
    return render(request, template, context)


@login_required
def person_detail_view(request, person_id: int):
    person = person_get(user=request.user, person_id=person_id)
    scope = scope_for(request.user)
    context = {
        "person": person,
        "positions": person.positions.select_related("organization"),
        "memberships": person.memberships.select_related("organization"),
        "history": history_for(person),
        "can_write": scope.can_write_path(person.organization.path),
        "can_reveal": bool(person.citizen_id) and scope.can_see_sensitive(person.organization.path),
        "person_panels": [panel for build in PERSON_PANELS if (panel := build(request.user, person))],
    }
    return render(request, "people/detail.html", context)


@login_required
@require_POST
def person_reveal_citizen_id_view(request, person_id: int):
    person = person_get(user=request.user, person_id=person_id)
    value = services.citizen_id_reveal(actor=request.user, person=person, purpose="Xem trên trang hồ sơ")
    return render(request, "people/_citizen_id.html", {"value": value})


@login_required
def person_create_view(request):
    scope = scope_for(request.user)
    if not scope.write_paths and not scope.is_global:
        raise Http404
    form = PersonCreateForm(
        request.POST or None,
        # Only where the user may add people: any other code reads "not found in your scope".
        queryset=Organization.objects.writable_by(request.user),
        initial={"organization": request.GET.get("org", "")[:32]},
    )
    if request.method == "POST" and (
        done := submit_form(form, lambda d: services.person_create(actor=request.user, **d))
    ):
        messages.success(request, f"Đã thêm {done.result.full_name} vào {done.result.organization.name}.")
        return redirect("people:detail", person_id=done.result.pk)
    return render(request, "people/form.html", {"form": form, "title": "Thêm đảng viên"})


def _person_for_write(request, person_id: int):
    person = person_get(user=request.user, person_id=person_id)
    if not scope_for(request.user).can_write_path(person.organization.path):
        raise Http404
    return person


@login_required
def person_edit_view(request, person_id: int):
    person = _person_for_write(request, person_id)
    # The CCCD is not put back into the form (it would print in full): the form shows it masked.
    initial = {name: getattr(person, name) for name in PersonForm.base_fields if name != "citizen_id"}
    form = PersonEditForm(request.POST or None, initial=initial, person=person)
    if request.method == "POST" and submit_form(
        form, lambda _data: services.person_update(actor=request.user, person=person, **form.changes())
    ):
        messages.success(request, f"Đã lưu hồ sơ của {person.full_name}.")
        return redirect("people:detail", person_id=person.pk)
    return render(
        request,
        "people/form.html",
        {"form": form, "title": f"Sửa hồ sơ: {person.full_name}", "person": person},
    )


@login_required
def person_transfer_view(request, person_id: int):
    person = _person_for_write(request, person_id)
    form = PersonTransferForm(request.POST or None, queryset=Organization.objects.writable_by(request.user))
    if request.method == "POST" and submit_form(
        form, lambda d: services.person_transfer(actor=request.user, person=person, **d)
    ):
        messages.success(request, f"Đã chuyển sinh hoạt {person.full_name} đến {person.organization.name}.")
        return redirect("people:detail", person_id=person.pk)
    return render(
        request,
        "people/form.html",
        {"form": form, "title": f"Chuyển sinh hoạt: {person.full_name}", "person": person},
    )


@login_required
def sensitive_access_view(request):
    """Nhật ký xem số CCCD: who saw whose CCCD in the user's subtree (XLSX: exactly what is shown)."""
    if not scope_for(request.user).has_org_role:
        raise Http404
    form = SensitiveAccessFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    rows = sensitive_access_list(
        user=request.user, query=data.get("q") or "", since=data.get("since"), until=data.get("until")
    )
    if request.GET.get("format") == "xlsx":
        from .exports import sensitive_access_xlsx

        return sensitive_access_xlsx(rows)
    return render(request, "people/sensitive_access.html", {"form": form, **paginate(request, rows)})
