"""Writes of reports: drafts, organisations' templates, background jobs (the files themselves are made
by `rendering`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction

from neuguong.access.scope import scope_for
from neuguong.audit.services import snapshot
from neuguong.core.errors import BusinessError, OutOfScope
from neuguong.docengine.docformat import validate_template
from neuguong.organizations.models import Organization

from . import events
from .models import NARRATIVE_SECTIONS, ReportDraft, ReportJob, ReportKind, ReportTemplate
from .periods import Period
from .rendering import FORMATS, MSG_FORMAT, MSG_KIND, check_format, check_kind, check_organization_kind
from .tasks import make_report_job

if TYPE_CHECKING:
    from django.contrib.auth.models import User

MSG_NO_RIGHT = "Bạn không có quyền soạn báo cáo của tổ chức này."
MSG_TEMPLATE_TOO_BIG = "Tệp mẫu quá lớn (tối đa 5 MB)."
MSG_TEXT_TOO_LONG = "Nội dung mỗi phần không quá 20.000 ký tự."
MSG_DRAFT_CREATED_MEANWHILE = "Bản thảo này vừa được người khác tạo: hãy tải lại trang rồi lưu lại."
TEMPLATE_MAX_BYTES = 5 * 1024 * 1024
NARRATIVE_MAX_CHARS = 20_000
__all__ = ["FORMATS", "MSG_FORMAT", "MSG_KIND"]


def _check_write(actor: User, organization: Organization) -> None:
    if not scope_for(actor).can_write_path(organization.path):
        raise OutOfScope(MSG_NO_RIGHT)


# ---------------------------------------------------------------------------------------------- drafts
@transaction.atomic
def draft_save(
    *,
    actor: User,
    organization: Organization,
    kind: str,
    period: Period,
    narrative: dict[str, str],
    number: str = "",
    signing_authority: str = "",
    signer_position: str = "",
    signer_name: str = "",
    recipients: str = "",
    plan=None,
) -> ReportDraft:
    """Save the editable text of a report (only the narrative sections of its kind; figures are never saved).
    A plan's report (`kind` "plan") is the draft of `organization`'s report on `plan`."""
    # The draft's row, locked: two secretaries saving at once write one after the other.
    draft = (
        ReportDraft.objects.select_for_update()
        .filter(
            organization=organization, kind=kind, period_start=period.start, period_end=period.end, plan=plan
        )
        .first()
    )
    _check_write(actor, organization)
    check_kind(kind)
    if (kind == ReportKind.PLAN) != (plan is not None):
        raise BusinessError(MSG_KIND, field="kind")
    allowed = [name for name, _ in NARRATIVE_SECTIONS[kind]]
    clean = {name: (narrative.get(name) or "").strip() for name in allowed}
    if any(len(text) > NARRATIVE_MAX_CHARS for text in clean.values()):
        raise BusinessError(MSG_TEXT_TOO_LONG)
    created = draft is None
    if draft is None:
        draft = ReportDraft(
            organization=organization, kind=kind, period_start=period.start, period_end=period.end, plan=plan
        )
    before = snapshot(draft, DRAFT_FIELDS)
    draft.narrative = clean
    draft.number = number.strip()[:64]
    draft.signing_authority = signing_authority.strip()[:64]  # blank: by the issuer rule (docengine)
    draft.signer_position = signer_position.strip()[:64]
    draft.signer_name = signer_name.strip()[:128]
    draft.recipients = recipients.strip()
    draft.updated_by = actor
    if created:
        try:
            with transaction.atomic():  # a savepoint: someone else may have created it a moment ago
                draft.save(force_insert=True)
        except IntegrityError as exc:
            raise BusinessError(MSG_DRAFT_CREATED_MEANWHILE) from exc
        events.draft_created(actor=actor, draft=draft)
    else:
        draft.save(update_fields=[*DRAFT_FIELDS, "updated_by", "updated_at"])
        events.draft_updated(actor=actor, draft=draft, before=before)
    return draft


DRAFT_FIELDS = ["narrative", "number", "signing_authority", "signer_position", "signer_name", "recipients"]


# ------------------------------------------------------------------------------------------- templates
@transaction.atomic
def template_upload(*, actor: User, organization: Organization, kind: str, uploaded) -> ReportTemplate:
    """Store an organisation's own DOCX template after checking every field is there and spelt right; it
    replaces the organisation's active template for the same use."""
    _check_write(actor, organization)
    if kind:
        check_kind(kind)
    data = uploaded.read(TEMPLATE_MAX_BYTES + 1)
    if len(data) > TEMPLATE_MAX_BYTES:
        raise BusinessError(MSG_TEMPLATE_TOO_BIG, field="file")
    validate_template(data)
    ReportTemplate.objects.filter(organization=organization, kind=kind, is_active=True).update(
        is_active=False
    )
    template = ReportTemplate(
        organization=organization,
        kind=kind,
        original_name=(getattr(uploaded, "name", "") or "mau.docx")[:255],
        uploaded_by=actor,
    )
    template.file.save("mau.docx", ContentFile(data), save=False)
    template.save(force_insert=True)
    events.template_uploaded(actor=actor, template=template)
    return template


@transaction.atomic
def template_deactivate(*, actor: User, template: ReportTemplate) -> ReportTemplate:
    """Stop using a template (it is kept, with its history); reports fall back to the one above."""
    template.refresh_from_db(from_queryset=ReportTemplate.objects.select_for_update(of=("self",)))
    _check_write(actor, template.organization)
    if template.is_active:
        template.is_active = False
        template.save(update_fields=["is_active", "updated_at"])
        events.template_deactivated(actor=actor, template=template)
    return template


# -------------------------------------------------------------------------------------------- numbers
@dataclass(frozen=True)
class ProposedNumber:
    number: str  # "13-BC/ĐUK", or "" when the register cannot propose one
    note: str


def propose_number(organization: Organization, issued_on: dt.date) -> ProposedNumber:
    """The next report number of the issuing body from the documents register (numbers restart each term
    or, without a declared term, each year); a blank to fill by hand when there is no register."""
    issuer = organization.abbreviation or organization.code
    try:
        from neuguong.documents.models import Document
        from neuguong.documents.numbers import DocumentType, format_number
    except ImportError:  # pragma: no cover - the documents module is part of the product
        return ProposedNumber("", "Chưa có sổ văn bản: để trống số, điền khi ban hành.")
    term = organization.terms.filter(start_year__lte=issued_on.year, end_year__gte=issued_on.year).first()
    same = Document.objects.filter(organization=organization, issuer=issuer, doc_type=DocumentType.REPORT)
    if term is not None:
        same = same.filter(issued_on__year__gte=term.start_year, issued_on__year__lte=term.end_year)
    else:
        same = same.filter(issued_on__year=issued_on.year)
    last = same.order_by("-number").values_list("number", flat=True).first() or 0
    scope = f"nhiệm kỳ {term.name}" if term else f"năm {issued_on.year}"
    return ProposedNumber(
        format_number(last + 1, "BC", issuer),
        f"Số đề xuất theo sổ văn bản ({scope}); kiểm tra trước khi ban hành.",
    )


# ------------------------------------------------------------------------------------------------ jobs
@transaction.atomic
def job_start(*, actor: User, kind: str, organization: Organization, period: Period, fmt: str) -> ReportJob:
    """Queue a report to be made in the background (for large subtrees); the page polls its progress."""
    if not scope_for(actor).can_read_path(organization.path):
        raise OutOfScope(MSG_NO_RIGHT)
    check_organization_kind(kind)
    check_format(fmt)
    job = ReportJob.objects.create(
        organization=organization,
        kind=kind,
        file_format=fmt,
        period_start=period.start,
        period_end=period.end,
        requested_by=actor,
    )
    transaction.on_commit(lambda: make_report_job.enqueue(job.pk))
    return job
