from typing import TYPE_CHECKING

from django.http import Http404

from neuguong.organizations.models import Organization

from .models import Document

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def document_list(
    *,
    user: "User",
    organization: Organization | None = None,
    doc_type: str = "",
    year: int | None = None,
    query: str = "",
):
    """Documents the user may see, newest first, with the holding organisation joined."""
    qs = Document.objects.visible_to(user).select_related("organization")
    if organization is not None:
        qs = qs.filter(organization__path__startswith=organization.path)
    if doc_type:
        qs = qs.filter(doc_type=doc_type)
    if year:
        qs = qs.filter(issued_on__year=year)
    if query:
        qs = qs.search(query)
    return qs.order_by("-issued_on", "-id")


def document_get(*, user: "User", document_id) -> Document:
    try:
        return (
            Document.objects.visible_to(user).select_related("organization", "created_by").get(pk=document_id)
        )
    except (Document.DoesNotExist, ValueError, TypeError, OverflowError) as exc:
        raise Http404 from exc
