"""What the evaluation pages share: parameters, file responses."""

from django.http import Http404, HttpResponse

from neuguong.access.scope import scope_for
from neuguong.core.dates import local_today
from neuguong.organizations.models import Organization

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def file_response(data: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def param(request, name: str, limit: int = 100) -> str:
    return request.GET.get(name, "")[:limit].replace("\x00", "")


def year_param(request, default: int | None = None) -> int | None:
    raw = param(request, "year", 4)
    year = int(raw) if raw.isascii() and raw.isdigit() else 0
    if 2000 <= year <= 2100:
        return year
    return default


def org_param(request, name: str = "org") -> Organization | None:
    code = param(request, name, 32).strip()
    if not code:
        return None
    organization = Organization.objects.visible_to(request.user).filter(code=code).first()
    if organization is None:
        raise Http404
    return organization


def require_org_role(user) -> None:
    if not scope_for(user).has_org_role:
        raise Http404


def today():
    return local_today()
