"""Plan pages: the list, a plan with its items and progress, an item with its commitments, the forms that
open, edit, put in force, finish and replace a plan, and the lists' XLSX exports. Views parse input, call
one selector or service, and say what happened."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from neuguong.access.scope import scope_for
from neuguong.audit.selectors import history_for
from neuguong.commitments.models import Commitment
from neuguong.commitments.selectors import commitment_list
from neuguong.commitments.status import STATUS_CODES, STATUS_COLOURS, STATUS_LABELS
from neuguong.core.dates import format_vn, local_today
from neuguong.core.forms import submit_form
from neuguong.core.paging import paginate
from neuguong.core.registry import PLAN_ACTIONS
from neuguong.docengine.xlsx import AnnexSheet, Column, build_workbook
from neuguong.organizations.models import Organization
from neuguong.organizations.selectors import organization_for_write, organization_get

from . import services
from .forms import (
    CampaignLinkForm,
    FinishForm,
    InForceForm,
    ItemForm,
    PeriodForm,
    PlanFilterForm,
    PlanForm,
    ReplaceForm,
)
from .models import Plan, PlanItem, PlanState
from .selectors import (
    children_plans,
    indicator_summaries,
    item_get,
    plan_closing,
    plan_for_write,
    plan_get,
    plan_heads_behind,
    plan_items,
    plan_list,
    plan_progress,
    study_figures,
)

EXPORT_MAX_ROWS = 50_000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADS_ON_PAGE = 20
CHILD_ROWS_ON_PAGE = 100


def _require_org_role(request) -> None:
    if not scope_for(request.user).has_org_role:
        raise Http404


def _xlsx(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# ---------------------------------------------------------------------------------------------------------
# The list


def _list_filters(request) -> dict:
    form = PlanFilterForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    code = data.get("org", "")
    return {
        "query": data.get("q", ""),
        "state": data.get("state", ""),
        "kind": data.get("kind", ""),
        "year": data.get("year"),
        "organization": organization_get(user=request.user, code=code) if code else None,
        "sort": data.get("sort") or "new",
    }


@login_required
def plan_list_view(request):
    _require_org_role(request)
    filters = _list_filters(request)
    scope = scope_for(request.user)
    context = {
        "filters": filters,
        "filter_form": PlanFilterForm(request.GET),
        "can_create": bool(scope.write_paths) or scope.is_global,
        **paginate(request, plan_list(user=request.user, **filters)),
    }
    return render(request, "plans/list.html", context)


@login_required
def plan_list_xlsx_view(request):
    """Exactly what the list shows (same filters, same order), every page of it."""
    _require_org_role(request)
    filters = _list_filters(request)
    plans = plan_list(user=request.user, **filters)[:EXPORT_MAX_ROWS]
    sheet = AnnexSheet(
        title="Kế hoạch",
        heading=["DANH SÁCH KẾ HOẠCH, CHƯƠNG TRÌNH, ĐỀ ÁN", f"Xuất ngày {format_vn(local_today())}"],
        columns=[
            Column("STT", kind="int", width=6),
            Column("Số, ký hiệu", width=16),
            Column("Ngày ban hành", kind="date", width=13),
            Column("Loại", width=14),
            Column("Tên", width=60),
            Column("Cấp ủy ban hành", width=30),
            Column("Phạm vi áp dụng", width=30),
            Column("Từ ngày", kind="date", width=12),
            Column("Đến ngày", kind="date", width=12),
            Column("Trạng thái", width=16),
        ],
        rows=[
            [
                i + 1,
                p.document.number_text,
                p.document.issued_on,
                p.kind_label,
                p.title,
                p.organization.name,
                p.applies_to.name,
                p.starts_on,
                p.ends_on,
                p.get_state_display(),
            ]
            for i, p in enumerate(plans)
        ],
    )
    return _xlsx(build_workbook([sheet]), f"ke-hoach-{local_today():%Y%m%d}.xlsx")


@login_required
def for_org_view(request, code: str):
    """The plans of an organisation (the link on its page)."""
    organization = organization_get(user=request.user, code=code)
    return redirect(f"{reverse('plans:list')}?org={organization.code}")


# ---------------------------------------------------------------------------------------------------------
# Opening and editing a plan


def _plan_form(request, *, organization: Organization, plan: Plan | None = None, initial=None):
    from neuguong.documents.models import Document

    return PlanForm(
        request.POST or None,
        initial=initial,
        organization=organization,
        documents=Document.objects.visible_to(request.user),
        units=Organization.objects.active().subtree_of(organization),
        plans=Plan.objects.visible_to(request.user).select_related("document"),
        with_document=plan is None,
    )


@login_required
def plan_create_view(request):
    """Open a registered document for follow-up (from the document's page, ?document=ID)."""
    from neuguong.documents.models import Document

    document = None
    document_id = request.GET.get("document", "")
    if document_id.isdigit():
        document = Document.objects.visible_to(request.user).filter(pk=int(document_id)).first()
    code = request.GET.get("org", "") or (document.organization.code if document else "")
    organization = organization_for_write(user=request.user, code=code)
    initial = {"starts_on": local_today(), "ends_on": dt.date(local_today().year, 12, 31)}
    if document is not None:
        initial |= {"document": document.pk, "title": document.summary, "starts_on": document.issued_on}
    form = _plan_form(request, organization=organization, initial=initial)
    if request.method == "POST" and (
        done := submit_form(
            form, lambda d: services.plan_create(actor=request.user, organization=organization, **d)
        )
    ):
        plan = done.result
        messages.success(
            request, f"Đã mở theo dõi thực hiện {plan.reference}. Hãy thêm các mục của kế hoạch."
        )
        return redirect("plans:detail", plan_id=plan.pk)
    return render(
        request,
        "plans/form.html",
        {"form": form, "organization": organization, "title": "Mở theo dõi thực hiện văn bản"},
    )


@login_required
def plan_edit_view(request, plan_id: int):
    plan = plan_for_write(user=request.user, plan_id=plan_id)
    initial = {name: getattr(plan, name) for name in services.PLAN_EDITABLE}
    form = _plan_form(request, organization=plan.organization, plan=plan, initial=initial)
    if request.method == "POST" and (
        done := submit_form(form, lambda d: services.plan_update(actor=request.user, plan=plan, **d))
    ):
        messages.success(request, f"Đã lưu thông tin {done.result.reference}.")
        return redirect("plans:detail", plan_id=plan.pk)
    return render(
        request,
        "plans/form.html",
        {"form": form, "plan": plan, "organization": plan.organization, "title": "Sửa thông tin kế hoạch"},
    )


# ---------------------------------------------------------------------------------------------------------
# A plan and its progress


def _period(request, plan: Plan) -> tuple[dt.date | None, dt.date | None, PeriodForm]:
    form = PeriodForm(request.GET)
    start, end = form.period()
    return start, end, form


def _years(plan: Plan) -> list[int]:
    return list(range(plan.starts_on.year, plan.ends_on.year + 1))


@login_required
def plan_detail_view(request, plan_id: int):
    """The plan: its document, state, items with their progress (the same figures as the report and the
    API), by lead unit, by subtree, heads of agencies behind schedule, indicators, study campaigns."""
    plan = plan_get(user=request.user, plan_id=plan_id)
    today = local_today()
    start, end, period_form = _period(request, plan)
    progress = plan_progress(user=request.user, plan=plan, today=today, start=start, end=end)
    items = [row.item for row in progress.rows]
    can_manage = services.can_manage(request.user, plan)
    actions = [action for hook in PLAN_ACTIONS for action in hook(request.user, plan)]
    context = {
        "plan": plan,
        "progress": progress,
        "today": today,
        "period_form": period_form,
        "years": _years(plan),
        "selected_year": period_form.cleaned_data.get("year") if period_form.is_valid() else None,
        "can_manage": can_manage,
        "actions": actions,
        "children": children_plans(user=request.user, plan=plan),
        "heads_url": f"{reverse('plans:heads', args=[plan.pk])}?{request.GET.urlencode()}",
        "child_rows": progress.by_child[:CHILD_ROWS_ON_PAGE],
        "child_more": max(0, len(progress.by_child) - CHILD_ROWS_ON_PAGE),
        "indicators": indicator_summaries(
            user=request.user, items=items, organization=progress.base or plan.applies_to, today=today
        ),
        "campaigns": study_figures(user=request.user, items=items),
        "closing": plan_closing(plan) if plan.is_closed else None,
        "status_codes": STATUS_CODES,
        "labels": STATUS_LABELS,
        "colours": STATUS_COLOURS,
        "history": history_for(plan),
        "in_force_form": InForceForm(initial={"on": today}),
        "period_query": request.GET.urlencode(),
        "list_base": f"{reverse('plans:commitments', args=[plan.pk])}?{request.GET.urlencode()}",
    }
    return render(request, "plans/detail.html", context)


@login_required
def heads_view(request, plan_id: int):
    """The plan page's heads of agencies behind schedule, fetched after the page is shown (htmx)."""
    plan = plan_get(user=request.user, plan_id=plan_id)
    start, end, _form = _period(request, plan)
    heads = plan_heads_behind(user=request.user, plan=plan, today=local_today(), start=start, end=end)
    return render(
        request,
        "plans/_heads.html",
        {"plan": plan, "heads": heads[:HEADS_ON_PAGE], "heads_more": max(0, len(heads) - HEADS_ON_PAGE)},
    )


@login_required
@require_POST
def in_force_view(request, plan_id: int):
    plan = plan_for_write(user=request.user, plan_id=plan_id)
    form = InForceForm(request.POST)
    if done := submit_form(
        form, lambda d: services.plan_put_in_force(actor=request.user, plan=plan, on=d["on"])
    ):
        messages.success(
            request,
            f"{done.result.reference} bắt đầu thực hiện từ ngày {format_vn(done.result.in_force_on)}.",
        )
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
    return redirect("plans:detail", plan_id=plan.pk)


@login_required
def finish_view(request, plan_id: int):
    plan = plan_for_write(user=request.user, plan_id=plan_id)
    form = FinishForm(request.POST or None, initial={"closed_on": local_today()})
    if request.method == "POST" and (
        done := submit_form(form, lambda d: services.plan_finish(actor=request.user, plan=plan, **d))
    ):
        closing = done.result
        messages.success(
            request,
            f"Đã kết thúc {plan.reference} ngày {format_vn(closing.closed_on)}; "
            f"{closing.open_count} nhiệm vụ chưa hoàn thành được ghi vào biên bản.",
        )
        return redirect("plans:closing", plan_id=plan.pk)
    return render(
        request, "plans/close_form.html", {"form": form, "plan": plan, "title": "Kết thúc thực hiện"}
    )


@login_required
def replace_view(request, plan_id: int):
    plan = plan_for_write(user=request.user, plan_id=plan_id)
    form = ReplaceForm(
        request.POST or None,
        initial={"closed_on": local_today()},
        plan=plan,
        plans=Plan.objects.visible_to(request.user).exclude(pk=plan.pk).select_related("document"),
    )
    if request.method == "POST" and (
        done := submit_form(form, lambda d: services.plan_replace(actor=request.user, plan=plan, **d))
    ):
        closing = done.result
        replaced_by = closing.replaced_by
        assert replaced_by is not None  # a replacement's closing record names the plan that replaces
        messages.success(
            request,
            f"Đã ghi {plan.reference} được thay thế bằng {replaced_by.reference}; "
            f"{closing.open_count} nhiệm vụ chưa hoàn thành được ghi vào biên bản.",
        )
        return redirect("plans:closing", plan_id=plan.pk)
    return render(
        request, "plans/close_form.html", {"form": form, "plan": plan, "title": "Ghi nhận được thay thế"}
    )


@login_required
def closing_view(request, plan_id: int):
    """The closing record: counts that day and the commitments still open (printable)."""
    plan = plan_get(user=request.user, plan_id=plan_id)
    closing = plan_closing(plan)
    if closing is None:
        raise Http404
    visible = Commitment.objects.visible_to(request.user)
    open_rows = (
        closing.open_commitments.filter(commitment__in=visible)
        .select_related("commitment__responsible_person", "commitment__organization", "commitment__plan_item")
        .order_by("commitment__deadline", "id")
    )
    context = {
        "plan": plan,
        "closing": closing,
        "counts": [(STATUS_LABELS.get(code, code), n) for code, n in closing.counts.items()],
        "labels": STATUS_LABELS,
        **paginate(request, open_rows, per_page=200),
    }
    return render(request, "plans/closing.html", context)


# ---------------------------------------------------------------------------------------------------------
# Items


def _item_form(request, plan: Plan, *, item: PlanItem | None = None, initial=None):
    from neuguong.targets.models import Indicator

    parents = PlanItem.objects.filter(plan=plan).order_by("position", "id")
    if item is not None:
        parents = parents.exclude(pk=item.pk)
    return ItemForm(
        request.POST or None,
        initial=initial,
        plan=plan,
        parents=parents,
        units=Organization.objects.subtree_of(plan.applies_to),
        indicators=Indicator.objects.visible_to(request.user).order_by("code"),
    )


@login_required
def item_create_view(request, plan_id: int):
    plan = plan_for_write(user=request.user, plan_id=plan_id)
    initial = {"lead_unit": plan.owner_id, "deadline": plan.ends_on}
    if request.GET.get("parent", "").isdigit():
        initial["parent"] = int(request.GET["parent"])
    form = _item_form(request, plan, initial=initial)
    if request.method == "POST" and (
        done := submit_form(form, lambda d: services.plan_item_add(actor=request.user, plan=plan, **d))
    ):
        item = done.result
        messages.success(request, f"Đã thêm mục {item.number} «{item.title}» vào {plan.reference}.")
        if "again" in request.POST:
            return redirect(f"{reverse('plans:item_create', args=[plan.pk])}?parent={item.parent_id or ''}")
        return redirect("plans:detail", plan_id=plan.pk)
    return render(
        request, "plans/item_form.html", {"form": form, "plan": plan, "title": "Thêm mục của kế hoạch"}
    )


@login_required
def item_edit_view(request, plan_id: int, item_id: int):
    plan = plan_for_write(user=request.user, plan_id=plan_id)
    item = item_get(plan=plan, item_id=item_id)
    initial = {name: getattr(item, name) for name in services.ITEM_EDITABLE}
    initial |= {"co_units": list(item.co_units.all()), "indicators": list(item.indicators.all())}
    form = _item_form(request, plan, item=item, initial=initial)
    if request.method == "POST" and (
        done := submit_form(form, lambda d: services.plan_item_update(actor=request.user, item=item, **d))
    ):
        messages.success(request, f"Đã lưu mục {done.result.number} «{done.result.title}».")
        return redirect("plans:item", plan_id=plan.pk, item_id=item.pk)
    return render(
        request,
        "plans/item_form.html",
        {"form": form, "plan": plan, "item": item, "title": f"Sửa mục {item.number}"},
    )


@login_required
@require_POST
def item_remove_view(request, plan_id: int, item_id: int):
    plan = plan_for_write(user=request.user, plan_id=plan_id)
    item = item_get(plan=plan, item_id=item_id)
    services.plan_item_remove(actor=request.user, item=item)
    messages.success(request, f"Đã bỏ mục {item.number} «{item.title}» khỏi {plan.reference}.")
    return redirect("plans:detail", plan_id=plan.pk)


def _subtree_ids(items: list[PlanItem], item: PlanItem) -> list[int]:
    below: dict[int | None, list[int]] = {}
    for other in items:
        below.setdefault(other.parent_id, []).append(other.pk)
    ids, stack = [], [item.pk]
    while stack:
        current = stack.pop()
        ids.append(current)
        stack.extend(below.get(current, []))
    return ids


@login_required
def item_detail_view(request, plan_id: int, item_id: int):
    """One item: what it asks, its progress (same figures as the plan's), its sub-items, its commitments,
    the study campaigns carrying it out, and the button that assigns it (every head of agency)."""
    plan = plan_get(user=request.user, plan_id=plan_id)
    today = local_today()
    start, end, period_form = _period(request, plan)
    progress = plan_progress(user=request.user, plan=plan, today=today, start=start, end=end)
    row = next((r for r in progress.rows if r.item.pk == item_id), None)
    if row is None:
        raise Http404
    item = row.item
    items = [r.item for r in progress.rows]
    subtree = set(_subtree_ids(items, item))
    can_manage = services.can_manage(request.user, plan)
    scope = scope_for(request.user)
    from neuguong.study.models import Campaign

    context = {
        "plan": plan,
        "item": item,
        "row": row,
        "progress": progress,
        "sub_rows": [r for r in progress.rows if r.item.pk in subtree and r.item.pk != item.pk],
        "today": today,
        "period_form": period_form,
        "years": _years(plan),
        "can_manage": can_manage,
        # Who may assign this item: the boards the user writes on, inside the plan's subtree.
        "assign_org": _assign_organization(request.user, plan),
        "campaigns": study_figures(user=request.user, items=[item]),
        "campaign_form": CampaignLinkForm(campaigns=Campaign.objects.filter(scope.write_q("organizer__path")))
        if scope.write_paths or scope.is_global
        else None,
        "indicators": indicator_summaries(
            user=request.user, items=[item], organization=progress.base or plan.applies_to, today=today
        ),
        "labels": STATUS_LABELS,
        "colours": STATUS_COLOURS,
        "status_codes": STATUS_CODES,
        "history": history_for(item),
        "period_query": request.GET.urlencode(),
        "list_base": f"{reverse('plans:commitments', args=[plan.pk])}?item={item.pk}&{request.GET.urlencode()}",
    }
    return render(request, "plans/item_detail.html", context)


def _assign_organization(user, plan: Plan) -> Organization | None:
    """The board on which the user would assign an item's work: the plan's subtree if they write in it,
    else their highest writable organisation inside it."""
    scope = scope_for(user)
    if plan.state != PlanState.IN_FORCE:
        return None
    if scope.can_write_path(plan.applies_to.path):
        return plan.applies_to
    return (
        Organization.objects.writable_by(user)
        .filter(path__startswith=plan.applies_to.path)
        .order_by("depth", "path")
        .first()
    )


@login_required
@require_POST
def campaign_link_view(request, plan_id: int, item_id: int):
    from neuguong.study.models import Campaign
    from neuguong.study.services import campaign_link_plan_item

    plan = plan_get(user=request.user, plan_id=plan_id)
    item = item_get(plan=plan, item_id=item_id)
    scope = scope_for(request.user)
    form = CampaignLinkForm(request.POST, campaigns=Campaign.objects.filter(scope.write_q("organizer__path")))
    if done := submit_form(
        form, lambda d: campaign_link_plan_item(actor=request.user, campaign=d["campaign"], plan_item=item)
    ):
        messages.success(request, f"Đã ghi đợt học tập «{done.result.title}» thực hiện mục {item.number}.")
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
    return redirect("plans:item", plan_id=plan.pk, item_id=item.pk)


@login_required
@require_POST
def campaign_unlink_view(request, plan_id: int, item_id: int, campaign_id: int):
    from neuguong.study.models import Campaign
    from neuguong.study.services import campaign_link_plan_item

    plan = plan_get(user=request.user, plan_id=plan_id)
    item = item_get(plan=plan, item_id=item_id)
    campaign = Campaign.objects.visible_to(request.user).filter(pk=campaign_id, plan_item=item).first()
    if campaign is None:
        raise Http404
    campaign_link_plan_item(actor=request.user, campaign=campaign, plan_item=None)
    messages.success(request, f"Đã bỏ liên kết đợt học tập «{campaign.title}» với mục {item.number}.")
    return redirect("plans:item", plan_id=plan.pk, item_id=item.pk)


# ---------------------------------------------------------------------------------------------------------
# The commitments behind a figure


def _commitments_filters(request, plan: Plan, items: list[PlanItem]) -> dict:
    from neuguong.commitments.forms import BoardFilterForm

    form = BoardFilterForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    item = None
    if request.GET.get("item", "").isdigit():
        item = next((i for i in items if i.pk == int(request.GET["item"])), None)
        if item is None:
            raise Http404
    start, end, _ = _period(request, plan)
    return {
        "item": item,
        "item_ids": _subtree_ids(items, item) if item else [i.pk for i in items],
        "status": data.get("status", ""),
        "query": data.get("q", ""),
        "sort": data.get("sort") or "deadline",
        "start": start,
        "end": end,
    }


def _plan_commitments(request, plan: Plan, filters: dict, today: dt.date):
    return commitment_list(
        user=request.user,
        today=today,
        plan_item_ids=filters["item_ids"],
        status=filters["status"],
        query=filters["query"],
        sort=filters["sort"],
        due_from=filters["start"],
        due_to=filters["end"],
    )


@login_required
def plan_commitments_view(request, plan_id: int):
    """The commitments behind the plan's figures (or an item's, with its sub-items'): filter by status,
    search, sort, pages, XLSX."""
    plan = plan_get(user=request.user, plan_id=plan_id)
    today = local_today()
    items = plan_items(plan)
    filters = _commitments_filters(request, plan, items)
    progress = plan_progress(
        user=request.user,
        plan=plan,
        today=today,
        start=filters["start"],
        end=filters["end"],
        items=items,
        breakdown=False,
    )
    counts = _counts_of(progress, filters["item_ids"])
    # The counts come from the tallies (no COUNT over a province's rows): the list shows as many.
    shown = (
        None
        if filters["query"]
        else (counts[filters["status"]] if filters["status"] else sum(counts.values()))
    )
    qs = _plan_commitments(request, plan, filters, today).select_related(
        "organization", "responsible_person", "lead_unit"
    )
    context = {
        "plan": plan,
        "filters": filters,
        "today": today,
        "counts": [(code, STATUS_LABELS[code], counts[code], STATUS_COLOURS[code]) for code in STATUS_CODES],
        "labels": STATUS_LABELS,
        "period_query": request.GET.urlencode(),
        **paginate(request, qs, count=shown),
    }
    return render(request, "plans/commitments.html", context)


def _counts_of(progress, item_ids) -> dict[str, int]:
    wanted = set(item_ids)
    counts = dict.fromkeys(STATUS_CODES, 0)
    for row in progress.rows:
        if row.item.pk in wanted:
            for code, n in row.own.counts.items():
                counts[code] = counts.get(code, 0) + n
    return counts


@login_required
def plan_commitments_xlsx_view(request, plan_id: int):
    from neuguong.commitments.exports import board_xlsx

    plan = plan_get(user=request.user, plan_id=plan_id)
    today = local_today()
    filters = _commitments_filters(request, plan, plan_items(plan))
    qs = _plan_commitments(request, plan, filters, today).select_related(
        "organization", "responsible_person", "lead_unit"
    )
    return board_xlsx(qs[:EXPORT_MAX_ROWS], today=today)
