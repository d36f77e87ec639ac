"""Pages of chi bộ meetings: thin views over the selectors and services.

A meeting the user may not see is a 404 (`selectors.meeting_get`); an action the user may not take there
raises `OutOfScope` in the service, which the middleware answers with the same 404."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import SuspiciousOperation
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect as django_redirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from neuguong.access.scope import scope_for
from neuguong.audit.selectors import history_for
from neuguong.core.dates import LOCAL_ZONE, local_today
from neuguong.core.errors import BusinessError
from neuguong.core.forms import submit_form
from neuguong.core.paging import paginate
from neuguong.organizations.models import Organization
from neuguong.organizations.selectors import organization_for_write, organization_get
from neuguong.people.attendance import CHECKIN_MAX_AGE, AttendanceStatus

from . import exports, forms, ical, partydocs, selectors, services
from .models import MeetingRecord, MeetingState, RecordKind, RecordState

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
RECORD_SLUGS = {"bien-ban": RecordKind.MINUTES, "nghi-quyet": RecordKind.RESOLUTION}
SLUG_OF: dict[str, str] = {kind: slug for slug, kind in RECORD_SLUGS.items()}


def redirect(to, *args, **kwargs):
    """After a form or an action: 303 See Other, so reloading the page never posts again."""
    response = django_redirect(to, *args, **kwargs)
    response.status_code = 303
    return response


def _attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _manageable(request, meeting_id: int):
    """A meeting the user manages, else 404 (a member sees it but may not change it)."""
    meeting = selectors.meeting_get(user=request.user, meeting_id=meeting_id)
    if not selectors.can_manage(request.user, meeting):
        raise Http404
    return meeting


def _detail(meeting) -> str:
    return reverse("meetings:detail", args=[meeting.pk])


# --- list -----------------------------------------------------------------------------------------------


def _filters(request) -> dict:
    form = forms.MeetingFilterForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    organization = organization_get(user=request.user, code=data["org"]) if data.get("org") else None
    return {
        "organization": organization,
        "kind": data.get("kind", ""),
        "state": data.get("state", ""),
        "year": data.get("year"),
        "month": data.get("month"),
        "query": data.get("q", ""),
        "sort": data.get("sort") or "-starts_at",
        "mine": bool(data.get("mine")),
    }


@login_required
def meeting_list_view(request):
    filters = _filters(request)
    scope = scope_for(request.user)
    if not scope.has_org_role:
        filters["mine"] = True
    context = {
        "filters": filters,
        "filter_form": forms.MeetingFilterForm(request.GET),
        "can_plan": scope.is_global or bool(scope.write_paths),
        "has_org_role": scope.has_org_role,
        **paginate(request, selectors.meeting_list(user=request.user, **filters)),
    }
    return render(request, "meetings/list.html", context)


@login_required
def meeting_list_xlsx_view(request):
    filters = _filters(request)
    if not scope_for(request.user).has_org_role:
        filters["mine"] = True
    content = exports.meeting_list_xlsx(selectors.meeting_list(user=request.user, **filters))
    return _attachment(content, XLSX, "sinh-hoat-chi-bo.xlsx")


@login_required
def for_org_view(request, code: str):
    organization = organization_get(user=request.user, code=code)
    return django_redirect(f"{reverse('meetings:list')}?org={organization.code}")


# --- planning -------------------------------------------------------------------------------------------


@login_required
def meeting_create_view(request):
    code = request.GET.get("org", "")[:32]
    organization = organization_for_write(user=request.user, code=code) if code else None
    initial = {"starts_at": forms.default_start(), "organization": organization.pk if organization else None}
    form = forms.MeetingForm(
        request.POST or None, user=request.user, organization=organization, initial=initial
    )
    if request.method == "POST" and (
        done := submit_form(form, lambda d: services.meeting_plan(actor=request.user, **d))
    ):
        meeting = done.result
        messages.success(
            request,
            f"Đã lên lịch {meeting.title.lower()} của {meeting.organization.name}: "
            f"{meeting.starts_at.astimezone(LOCAL_ZONE):%H:%M %d/%m/%Y}. Bấm «Thông báo» để gửi cho đảng viên.",
        )
        return redirect(_detail(meeting))
    return render(request, "meetings/form.html", {"form": form, "heading": "Lên lịch sinh hoạt chi bộ"})


@login_required
def meeting_edit_view(request, meeting_id: int):
    meeting = _manageable(request, meeting_id)
    initial = {
        "starts_at": meeting.starts_at,
        "expected_minutes": meeting.expected_minutes,
        "place": meeting.place,
        "online_link": meeting.online_link,
        "topic": meeting.topic,
        "preparer": meeting.preparer_id,
        "chair": meeting.chair_id,
        "recorder": meeting.recorder_id,
    }
    form = forms.MeetingEditForm(request.POST or None, meeting=meeting, initial=initial)

    def save(data):
        if meeting.state == MeetingState.ANNOUNCED:
            data.pop("starts_at", None)
        return services.meeting_update(actor=request.user, meeting=meeting, **data)

    if request.method == "POST" and submit_form(form, save):
        messages.success(request, f"Đã lưu lịch {meeting.title.lower()}.")
        return redirect(_detail(meeting))
    return render(
        request,
        "meetings/form.html",
        {"form": form, "meeting": meeting, "heading": f"Sửa lịch: {meeting.title}"},
    )


@login_required
@require_POST
def meeting_announce_view(request, meeting_id: int):
    meeting = _manageable(request, meeting_id)
    services.meeting_announce(actor=request.user, meeting=meeting)
    count = meeting.invitees.count()
    messages.success(
        request,
        f"Đã thông báo {meeting.title.lower()} tới {count} đảng viên và cấp ủy cấp trên.",
    )
    return redirect(_detail(meeting))


@login_required
def meeting_postpone_view(request, meeting_id: int):
    meeting = _manageable(request, meeting_id)
    form = forms.PostponeForm(request.POST or None)
    if request.method == "POST" and (
        done := submit_form(
            form, lambda d: services.meeting_postpone(actor=request.user, meeting=meeting, **d)
        )
    ):
        replacement = done.result
        if replacement:
            messages.success(
                request,
                f"Đã hoãn {meeting.title.lower()}; họp lại lúc "
                f"{replacement.starts_at.astimezone(LOCAL_ZONE):%H:%M %d/%m/%Y} (bấm «Thông báo» để gửi lịch mới).",
            )
            return redirect(_detail(replacement))
        messages.success(request, f"Đã hoãn {meeting.title.lower()}.")
        return redirect(_detail(meeting))
    return render(
        request, "meetings/form.html", {"form": form, "meeting": meeting, "heading": f"Hoãn: {meeting.title}"}
    )


@login_required
def meeting_cancel_view(request, meeting_id: int):
    meeting = _manageable(request, meeting_id)
    form = forms.CancelForm(request.POST or None)
    if request.method == "POST" and submit_form(
        form, lambda d: services.meeting_cancel(actor=request.user, meeting=meeting, **d)
    ):
        messages.success(request, f"Đã hủy {meeting.title.lower()}.")
        return redirect(_detail(meeting))
    return render(
        request, "meetings/form.html", {"form": form, "meeting": meeting, "heading": f"Hủy: {meeting.title}"}
    )


@login_required
def meeting_hold_view(request, meeting_id: int):
    meeting = _manageable(request, meeting_id)
    initial = {
        "started_at": meeting.starts_at,
        "ended_at": min(meeting.starts_at + dt.timedelta(minutes=meeting.expected_minutes), timezone.now()),
        "chair": meeting.chair_id,
        "recorder": meeting.recorder_id,
    }
    form = forms.HoldForm(request.POST or None, meeting=meeting, initial=initial)
    if request.method == "POST" and submit_form(
        form, lambda d: services.meeting_hold(actor=request.user, meeting=meeting, **d)
    ):
        messages.success(
            request,
            f"Đã ghi nhận {meeting.title.lower()} đã họp. Tiếp theo: điểm danh, biên bản, nghị quyết.",
        )
        return redirect(_detail(meeting))
    return render(
        request,
        "meetings/form.html",
        {"form": form, "meeting": meeting, "heading": f"Ghi nhận đã họp: {meeting.title}"},
    )


# --- one meeting ----------------------------------------------------------------------------------------


@login_required
def meeting_detail_view(request, meeting_id: int):
    meeting = selectors.meeting_get(user=request.user, meeting_id=meeting_id)
    reader = selectors.can_read_all(request.user, meeting)
    today = local_today()
    now = timezone.now()
    counts = selectors.attendance_counts(meeting)
    items = selectors.resolution_items(meeting, today=today)
    previous = selectors.previous_meeting(meeting)
    context = {
        "meeting": meeting,
        "can_manage": selectors.can_manage(request.user, meeting),
        "reader": reader,
        "mine": selectors.my_invitation(request.user, meeting),
        "reply_form": forms.ReplyForm(),
        "documents": selectors.documents_for(request.user, meeting),
        "agenda": list(meeting.agenda_items.select_related("presenter")),
        "counts": counts,
        "items": items,
        "previous": previous,
        "previous_items": selectors.resolution_items(previous, today=today) if previous else [],
        "replacement": selectors.replacement_of(meeting),
        "records": [
            (kind, SLUG_OF[kind], versions) for kind, versions in selectors.records_of(meeting).items()
        ]
        if reader
        else [],
        "quality": selectors.meeting_quality(meeting, counts=counts, items=items, now=now)
        if reader
        else None,
        "criteria": selectors.rules_for(meeting.organization).scoring_criteria if reader else (),
        "history": history_for(meeting) if reader else [],
        "resolution": meeting.records.filter(kind=RecordKind.RESOLUTION, state=RecordState.APPROVED).first(),
        "now": now,
    }
    return render(request, "meetings/detail.html", context)


@login_required
@require_POST
def reply_view(request, meeting_id: int):
    meeting = selectors.meeting_get(user=request.user, meeting_id=meeting_id)
    form = forms.ReplyForm(request.POST)
    if form.is_valid():
        invitee = services.invitee_reply(user=request.user, meeting=meeting, **form.cleaned_data)
        messages.success(
            request,
            "Đã xác nhận dự họp."
            if invitee.reply == "attending"
            else f"Đã gửi xin vắng: {invitee.reply_reason}.",
        )
    else:
        messages.error(request, services.MSG_REPLY)
    return redirect(_detail(meeting))


# --- agenda ---------------------------------------------------------------------------------------------


@login_required
def agenda_view(request, meeting_id: int, item_id: int | None = None):
    meeting = _manageable(request, meeting_id)
    item = None
    initial = {}
    if item_id is not None:
        item = meeting.agenda_items.filter(pk=item_id).first()
        if item is None:
            raise Http404
        initial = {
            "kind": item.kind,
            "title": item.title,
            "presenter": item.presenter_id,
            "notes": item.notes,
            "votes_for": item.votes_for,
            "votes_against": item.votes_against,
            "votes_abstain": item.votes_abstain,
        }
    form = forms.AgendaForm(request.POST or None, meeting=meeting, initial=initial)

    def save(data):
        if item is None:
            return services.agenda_item_add(actor=request.user, meeting=meeting, **data)
        return services.agenda_item_update(actor=request.user, item=item, **data)

    if request.method == "POST" and (done := submit_form(form, save)):
        messages.success(request, f"Đã lưu nội dung «{done.result.title}».")
        return redirect(_detail(meeting) + "#agenda")
    heading = f"Sửa nội dung: {item.title}" if item else "Thêm nội dung sinh hoạt"
    return render(request, "meetings/form.html", {"form": form, "meeting": meeting, "heading": heading})


# --- documents ------------------------------------------------------------------------------------------


@login_required
def document_add_view(request, meeting_id: int):
    meeting = _manageable(request, meeting_id)
    form = forms.DocumentForm(request.POST or None, request.FILES or None, user=request.user)

    def save(data):
        return services.document_add(
            actor=request.user,
            meeting=meeting,
            title=data["title"],
            document=data["document"],
            upload=data["file"],
            classification=data["classification"],
            release=data["release"],
        )

    if request.method == "POST" and (done := submit_form(form, save)):
        document = done.result
        sent = " và gửi cho đảng viên" if document.available_at else ""
        messages.success(request, f"Đã thêm tài liệu «{document.title}»{sent}.")
        return redirect(_detail(meeting) + "#documents")
    return render(
        request,
        "meetings/form.html",
        {"form": form, "meeting": meeting, "heading": "Thêm tài liệu", "multipart": True},
    )


def _meeting_document(request, meeting_id: int, document_id: int):
    meeting = _manageable(request, meeting_id)
    document = meeting.documents.filter(pk=document_id).first()
    if document is None:
        raise Http404
    return meeting, document


@login_required
@require_POST
def document_release_view(request, meeting_id: int, document_id: int):
    meeting, document = _meeting_document(request, meeting_id, document_id)
    services.document_release(actor=request.user, document=document)
    messages.success(request, f"Đã gửi tài liệu «{document.title}» cho đảng viên.")
    return redirect(_detail(meeting) + "#documents")


@login_required
@require_POST
def document_withdraw_view(request, meeting_id: int, document_id: int):
    meeting, document = _meeting_document(request, meeting_id, document_id)
    services.document_withdraw(actor=request.user, document=document)
    messages.success(request, f"Đã rút tài liệu «{document.title}».")
    return redirect(_detail(meeting) + "#documents")


@login_required
def document_file_view(request, meeting_id: int, document_id: int):
    """An uploaded file, for the meeting's readers and for invitees once it is made available."""
    meeting = selectors.meeting_get(user=request.user, meeting_id=meeting_id)
    document = selectors.document_get(user=request.user, meeting=meeting, document_id=document_id)
    if document.document_id:
        return redirect("documents:detail", document_id=document.document_id)
    # Not a service call: a file missing from storage is a missing page.
    try:
        handle = document.file.open("rb")
    except (FileNotFoundError, SuspiciousOperation) as exc:
        raise Http404 from exc
    return FileResponse(handle, as_attachment=True, filename=document.original_name or "tai-lieu")


# --- attendance -----------------------------------------------------------------------------------------


@login_required
def attendance_view(request, meeting_id: int):
    meeting = _manageable(request, meeting_id)
    query = request.GET.get("q", "")[:100]
    sheet = selectors.invitee_sheet(meeting, query=query)
    page = paginate(request, sheet, per_page=100)
    error = None
    if request.method == "POST":
        marks = {}
        for invitee in page["page_obj"]:
            status = request.POST.get(f"status_{invitee.person_id}", "")
            if status:
                marks[invitee.person_id] = (status, request.POST.get(f"reason_{invitee.person_id}", "")[:255])
        # A special case: the sheet shows the error above the rows it concerns, with the marks kept.
        try:
            count = services.attendance_mark(actor=request.user, meeting=meeting, marks=marks)
        except BusinessError as exc:
            if isinstance(exc, services.OutOfScope):
                raise
            error = exc.message
        else:
            messages.success(request, f"Đã lưu điểm danh: {count} thay đổi.")
            return redirect(request.get_full_path())
    day = services.held_on(meeting)
    for invitee in page["page_obj"]:
        # After a refused save the sheet shows what was typed, not what is stored.
        invitee.shown_status = (
            request.POST.get(f"status_{invitee.person_id}", "") if error else invitee.status
        )
        invitee.shown_reason = (
            request.POST.get(f"reason_{invitee.person_id}", "")
            if error
            else invitee.reason or invitee.reply_reason
        )
        invitee.joined_after = bool(invitee.joined_on and invitee.joined_on > day)
    return render(
        request,
        "meetings/attendance.html",
        {
            "meeting": meeting,
            "query": query,
            "error": error,
            "counts": selectors.attendance_counts(meeting),
            "statuses": AttendanceStatus.choices,
            **page,
        },
    )


@login_required
def attendance_xlsx_view(request, meeting_id: int):
    meeting = _manageable(request, meeting_id)
    content = exports.attendance_xlsx(meeting, selectors.invitee_sheet(meeting))
    return _attachment(content, XLSX, f"diem-danh-{meeting.organization.code}-{meeting.for_month:%Y-%m}.xlsx")


@login_required
def qr_view(request, meeting_id: int):
    """The QR code shown in the room; reloading the page issues a fresh link."""
    import segno

    meeting = _manageable(request, meeting_id)
    token = services.checkin_token(meeting)
    url = request.build_absolute_uri(reverse("meetings:checkin", args=[meeting.pk]) + f"?t={token}")
    return render(
        request,
        "meetings/qr.html",
        {
            "meeting": meeting,
            "qr_uri": segno.make(url, error="m").svg_data_uri(scale=8, border=2),
            "checkin_url": url,
            "expires_at": timezone.now() + CHECKIN_MAX_AGE,
        },
    )


@login_required
def checkin_view(request, meeting_id: int):
    """Self check-in from a phone: the signed link decides, not the page the member came from."""
    token = (request.POST.get("t") or request.GET.get("t") or "")[:500]
    meeting = selectors.Meeting.objects.select_related("organization").filter(pk=meeting_id).first()
    error = done = None
    if meeting is None:
        error = services.MSG_QR_INVALID
    elif request.method == "POST":
        # A special case: the page itself says what went wrong (a member with a phone, not a form).
        try:
            done = services.attendance_self_checkin(user=request.user, meeting=meeting, token=token)
        except BusinessError as exc:
            error = exc.message
    else:
        error = services.checkin_problem(meeting, token)
    return render(
        request,
        "meetings/checkin.html",
        {"meeting": meeting if not error or done else None, "token": token, "error": error, "done": done},
        status=400 if error else 200,
    )


# --- minutes and resolution -----------------------------------------------------------------------------


def _kind(slug: str) -> str:
    kind = RECORD_SLUGS.get(slug)
    if kind is None:
        raise Http404
    return kind


@login_required
def record_edit_view(request, meeting_id: int, slug: str):
    meeting = _manageable(request, meeting_id)
    kind = _kind(slug)
    current = selectors.current_record(meeting, kind)
    initial = {}
    if current is not None:
        initial = {
            "number": current.number,
            "body": current.body,
            "closing": current.closing,
            "votes_for": current.votes_for,
            "votes_against": current.votes_against,
            "votes_abstain": current.votes_abstain,
        }
    elif kind == RecordKind.MINUTES:
        initial = {"body": "\n".join(f"{a.position}. {a.title}" for a in meeting.agenda_items.all())}
    locked = current is not None and current.state != RecordState.DRAFT
    form = forms.RecordForm(request.POST or None, kind=kind, initial=initial)
    if request.method == "POST" and (
        done := submit_form(
            form, lambda d: services.record_save_draft(actor=request.user, meeting=meeting, kind=kind, **d)
        )
    ):
        messages.success(
            request, f"Đã lưu dự thảo {done.result.get_kind_display().lower()} (lần {done.result.version})."
        )
        if request.POST.get("approve"):
            services.record_approve(actor=request.user, record=done.result)
            messages.success(
                request, f"Đã duyệt {done.result.get_kind_display().lower()}: từ nay không sửa được nữa."
            )
        return redirect(_detail(meeting) + "#records")
    return render(
        request,
        "meetings/record_form.html",
        {
            "form": form,
            "meeting": meeting,
            "kind": kind,
            "slug": slug,
            "record": current,
            "locked": locked,
            "correction_form": forms.CorrectionForm(),
        },
    )


@login_required
@require_POST
def record_approve_view(request, meeting_id: int, slug: str):
    meeting = _manageable(request, meeting_id)
    kind = _kind(slug)
    record = meeting.records.filter(kind=kind, state=RecordState.DRAFT).first()
    if record is None:
        approved = meeting.records.filter(kind=kind, state=RecordState.APPROVED).exists()
        label = RecordKind(kind).label
        raise BusinessError(
            services.MSG_RECORD_NOT_DRAFT.format(kind=label)
            if approved
            else services.MSG_RECORD_NOTHING.format(kind=label.lower())
        )
    services.record_approve(actor=request.user, record=record)
    messages.success(request, f"Đã duyệt {record.get_kind_display().lower()} (lần {record.version}).")
    return redirect(_detail(meeting) + "#records")


@login_required
def record_correct_view(request, meeting_id: int, slug: str):
    meeting = _manageable(request, meeting_id)
    kind = _kind(slug)
    form = forms.CorrectionForm(request.POST or None)
    if request.method == "POST" and (
        done := submit_form(
            form, lambda d: services.record_correct(actor=request.user, meeting=meeting, kind=kind, **d)
        )
    ):
        messages.success(
            request,
            f"Đã lập bản đính chính {done.result.get_kind_display().lower()} (lần {done.result.version}).",
        )
        return redirect("meetings:record_edit", meeting_id=meeting.pk, slug=slug)
    return render(
        request,
        "meetings/form.html",
        {
            "form": form,
            "meeting": meeting,
            "heading": f"Đính chính {RecordKind(kind).label.lower()}: {meeting.title}",
        },
    )


@login_required
def record_file_view(request, meeting_id: int, slug: str, fmt: str):
    """The DOCX or PDF of a version (?lan=N; default: the draft, else the approved one)."""
    meeting = selectors.meeting_get(user=request.user, meeting_id=meeting_id)
    kind = _kind(slug)
    version = request.GET.get("lan", "")
    if version.isdigit() and len(version) < 5:
        record = MeetingRecord.objects.filter(meeting=meeting, kind=kind, version=int(version)).first()
    else:
        record = selectors.current_record(meeting, kind)
    if record is None or fmt not in ("docx", "pdf"):
        raise Http404
    # An invitee reads the approved resolution of their meeting; drafts and minutes are the chi bộ's.
    if not selectors.can_read_all(request.user, meeting) and not (
        kind == RecordKind.RESOLUTION and record.state == RecordState.APPROVED
    ):
        raise Http404
    record.meeting = meeting
    if fmt == "pdf":
        return _attachment(partydocs.record_pdf(record), "application/pdf", partydocs.filename(record, "pdf"))
    return _attachment(partydocs.record_document(record), DOCX, partydocs.filename(record, "docx"))


# --- resolution items -----------------------------------------------------------------------------------


@login_required
def resolution_items_view(request, meeting_id: int):
    meeting = _manageable(request, meeting_id)
    formset = forms.ResolutionItemFormSet(
        request.POST or None, form_kwargs={"meeting": meeting}, prefix="items"
    )
    error = None
    if request.method == "POST" and formset.is_valid():
        # A special case: the error names the row ("Nhiệm vụ 2: …"), shown above the rows, input kept.
        try:
            created = services.resolution_items_add(
                actor=request.user,
                meeting=meeting,
                items=formset.items(),  # type: ignore[attr-defined]
            )
        except BusinessError as exc:
            if isinstance(exc, services.OutOfScope):
                raise
            error = exc.message
        else:
            names = ", ".join(sorted({i.responsible_person.full_name for i in created}))
            messages.success(request, f"Đã giao {len(created)} nhiệm vụ theo nghị quyết cho {names}.")
            return redirect(_detail(meeting) + "#items")
    return render(
        request, "meetings/items_form.html", {"formset": formset, "meeting": meeting, "error": error}
    )


# --- self-scoring ---------------------------------------------------------------------------------------


@login_required
def score_view(request, meeting_id: int):
    meeting = _manageable(request, meeting_id)
    criteria = selectors.rules_for(meeting.organization).scoring_criteria
    if not criteria:
        raise BusinessError(services.MSG_SCORE_NO_CRITERIA)
    existing = getattr(meeting, "score", None) if hasattr(meeting, "score") else None
    form = forms.ScoreForm(
        request.POST or None,
        criteria=criteria,
        initial_points=[p["points"] for p in existing.points] if existing else None,
    )
    if request.method == "POST" and (
        done := submit_form(
            form, lambda d: services.meeting_score(actor=request.user, meeting=meeting, points=form.points())
        )
    ):
        messages.success(
            request, f"Đã tự chấm điểm {meeting.title.lower()}: {done.result.total}/{done.result.maximum}."
        )
        return redirect(_detail(meeting))
    return render(
        request,
        "meetings/form.html",
        {"form": form, "meeting": meeting, "heading": f"Tự chấm điểm: {meeting.title}"},
    )


# --- settings -------------------------------------------------------------------------------------------


@login_required
def settings_view(request):
    organization = organization_for_write(user=request.user, code=request.GET.get("org", "")[:32])
    saved = selectors.settings_of(organization)
    rules = selectors.rules_for(organization)
    initial = {
        "schedule_due_day": rules.schedule_due_day,
        "documents_lead_days": rules.documents_lead_days,
        "min_minutes_regular": rules.min_minutes_regular,
        "min_minutes_combined": rules.min_minutes_combined,
        "small_branch_members": rules.small_branch_members,
        "thematic_per_year": rules.thematic_per_year,
        "scoring_criteria": "\n".join(f"{title} | {points}" for title, points in rules.scoring_criteria),
    }
    form = forms.SettingsForm(request.POST or None, initial=initial)

    def save(data):
        criteria = services.parse_criteria(data.pop("scoring_criteria"))
        return services.settings_save(
            actor=request.user, organization=organization, scoring_criteria=criteria, **data
        )

    if request.method == "POST" and submit_form(form, save):
        messages.success(request, f"Đã lưu quy định sinh hoạt chi bộ của {organization.name}.")
        return redirect(f"{reverse('meetings:settings')}?org={organization.code}")
    inherited = None
    if saved is None and rules.defined_by:
        inherited = Organization.objects.filter(pk=int(rules.defined_by)).first()
    return render(
        request,
        "meetings/settings.html",
        {
            "form": form,
            "organization": organization,
            "saved": saved,
            "inherited": inherited,
            "history": history_for(saved) if saved else [],
        },
    )


# --- compliance -----------------------------------------------------------------------------------------


def _compliance(request):
    form = forms.ComplianceForm(request.GET, user=request.user)
    data = form.cleaned_data if form.is_valid() else {}
    if data.get("to_chuc"):
        organization = data["to_chuc"]
    elif data.get("org"):
        organization = organization_get(user=request.user, code=data["org"])
    else:
        organization = (
            Organization.objects.visible_to(request.user).active().order_by("depth", "path").first()
        )
        if organization is None:
            raise Http404
    return selectors.compliance(organization=organization, year=form.year_or_current()), form


@login_required
def compliance_view(request):
    if not scope_for(request.user).has_org_role:
        raise Http404
    report, form = _compliance(request)
    page = paginate(request, report.rows, per_page=100)
    context = {
        "report": report,
        "form": form,
        "month_rows": list(zip(report.months, report.month_totals, strict=True)),
        "item_rows": [(code, label, report.totals.items[code]) for code, label in report.status_labels],
        **page,
    }
    return render(request, "meetings/compliance.html", context)


@login_required
def compliance_xlsx_view(request):
    if not scope_for(request.user).has_org_role:
        raise Http404
    report, _ = _compliance(request)
    return _attachment(
        exports.compliance_xlsx(report),
        XLSX,
        f"sinh-hoat-chi-bo-{report.organization.code}-{report.year}.xlsx",
    )


@login_required
def compliance_docx_view(request):
    if not scope_for(request.user).has_org_role:
        raise Http404
    report, _ = _compliance(request)
    return _attachment(
        exports.compliance_docx(report),
        DOCX,
        f"bao-cao-sinh-hoat-chi-bo-{report.organization.code}-{report.year}.docx",
    )


# --- calendars ------------------------------------------------------------------------------------------


def _ics(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def my_calendar_view(request):
    meetings = selectors.calendar_meetings(user=request.user, mine=True)
    base = request.build_absolute_uri("/")
    return _ics(
        ical.calendar_bytes(meetings, name="Lịch sinh hoạt chi bộ của tôi", base_url=base),
        "lich-sinh-hoat.ics",
    )


@login_required
def org_calendar_view(request, code: str):
    organization = organization_get(user=request.user, code=code)
    meetings = selectors.calendar_meetings(user=request.user, organization=organization)
    base = request.build_absolute_uri("/")
    name = f"Sinh hoạt chi bộ — {organization.name}"
    return _ics(
        ical.calendar_bytes(meetings, name=name, base_url=base), f"lich-sinh-hoat-{organization.code}.ics"
    )


def private_calendar_view(request, token: str):
    """The member's private subscription address: no session (calendar apps have none), a revocable token."""
    user = services.calendar_user(token)
    if user is None:
        raise Http404
    meetings = selectors.calendar_meetings(user=user, mine=True)
    base = request.build_absolute_uri("/")
    return _ics(
        ical.calendar_bytes(meetings, name="Lịch sinh hoạt chi bộ của tôi", base_url=base),
        "lich-sinh-hoat.ics",
    )


@login_required
def calendar_settings_view(request):
    feed_url = None
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            services.calendar_token_revoke(user=request.user)
            messages.success(
                request,
                "Đã thu hồi địa chỉ lịch riêng: các ứng dụng lịch đang dùng sẽ không cập nhật được nữa.",
            )
            return redirect("meetings:calendar_settings")
        token = services.calendar_token_issue(user=request.user)
        feed_url = request.build_absolute_uri(reverse("meetings:private_calendar", args=[token]))
        messages.success(request, "Đã cấp địa chỉ lịch riêng mới; địa chỉ cũ (nếu có) không dùng được nữa.")
    has_live = request.user.calendar_tokens.filter(revoked_at__isnull=True).exists()
    return render(request, "meetings/calendar.html", {"feed_url": feed_url, "has_live": has_live})
