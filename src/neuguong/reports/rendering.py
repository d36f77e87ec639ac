"""Report files from live data: DOCX (Party format), XLSX (annex) or PDF (DOCX through LibreOffice), made
now or as a background job. Reads only, apart from a job's own progress and result.

Below `services` and `tasks`: the job's task (`tasks.make_report_job`) runs `job_run`, and
`services.job_start` queues that task, so none of the three imports another back."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.utils import timezone

from neuguong.core.dates import local_today
from neuguong.core.errors import BusinessError
from neuguong.core.text import fold
from neuguong.docengine.docformat import render_party_document

# The PDF conversion lives in the document engine (every module offers PDFs); re-exported for callers here.
from neuguong.docengine.pdf import MSG_PDF_FAILED, MSG_PDF_UNAVAILABLE, docx_to_pdf, pdf_available  # noqa: F401
from neuguong.docengine.xlsx import build_workbook
from neuguong.organizations.models import Organization

from . import builders
from .models import ORGANIZATION_REPORT_KINDS, JobStatus, ReportJob, ReportKind
from .periods import Period, custom_period
from .selectors import draft_get, report_figures, template_for

MSG_KIND = "Loại báo cáo không hợp lệ."
MSG_FORMAT = "Định dạng tệp không hợp lệ (chỉ DOCX, XLSX hoặc PDF)."
FORMATS = ("docx", "xlsx", "pdf")


def check_kind(kind: str) -> str:
    if kind not in ReportKind.values:
        raise BusinessError(MSG_KIND, field="kind")
    return kind


def check_organization_kind(kind: str) -> str:
    """An organisation's report (a plan's is made by `plan_report`, from the plan)."""
    if kind not in ORGANIZATION_REPORT_KINDS:
        raise BusinessError(MSG_KIND, field="kind")
    return kind


def check_format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise BusinessError(MSG_FORMAT, field="format")
    return fmt


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
    check_organization_kind(kind)
    check_format(fmt)
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


def job_run(*, job: ReportJob) -> None:
    """Make the job's file, recording progress as it goes; a business error is kept as the job's error."""

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
