from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import SuspiciousOperation
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render

from neuguong.access.scope import scope_for
from neuguong.audit.selectors import history_for
from neuguong.core.dates import local_today
from neuguong.core.forms import submit_form
from neuguong.core.paging import paginate
from neuguong.core.registry import DOCUMENT_PANELS
from neuguong.organizations.models import Organization
from neuguong.organizations.selectors import organization_for_write

from . import services
from .forms import DocumentFilterForm, DocumentForm
from .selectors import document_get, document_list


def _filters(request) -> dict:
    form = DocumentFilterForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    organization = None
    if data.get("org"):
        organization = Organization.objects.visible_to(request.user).filter(code=data["org"]).first()
        if organization is None:
            raise Http404
    return {
        "organization": organization,
        "doc_type": data.get("type", ""),
        "year": data.get("year"),
        "query": data.get("q", ""),
    }


@login_required
def document_list_view(request):
    if not scope_for(request.user).has_org_role:
        raise Http404
    filters = _filters(request)
    context = {
        "filters": filters,
        "filter_form": DocumentFilterForm(request.GET),
        "can_create": bool(scope_for(request.user).write_paths) or scope_for(request.user).is_global,
        **paginate(request, document_list(user=request.user, **filters)),
    }
    return render(request, "documents/list.html", context)


def _register_organization(request) -> Organization:
    """The organisation whose register the form writes in (?org=code, else the user's own), or 404."""
    return organization_for_write(
        user=request.user, code=request.POST.get("org") or request.GET.get("org", "")
    )


@login_required
def document_create_view(request):
    organization = _register_organization(request)
    form = DocumentForm(request.POST or None, request.FILES or None, initial={"issued_on": local_today()})
    if request.method == "POST" and (
        done := submit_form(
            form, lambda d: services.document_register(actor=request.user, organization=organization, **d)
        )
    ):
        messages.success(request, f"Đã vào sổ văn bản {done.result.number_text} của {organization.name}.")
        return redirect("documents:detail", document_id=done.result.pk)
    return render(request, "documents/form.html", {"form": form, "organization": organization})


@login_required
def next_number_view(request):
    """The proposed next number for the chosen type (htmx helper of the form)."""
    organization = _register_organization(request)
    proposal = services.propose_number(
        organization=organization, doc_type=request.GET.get("doc_type", "")[:32], issued_on=local_today()
    )
    return JsonResponse({"number": proposal})


@login_required
def document_detail_view(request, document_id: int):
    document = document_get(user=request.user, document_id=document_id)
    return render(
        request,
        "documents/detail.html",
        {
            "document": document,
            "history": history_for(document),
            # What other modules show about the document (commitments assigned from it, …).
            "panels": [panel for build in DOCUMENT_PANELS if (panel := build(request.user, document))],
        },
    )


@login_required
def document_file_view(request, document_id: int):
    document = document_get(user=request.user, document_id=document_id)
    if not document.file:
        raise Http404
    # Not a service call: a file missing from storage (or a path the storage refuses) is a missing page.
    try:
        handle = document.file.open("rb")
    except (FileNotFoundError, SuspiciousOperation) as exc:
        raise Http404 from exc
    return FileResponse(handle, as_attachment=True, filename=document.file_name or "van-ban")
