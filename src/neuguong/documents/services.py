"""Writes about the document register: numbers validated, unique per organisation, issuer, type and term
(many organisations sign as «ĐU»: each has its own 01-KH/ĐU); classified documents refused (they must never
be stored: domain notes, section 3)."""

import datetime as dt
import io
import os
import zipfile
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.db.models import Max

from neuguong.access.scope import scope_for
from neuguong.core.dates import check_date
from neuguong.core.errors import BusinessError, OutOfScope
from neuguong.core.limits import check_lengths
from neuguong.core.text import normalize_text
from neuguong.core.uploads import check_upload
from neuguong.organizations.models import Organization, Term

from . import events
from .models import Classification, Document
from .numbers import ABBREVIATION, DocumentType, check_type, format_number, parse_number

if TYPE_CHECKING:
    from django.contrib.auth.models import User

MSG_NO_RIGHT = "Bạn không có quyền vào sổ văn bản của tổ chức này."
MSG_CLASSIFIED = "Không được lưu văn bản mật (Mật, Tối mật, Tuyệt mật) trên phần mềm này."
MSG_CLASSIFIED_FILE = "Tệp có dấu độ mật («{mark}»): không được lưu văn bản mật trên phần mềm này."
MSG_NUMBER_TAKEN = (
    "Số {number} đã được dùng cho {label} của {issuer} trong nhiệm kỳ {term}. Số tiếp theo còn trống: {next}."
)
MSG_SUMMARY_REQUIRED = "Trích yếu không được để trống."
MSG_TYPE_REQUIRED = "Chọn loại văn bản."
MSG_ISSUED_FUTURE = "Ngày ban hành không được sau ngày hôm nay."
MSG_NO_ISSUER = "Tổ chức chưa có ký hiệu trên văn bản: hãy nhập đầy đủ số, ký hiệu (ví dụ 165-KH/ĐUK)."
MSG_DOCUMENT_FILE = "Tệp văn bản chỉ nhận PDF hoặc Word (DOCX)."

CLASSIFICATION_MARKS = ("TUYỆT MẬT", "TỐI MẬT", "MẬT")


def term_key_for(organization: Organization, issued_on: dt.date) -> str:
    """The numbering term: the latest term of the organisation (or its nearest ancestor with terms) that
    contains the year; when no term is recorded, the calendar year (numbers then restart each year)."""
    ids = organization.ancestor_ids or [organization.pk]
    terms = Term.objects.filter(
        organization_id__in=ids, start_year__lte=issued_on.year, end_year__gte=issued_on.year
    ).order_by("-start_year")
    by_org: dict[int, Term] = {}
    for term in terms:
        by_org.setdefault(term.organization_id, term)
    for org_id in reversed(ids):
        if org_id in by_org:
            return by_org[org_id].name
    return str(issued_on.year)


def next_free_number(*, organization: Organization, issuer: str, doc_type: str, term_key: str) -> int:
    """The number to propose: one after the highest the organisation used for this issuer, type and term."""
    highest = Document.objects.filter(
        organization=organization, issuer=issuer, doc_type=doc_type, term_key=term_key
    ).aggregate(n=Max("number"))["n"]
    return (highest or 0) + 1


def propose_number(*, organization: Organization, doc_type: str, issued_on: dt.date) -> str:
    if not organization.abbreviation or doc_type not in DocumentType.values:
        return ""
    term = term_key_for(organization, issued_on)
    number = next_free_number(
        organization=organization, issuer=organization.abbreviation, doc_type=doc_type, term_key=term
    )
    return format_number(number, ABBREVIATION[DocumentType(doc_type)], organization.abbreviation)


def classification_mark(upload) -> str:
    """A classification stamp found in a DOCX (a paragraph that is exactly 'MẬT', 'TỐI MẬT' or 'TUYỆT
    MẬT', as stamped on classified Party documents), else ''. PDFs cannot be read reliably here: the
    uploader's declaration is what is checked for them."""
    name = (upload.name or "").lower()
    if not name.endswith(".docx"):
        return ""
    upload.seek(0)
    try:
        with zipfile.ZipFile(io.BytesIO(upload.read())) as archive:
            xml_names = [n for n in archive.namelist() if n.startswith("word/") and n.endswith(".xml")]
            texts = [archive.read(n).decode("utf-8", "ignore") for n in xml_names]
    except zipfile.BadZipFile:
        return ""
    finally:
        upload.seek(0)
    import re

    for xml in texts:
        for paragraph in re.findall(r"<w:p[ >].*?</w:p>", xml, flags=re.S):
            text = normalize_text("".join(re.findall(r"<w:t[^>]*>([^<]*)</w:t>", paragraph))).upper()
            if text in CLASSIFICATION_MARKS:
                return text
    return ""


@transaction.atomic
def document_register(
    *,
    actor: "User",
    organization: Organization,
    doc_type: str,
    issued_on: dt.date,
    summary: str,
    number_text: str = "",
    signer: str = "",
    recipients: str = "",
    classification: str = "",
    file=None,
    today: dt.date | None = None,
) -> Document:
    """Enter a document in `organization`'s register. An empty number takes the next free one of the
    organisation's own series."""
    from neuguong.core.dates import local_today

    if not scope_for(actor).can_write_path(organization.path):
        raise OutOfScope(MSG_NO_RIGHT)
    if classification and classification != Classification.NONE:
        raise BusinessError(MSG_CLASSIFIED, field="classification")
    if doc_type not in DocumentType.values:
        raise BusinessError(MSG_TYPE_REQUIRED, field="doc_type")
    summary = normalize_text(summary or "")
    if not summary:
        raise BusinessError(MSG_SUMMARY_REQUIRED, field="summary")
    check_date(issued_on, field="issued_on", label="Ngày ban hành", required=True)
    if issued_on > (today or local_today()):
        raise BusinessError(MSG_ISSUED_FUTURE, field="issued_on")
    number_text = normalize_text(number_text or "")
    check_lengths(
        Document,
        summary=summary,
        number_text=number_text,
        signer=normalize_text(signer or ""),
        recipients=(recipients or "").strip(),
    )
    if not number_text:
        if not organization.abbreviation:
            raise BusinessError(MSG_NO_ISSUER, field="number")
        number_text = propose_number(organization=organization, doc_type=doc_type, issued_on=issued_on)
    parsed = parse_number(number_text)
    check_type(parsed, doc_type)
    if file is not None:
        if os.path.splitext(file.name or "")[1].lower() not in (".pdf", ".docx"):
            raise BusinessError(MSG_DOCUMENT_FILE, field="file")
        check_upload(file, field="file")
        mark = classification_mark(file)
        if mark:
            raise BusinessError(MSG_CLASSIFIED_FILE.format(mark=mark), field="file")
    term_key = term_key_for(organization, issued_on)
    if Document.objects.filter(
        organization=organization,
        issuer=parsed.issuer,
        doc_type=doc_type,
        term_key=term_key,
        number=parsed.number,
    ).exists():
        raise _taken(organization, parsed, doc_type, term_key)
    document = Document(
        organization=organization,
        doc_type=doc_type,
        number=parsed.number,
        issuer=parsed.issuer,
        term_key=term_key,
        issued_on=issued_on,
        summary=summary[:500],
        signer=normalize_text(signer or "")[:128],
        recipients=(recipients or "").strip(),
        created_by=actor,
    )
    if file is not None:
        document.file_name = os.path.basename(file.name)[:255]
        document.file.save("document", file, save=False)
    try:
        with transaction.atomic():
            document.save()
    except IntegrityError as exc:  # two clerks taking the same number at once
        raise _taken(organization, parsed, doc_type, term_key) from exc
    events.document_registered(actor=actor, document=document)
    return document


def _taken(organization: Organization, parsed, doc_type: str, term_key: str) -> BusinessError:
    return BusinessError(
        MSG_NUMBER_TAKEN.format(
            number=str(parsed),
            label=DocumentType(doc_type).label.lower(),
            issuer=parsed.issuer,
            term=term_key,
            next=format_number(
                next_free_number(
                    organization=organization, issuer=parsed.issuer, doc_type=doc_type, term_key=term_key
                ),
                parsed.abbreviation,
                parsed.issuer,
            ),
        ),
        field="number",
    )
