"""Writes and exports of reports: drafts, organisations' templates, rendering (DOCX, XLSX, PDF), jobs."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from neuguong.access.scope import scope_for
from neuguong.audit.services import audit_create, audit_record, audit_update, snapshot
from neuguong.core.dates import local_today
from neuguong.core.errors import BusinessError, OutOfScope
from neuguong.core.text import fold
from neuguong.docengine.docformat import render_party_document, validate_template
from neuguong.docengine.pdf import MSG_PDF_UNAVAILABLE, docx_to_pdf, pdf_available
from neuguong.docengine.xlsx import build_workbook
from neuguong.organizations.models import Organization

from . import builders
from .models import NARRATIVE_SECTIONS, JobStatus, ReportDraft, ReportJob, ReportKind, ReportTemplate
from .periods import Period
from .selectors import report_figures

MSG_NO_RIGHT = "Bạn không có quyền soạn báo cáo của tổ chức này."
MSG_KIND = "Loại báo cáo không hợp lệ."
MSG_FORMAT = "Định dạng tệp không hợp lệ (chỉ DOCX, XLSX hoặc PDF)."
MSG_TEMPLATE_TOO_BIG = "Tệp mẫu quá lớn (tối đa 5 MB)."
MSG_TEXT_TOO_LONG = "Nội dung mỗi phần không quá 20.000 ký tự."
TEMPLATE_MAX_BYTES = 5 * 1024 * 1024
NARRATIVE_MAX_CHARS = 20_000
FORMATS = ("docx", "xlsx", "pdf")


def _check_kind(kind: str) -> str:
    if kind not in ReportKind.values:
        raise BusinessError(MSG_KIND, field="kind")
    return kind


def _check_write(actor, organization: Organization) -> None:
    if not scope_for(actor).can_write_path(organization.path):
        raise OutOfScope(MSG_NO_RIGHT)


# ---------------------------------------------------------------------------------------------- drafts
def draft_get(*, organization: Organization, kind: str, period: Period) -> ReportDraft | None:
    return ReportDraft.objects.filter(
        organization=organization, kind=kind, period_start=period.start, period_end=period.end
    ).first()


def draft_save(
    *,
    actor,
    organization: Organization,
    kind: str,
    period: Period,
    narrative: dict[str, str],
    number: str = "",
    signing_authority: str = "",
    signer_position: str = "",
    signer_name: str = "",
    recipients: str = "",
) -> ReportDraft:
    """Save the editable text of a report (only the narrative sections of its kind; figures are never saved)."""
    _check_kind(kind)
    _check_write(actor, organization)
    allowed = [name for name, _ in NARRATIVE_SECTIONS[kind]]
    clean = {name: (narrative.get(name) or "").strip() for name in allowed}
    if any(len(text) > NARRATIVE_MAX_CHARS for text in clean.values()):
        raise BusinessError(MSG_TEXT_TOO_LONG)
    with transaction.atomic():
        draft = (
            ReportDraft.objects.select_for_update()
            .filter(organization=organization, kind=kind, period_start=period.start, period_end=period.end)
            .first()
        )
        created = draft is None
        if created:
            draft = ReportDraft(
                organization=organization, kind=kind, period_start=period.start, period_end=period.end
            )
        before = snapshot(draft) if not created else None
        draft.narrative = clean
        draft.number = number.strip()[:64]
        draft.signing_authority = signing_authority.strip()[:64]  # blank: by the issuer rule (docengine)
        draft.signer_position = signer_position.strip()[:64]
        draft.signer_name = signer_name.strip()[:128]
        draft.recipients = recipients.strip()
        draft.updated_by = actor
        draft.save()
        if created:
            audit_create(actor=actor, target=draft)
        else:
            audit_update(actor=actor, target=draft, before=before)
    return draft


# ------------------------------------------------------------------------------------------- templates
def template_upload(*, actor, organization: Organization, kind: str, uploaded) -> ReportTemplate:
    """Store an organisation's own DOCX template after checking every field is there and spelt right."""
    if kind:
        _check_kind(kind)
    _check_write(actor, organization)
    data = uploaded.read(TEMPLATE_MAX_BYTES + 1)
    if len(data) > TEMPLATE_MAX_BYTES:
        raise BusinessError(MSG_TEMPLATE_TOO_BIG, field="file")
    validate_template(data)
    with transaction.atomic():
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
        template.save()
        # The snapshot of a file field is not JSON: record the facts that matter by hand.
        audit_record(
            actor=actor,
            action="create",
            target=template,
            changes={
                "original_name": {"old": None, "new": template.original_name},
                "kind": {"old": None, "new": kind},
                "file": {"old": None, "new": template.file.name},
            },
        )
    return template


def template_deactivate(*, actor, template: ReportTemplate) -> None:
    _check_write(actor, template.organization)
    with transaction.atomic():
        template.is_active = False
        template.save(update_fields=["is_active", "updated_at"])
        audit_record(actor=actor, action="deactivate", target=template)


def template_for(organization: Organization, kind: str) -> bytes | None:
    """The nearest active template up the tree (the organisation's own first; one for this kind before
    one for all kinds); None means the repo's default."""
    ids = organization.ancestor_ids or [organization.pk]
    candidates = (
        ReportTemplate.objects.filter(organization_id__in=ids, is_active=True, kind__in=[kind, ""])
        .select_related("organization")
        .order_by("-organization__depth", "-kind", "-created_at")
    )
    chosen = candidates.first()
    if chosen is None:
        return None
    with chosen.file.open("rb") as handle:
        return handle.read()


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
    same = Document.objects.filter(issuer=issuer, doc_type=DocumentType.REPORT)
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


# -------------------------------------------------------------------------------------------- render
@dataclass
class Rendered:
    data: bytes
    filename: str
    content_type: str


CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def report_filename(kind: str, organization: Organization, period: Period, fmt: str) -> str:
    base = "bao-cao-neu-guong" if kind == ReportKind.COMMITMENTS else "bao-cao-nhiem-vu"
    return (
        f"{base}-{fold(organization.code).replace(' ', '-')}-{period.start:%Y%m%d}-{period.end:%Y%m%d}.{fmt}"
    )


def report_render(
    *,
    user,
    kind: str,
    organization: Organization,
    period: Period,
    fmt: str,
    today: dt.date | None = None,
    progress=None,
) -> Rendered:
    """Build a report file from live data: DOCX (Party format), XLSX (annex) or PDF (via LibreOffice)."""
    _check_kind(kind)
    if fmt not in FORMATS:
        raise BusinessError(MSG_FORMAT, field="format")
    if fmt == "pdf" and not pdf_available():
        raise BusinessError(MSG_PDF_UNAVAILABLE, field="format")
    today = today or local_today()
    progress = progress or (lambda percent, step: None)
    progress(10, "Tổng hợp số liệu")
    figures = report_figures(user=user, organization=organization, period=period, today=today)
    progress(60, "Dựng văn bản")
    if fmt == "xlsx":
        data = build_workbook(builders.annex_sheets(kind, figures))
    else:
        draft = draft_get(organization=organization, kind=kind, period=period)
        number = draft.number if draft and draft.number else ""
        spec = builders.report_document(kind, figures, draft, issued_on=today, number=number)
        data = render_party_document(spec, template=template_for(organization, kind))
        if fmt == "pdf":
            progress(80, "Chuyển sang PDF")
            data = docx_to_pdf(data)
    progress(100, "Xong")
    return Rendered(data, report_filename(kind, organization, period, fmt), CONTENT_TYPES[fmt])


# ------------------------------------------------------------------------------------------------ jobs
def job_start(*, actor, kind: str, organization: Organization, period: Period, fmt: str) -> ReportJob:
    """Queue a report to be made in the background (for large subtrees); the page polls its progress."""
    _check_kind(kind)
    if fmt not in FORMATS:
        raise BusinessError(MSG_FORMAT, field="format")
    if not scope_for(actor).can_read_path(organization.path):
        raise OutOfScope(MSG_NO_RIGHT)
    job = ReportJob.objects.create(
        organization=organization,
        kind=kind,
        file_format=fmt,
        period_start=period.start,
        period_end=period.end,
        requested_by=actor,
    )
    from .tasks import make_report_job

    transaction.on_commit(lambda: make_report_job.enqueue(job.pk))
    return job


def job_run(*, job: ReportJob) -> None:
    """Make the job's file, recording progress as it goes; a business error is kept as the job's error."""
    from .periods import custom_period

    def progress(percent: int, step: str) -> None:
        ReportJob.objects.filter(pk=job.pk).update(progress=percent, step=step, status=JobStatus.RUNNING)

    progress(1, "Bắt đầu")
    try:
        rendered = report_render(
            user=job.requested_by,
            kind=job.kind,
            organization=job.organization,
            period=custom_period(job.period_start, job.period_end),
            fmt=job.file_format,
            progress=progress,
        )
    except BusinessError as exc:
        ReportJob.objects.filter(pk=job.pk).update(
            status=JobStatus.FAILED, error=exc.message[:500], finished_at=timezone.now()
        )
        return
    job.refresh_from_db()
    job.result.save(rendered.filename, ContentFile(rendered.data), save=False)
    job.result_name = rendered.filename
    job.status = JobStatus.DONE
    job.progress = 100
    job.finished_at = timezone.now()
    job.save()
