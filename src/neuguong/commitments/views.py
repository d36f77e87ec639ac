import calendar
import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, SuspiciousOperation
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from neuguong.access.scope import scope_for
from neuguong.audit.selectors import history_for
from neuguong.core import registry
from neuguong.core.dates import local_today
from neuguong.core.forms import submit_form
from neuguong.core.paging import is_print_view, paginate
from neuguong.notifications.selectors import notification_list
from neuguong.organizations.models import Organization
from neuguong.organizations.selectors import organization_for_write, organization_get, top_organization
from neuguong.people.models import ACTIVE_MEMBER_STATUSES, Person

from . import exports, notices, services
from .forms import (
    BoardFilterForm,
    CommitmentForm,
    CompleteForm,
    CompletionPolicyForm,
    DecisionNoteForm,
    ExtensionRequestForm,
    HaltForm,
    MonthForm,
    PledgeForm,
    ProgramForm,
    ProgramItemForm,
    ReportForm,
)
from .models import Evidence, ExtensionRequest, ExtensionState, ProgressReport, WorkProgram
from .selectors import (
    board_status_counts,
    commitment_get,
    commitment_list,
    commitment_timeline,
    deadline_groups,
    my_commitments,
    pledge_items,
    subtree_summary,
    summary_children,
)
from .status import STATUS_COLOURS, STATUS_LABELS, commitment_status

EXPORT_MAX_ROWS = 50_000


def _org_from_code(request, code: str) -> Organization | None:
    """The organisation a filter names (404 when the user may not see it), or None without a code."""
    return organization_get(user=request.user, code=code) if code else None


def _require_org_role(request) -> None:
    if not scope_for(request.user).has_org_role:
        raise Http404


def board_filters(request) -> dict:
    """Parse the board filters the same way for the page, its export and the calendar."""
    form = BoardFilterForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    return {
        "organization": _org_from_code(request, data.get("org", "")),
        "status": data.get("status", ""),
        "category": data.get("category", ""),
        "source_kind": data.get("source", ""),
        "person_id": data.get("person"),
        "due_from": data.get("due_from"),
        "due_to": data.get("due_to"),
        "year": data.get("year"),
        "query": data.get("q", ""),
        "sort": data.get("sort") or "deadline",
        "waiting_for": request.user if data.get("waiting") else None,
    }


# ---------------------------------------------------------------------------------------------------------
# Lists


@login_required
def my_commitments_view(request):
    today = local_today()
    commitments = list(my_commitments(user=request.user, today=today))
    context = {
        "groups": deadline_groups(commitments),
        "today": today,
        "has_person": scope_for(request.user).person_id is not None,
        "notifications": list(notification_list(user=request.user, unread_only=True)[:5]),
    }
    return render(request, "commitments/mine.html", context)


# What a board row shows (and what its status needs): the page query reads only these columns.
BOARD_COLUMNS = (
    "id",
    "title",
    "organization_id",
    "responsible_person_id",
    "lead_unit_id",
    "deadline",
    "original_deadline",
    "progress",
    "completed_on",
    "halt",
    "extension_pending",
    "is_returned",
)


@login_required
def board_view(request):
    _require_org_role(request)
    today = local_today()
    filters = board_filters(request)
    # The page's 50 rows get their organisation, person and lead unit by three small queries: joined in
    # the main query, every row of the board was joined before the sort picked the first 50.
    qs = (
        commitment_list(user=request.user, today=today, annotate_status=False, **filters)
        .select_related(None)
        .only(*BOARD_COLUMNS)
        .prefetch_related(
            Prefetch("organization", queryset=Organization.objects.only("id", "name")),
            Prefetch("responsible_person", queryset=Person.objects.only("id", "full_name")),
            Prefetch("lead_unit", queryset=Organization.objects.only("id", "name")),
        )
    )
    counts = board_status_counts(user=request.user, today=today, **filters)
    # The counts already say how many rows the list has: no second COUNT over the same rows.
    shown = counts[filters["status"]] if filters["status"] in counts else sum(counts.values())
    context = {
        "filters": filters,
        "filter_form": BoardFilterForm(request.GET),
        "counts": [(code, STATUS_LABELS[code], n, STATUS_COLOURS[code]) for code, n in counts.items()],
        "labels": STATUS_LABELS,
        "colours": STATUS_COLOURS,
        "today": today,
        "can_create": bool(scope_for(request.user).write_paths) or scope_for(request.user).is_global,
        # Named on the paper: the organisation filtered on, else the top of what the user sees.
        "print_organization": filters["organization"]
        or (top_organization(request.user) if is_print_view(request) else None),
        **paginate(request, qs, count=shown),
    }
    template = "commitments/_board_table.html" if request.htmx else "commitments/board.html"
    return render(request, template, context)


@login_required
def board_export_view(request):
    _require_org_role(request)
    today = local_today()
    filters = board_filters(request)
    qs = commitment_list(user=request.user, today=today, **filters)
    organization = filters["organization"] or top_organization(request.user)
    return exports.board_xlsx(
        qs[:EXPORT_MAX_ROWS], today=today, organization=organization.name if organization else ""
    )


@login_required
def calendar_view(request):
    """A month of deadlines (calendar on wide screens, a dated list on phones)."""
    today = local_today()
    month_form = MonthForm(request.GET)
    if month_form.is_valid() and month_form.cleaned_data["y"] and month_form.cleaned_data["m"]:
        first = dt.date(month_form.cleaned_data["y"], month_form.cleaned_data["m"], 1)
    else:  # no month asked for, or one that makes no sense: this month
        first = today.replace(day=1)
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    filters = board_filters(request) | {"due_from": first, "due_to": last, "year": None}
    if not scope_for(request.user).has_org_role:
        filters["person_id"] = scope_for(request.user).person_id or -1
    qs = list(commitment_list(user=request.user, today=today, **filters)[:2000])
    by_day: dict[dt.date, list] = {}
    for commitment in qs:
        by_day.setdefault(commitment.deadline, []).append(commitment)
    weeks = [
        [(day, by_day.get(day, [])) if day.month == first.month else (None, []) for day in week]
        for week in calendar.Calendar().monthdatescalendar(first.year, first.month)
    ]
    previous = first - dt.timedelta(days=1)
    following = last + dt.timedelta(days=1)
    params = request.GET.copy()
    for key in ("y", "m"):
        params.pop(key, None)
    context = {
        "first": first,
        "weeks": weeks,
        "days": sorted(by_day.items()),
        "today": today,
        "previous": previous,
        "following": following,
        "keep": params.urlencode(),
        "colours": STATUS_COLOURS,
        "labels": STATUS_LABELS,
    }
    return render(request, "commitments/calendar.html", context)


@login_required
def summary_view(request):
    """Counts per status and on-time rate for an organisation and each child, with drill-down."""
    _require_org_role(request)
    today = local_today()
    organization = _org_from_code(request, request.GET.get("org", ""))
    if organization is None:
        organization = top_organization(request.user)
        if organization is None:
            raise Http404
    # Page the children first (a province root has 1,500), then count only the page's children.
    page = paginate(request, summary_children(organization), per_page=100)
    total, rows = subtree_summary(
        user=request.user, organization=organization, today=today, children=list(page["page_obj"])
    )
    page["page_obj"].object_list = rows
    ancestors = Organization.objects.visible_to(request.user).filter(pk__in=organization.ancestor_ids[:-1])
    context = {
        "organization": organization,
        "total": total,
        "board_url": reverse("commitments:board"),
        **page,
        "codes": list(STATUS_LABELS),
        "labels": STATUS_LABELS,
        "today": today,
        "ancestors": ancestors.order_by("depth"),
    }
    return render(request, "commitments/summary.html", context)


# ---------------------------------------------------------------------------------------------------------
# One commitment


def _detail_context(request, commitment, **forms) -> dict:
    today = local_today()
    scope = scope_for(request.user)
    can_manage = scope.can_write_path(commitment.organization.path)
    is_mine = services.is_responsible(request.user, commitment)
    status = commitment_status(commitment, today)
    timeline = commitment_timeline(commitment)
    pending_extension = next((e for e in timeline["extensions"] if e.state == ExtensionState.PENDING), None)
    return {
        "c": commitment,
        "status": status,
        "status_label": STATUS_LABELS[status],
        "status_colour": STATUS_COLOURS[status],
        "today": today,
        "can_manage": can_manage,
        "can_report": (can_manage or is_mine) and not commitment.halt and commitment.completed_on is None,
        "is_mine": is_mine,
        "history": history_for(commitment),
        "pending_extension": pending_extension,
        "complete_form": forms.get("complete_form") or CompleteForm(initial={"completed_on": today}),
        "extension_form": forms.get("extension_form") or ExtensionRequestForm(),
        "halt_form": forms.get("halt_form") or HaltForm(),
        "note_form": forms.get("note_form") or DecisionNoteForm(),
        **timeline,
    }


@login_required
def commitment_detail_view(request, commitment_id: int):
    commitment = commitment_get(user=request.user, commitment_id=commitment_id)
    return render(request, "commitments/detail.html", _detail_context(request, commitment))


@login_required
def report_create_view(request, commitment_id: int):
    """Report progress with evidence: a small page that works on a phone."""
    commitment = commitment_get(user=request.user, commitment_id=commitment_id)
    if not (
        services.is_responsible(request.user, commitment)
        or services.can_manage(request.user, commitment.organization)
    ):
        raise Http404
    form = ReportForm(request.POST or None, request.FILES or None, initial={"percent": commitment.progress})
    if request.method == "POST" and (
        done := submit_form(
            form,
            lambda d: services.progress_report_submit(
                actor=request.user,
                commitment=commitment,
                percent=d["percent"],
                text=d["text"],
                files=d["files"],
            ),
        )
    ):
        messages.success(request, f"Đã gửi báo cáo tiến độ {done.result.percent} % của «{commitment.title}».")
        return redirect("commitments:detail", commitment_id=commitment.pk)
    return render(request, "commitments/report_form.html", {"form": form, "c": commitment})


def _action(request, commitment, run, *, form_class, form_key: str, success, note_on: str = "", **where):
    """Run a POSTed life-cycle action of the commitment's page. An error about a field shows the page
    again (400) with the message next to that field of the form that was sent (`note_on` and `where` say
    which of the page's note forms it was); an error about the commitment's state (already decided, not
    halted…) is a message on the page as it now is, where that form may no longer be offered."""
    form = form_class(request.POST, request.FILES)
    if done := submit_form(form, run):
        messages.success(request, success(done.result) if callable(success) else success)
        return redirect("commitments:detail", commitment_id=commitment.pk)
    if not set(form.errors) - {NON_FIELD_ERRORS}:
        for error in form.non_field_errors():
            messages.error(request, error)
        return redirect("commitments:detail", commitment_id=commitment.pk)
    context = _detail_context(request, commitment, **{form_key: form})
    context |= {"note_on": note_on, **where}
    return render(request, "commitments/detail.html", context, status=400)


@login_required
@require_POST
def complete_view(request, commitment_id: int):
    commitment = commitment_get(user=request.user, commitment_id=commitment_id)
    return _action(
        request,
        commitment,
        lambda d: services.commitment_complete(
            actor=request.user,
            commitment=commitment,
            completed_on=d["completed_on"],
            note=d["note"],
            outcome=d["outcome"],
            files=d["files"],
        ),
        form_class=CompleteForm,
        form_key="complete_form",
        success=lambda c: (
            f"Đã báo cáo hoàn thành «{c.title}» ngày {c.completed_on:%d/%m/%Y}, chờ cấp ủy xác nhận."
            if c.completion_pending
            else f"Đã ghi nhận hoàn thành «{c.title}» ngày {c.completed_on:%d/%m/%Y}."
        ),
    )


@login_required
@require_POST
def completion_confirm_view(request, commitment_id: int):
    commitment = commitment_get(user=request.user, commitment_id=commitment_id)
    return _action(
        request,
        commitment,
        lambda d: services.completion_confirm(actor=request.user, commitment=commitment, note=d["note"]),
        form_class=DecisionNoteForm,
        form_key="note_form",
        success=lambda c: f"Đã xác nhận hoàn thành «{c.title}» của {notices.who_of(c)}.",
        note_on="confirm",
    )


@login_required
@require_POST
def extension_request_view(request, commitment_id: int):
    commitment = commitment_get(user=request.user, commitment_id=commitment_id)
    return _action(
        request,
        commitment,
        lambda d: services.extension_request(actor=request.user, commitment=commitment, **d),
        form_class=ExtensionRequestForm,
        form_key="extension_form",
        success=lambda e: f"Đã gửi đề nghị gia hạn đến {e.requested_deadline:%d/%m/%Y}.",
    )


@login_required
@require_POST
def extension_decide_view(request, commitment_id: int, extension_id: int, decision: str):
    if decision not in ("grant", "refuse"):
        raise Http404
    commitment = commitment_get(user=request.user, commitment_id=commitment_id)
    extension = get_object_or_404(ExtensionRequest, commitment=commitment, pk=extension_id)

    def decided(e: ExtensionRequest) -> str:
        if e.state == ExtensionState.GRANTED:
            return f"Đã đồng ý gia hạn «{commitment.title}» đến {e.requested_deadline:%d/%m/%Y}."
        return f"Đã không đồng ý gia hạn «{commitment.title}»."

    return _action(
        request,
        commitment,
        lambda d: services.extension_decide(
            actor=request.user, extension=extension, grant=decision == "grant", note=d["note"]
        ),
        form_class=DecisionNoteForm,
        form_key="note_form",
        success=decided,
        note_on="extension",
        note_extension_id=extension.pk,
    )


@login_required
@require_POST
def report_review_view(request, commitment_id: int, report_id: int, decision: str):
    if decision not in ("accept", "return"):
        raise Http404
    commitment = commitment_get(user=request.user, commitment_id=commitment_id)
    report = get_object_or_404(
        ProgressReport.objects.select_related("reported_by", "on_behalf_of"),
        commitment=commitment,
        pk=report_id,
    )
    review = services.report_accept if decision == "accept" else services.report_return
    verdict = "chấp nhận" if decision == "accept" else "trả lại"
    # Whose report: the responsible person's (a secretary may have entered it for them).
    person = report.on_behalf_of or commitment.responsible_person
    who = person.full_name if person else report.reported_by.get_full_name() or report.reported_by.username
    return _action(
        request,
        commitment,
        lambda d: review(actor=request.user, report=report, note=d["note"]),
        form_class=DecisionNoteForm,
        form_key="note_form",
        success=lambda r: f"Đã xem xét báo cáo {r.percent} % của {who}: {verdict}.",
        note_on="report",
        note_report_id=report.pk,
    )


@login_required
@require_POST
def return_completion_view(request, commitment_id: int):
    commitment = commitment_get(user=request.user, commitment_id=commitment_id)
    return _action(
        request,
        commitment,
        lambda d: services.commitment_return(actor=request.user, commitment=commitment, note=d["note"]),
        form_class=DecisionNoteForm,
        form_key="note_form",
        success=f"Đã trả lại «{commitment.title}» cho người chịu trách nhiệm.",
        note_on="return",
    )


@login_required
@require_POST
def halt_view(request, commitment_id: int):
    commitment = commitment_get(user=request.user, commitment_id=commitment_id)
    return _action(
        request,
        commitment,
        lambda d: services.commitment_halt(actor=request.user, commitment=commitment, **d),
        form_class=HaltForm,
        form_key="halt_form",
        success=lambda c: f"Đã ghi quyết định {c.get_halt_display().lower()} «{c.title}».",
    )


@login_required
@require_POST
def resume_view(request, commitment_id: int):
    commitment = commitment_get(user=request.user, commitment_id=commitment_id)
    return _action(
        request,
        commitment,
        lambda d: services.commitment_resume(actor=request.user, commitment=commitment, note=d["note"]),
        form_class=DecisionNoteForm,
        form_key="note_form",
        success=f"Đã cho tiếp tục thực hiện «{commitment.title}».",
        note_on="resume",
    )


def _evidence_get(request, evidence_id: int) -> Evidence:
    evidence = get_object_or_404(
        Evidence.objects.alive().select_related("report__commitment__organization"), pk=evidence_id
    )
    commitment_get(user=request.user, commitment_id=evidence.report.commitment_id)  # 404 when out of scope
    return evidence


@login_required
def evidence_download_view(request, evidence_id: int):
    evidence = _evidence_get(request, evidence_id)
    # Not a service call: a file missing from storage (or a path the storage refuses) is a missing page.
    try:
        handle = evidence.file.open("rb")
    except (FileNotFoundError, SuspiciousOperation) as exc:
        raise Http404 from exc
    return FileResponse(
        handle, as_attachment=True, filename=evidence.original_name, content_type=evidence.content_type
    )


@login_required
@require_POST
def evidence_delete_view(request, evidence_id: int):
    evidence = _evidence_get(request, evidence_id)
    services.evidence_delete(actor=request.user, evidence=evidence)
    messages.success(request, f"Đã xóa minh chứng «{evidence.original_name}» (vẫn lưu vết).")
    return redirect("commitments:detail", commitment_id=evidence.report.commitment_id)


# ---------------------------------------------------------------------------------------------------------
# Creating: one, many, recurring


def _source_document(request):
    """The document the assignment comes from (?document=id), when the user may see it."""
    from neuguong.documents.models import Document

    document_id = request.GET.get("document", "")
    if not document_id.isdigit():
        return None
    return Document.objects.visible_to(request.user).filter(pk=int(document_id)).first()


def _source_plan_item(request, plan_items_qs):
    """The plan item the assignment serves (?plan_item=id), when the user may choose it."""
    item_id = request.GET.get("plan_item", "")
    return plan_items_qs.filter(pk=int(item_id)).first() if item_id.isdigit() else None


def _assigned_message(assignment: services.Assignment) -> str:
    first = assignment.commitments[0]
    if assignment.series:
        return (
            f"Đã giao nhiệm vụ định kỳ «{assignment.series[0].title}»: {len(assignment.commitments)} kỳ "
            f"cho {len(assignment.series)} người/đơn vị."
        )
    if len(assignment.commitments) == 1:
        if first.responsible_person is not None:
            who = first.responsible_person.full_name
        else:  # a commitment without a person is a unit's (the form requires one or the other)
            who = first.lead_unit.name if first.lead_unit is not None else ""
        return f"Đã giao nhiệm vụ «{first.title}» cho {who}."
    return f"Đã giao nhiệm vụ «{first.title}» cho {len(assignment.commitments)} người/đơn vị."


@login_required
def commitment_create_view(request):
    organization = organization_for_write(user=request.user, code=request.GET.get("org", ""))
    people_qs = (
        Person.objects.filter(
            organization__path__startswith=organization.path,
            status__in=[*ACTIVE_MEMBER_STATUSES, "non_member"],
        )
        .select_related("organization")
        .order_by("name_folded")
    )
    units_qs = Organization.objects.active().subtree_of(organization).order_by("path")
    document = _source_document(request)
    plan_items_qs = registry.plan_items_for(request.user)
    initial: dict[str, object] = {"deadline": local_today()}
    if document is not None:
        initial |= {"source_kind": "document", "source_note": document.number_text}
    plan_item = _source_plan_item(request, plan_items_qs)
    if plan_item is not None:
        # Opened from a plan item ("Giao nhiệm vụ theo mục này"): what it asks, by when, for every head.
        initial |= {
            "plan_item": plan_item.pk,
            "title": plan_item.title,
            "expected_result": plan_item.expected_result,
            "deadline": max(plan_item.deadline, local_today()),
            "start_on": plan_item.starts_on,
            "all_heads": True,
        }
    form = CommitmentForm(
        request.POST or None,
        people_qs=people_qs,
        units_qs=units_qs,
        plan_items_qs=plan_items_qs,
        organization_code=organization.code,
        initial=initial,
    )
    if request.method == "POST" and (
        done := submit_form(
            form,
            lambda d: services.commitment_assign(
                actor=request.user, organization=organization, source_object=document, **d
            ),
        )
    ):
        assignment = done.result
        messages.success(request, _assigned_message(assignment))
        if len(assignment.commitments) == 1:
            return redirect("commitments:detail", commitment_id=assignment.commitments[0].pk)
        return redirect(f"{reverse('commitments:board')}?org={organization.code}")
    return render(
        request, "commitments/create.html", {"form": form, "organization": organization, "document": document}
    )


# ---------------------------------------------------------------------------------------------------------
# Work programs and pledges


@login_required
def program_list_view(request):
    _require_org_role(request)
    programs = (
        WorkProgram.objects.visible_to(request.user)
        .select_related("organization")
        .order_by("-year", "organization__path")
    )
    form = ProgramForm(request.POST or None, initial={"year": local_today().year})
    organization = None
    if scope_for(request.user).write_paths or scope_for(request.user).is_global:
        organization = organization_for_write(user=request.user, code=request.GET.get("org", ""))
    if request.method == "POST" and organization is None:
        raise Http404  # a reader of the programs may not draw one up
    if (
        request.method == "POST"
        and organization is not None
        and (
            done := submit_form(
                form,
                lambda d: services.work_program_create(actor=request.user, organization=organization, **d),
            )
        )
    ):
        messages.success(request, f"Đã lập {done.result.title} của {organization.name}.")
        return redirect("commitments:program", program_id=done.result.pk)
    return render(
        request,
        "commitments/programs.html",
        {"organization": organization, "form": form, **paginate(request, programs)},
    )


def _program_item_add(request, program: WorkProgram, data: dict):
    data = dict(data)
    period = data.pop("period")
    return services.work_program_item_add(
        actor=request.user,
        program=program,
        month=int(period[1:]) if period[0] == "m" else None,
        quarter=int(period[1:]) if period[0] == "q" else None,
        **data,
    )


@login_required
def program_detail_view(request, program_id: int):
    program = get_object_or_404(
        WorkProgram.objects.visible_to(request.user).select_related("organization"), pk=program_id
    )
    can_manage = services.can_manage(request.user, program.organization)
    if request.method == "POST" and not can_manage:
        raise Http404
    people_qs = Person.objects.filter(
        organization__path__startswith=program.organization.path, status__in=ACTIVE_MEMBER_STATUSES
    ).order_by("name_folded")
    form = ProgramItemForm(request.POST or None, people_qs=people_qs)
    if request.method == "POST" and (
        done := submit_form(form, lambda d: _program_item_add(request, program, d))
    ):
        messages.success(request, f"Đã thêm nội dung «{done.result.title}» vào {program.title}.")
        return redirect("commitments:program", program_id=program.pk)
    items = program.items.select_related("responsible_person")
    return render(
        request,
        "commitments/program.html",
        {
            "program": program,
            "items": items,
            "form": form,
            "can_manage": can_manage,
            "history": history_for(program),
        },
    )


@login_required
def pledge_view(request):
    """Register the annual pledge: one's own, or (secretary) for a member — a proxy entry."""
    today = local_today()
    scope = scope_for(request.user)
    person_id = str(request.GET.get("person") or scope.person_id or "")
    if not person_id.isdigit():
        raise Http404
    person = get_object_or_404(
        Person.objects.visible_to(request.user).select_related("organization"), pk=int(person_id)
    )
    year = today.year
    existing = person.pledges.filter(year=year).first()
    template_items = services.pledge_template_for(person.organization, year)
    form = PledgeForm(request.POST or None, initial={"items": "\n".join(template_items)})
    if request.method == "POST" and (
        done := submit_form(
            form,
            lambda d: services.pledge_register(
                actor=request.user, person=person, year=year, items=form.cleaned_items()
            ),
        )
    ):
        messages.success(
            request,
            f"Đã đăng ký bản cam kết năm {done.result.year} của {person.full_name} "
            f"({len(form.cleaned_items())} nội dung).",
        )
        return redirect("commitments:mine" if person.pk == scope.person_id else "commitments:board")
    return render(
        request,
        "commitments/pledge.html",
        {
            "form": form,
            "person": person,
            "year": year,
            "existing": existing,
            "is_proxy": person.pk != scope.person_id,
            # The one-page paper to sign: the registered items, else the template's.
            "pledge_items": pledge_items(existing) if existing else template_items,
            "place_name": settings.DOCUMENT_PLACE_NAME,
        },
    )


@login_required
def pledge_template_view(request):
    organization = organization_for_write(user=request.user, code=request.GET.get("org", ""))
    year = local_today().year
    form = PledgeForm(
        request.POST or None, initial={"items": "\n".join(services.pledge_template_for(organization, year))}
    )
    if request.method == "POST" and (
        submit_form(
            form,
            lambda d: services.pledge_template_save(
                actor=request.user, organization=organization, year=year, items=form.cleaned_items()
            ),
        )
    ):
        messages.success(request, f"Đã lưu mẫu bản cam kết năm {year} của {organization.name}.")
        return redirect(f"{reverse('commitments:pledge_template')}?org={organization.code}")
    return render(
        request,
        "commitments/pledge_template.html",
        {"form": form, "organization": organization, "year": year},
    )


# ---------------------------------------------------------------------------------------------------------
# Notifications


def notifications_view(request):
    """The old address of the notification list (now the notifications module's)."""
    return redirect("notifications:list", permanent=True)


# ---------------------------------------------------------------------------------------------------------
# Whether completions wait for confirmation


@login_required
def completion_policy_view(request, code: str):
    """An organisation says whether its subtree's completions wait for the reviewer's confirmation."""
    organization = organization_for_write(user=request.user, code=code)
    current = services.needs_confirmation(organization)
    # (An unticked box posts nothing: the form is bound on any POST.)
    form = CompletionPolicyForm(
        request.POST if request.method == "POST" else None, initial={"needs_confirmation": current}
    )
    if request.method == "POST" and (
        done := submit_form(
            form,
            lambda d: services.completion_policy_set(
                actor=request.user, organization=organization, needs_confirmation=d["needs_confirmation"]
            ),
        )
    ):
        rule = "cần cấp ủy xác nhận" if done.result.needs_confirmation else "không cần xác nhận"
        messages.success(
            request, f"Đã lưu: hoàn thành do người thực hiện báo cáo {rule} ({organization.name})."
        )
        return HttpResponseRedirect(
            reverse("commitments:completion_policy", args=[organization.code]), status=303
        )
    return render(
        request,
        "commitments/completion_policy.html",
        {"form": form, "organization": organization, "current": current},
    )
