import calendar
import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from neuguong.access.scope import scope_for
from neuguong.audit.selectors import history_for
from neuguong.core.dates import local_today
from neuguong.core.errors import BusinessError, OutOfScope
from neuguong.core.forms import apply_business_error, submit_form
from neuguong.core.paging import paginate
from neuguong.notifications.selectors import notification_list
from neuguong.organizations.models import Organization
from neuguong.organizations.selectors import top_organization
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
    heads_of_agencies,
    my_commitments,
    subtree_summary,
    summary_children,
)
from .status import STATUS_COLOURS, STATUS_LABELS, commitment_status

EXPORT_MAX_ROWS = 50_000


def _org_from_code(request, code: str) -> Organization | None:
    if not code:
        return None
    organization = Organization.objects.visible_to(request.user).filter(code=code[:32]).first()
    if organization is None:
        raise Http404
    return organization


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
    return exports.board_xlsx(qs[:EXPORT_MAX_ROWS], today=today)


@login_required
def calendar_view(request):
    """A month of deadlines (calendar on wide screens, a dated list on phones)."""
    today = local_today()
    try:
        year = int(request.GET.get("y", today.year))
        month = int(request.GET.get("m", today.month))
        first = dt.date(year, month, 1)
    except (TypeError, ValueError):
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
    if request.method == "POST" and form.is_valid():
        try:
            services.progress_report_submit(
                actor=request.user,
                commitment=commitment,
                percent=form.cleaned_data["percent"],
                text=form.cleaned_data["text"],
                files=form.cleaned_data["files"],
            )
        except OutOfScope as exc:
            raise Http404 from exc
        except BusinessError as exc:
            apply_business_error(form, exc)
        else:
            messages.success(request, "Đã gửi báo cáo tiến độ.")
            return redirect("commitments:detail", commitment_id=commitment.pk)
    return render(request, "commitments/report_form.html", {"form": form, "c": commitment})


def _action(request, commitment_id: int, run, *, form_class=None, form_key=None, success: str):
    """Run a POSTed life-cycle action; on a business error re-render the page with the message."""
    commitment = commitment_get(user=request.user, commitment_id=commitment_id)
    form = form_class(request.POST, request.FILES) if form_class else None
    if form is not None and not form.is_valid():
        return render(
            request,
            "commitments/detail.html",
            _detail_context(request, commitment, **{form_key: form}),
            status=400,
        )
    try:
        result = run(commitment, form.cleaned_data if form else {})
    except OutOfScope as exc:
        raise Http404 from exc
    except BusinessError as exc:
        if form is not None:
            apply_business_error(form, exc)
            return render(
                request,
                "commitments/detail.html",
                _detail_context(request, commitment, **{form_key: form}),
                status=400,
            )
        messages.error(request, exc.message)
    else:
        messages.success(request, success(result) if callable(success) else success)
    return redirect("commitments:detail", commitment_id=commitment.pk)


@login_required
@require_POST
def complete_view(request, commitment_id: int):
    return _action(
        request,
        commitment_id,
        lambda c, d: services.commitment_complete(
            actor=request.user, commitment=c, completed_on=d["completed_on"], note=d["note"], files=d["files"]
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
    return _action(
        request,
        commitment_id,
        lambda c, d: services.completion_confirm(actor=request.user, commitment=c, note=d["note"]),
        form_class=DecisionNoteForm,
        form_key="note_form",
        success=lambda c: f"Đã xác nhận hoàn thành «{c.title}» của {notices.who_of(c)}.",
    )


@login_required
@require_POST
def extension_request_view(request, commitment_id: int):
    return _action(
        request,
        commitment_id,
        lambda c, d: services.extension_request(actor=request.user, commitment=c, **d),
        form_class=ExtensionRequestForm,
        form_key="extension_form",
        success="Đã gửi đề nghị gia hạn.",
    )


@login_required
@require_POST
def extension_decide_view(request, commitment_id: int, extension_id: int, decision: str):
    if decision not in ("grant", "refuse"):
        raise Http404

    def run(c, d):
        extension = ExtensionRequest.objects.filter(commitment=c, pk=extension_id).first()
        if extension is None:
            raise OutOfScope("")
        return services.extension_decide(
            actor=request.user, extension=extension, grant=decision == "grant", note=d["note"]
        )

    def decided(e) -> str:
        verb = "Đã đồng ý" if e.state == ExtensionState.GRANTED else "Đã không đồng ý"
        return f"{verb} gia hạn đến {e.requested_deadline:%d/%m/%Y} cho {notices.who_of(e.commitment)}."

    return _action(
        request,
        commitment_id,
        run,
        form_class=DecisionNoteForm,
        form_key="note_form",
        success=decided,
    )


@login_required
@require_POST
def report_review_view(request, commitment_id: int, report_id: int, decision: str):
    if decision not in ("accept", "return"):
        raise Http404

    def run(c, d):
        report = ProgressReport.objects.filter(commitment=c, pk=report_id).first()
        if report is None:
            raise OutOfScope("")
        if decision == "accept":
            return services.report_accept(actor=request.user, report=report, note=d["note"])
        return services.report_return(actor=request.user, report=report, note=d["note"])

    verb = "Đã chấp nhận" if decision == "accept" else "Đã trả lại"
    return _action(
        request,
        commitment_id,
        run,
        form_class=DecisionNoteForm,
        form_key="note_form",
        success=lambda r: f"{verb} báo cáo {r.percent} % của {notices.who_of(r.commitment)}.",
    )


@login_required
@require_POST
def return_completion_view(request, commitment_id: int):
    return _action(
        request,
        commitment_id,
        lambda c, d: services.commitment_return(actor=request.user, commitment=c, note=d["note"]),
        form_class=DecisionNoteForm,
        form_key="note_form",
        success="Đã trả lại.",
    )


@login_required
@require_POST
def halt_view(request, commitment_id: int):
    return _action(
        request,
        commitment_id,
        lambda c, d: services.commitment_halt(actor=request.user, commitment=c, **d),
        form_class=HaltForm,
        form_key="halt_form",
        success="Đã ghi quyết định.",
    )


@login_required
@require_POST
def resume_view(request, commitment_id: int):
    return _action(
        request,
        commitment_id,
        lambda c, d: services.commitment_resume(actor=request.user, commitment=c),
        success="Đã cho tiếp tục thực hiện.",
    )


def _evidence_get(request, evidence_id: int) -> Evidence:
    evidence = (
        Evidence.objects.alive()
        .select_related("report__commitment__organization")
        .filter(pk=evidence_id)
        .first()
    )
    if evidence is None:
        raise Http404
    commitment_get(user=request.user, commitment_id=evidence.report.commitment_id)  # 404 when out of scope
    return evidence


@login_required
def evidence_download_view(request, evidence_id: int):
    evidence = _evidence_get(request, evidence_id)
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
    try:
        services.evidence_delete(actor=request.user, evidence=evidence)
    except OutOfScope as exc:
        raise Http404 from exc
    messages.success(request, "Đã xóa minh chứng (vẫn lưu vết).")
    return redirect("commitments:detail", commitment_id=evidence.report.commitment_id)


# ---------------------------------------------------------------------------------------------------------
# Creating: one, many, recurring


def _writable_org(request) -> Organization:
    scope = scope_for(request.user)
    code = request.GET.get("org", "")[:32]
    qs = Organization.objects.active().filter(scope.write_q("path"))
    organization = qs.filter(code=code).first() if code else qs.order_by("depth", "path").first()
    if organization is None:
        raise Http404
    return organization


@login_required
def commitment_create_view(request):
    organization = _writable_org(request)
    people_qs = (
        Person.objects.filter(
            organization__path__startswith=organization.path,
            status__in=[*ACTIVE_MEMBER_STATUSES, "non_member"],
        )
        .select_related("organization")
        .order_by("name_folded")
    )
    units_qs = Organization.objects.active().filter(path__startswith=organization.path).order_by("path")
    from neuguong.documents.models import Document

    document_id = request.GET.get("document", "")
    document = (
        Document.objects.visible_to(request.user).filter(pk=document_id).first()
        if document_id.isdigit()
        else None
    )
    initial = {"deadline": local_today()}
    if document is not None:
        initial |= {"source_kind": "document", "source_note": document.number_text}
    form = CommitmentForm(request.POST or None, people_qs=people_qs, units_qs=units_qs, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        people = list(data["people"])
        if data["all_heads"]:
            people += heads_of_agencies(user=request.user, organization=organization)
        common = {
            "expected_result": data["expected_result"],
            "category": data["category"],
            "source_kind": data["source_kind"],
            "source_note": data["source_note"],
            "source_object": document,
            "co_units": list(data["co_units"]),
        }
        try:
            with transaction.atomic():
                if data["recurrence"]:
                    for person in people or [None]:
                        services.commitment_create_recurring(
                            actor=request.user,
                            organization=organization,
                            title=data["title"],
                            recurrence=data["recurrence"],
                            starts_on=data["start_on"] or local_today(),
                            ends_on=data["deadline"],
                            responsible_person=person,
                            lead_unit=data["lead_unit"],
                            **common,
                        )
                    created = None
                elif len(people) > 1:
                    created = services.commitment_assign_many(
                        actor=request.user,
                        organization=organization,
                        people=people,
                        title=data["title"],
                        deadline=data["deadline"],
                        start_on=data["start_on"],
                        lead_unit=data["lead_unit"],
                        reason=data["reason"],
                        **common,
                    )
                else:
                    created = [
                        services.commitment_create(
                            actor=request.user,
                            organization=organization,
                            title=data["title"],
                            deadline=data["deadline"],
                            responsible_person=people[0] if people else None,
                            lead_unit=data["lead_unit"],
                            start_on=data["start_on"],
                            reason=data["reason"],
                            **common,
                        )
                    ]
        except OutOfScope as exc:
            raise Http404 from exc
        except BusinessError as exc:
            apply_business_error(form, exc)
        else:
            if created and len(created) == 1:
                messages.success(request, "Đã giao nhiệm vụ.")
                return redirect("commitments:detail", commitment_id=created[0].pk)
            messages.success(request, f"Đã giao nhiệm vụ cho {len(people) or 1} người/đơn vị.")
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
        WorkProgram.objects.filter(scope_for(request.user).read_q("organization__path"))
        .select_related("organization")
        .order_by("-year", "organization__path")
    )
    form = ProgramForm(request.POST or None, initial={"year": local_today().year})
    organization = None
    if scope_for(request.user).write_paths or scope_for(request.user).is_global:
        organization = _writable_org(request)
    if request.method == "POST" and organization is not None and form.is_valid():
        try:
            program = services.work_program_create(
                actor=request.user, organization=organization, **form.cleaned_data
            )
        except OutOfScope as exc:
            raise Http404 from exc
        except BusinessError as exc:
            apply_business_error(form, exc)
        else:
            return redirect("commitments:program", program_id=program.pk)
    return render(
        request,
        "commitments/programs.html",
        {"organization": organization, "form": form, **paginate(request, programs)},
    )


@login_required
def program_detail_view(request, program_id: int):
    program = (
        WorkProgram.objects.filter(scope_for(request.user).read_q("organization__path"))
        .select_related("organization")
        .filter(pk=program_id)
        .first()
    )
    if program is None:
        raise Http404
    can_manage = services.can_manage(request.user, program.organization)
    people_qs = Person.objects.filter(
        organization__path__startswith=program.organization.path, status__in=ACTIVE_MEMBER_STATUSES
    ).order_by("name_folded")
    form = ProgramItemForm(request.POST or None, people_qs=people_qs)
    if request.method == "POST":
        if not can_manage:
            raise Http404
        if form.is_valid():
            data = form.cleaned_data
            period = data.pop("period")
            try:
                services.work_program_item_add(
                    actor=request.user,
                    program=program,
                    month=int(period[1:]) if period[0] == "m" else None,
                    quarter=int(period[1:]) if period[0] == "q" else None,
                    **data,
                )
            except BusinessError as exc:
                apply_business_error(form, exc)
            else:
                messages.success(request, "Đã thêm nội dung.")
                return redirect("commitments:program", program_id=program.pk)
    items = program.items.select_related("responsible_person")
    return render(
        request,
        "commitments/program.html",
        {"program": program, "items": items, "form": form, "can_manage": can_manage},
    )


@login_required
def pledge_view(request):
    """Register the annual pledge: one's own, or (secretary) for a member — a proxy entry."""
    today = local_today()
    scope = scope_for(request.user)
    person_id = request.GET.get("person") or scope.person_id
    person = (
        Person.objects.visible_to(request.user).select_related("organization").filter(pk=person_id).first()
        if str(person_id or "").isdigit()
        else None
    )
    if person is None:
        raise Http404
    year = today.year
    existing = person.pledges.filter(year=year).first()
    form = PledgeForm(
        request.POST or None,
        initial={"items": "\n".join(services.pledge_template_for(person.organization, year))},
    )
    if request.method == "POST" and form.is_valid() and existing is None:
        try:
            services.pledge_register(actor=request.user, person=person, year=year, items=form.cleaned_items())
        except OutOfScope as exc:
            raise Http404 from exc
        except BusinessError as exc:
            apply_business_error(form, exc)
        else:
            messages.success(request, f"Đã đăng ký bản cam kết năm {year}.")
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
        },
    )


@login_required
def pledge_template_view(request):
    organization = _writable_org(request)
    year = local_today().year
    form = PledgeForm(
        request.POST or None, initial={"items": "\n".join(services.pledge_template_for(organization, year))}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.pledge_template_save(
                actor=request.user, organization=organization, year=year, items=form.cleaned_items()
            )
        except BusinessError as exc:
            apply_business_error(form, exc)
        else:
            messages.success(request, "Đã lưu mẫu bản cam kết.")
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
    from neuguong.organizations.selectors import organization_for_write

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
