from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import SuspiciousOperation
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from neuguong.access.scope import scope_for
from neuguong.audit.selectors import history_for
from neuguong.commitments.models import Commitment
from neuguong.core.dates import local_today
from neuguong.core.errors import BusinessError, OutOfScope
from neuguong.core.forms import apply_business_error
from neuguong.core.paging import paginate
from neuguong.organizations.models import Organization

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


def _writable_org(request) -> Organization:
    scope = scope_for(request.user)
    code = (request.POST.get("org") or request.GET.get("org", ""))[:32]
    qs = Organization.objects.active().filter(scope.write_q("path"))
    organization = qs.filter(code=code).first() if code else qs.order_by("depth", "path").first()
    if organization is None:
        raise Http404
    return organization


@login_required
def document_create_view(request):
    organization = _writable_org(request)
    form = DocumentForm(request.POST or None, request.FILES or None, initial={"issued_on": local_today()})
    if request.method == "POST" and form.is_valid():
        try:
            document = services.document_register(
                actor=request.user, organization=organization, **form.cleaned_data
            )
        except OutOfScope as exc:
            raise Http404 from exc
        except BusinessError as exc:
            apply_business_error(form, exc)
        else:
            messages.success(request, f"Đã vào sổ văn bản {document.number_text}.")
            return redirect("documents:detail", document_id=document.pk)
    return render(request, "documents/form.html", {"form": form, "organization": organization})


@login_required
def next_number_view(request):
    """The proposed next number for the chosen type (htmx helper of the form)."""
    organization = _writable_org(request)
    proposal = services.propose_number(
        organization=organization, doc_type=request.GET.get("doc_type", "")[:32], issued_on=local_today()
    )
    return JsonResponse({"number": proposal})


@login_required
def document_detail_view(request, document_id: int):
    document = document_get(user=request.user, document_id=document_id)
    commitments = (
        Commitment.objects.visible_to(request.user)
        .filter(source_type__app_label="documents", source_type__model="document", source_id=document.pk)
        .select_related("responsible_person", "organization")[:200]
    )
    return render(
        request,
        "documents/detail.html",
        {
            "document": document,
            "commitments": commitments,
            "history": history_for(document),
            "can_assign": scope_for(request.user).can_write_path(document.organization.path),
            "create_url": f"{reverse('commitments:create')}?org={document.organization.code}&document={document.pk}",
        },
    )


@login_required
def document_file_view(request, document_id: int):
    document = document_get(user=request.user, document_id=document_id)
    if not document.file:
        raise Http404
    try:
        handle = document.file.open("rb")
    except (FileNotFoundError, SuspiciousOperation) as exc:
        raise Http404 from exc
    return FileResponse(handle, as_attachment=True, filename=document.file_name or "van-ban")
