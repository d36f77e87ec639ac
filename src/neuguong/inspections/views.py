"""Pages of inspection and supervision. Thin: parse, call one selector or service, render.
Anything the user may not see is a 404 (`core.errors.OutOfScope` included)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from neuguong.access.scope import any_of, scope_for
from neuguong.audit.selectors import history_for
from neuguong.core.dates import local_today
from neuguong.core.errors import BusinessError, OutOfScope
from neuguong.core.forms import apply_business_error
from neuguong.core.paging import paginate
from neuguong.organizations.models import Organization

from . import access, exports, services
from .followup import recommendation_progress
from .forms import (
    LINKABLE,
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
from .models import ISSUED_STATES, Level, Recommendation, Step
from .selectors import (
    INSPECTION_SORTS,
    coverage,
    document_get,
    inspection_get,
    inspection_list,
    program_get,
    program_list,
    recommendations_visible,
    steps_for,
)


def _managed_organizations(user):
    facts = access.user_facts(user)
    return Organization.objects.filter(
        any_of(Q(pk__in=sorted(facts.committee_ids)), facts.scope.read_q("path"))
    ).active()


MSG_RECORD_NOT_FOUND = "Không tìm thấy bản ghi này trong phạm vi của bạn."


def _inspection_filters(request) -> dict:
    form = InspectionFilterForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    organization = None
    if data.get("org"):
        organization = _managed_organizations(request.user).filter(code=data["org"]).first()
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
    return render(request, "inspections/programs.html", {**paginate(request, programs)})


@login_required
def program_create_view(request):
    organizations = _managed_organizations(request.user)
    form = ProgramForm(
        request.POST or None,
        queryset=organizations,
        initial={"organization": request.GET.get("org", "")[:32]},
    )
    if request.method == "POST" and form.is_valid():
        try:
            program = services.program_create(actor=request.user, **form.cleaned_data)
        except OutOfScope:
            form.add_error("organization", services.MSG_NO_RIGHT)
        except BusinessError as exc:
            apply_business_error(form, exc)
        else:
            messages.success(request, "Đã tạo chương trình.")
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
    if request.method == "POST" and form.is_valid():
        try:
            inspection = services.inspection_create(actor=request.user, program=program, **form.cleaned_data)
        except OutOfScope as exc:
            raise Http404 from exc
        except BusinessError as exc:
            apply_business_error(form, exc)
        else:
            messages.success(request, "Đã thêm cuộc kiểm tra, giám sát vào chương trình.")
            return redirect("inspections:detail", inspection_id=inspection.pk)
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
        "history": history_for(inspection) if insider else [],
        "party_documents": _party_documents(inspection, level),
    }
    return render(request, "inspections/detail.html", context)


def _party_documents(inspection, level) -> list[dict]:
    from .partydocs import may_generate

    labels = {"quyet-dinh": "Quyết định (DOCX)", "thong-bao-ket-luan": "Thông báo kết luận (DOCX)"}
    return [
        {"name": name, "label": label}
        for name, label in labels.items()
        if may_generate(name, inspection, level)
    ]


def _post_or_form(request, form, call, inspection_id: int, success: str):
    """Run `call()` for a valid POSTed form; show the service's error next to its field."""
    if request.method == "POST" and form.is_valid():
        try:
            call()
        except OutOfScope as exc:
            raise Http404 from exc
        except BusinessError as exc:
            apply_business_error(form, exc)
        else:
            messages.success(request, success)
            return redirect("inspections:detail", inspection_id=inspection_id)
    return None


@login_required
def inspection_action_view(request, inspection_id: int, action: str):
    inspection, _level = inspection_get(user=request.user, inspection_id=inspection_id)
    transition = services.TRANSITIONS.get(action)
    if transition is None or transition not in services.available_transitions(request.user, inspection):
        raise Http404
    form = StepForm(request.POST or None, request.FILES or None)
    if transition.action == "submit_draft" and not form.is_bound:
        form.initial["note"] = inspection.conclusion_text

    def call():
        data = form.cleaned_data
        services.inspection_transition(
            actor=request.user,
            inspection=inspection,
            action=action,
            happened_on=data["happened_on"],
            number=data["number"],
            note=data["note"],
            files=[data["file"]] if data.get("file") else [],
            on_behalf_of=data["on_behalf_of"],
        )

    response = _post_or_form(request, form, call, inspection.pk, f"Đã ghi nhận: {transition.label}.")
    return response or render(
        request,
        "inspections/form.html",
        {
            "form": form,
            "title": f"{transition.label} — {inspection.title}",
            "inspection": inspection,
            "multipart": True,
        },
    )


def _insider_inspection(request, inspection_id: int):
    inspection, level = inspection_get(user=request.user, inspection_id=inspection_id)
    if level != Level.INSIDER:
        raise Http404
    return inspection


@login_required
def working_note_view(request, inspection_id: int):
    inspection = _insider_inspection(request, inspection_id)
    form = WorkingNoteForm(request.POST or None, request.FILES or None)

    def call():
        data = form.cleaned_data
        services.working_note_add(
            actor=request.user,
            inspection=inspection,
            happened_on=data["happened_on"],
            note=data["note"],
            files=[data["file"]] if data.get("file") else [],
        )

    response = _post_or_form(request, form, call, inspection.pk, "Đã lưu ghi chép làm việc.")
    return response or render(
        request,
        "inspections/form.html",
        {"form": form, "title": "Ghi chép làm việc của đoàn", "inspection": inspection, "multipart": True},
    )


@login_required
def finding_add_view(request, inspection_id: int):
    inspection = _insider_inspection(request, inspection_id)
    form = FindingForm(request.POST or None)

    def call():
        data = form.cleaned_data
        returned = None
        if data.get("returned_commitment"):
            from neuguong.commitments.models import Commitment

            returned = (
                Commitment.objects.filter(organization__path__startswith=inspection.program.organization.path)
                .filter(pk=data["returned_commitment"])
                .first()
            )
            if returned is None:
                raise BusinessError(
                    "Không tìm thấy nhiệm vụ này trong phạm vi của cấp ủy.", field="returned_commitment"
                )
        services.finding_add(
            actor=request.user, inspection=inspection, text=data["text"], returned_commitment=returned
        )

    response = _post_or_form(request, form, call, inspection.pk, "Đã ghi phát hiện.")
    return response or render(
        request, "inspections/form.html", {"form": form, "title": "Ghi phát hiện", "inspection": inspection}
    )


@login_required
def breach_add_view(request, inspection_id: int):
    inspection = _insider_inspection(request, inspection_id)
    form = BreachForm(request.POST or None, committee=inspection.program.organization)

    def call():
        services.breach_add(actor=request.user, inspection=inspection, **form.cleaned_data)

    response = _post_or_form(request, form, call, inspection.pk, "Đã ghi vi phạm trách nhiệm nêu gương.")
    return response or render(
        request,
        "inspections/form.html",
        {"form": form, "title": "Ghi vi phạm trách nhiệm nêu gương", "inspection": inspection},
    )


@login_required
def recommendation_add_view(request, inspection_id: int):
    inspection = _insider_inspection(request, inspection_id)
    form = RecommendationForm(request.POST or None, committee=inspection.program.organization)

    def call():
        services.recommendation_add(actor=request.user, inspection=inspection, **form.cleaned_data)

    response = _post_or_form(request, form, call, inspection.pk, "Đã thêm kiến nghị.")
    return response or render(
        request, "inspections/form.html", {"form": form, "title": "Thêm kiến nghị", "inspection": inspection}
    )


@login_required
def recommendation_carry_over_view(request, inspection_id: int, recommendation_id: int):
    inspection = _insider_inspection(request, inspection_id)
    try:
        recommendation = inspection.recommendations.get(pk=recommendation_id)
    except (Recommendation.DoesNotExist, ValueError) as exc:
        raise Http404 from exc
    form = CarryOverForm(request.POST or None)

    def call():
        services.recommendation_carry_over(
            actor=request.user, recommendation=recommendation, reason=form.cleaned_data["reason"]
        )

    response = _post_or_form(request, form, call, inspection.pk, "Đã chuyển tiếp kiến nghị.")
    return response or render(
        request,
        "inspections/form.html",
        {"form": form, "title": f"Chuyển tiếp kiến nghị: {recommendation}", "inspection": inspection},
    )


@login_required
def document_add_view(request, inspection_id: int, step_id: int):
    inspection, level = inspection_get(user=request.user, inspection_id=inspection_id)
    from .models import STEP_KINDS_BY_LEVEL

    try:
        step = Step.objects.get(pk=step_id, inspection=inspection, kind__in=STEP_KINDS_BY_LEVEL[level])
    except (Step.DoesNotExist, ValueError) as exc:
        raise Http404 from exc
    form = DocumentForm(request.POST or None, request.FILES or None)

    def call():
        services.document_add(actor=request.user, step=step, upload=form.cleaned_data["file"])

    response = _post_or_form(request, form, call, inspection.pk, "Đã tải tệp lên.")
    return response or render(
        request,
        "inspections/form.html",
        {"form": form, "title": f"Thêm tệp: {step}", "inspection": inspection, "multipart": True},
    )


@login_required
def document_download_view(request, inspection_id: int, document_id: int):
    document, _level = document_get(user=request.user, inspection_id=inspection_id, document_id=document_id)
    return FileResponse(document.file.open("rb"), as_attachment=True, filename=document.original_name)


@login_required
@require_POST
def document_delete_view(request, inspection_id: int, document_id: int):
    document, _level = document_get(user=request.user, inspection_id=inspection_id, document_id=document_id)
    try:
        services.document_delete(actor=request.user, document=document)
    except OutOfScope as exc:
        raise Http404 from exc
    except BusinessError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Đã xóa tệp (vẫn lưu vết).")
    return redirect("inspections:detail", inspection_id=inspection_id)


@login_required
def coverage_view(request):
    scope = scope_for(request.user)
    facts = access.user_facts(request.user)
    if not scope.has_org_role and not facts.committee_ids:
        raise Http404
    form = CoverageForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    organizations = _managed_organizations(request.user)
    if data.get("org"):
        committee = organizations.filter(code=data["org"]).first()
    else:
        committee = organizations.order_by("depth", "name_folded").first()
    if committee is None:
        raise Http404
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
    from .partydocs import GENERATORS, may_generate

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

    def call():
        services.inspection_set_team(actor=request.user, inspection=inspection, **form.cleaned_data)

    response = _post_or_form(request, form, call, inspection.pk, "Đã cập nhật đoàn.")
    return response or render(
        request,
        "inspections/form.html",
        {"form": form, "title": "Đoàn kiểm tra, giám sát", "inspection": inspection},
    )


@login_required
def content_link_view(request, inspection_id: int):
    """Link a commitment, a document (plan, program) or a target the inspection looks at."""
    from django.apps import apps

    inspection = _managed_inspection(request, inspection_id)
    form = ContentLinkForm(request.POST or None)

    def call():
        app_label, model_name, _label = LINKABLE[form.cleaned_data["kind"]]
        model = apps.get_model(app_label, model_name)
        target = model.objects.visible_to(request.user).filter(pk=form.cleaned_data["record_id"]).first()
        if target is None:
            raise BusinessError(MSG_RECORD_NOT_FOUND, field="record_id")
        services.content_link_add(actor=request.user, inspection=inspection, target=target)

    response = _post_or_form(request, form, call, inspection.pk, "Đã liên kết nội dung.")
    return response or render(
        request,
        "inspections/form.html",
        {"form": form, "title": "Liên kết nội dung", "inspection": inspection},
    )


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

    def call():
        services.inspection_update(actor=request.user, inspection=inspection, **form.cleaned_data)

    response = _post_or_form(request, form, call, inspection.pk, "Đã lưu thay đổi.")
    return response or render(
        request,
        "inspections/form.html",
        {"form": form, "title": f"Sửa: {inspection.title}", "inspection": inspection},
    )
