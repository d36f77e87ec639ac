"""What the targets pages share: the role check, the year and organisation filters, the form page."""

from django.http import Http404, HttpResponse
from django.shortcuts import render

from neuguong.access.scope import scope_for
from neuguong.core.dates import local_today
from neuguong.organizations.models import Organization


def require_org_role(user) -> None:
    if not scope_for(user).has_org_role:
        raise Http404


def year_param(request) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return local_today().year
    return year if 2000 <= year <= 2100 else local_today().year


def org_filter(request):
    code = request.GET.get("org", "").strip()[:32]
    if not code:
        return None
    organization = Organization.objects.visible_to(request.user).filter(code=code).first()
    if organization is None:
        raise Http404
    return organization


def form_page(request, form, title: str, *, back: str, problems=None, intro: str = "", multipart=False):
    return render(
        request,
        "targets/form.html",
        {
            "form": form,
            "title": title,
            "back": back,
            "problems": problems or [],
            "intro": intro,
            "multipart": multipart,
        },
    )


def docx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
