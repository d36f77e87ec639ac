"""Report pages: choose, preview (figures fixed, text editable), download, background jobs, templates,
and the organisation dashboard. Views parse input and call one selector or service."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from neuguong.access.scope import scope_for
from neuguong.core.dates import local_today
from neuguong.core.errors import BusinessError, OutOfScope
from neuguong.core.forms import apply_business_error
from neuguong.docengine.docformat import DEFAULT_TEMPLATE, FIELD_LABELS
from neuguong.organizations.models import Organization
from neuguong.organizations.selectors import top_organization

from . import builders, services
from .forms import DraftForm, ReportChoiceForm, TemplateUploadForm
from .models import NARRATIVE_SECTIONS, ORGANIZATION_REPORT_KINDS, ReportJob, ReportKind, ReportTemplate
from .periods import Period, period_from_params
from .selectors import (
    GENERATION_CACHE_SECONDS,
    most_overdue,
    period_commitments,
    report_figures,
    report_organization,
)

# Above this many commitments in scope, a download runs as a background job with a progress page.
SYNC_MAX_COMMITMENTS = 100_000
# A province root has ~1,500 children: the page shows the first rows, the XLSX annex has them all.
DASHBOARD_MAX_CHILD_ROWS = 100
MSG_SAVED = "Đã lưu bản thảo báo cáo."
MSG_TEMPLATE_SAVED = "Đã tải lên mẫu văn bản."


def _kind(kind: str) -> str:
    if kind not in ORGANIZATION_REPORT_KINDS:
        raise Http404  # a plan's report is made from the plan (plan_report.py)
    return kind


def _period(request, today) -> tuple[Period | None, str]:
    try:
        return period_from_params(request.GET, today), ""
    except BusinessError as exc:
        return None, exc.message


def _default_org(user) -> Organization | None:
    return top_organization(user)


@login_required
def index_view(request):
    """Choose a report: kind, organisation, period."""
    if not scope_for(request.user).has_org_role:
        raise Http404
    default = _default_org(request.user)
    form = ReportChoiceForm(request.GET or None, initial={"org": default.code if default else ""})
    error = ""
    if request.GET and form.is_valid():
        data = form.cleaned_data
        params = {"kind": data["period"], "year": data.get("year") or "", "part": data.get("part") or ""}
        if data["period"] == "custom":
            params = {"start": data.get("start") or "", "end": data.get("end") or ""}
        try:
            period = period_from_params({k: str(v) for k, v in params.items()}, local_today())
            organization = report_organization(user=request.user, code=data["org"])
        except BusinessError as exc:
            error = exc.message
        except Http404:
            error = "Không tìm thấy tổ chức trong phạm vi của bạn."
        else:
            url = reverse("reports:detail", kwargs={"kind": data["kind"], "code": organization.code})
            return redirect(f"{url}?{period.query}")
    return render(request, "reports/index.html", {"form": form, "error": error})


@login_required
def detail_view(request, kind: str, code: str):
    """The report before export: generated figures (fixed) and the draft text (editable, saved)."""
    kind = _kind(kind)
    organization = report_organization(user=request.user, code=code)
    today = local_today()
    period, period_error = _period(request, today)
    if period is None:
        return render(request, "reports/bad_period.html", {"error": period_error}, status=400)
    can_write = scope_for(request.user).can_write_path(organization.path)
    draft = services.draft_get(organization=organization, kind=kind, period=period)
    if request.method == "POST":
        if not can_write:
            raise Http404
        form = DraftForm(request.POST, kind=kind)
        if form.is_valid():
            try:
                services.draft_save(
                    actor=request.user,
                    organization=organization,
                    kind=kind,
                    period=period,
                    narrative=form.narrative(),
                    number=form.cleaned_data["number"],
                    signing_authority=form.cleaned_data["signing_authority"],
                    signer_position=form.cleaned_data["signer_position"],
                    signer_name=form.cleaned_data["signer_name"],
                    recipients=form.cleaned_data["recipients"],
                )
            except OutOfScope as exc:
                raise Http404 from exc
            except BusinessError as exc:
                apply_business_error(form, exc)
            else:
                messages.success(request, MSG_SAVED)
                return redirect(f"{request.path}?{period.query}")
    else:
        initial = {}
        if draft:
            initial = {
                "number": draft.number,
                "signing_authority": draft.signing_authority,
                "signer_position": draft.signer_position,
                "signer_name": draft.signer_name,
                "recipients": draft.recipients,
                **{f"n_{k}": v for k, v in draft.narrative.items()},
            }
        else:
            initial = {"number": services.propose_number(organization, today).number}
        form = DraftForm(initial=initial, kind=kind)
    figures = report_figures(user=request.user, organization=organization, period=period, today=today)
    chart = (
        builders.child_chart(figures) if kind == ReportKind.COMMITMENTS else builders.lead_unit_chart(figures)
    )
    context = {
        "kind": kind,
        "kind_label": ReportKind(kind).label,
        "organization": organization,
        "period": period,
        "figures": figures,
        "summary": builders.summary_sentence(figures),
        "chart_svg": chart.svg(),
        "chart": chart,
        "form": form,
        "can_write": can_write,
        "draft": draft,
        "proposed": services.propose_number(organization, today),
        "pdf": services.pdf_available(),
        "sections": NARRATIVE_SECTIONS[kind],
        "most_overdue": most_overdue(user=request.user, organization=organization, period=period, today=today)
        if kind == ReportKind.COMMITMENTS
        else [],
    }
    return render(request, "reports/detail.html", context)


@login_required
def download_view(request, kind: str, code: str, fmt: str):
    """The file, made now; for a large subtree (or on request) a background job and its progress page."""
    kind = _kind(kind)
    if fmt not in services.FORMATS:
        raise Http404
    organization = report_organization(user=request.user, code=code)
    today = local_today()
    period, period_error = _period(request, today)
    if period is None:
        return render(request, "reports/bad_period.html", {"error": period_error}, status=400)
    big = request.GET.get("background") == "1" or (
        period_commitments(user=request.user, organization=organization, period=period)[
            : SYNC_MAX_COMMITMENTS + 1
        ].count()
        > SYNC_MAX_COMMITMENTS
    )
    try:
        if big:
            job = services.job_start(
                actor=request.user, kind=kind, organization=organization, period=period, fmt=fmt
            )
            return redirect("reports:job", job_id=job.pk)
        rendered = services.report_render(
            user=request.user, kind=kind, organization=organization, period=period, fmt=fmt, today=today
        )
    except OutOfScope as exc:
        raise Http404 from exc
    except BusinessError as exc:
        return render(request, "reports/bad_period.html", {"error": exc.message}, status=400)
    response = HttpResponse(rendered.data, content_type=rendered.content_type)
    response["Content-Disposition"] = f'attachment; filename="{rendered.filename}"'
    return response


def _job_for(request, job_id: int) -> ReportJob:
    job = (
        ReportJob.objects.select_related("organization").filter(pk=job_id, requested_by=request.user).first()
    )
    if job is None:
        raise Http404
    return job


@login_required
def job_view(request, job_id: int):
    """Progress of a background report (the page refreshes the panel every 2 s until it is done)."""
    job = _job_for(request, job_id)
    template = "reports/_job.html" if request.htmx else "reports/job.html"
    return render(request, template, {"job": job})


@login_required
def job_download_view(request, job_id: int):
    job = _job_for(request, job_id)
    if not job.result:
        raise Http404
    return FileResponse(job.result.open("rb"), as_attachment=True, filename=job.result_name)


@login_required
def templates_view(request, code: str):
    """An organisation's own DOCX templates: list, upload (checked), deactivate; the default to start from."""
    organization = report_organization(user=request.user, code=code)
    can_write = scope_for(request.user).can_write_path(organization.path)
    form = TemplateUploadForm()
    if request.method == "POST":
        if not can_write:
            raise Http404
        form = TemplateUploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.template_upload(
                    actor=request.user,
                    organization=organization,
                    kind=form.cleaned_data["kind"],
                    uploaded=form.cleaned_data["file"],
                )
            except OutOfScope as exc:
                raise Http404 from exc
            except BusinessError as exc:
                apply_business_error(form, exc)
            else:
                messages.success(request, MSG_TEMPLATE_SAVED)
                return redirect("reports:templates", code=organization.code)
    templates = ReportTemplate.objects.filter(organization=organization).select_related("uploaded_by")
    context = {
        "organization": organization,
        "templates": templates,
        "form": form,
        "can_write": can_write,
        "fields": FIELD_LABELS.items(),
    }
    return render(request, "reports/templates.html", context)


@login_required
@require_POST
def template_deactivate_view(request, code: str, template_id: int):
    organization = report_organization(user=request.user, code=code)
    template = ReportTemplate.objects.filter(pk=template_id, organization=organization).first()
    if template is None:
        raise Http404
    try:
        services.template_deactivate(actor=request.user, template=template)
    except OutOfScope as exc:
        raise Http404 from exc
    return redirect("reports:templates", code=organization.code)


@login_required
def default_template_view(request):
    return FileResponse(DEFAULT_TEMPLATE.open("rb"), as_attachment=True, filename="mau-van-ban-dang.docx")


def dashboard_context(user, organization: Organization, period: Period) -> dict:
    """What the dashboard panel shows; the same figures as the reports (one selector)."""
    today = local_today()
    figures = report_figures(user=user, organization=organization, period=period, today=today)

    def draw() -> dict[str, str]:
        return {
            "status_svg": builders.status_chart(figures).svg(),
            "trend_svg": builders.trend_chart(figures).svg(),
            "child_svg": builders.child_chart(figures).svg(),
        }

    # Charts are drawn from the figures only: kept with them when they are kept.
    charts = (
        cache.get_or_set(f"{figures.cache_key}:dashboard-charts", draw, GENERATION_CACHE_SECONDS)
        if figures.cache_key
        else draw()
    )
    return {
        "organization": organization,
        "period": period,
        "figures": figures,
        **charts,
        "most_overdue": most_overdue(user=user, organization=organization, period=period, today=today),
        "child_rows": figures.by_child[:DASHBOARD_MAX_CHILD_ROWS],
        "more_children": max(0, len(figures.by_child) - DASHBOARD_MAX_CHILD_ROWS),
    }


@login_required
def dashboard_view(request, code: str):
    organization = report_organization(user=request.user, code=code)
    period, period_error = _period(request, local_today())
    if period is None:
        return render(request, "reports/bad_period.html", {"error": period_error}, status=400)
    context = dashboard_context(request.user, organization, period)
    return render(request, "reports/dashboard.html", {"panel": context, **context})


@login_required
def panel_view(request, code: str):
    """The dashboard panel alone (loaded into the home page by htmx)."""
    organization = report_organization(user=request.user, code=code)
    period, period_error = _period(request, local_today())
    if period is None:
        return render(request, "reports/bad_period.html", {"error": period_error}, status=400)
    return render(
        request,
        "reports/_dashboard_panel.html",
        {"panel": dashboard_context(request.user, organization, period)},
    )
