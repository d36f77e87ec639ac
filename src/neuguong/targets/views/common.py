"""What the targets pages share: the role check, the year and organisation filters, the form page, the
import form, and the errors of a decision posted from another page."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import render

from neuguong.access.scope import scope_for
from neuguong.core.dates import local_today
from neuguong.core.forms import Done, submit_form
from neuguong.organizations.models import Organization

from ..importers import ImportProblems


def require_org_role(user) -> None:
    if not scope_for(user).has_org_role:
        raise Http404


def year_param(request) -> int:
    """?year=2026 (2000–2100), else this year."""
    raw = request.GET.get("year", "")[:4]
    year = int(raw) if raw.isascii() and raw.isdigit() else 0
    return year if 2000 <= year <= 2100 else local_today().year


def org_filter(request):
    code = query_param(request, "org", 32).strip()
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


def submit_import[T](
    form: forms.BaseForm, run: Callable[[dict[str, Any]], T]
) -> tuple[Done[T] | None, list[str]]:
    """`submit_form` for an import, and the file's problems row by row to list under the form."""
    problems: list[str] = []

    def run_keeping_problems(data: dict[str, Any]) -> T:
        # The one page-specific catch: the summary goes next to the file field (submit_form), the rows
        # are listed under the form, so the exception's list is kept before it is re-raised.
        try:
            return run(data)
        except ImportProblems as problem:
            problems.extend(problem.problems)
            raise

    return submit_form(form, run_keeping_problems), problems


def flash_errors(request, form: forms.BaseForm) -> None:
    """A decision posted from another page (publish, team, survey) says why it was refused there."""
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, str(error))


def query_param(request, name: str, limit: int) -> str:
    """A text parameter of the address, bounded and without NUL characters (PostgreSQL refuses them)."""
    return request.GET.get(name, "").replace("\x00", "")[:limit]
