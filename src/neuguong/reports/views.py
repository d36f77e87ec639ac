"""Report pages: choose, preview (figures fixed, text editable), download, background jobs, templates,
and the organisation dashboard. Views parse input and call one selector or service; nothing here catches
a service's error (`core.middleware`: out of scope → 404; a bad period or format on a GET → the 400 page
with its message; on a form → next to its field through `core.forms.submit_form`)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from neuguong.access.scope import scope_for
from neuguong.core.dates import local_today
from neuguong.core.forms import submit_form
from neuguong.docengine.docformat import DEFAULT_TEMPLATE, FIELD_LABELS
from neuguong.organizations.models import Organization
from neuguong.organizations.selectors import organization_for_write, top_organization

from . import builders, rendering, services
from .forms import DraftForm, ReportChoiceForm, TemplateUploadForm
from .models import NARRATIVE_SECTIONS, ORGANIZATION_REPORT_KINDS, ReportJob, ReportKind, ReportTemplate
from .periods import Period, period_from_params
from .selectors import (
    GENERATION_CACHE_SECONDS,
    draft_get,
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


def _period(request) -> Period:
    """The period asked for in the address; a bad one is a BusinessError, the 400 page with its message."""
    return period_from_params(request.GET, local_today())


def _can_write(user, organization: Organization) -> bool:
    return Organization.objects.writable_by(user).filter(pk=organization.pk).exists()


def _default_org(user) -> Organization | None:
    return top_organization(user)


@login_required
def index_view(request):
    """Choose a report: kind, organisation, period."""
    if not scope_for(request.user).has_org_role:
        raise Http404
    default = _default_org(request.user)
    form = ReportChoiceForm(
        request.GET or None, user=request.user, initial={"org": default.code if default else ""}
    )

    def chosen(data) -> str:
        params = {"kind": data["period"], "year": data.get("year") or "", "part": data.get("part") or ""}
        if data["period"] == "custom":
            params = {"start": data.get("start") or "", "end": data.get("end") or ""}
        period = period_from_params({k: str(v) for k, v in params.items()}, local_today())
        url = reverse("reports:detail", kwargs={"kind": data["kind"], "code": data["org"].code})
        return f"{url}?{period.query}"

    if done := submit_form(form, chosen):
        return redirect(done.result)
    return render(request, "reports/index.html", {"form": form})


@login_required
def detail_view(request, kind: str, code: str):
    """The report before export: generated figures (fixed) and the draft text (editable, saved)."""
    kind = _kind(kind)
    if request.method == "POST":
        organization = organization_for_write(user=request.user, code=code)
    else:
        organization = report_organization(user=request.user, code=code)
    today = local_today()
    period = _period(request)
    draft = draft_get(organization=organization, kind=kind, period=period)
    if request.method == "POST":
        form = DraftForm(request.POST, kind=kind)
        if submit_form(
            form,
            lambda data: services.draft_save(
                actor=request.user,
                organization=organization,
                kind=kind,
                period=period,
                narrative=form.narrative(),
                number=data["number"],
                signing_authority=data["signing_authority"],
                signer_position=data["signer_position"],
                signer_name=data["signer_name"],
                recipients=data["recipients"],
            ),
        ):
            messages.success(
                request, f"{MSG_SAVED} {ReportKind(kind).label} của {organization.name}, {period.label}."
            )
            return redirect(f"{request.path}?{period.query}")
    elif draft:
        form = DraftForm(
            initial={
                "number": draft.number,
                "signing_authority": draft.signing_authority,
                "signer_position": draft.signer_position,
                "signer_name": draft.signer_name,
                "recipients": draft.recipients,
                **{f"n_{k}": v for k, v in draft.narrative.items()},
            },
            kind=kind,
        )
    else:
        form = DraftForm(initial={"number": services.propose_number(organization, today).number}, kind=kind)
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
        "heads_shown": figures.heads_overdue[: builders.HEADS_IN_BODY],
        "form": form,
        "can_write": _can_write(request.user, organization),
        "draft": draft,
        "proposed": services.propose_number(organization, today),
        "pdf": rendering.pdf_available(),
        "sections": NARRATIVE_SECTIONS[kind],
        "most_overdue": most_overdue(user=request.user, organization=organization, period=period, today=today)
        if kind == ReportKind.COMMITMENTS
        else [],
    }
    return render(request, "reports/detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def download_view(request, kind: str, code: str, fmt: str):
    """GET: the file, made now. POST: a background job and its progress page. A GET never changes state:
    for a large subtree (or ?background=1) it offers the POST button instead of making the file."""
    kind = _kind(kind)
    if fmt not in rendering.FORMATS:
        raise Http404
    organization = report_organization(user=request.user, code=code)
    today = local_today()
    period = _period(request)
    if request.method == "POST":
        job = services.job_start(
            actor=request.user, kind=kind, organization=organization, period=period, fmt=fmt
        )
        # 303: the browser follows with a GET of the progress page (a reload does not post again).
        return HttpResponseRedirect(reverse("reports:job", kwargs={"job_id": job.pk}), status=303)
    big = request.GET.get("background") == "1" or (
        period_commitments(user=request.user, organization=organization, period=period)[
            : SYNC_MAX_COMMITMENTS + 1
        ].count()
        > SYNC_MAX_COMMITMENTS
    )
    if big:
        context = {
            "kind": kind,
            "kind_label": ReportKind(kind).label,
            "organization": organization,
            "period": period,
        }
        return render(request, "reports/job_start.html", context)
    rendered = rendering.report_render(
        user=request.user, kind=kind, organization=organization, period=period, fmt=fmt, today=today
    )
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
    if request.method == "POST":
        organization = organization_for_write(user=request.user, code=code)
    else:
        organization = report_organization(user=request.user, code=code)
    form = TemplateUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and (
        done := submit_form(
            form,
            lambda data: services.template_upload(
                actor=request.user, organization=organization, kind=data["kind"], uploaded=data["file"]
            ),
        )
    ):
        messages.success(
            request, f"{MSG_TEMPLATE_SAVED} «{done.result.original_name}» của {organization.name}."
        )
        return redirect("reports:templates", code=organization.code)
    templates = ReportTemplate.objects.filter(organization=organization).select_related("uploaded_by")
    context = {
        "organization": organization,
        "templates": templates,
        "form": form,
        "can_write": _can_write(request.user, organization),
        "fields": FIELD_LABELS.items(),
    }
    return render(request, "reports/templates.html", context)


@login_required
@require_POST
def template_deactivate_view(request, code: str, template_id: int):
    organization = organization_for_write(user=request.user, code=code)
    template = ReportTemplate.objects.filter(pk=template_id, organization=organization).first()
    if template is None:
        raise Http404
    services.template_deactivate(actor=request.user, template=template)
    messages.success(request, f"Đã ngừng dùng mẫu «{template.original_name}» của {organization.name}.")
    return redirect("reports:templates", code=organization.code)


@login_required
def default_template_view(request):
    return FileResponse(DEFAULT_TEMPLATE.open("rb"), as_attachment=True, filename="mau-van-ban-dang.docx")


DASHBOARD_CHARTS = {
    "status_svg": builders.status_chart,
    "trend_svg": builders.trend_chart,
    "child_svg": builders.child_chart,
}


def _dashboard_charts(figures, *, draw: bool) -> dict[str, str] | None:
    """The dashboard's three charts as SVG, kept with the figures when they are kept (every app server
    reads them from the shared cache). None when they would have to be drawn now and `draw` is False:
    after a write the figures change and matplotlib takes a few hundred ms for the three, so the page is
    sent at once and fetches them from `charts_view` (htmx, on load)."""
    key = f"{figures.cache_key}:dashboard-charts" if figures.cache_key else ""
    if key and (cached := cache.get(key)) is not None:
        return cached
    made = {name: build(figures) for name, build in DASHBOARD_CHARTS.items()}
    if key and not draw and not all(chart.svg_drawn() for chart in made.values()):
        return None
    charts = {name: chart.svg() for name, chart in made.items()}
    if key:
        cache.set(key, charts, GENERATION_CACHE_SECONDS)
    return charts


def dashboard_context(user, organization: Organization, period: Period, *, draw_charts: bool = False) -> dict:
    """What the dashboard panel shows; the same figures as the reports (one selector). Charts not drawn
    yet for these figures come after the page (`charts_url`), unless `draw_charts`."""
    today = local_today()
    figures = report_figures(user=user, organization=organization, period=period, today=today)
    charts = _dashboard_charts(figures, draw=draw_charts)
    return {
        "organization": organization,
        "period": period,
        "figures": figures,
        **(charts or {}),
        "charts_url": ""
        if charts is not None
        else reverse("reports:dashboard_charts", kwargs={"code": organization.code}) + f"?{period.query}",
        "most_overdue": most_overdue(user=user, organization=organization, period=period, today=today),
        "child_rows": figures.by_child[:DASHBOARD_MAX_CHILD_ROWS],
        "more_children": figures.children_beyond(DASHBOARD_MAX_CHILD_ROWS),
    }


@login_required
def charts_view(request, code: str):
    """The dashboard's three charts, drawn now (fetched by the page when they were not drawn yet): the
    panel's two in place, the page's chart of the children out of band (`dashboard-child-chart`)."""
    organization = report_organization(user=request.user, code=code)
    period = _period(request)
    today = local_today()
    figures = report_figures(user=request.user, organization=organization, period=period, today=today)
    charts = _dashboard_charts(figures, draw=True) or {}
    return render(
        request, "reports/_dashboard_charts.html", {"panel": charts, "child_svg": charts.get("child_svg", "")}
    )


@login_required
def dashboard_view(request, code: str):
    organization = report_organization(user=request.user, code=code)
    period = _period(request)
    context = dashboard_context(request.user, organization, period)
    return render(request, "reports/dashboard.html", {"panel": context, **context})


@login_required
def panel_view(request, code: str):
    """The dashboard panel alone (loaded into the home page by htmx)."""
    organization = report_organization(user=request.user, code=code)
    period = _period(request)
    return render(
        request,
        "reports/_dashboard_panel.html",
        # Already fetched after the home page: its charts are drawn here rather than fetched once more.
        {"panel": dashboard_context(request.user, organization, period, draw_charts=True)},
    )
