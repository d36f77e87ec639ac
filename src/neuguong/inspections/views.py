"""Pages of inspection and supervision. Thin: fetch through a selector (404 when not visible), run one
service through `submit_form`, flash what happened, redirect. Nothing here catches a service's error: an
out-of-scope action (`core.errors.OutOfScope`) is the 404 page and a business error is shown next to its
field (`core.forms.submit_form`) or, outside a form, as a message (`core.middleware`)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from neuguong.core.dates import local_today
from neuguong.core.forms import submit_form
from neuguong.core.paging import paginate

from . import access, exports, services
from .followup import recommendation_progress
from .forms import (
    BreachForm,
    CarryOverForm,
    ContentLinkForm,
    CoverageForm,
    DocumentForm,
    FindingForm,
    InspectionFilterForm,
    InspectionForm,
    ProgramForm,
    RecommendationForm,
    StepForm,
    TeamForm,
    WorkingNoteForm,
)
from .models import ISSUED_STATES, STEP_KINDS_BY_LEVEL, Level, Step
from .partydocs import GENERATORS, may_generate
from .selectors import (
    INSPECTION_SORTS,
    MSG_COMMITMENT_NOT_FOUND,
    MSG_RECORD_NOT_FOUND,
    committee_choices,
    coverage,
    coverage_committee,
    document_get,
    inspection_get,
    inspection_history,
    inspection_list,
    plannable_organizations,
    program_get,
    program_list,
    recommendations_visible,
    steps_for,
)

__all__ = ["MSG_COMMITMENT_NOT_FOUND", "MSG_RECORD_NOT_FOUND"]


def _inspection_filters(request) -> dict:
    form = InspectionFilterForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    organization = None
    if data.get("org"):
        organization = committee_choices(user=request.user).filter(code=data["org"]).first()
        if organization is None:
            raise Http404
    return {
        "query": data.get("q", ""),
        "year": data.get("year"),
        "state": data.get("state", ""),
        "kind": data.get("kind", ""),
        "organization": organization,
        "sort": data.get("sort") if data.get("sort") in INSPECTION_SORTS else "start",
    }


@login_required
def inspection_list_view(request):
    filters = _inspection_filters(request)
    qs = inspection_list(user=request.user, **filters)
    if request.GET.get("export") == "xlsx":
        response = HttpResponse(
            exports.inspections_workbook(qs[:5000]),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = 'attachment; filename="kiem-tra-giam-sat.xlsx"'
        return response
    context = {"filters": filters, "filter_form": InspectionFilterForm(request.GET), **paginate(request, qs)}
    template = "inspections/_table.html" if request.htmx else "inspections/list.html"
    return render(request, template, context)


@login_required
def program_list_view(request):
    programs = program_list(user=request.user)
    can_plan = plannable_organizations(user=request.user).exists()
    return render(request, "inspections/programs.html", {"can_plan": can_plan, **paginate(request, programs)})


@login_required
def program_create_view(request):
    organizations = plannable_organizations(user=request.user)
    if not organizations.exists():
        raise Http404
    form = ProgramForm(
        request.POST or None,
        queryset=organizations,
        initial={"organization": request.GET.get("org", "")[:32]},
    )
    if request.method == "POST" and (
        done := submit_form(form, lambda data: services.program_create(actor=request.user, **data))
    ):
        program = done.result
        messages.success(request, f"Đã tạo chương trình «{program.title}» của {program.organization.name}.")
        return redirect("inspections:program", program_id=program.pk)
    return render(
        request, "inspections/form.html", {"form": form, "title": "Chương trình kiểm tra, giám sát mới"}
    )


@login_required
def program_detail_view(request, program_id: int):
    program = program_get(user=request.user, program_id=program_id)
    items = inspection_list(user=request.user, program=program)
    return render(
        request,
        "inspections/program.html",
        {
            "program": program,
            "items": items,
            "can_manage": access.can_manage_committee(request.user, program.organization),
        },
    )


@login_required
def inspection_create_view(request, program_id: int):
    program = program_get(user=request.user, program_id=program_id)
    if not access.can_manage_committee(request.user, program.organization):
        raise Http404
    form = InspectionForm(request.POST or None, committee=program.organization)
    if request.method == "POST" and (
        done := submit_form(
            form, lambda data: services.inspection_create(actor=request.user, program=program, **data)
        )
    ):
        messages.success(request, f"Đã thêm «{done.result.title}» vào chương trình «{program.title}».")
        return redirect("inspections:detail", inspection_id=done.result.pk)
    return render(
        request,
        "inspections/form.html",
        {"form": form, "title": f"Thêm cuộc kiểm tra, giám sát — {program.title}", "program": program},
    )


@login_required
def inspection_detail_view(request, inspection_id: int):
    inspection, level = inspection_get(user=request.user, inspection_id=inspection_id)
    insider = level == Level.INSIDER
    today = local_today()
    recommendations = recommendations_visible(inspection, level)
    context = {
        "inspection": inspection,
        "level": level,
        "insider": insider,
        "issued": inspection.state in ISSUED_STATES,
        "steps": steps_for(inspection, level),
        "transitions": services.available_transitions(request.user, inspection),
        "can_work": insider and access.can_work(request.user, inspection),
        "can_manage": access.can_manage(request.user, inspection),
        "working": inspection.state in services.WORKING_STATES,
        "follow_up": inspection.state in services.FOLLOW_UP_STATES,
        "notes_open": inspection.state in services.NOTE_STATES,
        "before_conclusion": inspection.state in services.BEFORE_CONCLUSION,
        "findings": inspection.findings.select_related("created_by") if insider else [],
        "breaches": inspection.breaches.select_related("person") if insider else [],
        "recommendations": recommendation_progress(recommendations, today=today),
        "team": list(inspection.team_members.all()),
        "content_links": inspection.content_links.all() if level != Level.SUBJECT else [],
        # The history holds drafts and findings: insiders only.
        "history": inspection_history(inspection) if insider else [],
        "party_documents": _party_documents(inspection, level),
    }
    return render(request, "inspections/detail.html", context)


def _party_documents(inspection, level) -> list[dict]:
    labels = {"quyet-dinh": "Quyết định (DOCX)", "thong-bao-ket-luan": "Thông báo kết luận (DOCX)"}
    return [
        {"name": name, "label": label}
        for name, label in labels.items()
        if may_generate(name, inspection, level)
    ]


def _form_page(request, form, inspection, title: str, *, multipart: bool = False):
    return render(
        request,
        "inspections/form.html",
        {"form": form, "title": title, "inspection": inspection, "multipart": multipart},
    )


def _done(request, inspection, message: str):
    messages.success(request, message)
    return redirect("inspections:detail", inspection_id=inspection.pk)


@login_required
def inspection_action_view(request, inspection_id: int, action: str):
    inspection, _level = inspection_get(user=request.user, inspection_id=inspection_id)
    transition = services.TRANSITIONS.get(action)
    if transition is None or transition not in services.available_transitions(request.user, inspection):
        raise Http404
    form = StepForm(request.POST or None, request.FILES or None)
    if transition.action == "submit_draft" and not form.is_bound:
        form.initial["note"] = inspection.conclusion_text

    def take_step(data):
        return services.inspection_transition(
            actor=request.user,
            inspection=inspection,
            action=action,
            happened_on=data["happened_on"],
            number=data["number"],
            note=data["note"],
            files=[data["file"]] if data.get("file") else [],
            on_behalf_of=data["on_behalf_of"],
        )

    if request.method == "POST" and submit_form(form, take_step):
        return _done(request, inspection, f"Đã ghi nhận: {transition.label} — {inspection.title}.")
    return _form_page(request, form, inspection, f"{transition.label} — {inspection.title}", multipart=True)


def _insider_inspection(request, inspection_id: int):
    inspection, level = inspection_get(user=request.user, inspection_id=inspection_id)
    if level != Level.INSIDER:
        raise Http404
    return inspection


@login_required
def working_note_view(request, inspection_id: int):
    inspection = _insider_inspection(request, inspection_id)
    form = WorkingNoteForm(request.POST or None, request.FILES or None)

    def add_note(data):
        return services.working_note_add(
            actor=request.user,
            inspection=inspection,
            happened_on=data["happened_on"],
            note=data["note"],
            files=[data["file"]] if data.get("file") else [],
        )

    if request.method == "POST" and submit_form(form, add_note):
        return _done(request, inspection, "Đã lưu ghi chép làm việc của đoàn.")
    return _form_page(request, form, inspection, "Ghi chép làm việc của đoàn", multipart=True)


@login_required
def finding_add_view(request, inspection_id: int):
    inspection = _insider_inspection(request, inspection_id)
    form = FindingForm(request.POST or None, committee=inspection.program.organization)

    def add_finding(data):
        return services.finding_add(
            actor=request.user,
            inspection=inspection,
            text=data["text"],
            returned_commitment=data.get("returned_commitment"),
        )

    if request.method == "POST" and (done := submit_form(form, add_finding)):
        finding = done.result
        returned = (
            f"; đã trả lại báo cáo của nhiệm vụ «{finding.returned_commitment}»"
            if finding.returned_commitment_id
            else ""
        )
        return _done(request, inspection, f"Đã ghi phát hiện{returned}.")
    return _form_page(request, form, inspection, "Ghi phát hiện")


@login_required
def breach_add_view(request, inspection_id: int):
    inspection = _insider_inspection(request, inspection_id)
    form = BreachForm(request.POST or None, committee=inspection.program.organization)
    if request.method == "POST" and (
        done := submit_form(
            form, lambda data: services.breach_add(actor=request.user, inspection=inspection, **data)
        )
    ):
        return _done(
            request, inspection, f"Đã ghi vi phạm trách nhiệm nêu gương của {done.result.person.full_name}."
        )
    return _form_page(request, form, inspection, "Ghi vi phạm trách nhiệm nêu gương")


@login_required
def recommendation_add_view(request, inspection_id: int):
    inspection = _insider_inspection(request, inspection_id)
    form = RecommendationForm(request.POST or None, committee=inspection.program.organization)
    if request.method == "POST" and (
        done := submit_form(
            form, lambda data: services.recommendation_add(actor=request.user, inspection=inspection, **data)
        )
    ):
        recommendation = done.result
        owner = recommendation.responsible_person or recommendation.lead_unit
        return _done(
            request,
            inspection,
            f"Đã thêm kiến nghị cho {owner}, thời hạn {recommendation.deadline:%d/%m/%Y}.",
        )
    return _form_page(request, form, inspection, "Thêm kiến nghị")


@login_required
def recommendation_carry_over_view(request, inspection_id: int, recommendation_id: int):
    inspection = _insider_inspection(request, inspection_id)
    recommendation = inspection.recommendations.filter(pk=recommendation_id).first()
    if recommendation is None:
        raise Http404
    form = CarryOverForm(request.POST or None)
    if request.method == "POST" and submit_form(
        form,
        lambda data: services.recommendation_carry_over(
            actor=request.user, recommendation=recommendation, reason=data["reason"]
        ),
    ):
        return _done(request, inspection, f"Đã chuyển tiếp kiến nghị «{recommendation}».")
    return _form_page(request, form, inspection, f"Chuyển tiếp kiến nghị: {recommendation}")


@login_required
def document_add_view(request, inspection_id: int, step_id: int):
    inspection, level = inspection_get(user=request.user, inspection_id=inspection_id)
    step = Step.objects.filter(pk=step_id, inspection=inspection, kind__in=STEP_KINDS_BY_LEVEL[level]).first()
    if step is None or not services.may_attach(request.user, inspection, step):
        raise Http404
    form = DocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and (
        done := submit_form(
            form, lambda data: services.document_add(actor=request.user, step=step, upload=data["file"])
        )
    ):
        return _done(request, inspection, f"Đã tải tệp «{done.result.original_name}» lên: {step}.")
    return _form_page(request, form, inspection, f"Thêm tệp: {step}", multipart=True)


@login_required
def document_download_view(request, inspection_id: int, document_id: int):
    document, _level = document_get(user=request.user, inspection_id=inspection_id, document_id=document_id)
    return FileResponse(document.file.open("rb"), as_attachment=True, filename=document.original_name)


@login_required
@require_POST
def document_delete_view(request, inspection_id: int, document_id: int):
    document, _level = document_get(user=request.user, inspection_id=inspection_id, document_id=document_id)
    services.document_delete(actor=request.user, document=document)
    messages.success(request, f"Đã xóa tệp «{document.original_name}» (vẫn lưu vết).")
    return redirect("inspections:detail", inspection_id=inspection_id)


@login_required
def coverage_view(request):
    form = CoverageForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    committee = coverage_committee(user=request.user, code=data.get("org") or "")
    year = data.get("year") or local_today().year
    report = coverage(committee=committee, year=year)
    if request.GET.get("export") == "xlsx":
        content = exports.coverage_workbook(report)
        response = HttpResponse(
            content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response["Content-Disposition"] = (
            f'attachment; filename="bao-phu-kiem-tra-{committee.code}-{year}.xlsx"'
        )
        return response
    return render(request, "inspections/coverage.html", {"report": report, "form": form})


@login_required
def party_document_view(request, inspection_id: int, name: str):
    """The decision or the notice of conclusion as a Party-format DOCX (when the user's level allows)."""
    inspection, level = inspection_get(user=request.user, inspection_id=inspection_id)
    if name not in GENERATORS or not may_generate(name, inspection, level):
        raise Http404
    content = GENERATORS[name](inspection)
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    response["Content-Disposition"] = f'attachment; filename="{name}-{inspection.pk}.docx"'
    return response


def _managed_inspection(request, inspection_id: int):
    inspection = _insider_inspection(request, inspection_id)
    if not access.can_manage(request.user, inspection):
        raise Http404
    return inspection


@login_required
def team_edit_view(request, inspection_id: int):
    inspection = _managed_inspection(request, inspection_id)
    initial = {
        "leader": inspection.leader.card_number if inspection.leader_id else "",
        "team_members": ", ".join(p.card_number for p in inspection.team_members.all() if p.card_number),
    }
    form = TeamForm(request.POST or None, initial=initial, committee=inspection.program.organization)
    if request.method == "POST" and submit_form(
        form, lambda data: services.inspection_set_team(actor=request.user, inspection=inspection, **data)
    ):
        return _done(request, inspection, f"Đã cập nhật đoàn kiểm tra, giám sát: {inspection.title}.")
    return _form_page(request, form, inspection, "Đoàn kiểm tra, giám sát")


@login_required
def content_link_view(request, inspection_id: int):
    """Link a commitment, a document (plan, program) or a target the inspection looks at."""
    inspection = _managed_inspection(request, inspection_id)
    form = ContentLinkForm(request.POST or None, user=request.user)

    def link(data):
        return services.content_link_add(actor=request.user, inspection=inspection, target=data["record"])

    if request.method == "POST" and (done := submit_form(form, link)):
        return _done(request, inspection, f"Đã liên kết nội dung «{done.result.label}».")
    return _form_page(request, form, inspection, "Liên kết nội dung")


@login_required
def inspection_edit_view(request, inspection_id: int):
    inspection = _managed_inspection(request, inspection_id)
    subjects = list(inspection.subjects.all())
    initial = {
        "kind": inspection.kind,
        "title": inspection.title,
        "content": inspection.content,
        "planned_start": inspection.planned_start,
        "planned_end": inspection.planned_end,
        "subject_organizations": ", ".join(s.organization.code for s in subjects if s.organization_id),
        "subject_people": ", ".join(s.person.card_number for s in subjects if s.person_id),
        "leader": inspection.leader.card_number if inspection.leader_id else "",
        "team_members": ", ".join(p.card_number for p in inspection.team_members.all() if p.card_number),
    }
    form = InspectionForm(request.POST or None, initial=initial, committee=inspection.program.organization)
    if request.method == "POST" and submit_form(
        form, lambda data: services.inspection_update(actor=request.user, inspection=inspection, **data)
    ):
        return _done(request, inspection, f"Đã lưu thay đổi: {inspection.title}.")
    return _form_page(request, form, inspection, f"Sửa: {inspection.title}")
