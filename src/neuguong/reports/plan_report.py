"""A plan's report ("Báo cáo kết quả N năm thực hiện Kế hoạch số …"): its page (figures fixed, the draft's
text editable), its files (DOCX, PDF, XLSX annex) and what `make_report plan` writes. The figures, the
document and the annex are the plans module's (`plans.report`); this module keeps the draft (the same
`ReportDraft` as the other reports, naming the plan) and renders the files."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from neuguong.access.scope import scope_for
from neuguong.core.dates import local_today
from neuguong.core.errors import BusinessError
from neuguong.core.forms import submit_form
from neuguong.docengine.docformat import render_party_document
from neuguong.docengine.xlsx import build_workbook
from neuguong.plans import report as plan_report
from neuguong.plans.selectors import plan_get

from . import rendering, services
from .forms import DraftForm
from .models import NARRATIVE_SECTIONS, ReportKind
from .periods import Period, custom_period, parse_date
from .selectors import draft_get, template_for

MSG_SAVED = "Đã lưu bản thảo báo cáo thực hiện {number}."


def plan_period(plan, params, today: dt.date) -> Period:
    """The report's period from ?start=&end= (dd/mm/yyyy or yyyy-mm-dd), else the plan's first year."""
    start, end = parse_date(params.get("start")), parse_date(params.get("end"))
    if start is None and end is None:
        start, end = plan_report.default_period(plan, today)
    return custom_period(start, end)


def plan_report_figures(*, user, plan, period: Period, today: dt.date):
    return plan_report.plan_report_figures(
        user=user, plan=plan, start=period.start, end=period.end, today=today
    )


def plan_report_render(
    *, user, plan, period: Period, fmt: str, today: dt.date | None = None
) -> rendering.Rendered:
    """The report file from live data: DOCX (Party format, with the draft's text), XLSX (annex) or PDF."""
    rendering.check_format(fmt)
    if fmt == "pdf" and not rendering.pdf_available():
        raise BusinessError(rendering.MSG_PDF_UNAVAILABLE, field="format")
    today = today or local_today()
    figures = plan_report_figures(user=user, plan=plan, period=period, today=today)
    if fmt == "xlsx":
        data = build_workbook(plan_report.annex_sheets(figures))
    else:
        draft = draft_get(organization=figures.issuer, kind=ReportKind.PLAN, period=period, plan=plan)
        spec = plan_report.report_document(
            figures,
            narrative=draft.narrative if draft else {},
            issued_on=today,
            number=draft.number if draft else "",
            signing_authority=draft.signing_authority if draft else "",
            signer_position=draft.signer_position if draft else "",
            signer_name=draft.signer_name if draft else "",
            recipients=[line for line in (draft.recipients if draft else "").splitlines() if line.strip()],
        )
        data = render_party_document(spec, template=template_for(figures.issuer, ReportKind.PLAN))
        if fmt == "pdf":
            data = rendering.docx_to_pdf(data)
    return rendering.Rendered(data, plan_report.report_filename(figures, fmt), rendering.CONTENT_TYPES[fmt])


def plan_report_action(user, plan) -> list[dict]:
    """The button on the plan's page (core.registry.PLAN_ACTIONS)."""
    if not scope_for(user).has_org_role:
        return []
    return [{"label": "Báo cáo kết quả thực hiện", "url": reverse("reports:plan", args=[plan.pk])}]


def _report_title(summary: str) -> str:
    """'Báo cáo kết quả 1 năm thực hiện …' (the summary continues the document's type)."""
    return f"Báo cáo {summary[:1].lower()}{summary[1:]}"


def _period_or_400(request, plan, today):
    try:
        return plan_period(plan, request.GET, today), ""
    except BusinessError as exc:
        return None, exc.message


@login_required
def plan_report_view(request, plan_id: int):
    """The report before export: its figures (the plan page's) and the draft's text (editable, saved)."""
    plan = plan_get(user=request.user, plan_id=plan_id)
    if not scope_for(request.user).has_org_role:
        raise Http404
    today = local_today()
    period, error = _period_or_400(request, plan, today)
    if period is None:
        return render(request, "reports/bad_period.html", {"error": error}, status=400)
    figures = plan_report_figures(user=request.user, plan=plan, period=period, today=today)
    issuer = figures.issuer
    can_write = scope_for(request.user).can_write_path(issuer.path)
    draft = draft_get(organization=issuer, kind=ReportKind.PLAN, period=period, plan=plan)
    initial = {"number": services.propose_number(issuer, today).number}
    if draft:
        initial = {
            "number": draft.number,
            "signing_authority": draft.signing_authority,
            "signer_position": draft.signer_position,
            "signer_name": draft.signer_name,
            "recipients": draft.recipients,
            **{f"n_{k}": v for k, v in draft.narrative.items()},
        }
    form = DraftForm(request.POST or None, initial=initial, kind=ReportKind.PLAN)
    if request.method == "POST":
        if not can_write:
            raise Http404
        if submit_form(
            form,
            lambda d: services.draft_save(
                actor=request.user,
                organization=issuer,
                kind=ReportKind.PLAN,
                period=period,
                plan=plan,
                narrative=form.narrative(),
                number=d["number"],
                signing_authority=d["signing_authority"],
                signer_position=d["signer_position"],
                signer_name=d["signer_name"],
                recipients=d["recipients"],
            ),
        ):
            messages.success(request, MSG_SAVED.format(number=plan.document.number_text))
            return redirect(f"{request.path}?{period.query}")
    chart = plan_report.child_chart(figures)
    context = {
        "plan": plan,
        "figures": figures,
        "progress": figures.progress,
        "period": period,
        "summary": plan_report.report_summary(figures),
        "title": _report_title(plan_report.report_summary(figures)),
        "summary_sentence": plan_report.summary_sentence(figures),
        "exemplary_sentence": plan_report.exemplary_sentence(figures),
        "chart": chart,
        "chart_svg": chart.svg() if chart.bars else "",
        "form": form,
        "can_write": can_write,
        "draft": draft,
        "proposed": services.propose_number(issuer, today),
        "pdf": rendering.pdf_available(),
        "sections": NARRATIVE_SECTIONS[ReportKind.PLAN],
        "today": today,
    }
    return render(request, "reports/plan_report.html", context)


@login_required
def plan_download_view(request, plan_id: int, fmt: str):
    if fmt not in rendering.FORMATS:
        raise Http404
    plan = plan_get(user=request.user, plan_id=plan_id)
    if not scope_for(request.user).has_org_role:
        raise Http404
    period, error = _period_or_400(request, plan, local_today())
    if period is None:
        return render(request, "reports/bad_period.html", {"error": error}, status=400)
    rendered = plan_report_render(user=request.user, plan=plan, period=period, fmt=fmt)
    response = HttpResponse(rendered.data, content_type=rendered.content_type)
    response["Content-Disposition"] = f'attachment; filename="{rendered.filename}"'
    return response
