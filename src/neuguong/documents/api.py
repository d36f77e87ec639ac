"""/api/v1/documents: the register, with the same scoping and rules as the pages."""

import datetime as dt

from django.http import Http404
from ninja import Query, Router, Schema, Status

from neuguong.core.api import FIRST_PAGE, Id, PageParams, Year, paginate_queryset
from neuguong.core.errors import BusinessError
from neuguong.organizations.models import Organization

from . import services
from .selectors import document_get, document_list

router = Router(tags=["documents"])

MSG_ORG_UNKNOWN = "Không tìm thấy tổ chức «{code}»."


class DocumentOut(Schema):
    id: int
    number: str
    doc_type: str
    issuer: str
    term: str
    issued_on: dt.date
    summary: str
    signer: str
    recipients: str
    organization: str
    has_file: bool


class DocumentPage(Schema):
    items: list[DocumentOut]
    count: int


class DocumentIn(Schema):
    organization: str
    doc_type: str
    issued_on: dt.date
    summary: str
    number: str = ""
    signer: str = ""
    recipients: str = ""
    classification: str = ""


def document_out(d) -> dict:
    return {
        "id": d.pk,
        "number": d.number_text,
        "doc_type": d.doc_type,
        "issuer": d.issuer,
        "term": d.term_key,
        "issued_on": d.issued_on,
        "summary": d.summary,
        "signer": d.signer,
        "recipients": d.recipients,
        "organization": d.organization.code,
        "has_file": bool(d.file),
    }


@router.get("/documents", response=DocumentPage)
def list_documents(
    request,
    q: str = "",
    org: str = "",
    type: str = "",
    year: Year | None = None,
    paging: Query[PageParams] = FIRST_PAGE,
):
    organization = None
    if org:
        organization = Organization.objects.visible_to(request.user).filter(code=org[:32]).first()
        if organization is None:
            raise Http404
    qs = document_list(
        user=request.user, organization=organization, doc_type=type[:32], year=year, query=q[:200]
    )
    items, count = paginate_queryset(qs, paging)
    return {"items": [document_out(d) for d in items], "count": count}


@router.get("/documents/{document_id}", response=DocumentOut)
def get_document(request, document_id: Id):
    return document_out(document_get(user=request.user, document_id=document_id))


@router.post("/documents", response={201: DocumentOut})
def create_document(request, payload: DocumentIn):
    organization = (
        Organization.objects.visible_to(request.user).filter(code=payload.organization[:32]).first()
    )
    if organization is None:
        raise BusinessError(MSG_ORG_UNKNOWN.format(code=payload.organization[:32]), field="organization")
    document = services.document_register(
        actor=request.user,
        organization=organization,
        doc_type=payload.doc_type,
        issued_on=payload.issued_on,
        summary=payload.summary,
        number_text=payload.number,
        signer=payload.signer,
        recipients=payload.recipients,
        classification=payload.classification,
    )
    return Status(201, document_out(document))
