"""Pages of periods: the list (with the user's own reviews), opening a period, the period with its figures
and reviews, the audience refresh, the decision, publication and the decision document."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from neuguong.access.scope import scope_for
from neuguong.audit.selectors import history_for
from neuguong.core.forms import submit_form
from neuguong.core.paging import paginate
from neuguong.docengine.xlsx import AnnexSheet, Column, build_workbook
from neuguong.organizations.models import Organization

from .. import facts, reports, selectors, services, shipped
from ..forms import DecisionForm, PeriodForm
from ..levels import LEVELS, Level
from ..models import PeriodState, ReviewState, RuleSet
from ..services.periods import DECIDING_KINDS
from .common import DOCX, XLSX, file_response, org_param, param, today, year_param


@login_required
def index_view(request):
    """Periods the user may see (filter, search, sort, pages, XLSX) and, for a member, their own reviews."""
    filters = {
        "year": year_param(request),
        "state": param(request, "state", 16),
        "query": param(request, "q"),
        "sort": param(request, "sort", 8) or "new",
    }
    organization = org_param(request)
    periods = selectors.period_list(
        user=request.user,
        organization=organization,
        year=year_param(request),
        state=param(request, "state", 16),
        query=param(request, "q"),
        sort=param(request, "sort", 8) or "new",
    )
    if request.GET.get("format") == "xlsx":
        return file_response(_periods_xlsx(list(periods[:5000])), "ky-danh-gia-xep-loai.xlsx", XLSX)
    mine = list(selectors.my_reviews(user=request.user)[:10])
    can_open = Organization.objects.writable_by(request.user).filter(kind__in=DECIDING_KINDS).exists()
    context = {
        "filters": filters,
        "organization": organization,
        "states": PeriodState.choices,
        "mine": mine,
        "can_open": can_open,
        **paginate(request, periods, per_page=30),
    }
    return render(request, "evaluation/index.html", context)


def _periods_xlsx(periods) -> bytes:
    return build_workbook(
        [
            AnnexSheet(
                title="Kỳ đánh giá",
                heading=["DANH SÁCH KỲ KIỂM ĐIỂM, ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG"],
                columns=[
                    Column("Kỳ", width=40),
                    Column("Cấp ủy", width=34),
                    Column("Bộ quy định", width=10),
                    Column("Trạng thái", width=16),
                    Column("Số đối tượng", kind="int", total=True),
                    Column("Đã tự kiểm điểm", kind="int", total=True),
                    Column("Chờ quyết định", kind="int", total=True),
                    Column("Đã quyết định", kind="int", total=True),
                    Column("Quyết định", width=18),
                ],
                rows=[
                    [
                        p.name,
                        p.organization.name,
                        p.rule_set.code,
                        p.get_state_display(),
                        p.review_count,
                        p.self_count,
                        p.proposed_count,
                        p.final_count,
                        p.decision_document.number_text if p.decision_document_id else "",
                    ]
                    for p in periods
                ],
            )
        ]
    )


@login_required
def period_create_view(request):
    organizations = Organization.objects.writable_by(request.user).filter(kind__in=DECIDING_KINDS)
    if not organizations.exists():
        raise Http404
    shipped.ensure_shipped()
    rule_sets = (
        RuleSet.objects.visible_to(request.user).published().order_by("-year_from", "code", "-version")
    )
    form = PeriodForm(request.POST or None, organizations=organizations, rule_sets=rule_sets)
    if request.method == "POST" and (
        done := submit_form(form, lambda data: services.period_open(actor=request.user, **data))
    ):
        period = done.result
        messages.success(
            request,
            f"Đã mở «{period.name}» của {period.organization.name} theo bộ quy định {period.rule_set.code}: "
            f"{period.reviews.count()} đối tượng kiểm điểm.",
        )
        return redirect("evaluation:period", period_id=period.pk)
    return render(
        request,
        "evaluation/form.html",
        {"form": form, "title": "Mở kỳ kiểm điểm, đánh giá, xếp loại", "back": reverse("evaluation:index")},
        status=400 if form.is_bound else 200,
    )


def _period_page(request, period, *, decision_form=None, status: int = 200):
    scope = scope_for(request.user)
    filters = {
        "state": param(request, "state", 16),
        "query": param(request, "q"),
        "level": param(request, "level", 8),
        "sort": param(request, "sort", 8) or "name",
    }
    within = org_param(request)
    reviews = selectors.review_list(user=request.user, period=period, organization=within, **filters)
    fmt = request.GET.get("format")
    if fmt == "xlsx":
        rows = list(reviews[:20_000])
        data = reports.reviews_xlsx(
            period=period, reviews=rows, show_decision=lambda r: selectors.shows_decision(request.user, r)
        )
        return file_response(data, f"danh-sach-kiem-diem-{period.year}.xlsx", XLSX)
    summary = selectors.period_summary(user=request.user, period=period)
    if fmt == "summary":
        return file_response(
            reports.period_summary_xlsx(period=period, summary=summary),
            f"tong-hop-xep-loai-{period.year}.xlsx",
            XLSX,
        )
    page = paginate(request, reviews, per_page=50)
    rows = list(page["page_obj"])
    live = facts.facts_for_reviews(period, [r for r in rows if not r.facts], today=today())
    for review in rows:
        review.row_facts = review.facts or live.get(review.pk, {})
        review.row_decision = selectors.shows_decision(request.user, review)
    can_decide = scope.can_write_path(period.organization.path)
    context = {
        "period": period,
        "rules": period.rule_set.rules(),
        "summary": summary,
        "levels": LEVELS,
        "level_choices": Level.choices,
        "states": [(v, label) for v, label in ReviewState.choices],
        "filters": filters,
        "within": within,
        "rows": rows,
        "can_decide": can_decide,
        "decision_form": decision_form or DecisionForm(),
        "history": history_for(period) if can_decide else [],
        **page,
    }
    return render(request, "evaluation/period.html", context, status=status)


@login_required
def period_view(request, period_id: int):
    return _period_page(request, selectors.period_get(user=request.user, period_id=period_id))


@login_required
@require_POST
def period_refresh_view(request, period_id: int):
    period = selectors.period_get(user=request.user, period_id=period_id)
    added, left = services.period_refresh_audience(actor=request.user, period=period)
    messages.success(request, f"Đã cập nhật danh sách: thêm {added}, {left} không còn trong kỳ.")
    return redirect("evaluation:period", period_id=period.pk)


@login_required
@require_POST
def period_decide_view(request, period_id: int):
    period = selectors.period_get(user=request.user, period_id=period_id)
    form = DecisionForm(request.POST)
    if done := submit_form(
        form, lambda data: services.period_decide(actor=request.user, period=period, **data)
    ):
        decided = done.result
        assert decided.decision_document is not None  # a decided period has its QĐ
        messages.success(
            request,
            f"Đã quyết định xếp loại {period.name}: Quyết định số {decided.decision_document.number_text} "
            f"ngày {decided.decided_on:%d/%m/%Y}, đã vào sổ văn bản.",
        )
        return redirect("evaluation:period", period_id=period.pk)
    return _period_page(request, period, decision_form=form, status=400)


@login_required
@require_POST
def period_publish_view(request, period_id: int):
    period = selectors.period_get(user=request.user, period_id=period_id)
    services.period_publish(actor=request.user, period=period)
    messages.success(request, f"Đã công bố kết quả {period.name}; mỗi đảng viên được báo kết quả của mình.")
    return redirect("evaluation:period", period_id=period.pk)


@login_required
def decision_docx_view(request, period_id: int):
    """The registered decision's file; before the decision, a draft from the proposals (for the meeting)."""
    period = selectors.period_get(user=request.user, period_id=period_id)
    scope = scope_for(request.user)
    if not scope.can_read_path(period.organization.path):
        raise Http404
    document = period.decision_document
    if document is not None and document.file:
        return file_response(document.file.read(), f"quyet-dinh-xep-loai-{period.year}.docx", DOCX)
    reviews = [
        r
        for r in selectors.review_list(user=request.user, period=period)
        if r.state in (ReviewState.PROPOSED, ReviewState.APPRAISED)
    ]
    for review in reviews:
        review.decided_level = review.appraised_level or review.proposed_level
    data = reports.decision_docx(period=period, reviews=reviews, number="", issued_on=today())
    return file_response(data, f"du-thao-quyet-dinh-xep-loai-{period.year}.docx", DOCX)
