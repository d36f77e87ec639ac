"""Pages of the study module: thin views over the selectors and services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from neuguong.access.scope import scope_for
from neuguong.audit.selectors import history_for
from neuguong.core.errors import BusinessError, OutOfScope
from neuguong.core.forms import apply_business_error
from neuguong.core.paging import paginate
from neuguong.organizations.models import Organization
from neuguong.people.models import Person, TheoryLevel

from . import forms, reports, rules, selectors, services
from .models import AttendanceStatus, Campaign, CampaignLevel, PositionRequirement, Question, ReflectionStatus


def _writable_orgs(user):
    return Organization.objects.filter(scope_for(user).write_q("path")).active()


def _require(condition: bool) -> None:
    if not condition:
        raise Http404


# --- campaigns -------------------------------------------------------------------------------------


def _campaign_filters(request) -> dict:
    level = request.GET.get("level", "")
    sort = request.GET.get("sort", "new")
    return {
        "query": request.GET.get("q", "")[:100],
        "level": level if level in CampaignLevel.values else "",
        "sort": sort if sort in selectors.CAMPAIGN_SORTS else "new",
    }


@login_required
def campaign_list_view(request):
    filters = _campaign_filters(request)
    scope = scope_for(request.user)
    context = {
        "filters": filters,
        "levels": CampaignLevel.choices,
        "can_create": scope.is_global or bool(scope.write_paths),
        **paginate(request, selectors.campaign_list(user=request.user, **filters)),
    }
    return render(request, "study/campaign_list.html", context)


@login_required
def campaign_list_xlsx_view(request):
    """Exactly the list shown (same filters, same scope), every page."""
    content = reports.campaign_list_xlsx(
        selectors.campaign_list(user=request.user, **_campaign_filters(request))
    )
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = 'attachment; filename="dot-hoc-tap.xlsx"'
    return response


@login_required
def campaign_create_view(request):
    scope = scope_for(request.user)
    _require(scope.is_global or bool(scope.write_paths))
    queryset = _writable_orgs(request.user)
    from neuguong.documents.models import Document

    form = forms.CampaignForm(
        request.POST or None, queryset=queryset, document_queryset=Document.objects.visible_to(request.user)
    )
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.campaign_create(actor=request.user, **form.cleaned_data)
        except OutOfScope:
            form.add_error("organizer", services.MSG_NO_RIGHT)
        except BusinessError as exc:
            apply_business_error(form, exc)
        else:
            messages.success(request, "Đã tạo đợt học tập.")
            return redirect("study:campaign_detail", campaign_id=campaign.pk)
    return render(request, "study/form.html", {"form": form, "title": "Tạo đợt học tập nghị quyết"})


@login_required
def campaign_detail_view(request, campaign_id: int):
    campaign = selectors.campaign_get(user=request.user, campaign_id=campaign_id)
    scope = scope_for(request.user)
    mine = selectors.own_invitee(user=request.user, campaign=campaign)
    my_marks = {}
    if mine:
        my_marks = {a.session_id: a for a in mine.attendances.all()}
    sessions = list(campaign.sessions.all())
    for session in sessions:
        session.my_mark = my_marks.get(session.pk)
    org_rows = (
        selectors.campaign_org_stats(user=request.user, campaign=campaign) if scope.has_org_role else []
    )
    context = {
        "campaign": campaign,
        "sessions": sessions,
        "materials": campaign.materials.all(),
        "rounds": campaign.quiz_rounds.all(),
        "question_count": campaign.questions.count(),
        "mine": mine,
        "my_reflection": selectors.reflection_of(mine) if mine else None,
        "can_manage": selectors.can_manage(request.user, campaign),
        "can_mark": selectors.can_mark_any(request.user, campaign),
        "org_rows": org_rows,
        "totals": selectors.totals_of(org_rows),
        "history": history_for(campaign) if scope.has_org_role else [],
    }
    return render(request, "study/campaign_detail.html", context)


def _managed_campaign(request, campaign_id: int) -> Campaign:
    campaign = selectors.campaign_get(user=request.user, campaign_id=campaign_id)
    _require(selectors.can_manage(request.user, campaign))
    return campaign


@login_required
def campaign_edit_view(request, campaign_id: int):
    campaign = _managed_campaign(request, campaign_id)
    initial = {
        "title": campaign.title,
        "level": campaign.level,
        "audience_root": campaign.audience_root.code,
        "audience_statuses": campaign.audience_statuses,
        "audience_positions": campaign.audience_positions,
        "reflection_questions": "\n".join(campaign.reflection_questions),
        "reflection_due": campaign.reflection_due,
        "description": campaign.description,
    }
    form = forms.CampaignEditForm(
        request.POST or None, initial=initial, queryset=_writable_orgs(request.user)
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["audience_root"] = data.get("audience_root") or campaign.organizer
        try:
            services.campaign_update(actor=request.user, campaign=campaign, **data)
        except BusinessError as exc:
            apply_business_error(form, exc)
        else:
            messages.success(request, "Đã lưu thay đổi.")
            return redirect("study:campaign_detail", campaign_id=campaign.pk)
    return render(
        request,
        "study/form.html",
        {"form": form, "title": f"Sửa đợt học tập: {campaign}", "campaign": campaign},
    )


@login_required
@require_POST
def campaign_invite_view(request, campaign_id: int):
    campaign = _managed_campaign(request, campaign_id)
    added = services.invitees_generate(actor=request.user, campaign=campaign)
    messages.success(request, f"Đã bổ sung {added} người vào danh sách triệu tập.")
    return redirect("study:campaign_detail", campaign_id=campaign.pk)


@login_required
def session_create_view(request, campaign_id: int):
    campaign = _managed_campaign(request, campaign_id)
    form = forms.SessionForm(request.POST or None, initial={"is_makeup": request.GET.get("hoc_bu") == "1"})
    if request.method == "POST" and form.is_valid():
        try:
            services.session_add(actor=request.user, campaign=campaign, **form.cleaned_data)
        except BusinessError as exc:
            apply_business_error(form, exc)
        else:
            messages.success(request, "Đã thêm buổi học.")
            return redirect("study:campaign_detail", campaign_id=campaign.pk)
    return render(
        request,
        "study/form.html",
        {"form": form, "title": f"Thêm buổi học: {campaign}", "campaign": campaign},
    )


@login_required
def material_create_view(request, campaign_id: int):
    campaign = _managed_campaign(request, campaign_id)
    form = forms.MaterialForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.material_add(actor=request.user, campaign=campaign, **form.cleaned_data)
        except BusinessError as exc:
            apply_business_error(form, exc)
        else:
            messages.success(request, "Đã thêm tài liệu.")
            return redirect("study:campaign_detail", campaign_id=campaign.pk)
    return render(
        request,
        "study/form.html",
        {"form": form, "title": f"Thêm tài liệu: {campaign}", "campaign": campaign, "multipart": True},
    )


@login_required
def invitee_list_view(request, campaign_id: int):
    campaign = selectors.campaign_get(user=request.user, campaign_id=campaign_id)
    _require(scope_for(request.user).has_org_role)
    query = request.GET.get("q", "")[:100]
    qs = selectors.invitee_list(user=request.user, campaign=campaign, query=query)
    return render(
        request,
        "study/invitee_list.html",
        {"campaign": campaign, "query": query, **paginate(request, qs, per_page=100)},
    )


# --- attendance ------------------------------------------------------------------------------------


@login_required
def session_attendance_view(request, campaign_id: int, session_id: int):
    campaign = selectors.campaign_get(user=request.user, campaign_id=campaign_id)
    _require(selectors.can_mark_any(request.user, campaign))
    session = selectors.session_get(campaign=campaign, session_id=session_id)
    org_code = request.GET.get("org", "")[:32]
    organization = None
    if org_code:
        organization = Organization.objects.visible_to(request.user).filter(code=org_code).first()
        _require(organization is not None)
    filters = {
        "query": request.GET.get("q", "")[:100],
        "organization": organization,
        "unmarked_only": request.GET.get("chua") == "1",
    }
    sheet = selectors.session_sheet(user=request.user, session=session, **filters)
    page = paginate(request, sheet, per_page=100)
    error = None
    if request.method == "POST":
        marks = {}
        for invitee in page["page_obj"]:
            status = request.POST.get(f"status_{invitee.pk}", "")
            if status:
                marks[invitee.pk] = (status, request.POST.get(f"reason_{invitee.pk}", ""))
        try:
            count = services.attendance_mark_many(actor=request.user, session=session, marks=marks)
        except OutOfScope as exc:
            raise Http404 from exc
        except BusinessError as exc:
            error = exc.message
        else:
            messages.success(request, f"Đã lưu điểm danh {count} người.")
            return redirect(request.get_full_path())
    return render(
        request,
        "study/attendance.html",
        {
            "campaign": campaign,
            "session": session,
            "error": error,
            "posted": request.POST if error else None,
            "counts": selectors.session_counts(user=request.user, session=session),
            "statuses": AttendanceStatus.choices,
            "filters": filters,
            "org_code": org_code,
            **page,
        },
    )


@login_required
def session_qr_view(request, campaign_id: int, session_id: int):
    """The QR code shown in the room; reloading the page issues a fresh link."""
    import segno

    campaign = selectors.campaign_get(user=request.user, campaign_id=campaign_id)
    _require(selectors.can_mark_any(request.user, campaign))
    session = selectors.session_get(campaign=campaign, session_id=session_id)
    token = rules.checkin_token(campaign.pk, session.pk)
    url = request.build_absolute_uri(
        reverse("study:checkin", kwargs={"campaign_id": campaign.pk, "session_id": session.pk})
        + f"?t={token}"
    )
    qr = segno.make(url, error="m")
    expires_at = timezone.now() + rules.CHECKIN_MAX_AGE
    return render(
        request,
        "study/qr.html",
        {
            "campaign": campaign,
            "session": session,
            "qr_uri": qr.svg_data_uri(scale=8, border=2),
            "checkin_url": url,
            "expires_at": expires_at,
        },
    )


@login_required
def checkin_view(request, campaign_id: int, session_id: int):
    """Self check-in from a phone: the signed link decides, not the page the member came from."""
    token = (request.POST.get("t") or request.GET.get("t") or "")[:500]
    try:
        campaign = Campaign.objects.select_related("organizer").get(pk=campaign_id)
        session = selectors.session_get(campaign=campaign, session_id=session_id)
    except (Campaign.DoesNotExist, Http404):
        campaign = session = None
    error = done = None
    if session is None:
        error = services.MSG_QR_INVALID
    elif request.method == "POST":
        try:
            done = services.attendance_self_checkin(user=request.user, session=session, token=token)
        except BusinessError as exc:
            error = exc.message
    else:
        try:
            rules.checkin_token_check(token, campaign_id=campaign.pk, session_id=session.pk)
        except rules.CheckinTokenError as exc:
            error = {"expired": services.MSG_QR_EXPIRED, "mismatch": services.MSG_QR_MISMATCH}.get(
                exc.reason, services.MSG_QR_INVALID
            )
    status = 400 if error else 200
    return render(
        request,
        "study/checkin.html",
        {"campaign": campaign, "session": session, "token": token, "error": error, "done": done},
        status=status,
    )


# --- reflections -----------------------------------------------------------------------------------


def _reflection_form_view(request, campaign, invitee, *, on_behalf: bool):
    reflection = selectors.reflection_of(invitee)
    questions = campaign.reflection_questions
    locked = reflection is not None and reflection.status not in (
        ReflectionStatus.DRAFT,
        ReflectionStatus.RETURNED,
    )
    too_big = False
    data = files = None
    if request.method == "POST" and not locked:
        try:
            data, files = request.POST, request.FILES
        except RequestDataTooBig:
            too_big = True
    form = forms.ReflectionForm(
        data, files, questions=questions, initial=forms.reflection_initial(reflection)
    )
    if too_big:
        form = forms.ReflectionForm(questions=questions, initial=forms.reflection_initial(reflection))
        form.is_bound = False
        error = services._reflection_too_large()
        messages.error(request, error.message)
    elif data is not None and form.is_valid():
        try:
            services.reflection_save(
                actor=request.user,
                invitee=invitee,
                answers=form.answers(),
                plan_items=form.plan_items(),
                attachment=form.cleaned_data.get("attachment"),
                submit="submit" in request.POST,
            )
        except OutOfScope as exc:
            raise Http404 from exc
        except BusinessError as exc:
            apply_business_error(form, exc)
        else:
            messages.success(
                request, "Đã nộp bài thu hoạch." if "submit" in request.POST else "Đã lưu bản nháp."
            )
            if on_behalf:
                return redirect("study:reflection_review", campaign_id=campaign.pk, invitee_id=invitee.pk)
            return redirect("study:reflection_mine", campaign_id=campaign.pk)
    return render(
        request,
        "study/reflection_form.html",
        {
            "campaign": campaign,
            "invitee": invitee,
            "reflection": reflection,
            "form": form,
            "locked": locked,
            "on_behalf": on_behalf,
        },
        status=413 if too_big else 200,
    )


@login_required
def reflection_mine_view(request, campaign_id: int):
    campaign = selectors.campaign_get(user=request.user, campaign_id=campaign_id)
    invitee = selectors.own_invitee(user=request.user, campaign=campaign)
    _require(invitee is not None)
    return _reflection_form_view(request, campaign, invitee, on_behalf=False)


@login_required
def reflection_enter_view(request, campaign_id: int, invitee_id: int):
    campaign = selectors.campaign_get(user=request.user, campaign_id=campaign_id)
    invitee = selectors.invitee_get(user=request.user, campaign=campaign, invitee_id=invitee_id)
    _require(scope_for(request.user).can_write_path(invitee.organization.path))
    return _reflection_form_view(request, campaign, invitee, on_behalf=True)


@login_required
def reflection_list_view(request, campaign_id: int):
    campaign = selectors.campaign_get(user=request.user, campaign_id=campaign_id)
    _require(scope_for(request.user).has_org_role)
    status = request.GET.get("status", "")[:16]
    qs = selectors.reflection_list(user=request.user, campaign=campaign, status=status)
    return render(
        request,
        "study/reflection_list.html",
        {
            "campaign": campaign,
            "status": status,
            "statuses": ReflectionStatus.choices,
            **paginate(request, qs, per_page=100),
        },
    )


@login_required
def reflection_review_view(request, campaign_id: int, invitee_id: int):
    campaign = selectors.campaign_get(user=request.user, campaign_id=campaign_id)
    invitee = selectors.invitee_get(user=request.user, campaign=campaign, invitee_id=invitee_id)
    can_write = scope_for(request.user).can_write_path(invitee.organization.path)
    reflection = selectors.reflection_of(invitee)
    review_form = forms.ReviewForm(request.POST if "review" in request.POST else None)
    excuse_form = forms.ExcuseForm(request.POST if "excuse" in request.POST else None)
    if request.method == "POST":
        _require(can_write)
        try:
            if "excuse" in request.POST and excuse_form.is_valid():
                services.reflection_excuse(actor=request.user, invitee=invitee, **excuse_form.cleaned_data)
                messages.success(request, "Đã miễn viết thu hoạch.")
                return redirect(request.path)
            if "review" in request.POST and review_form.is_valid() and reflection is not None:
                data = review_form.cleaned_data
                if request.POST.get("review") == "return":
                    services.reflection_return(actor=request.user, reflection=reflection, note=data["note"])
                    messages.success(request, "Đã trả lại bài để sửa.")
                else:
                    services.reflection_grade(
                        actor=request.user, reflection=reflection, grade=data["grade"], note=data["note"]
                    )
                    messages.success(request, "Đã chấm bài thu hoạch.")
                return redirect(request.path)
        except OutOfScope as exc:
            raise Http404 from exc
        except BusinessError as exc:
            apply_business_error(excuse_form if "excuse" in request.POST else review_form, exc)
    return render(
        request,
        "study/reflection_review.html",
        {
            "campaign": campaign,
            "invitee": invitee,
            "reflection": reflection,
            "qa": list(zip(campaign.reflection_questions, reflection.answers, strict=False))
            if reflection
            else [],
            "can_write": can_write,
            "review_form": review_form,
            "excuse_form": excuse_form,
            "history": history_for(reflection) if reflection else [],
        },
    )


# --- quizzes ---------------------------------------------------------------------------------------


@login_required
def questions_view(request, campaign_id: int):
    campaign = _managed_campaign(request, campaign_id)
    form = forms.QuestionImportForm(request.POST or None, request.FILES or None)
    row_errors = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        content = upload.read(services.importer.MAX_FILE_BYTES + 1)
        try:
            count = services.questions_import(actor=request.user, campaign=campaign, content=content)
        except services.QuestionImportError as exc:
            form.add_error("file", exc.message)
            row_errors = exc.errors
        except BusinessError as exc:
            apply_business_error(form, exc)
        else:
            messages.success(request, f"Đã nhập {count} câu hỏi.")
            return redirect("study:questions", campaign_id=campaign.pk)
    questions = Question.objects.filter(campaign=campaign)
    return render(
        request,
        "study/questions.html",
        {
            "campaign": campaign,
            "form": form,
            "row_errors": row_errors,
            **paginate(request, questions, per_page=50),
        },
    )


@login_required
def round_create_view(request, campaign_id: int):
    campaign = _managed_campaign(request, campaign_id)
    form = forms.QuizRoundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("week_of", None)
        try:
            quiz_round = services.quiz_round_create(actor=request.user, campaign=campaign, **data)
        except BusinessError as exc:
            apply_business_error(form, exc)
        else:
            messages.success(request, "Đã tạo đợt thi.")
            return redirect("study:round_detail", campaign_id=campaign.pk, round_id=quiz_round.pk)
    return render(
        request, "study/form.html", {"form": form, "title": f"Tạo đợt thi: {campaign}", "campaign": campaign}
    )


@login_required
def round_detail_view(request, campaign_id: int, round_id: int):
    campaign = selectors.campaign_get(user=request.user, campaign_id=campaign_id)
    quiz_round = selectors.quiz_round_get(campaign=campaign, round_id=round_id)
    scope = scope_for(request.user)
    now = timezone.now()
    context = {
        "campaign": campaign,
        "round": quiz_round,
        "is_open": rules.window_is_open(quiz_round.opens_at, quiz_round.closes_at, now),
        "invited": selectors.own_invitee(user=request.user, campaign=campaign) is not None,
        "attempts": selectors.my_attempts(user=request.user, quiz_round=quiz_round),
        "results": selectors.quiz_results_by_org(user=request.user, quiz_round=quiz_round)
        if scope.has_org_role
        else [],
    }
    return render(request, "study/round_detail.html", context)


@login_required
@require_POST
def round_start_view(request, campaign_id: int, round_id: int):
    campaign = selectors.campaign_get(user=request.user, campaign_id=campaign_id)
    quiz_round = selectors.quiz_round_get(campaign=campaign, round_id=round_id)
    try:
        attempt = services.quiz_start(user=request.user, quiz_round=quiz_round)
    except BusinessError as exc:
        messages.error(request, exc.message)
        return redirect("study:round_detail", campaign_id=campaign.pk, round_id=quiz_round.pk)
    return redirect("study:attempt", attempt_id=attempt.pk)


def _answers_from(post, question_ids: list[int]) -> dict[int, list[int]]:
    answers = {}
    for qid in question_ids:
        chosen = []
        for value in post.getlist(f"q{qid}")[:10]:
            if value.isdigit() and int(value) < 10:
                chosen.append(int(value))
        answers[qid] = chosen
    return answers


@login_required
def attempt_view(request, attempt_id: int):
    """The questions without their answers; the clock and the score are the server's."""
    attempt = selectors.attempt_get(user=request.user, attempt_id=attempt_id)
    if request.method == "POST":
        try:
            attempt = services.quiz_submit(
                user=request.user, attempt=attempt, answers=_answers_from(request.POST, attempt.question_ids)
            )
        except BusinessError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request, f"Đã nộp bài: {attempt.correct_count}/{len(attempt.question_ids)} câu đúng."
            )
        return redirect(
            "study:round_detail", campaign_id=attempt.round.campaign_id, round_id=attempt.round_id
        )
    if attempt.submitted_at is not None:
        return redirect(
            "study:round_detail", campaign_id=attempt.round.campaign_id, round_id=attempt.round_id
        )
    by_id = {
        q.pk: q for q in Question.objects.filter(pk__in=attempt.question_ids).only("pk", "text", "options")
    }
    questions = [
        {
            "id": qid,
            "text": by_id[qid].text,
            "options": rules.options_in_order(by_id[qid].options, attempt.option_orders.get(str(qid))),
        }
        for qid in attempt.question_ids
        if qid in by_id
    ]
    return render(request, "study/attempt.html", {"attempt": attempt, "questions": questions})


# --- reports ---------------------------------------------------------------------------------------


@login_required
def campaign_xlsx_view(request, campaign_id: int):
    campaign = selectors.campaign_get(user=request.user, campaign_id=campaign_id)
    _require(scope_for(request.user).has_org_role)
    content = reports.campaign_annex_xlsx(user=request.user, campaign=campaign)
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="hoc-tap-{campaign.pk}-phu-luc.xlsx"'
    return response


@login_required
def campaign_docx_view(request, campaign_id: int):
    campaign = selectors.campaign_get(user=request.user, campaign_id=campaign_id)
    _require(scope_for(request.user).has_org_role)
    content = reports.campaign_report_docx(user=request.user, campaign=campaign)
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    response["Content-Disposition"] = f'attachment; filename="hoc-tap-{campaign.pk}-bao-cao.docx"'
    return response


# --- political-theory training ---------------------------------------------------------------------


@login_required
def course_list_view(request):
    scope = scope_for(request.user)
    return render(
        request,
        "study/course_list.html",
        {
            "can_create": scope.is_global or bool(scope.write_paths),
            **paginate(request, selectors.course_list(user=request.user)),
        },
    )


@login_required
def course_create_view(request):
    scope = scope_for(request.user)
    _require(scope.is_global or bool(scope.write_paths))
    form = forms.CourseForm(request.POST or None, queryset=_writable_orgs(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            course = services.course_create(actor=request.user, **form.cleaned_data)
        except OutOfScope:
            form.add_error("organizer", services.MSG_NO_RIGHT)
        except BusinessError as exc:
            apply_business_error(form, exc)
        else:
            messages.success(request, "Đã mở lớp.")
            return redirect("study:course_detail", course_id=course.pk)
    return render(request, "study/form.html", {"form": form, "title": "Mở lớp lý luận chính trị"})


@login_required
def course_detail_view(request, course_id: int):
    course = selectors.course_get(user=request.user, course_id=course_id)
    scope = scope_for(request.user)
    enrol_form = forms.EnrolForm(request.POST if "enrol" in request.POST else None)
    if request.method == "POST" and "enrol" in request.POST and enrol_form.is_valid():
        person = (
            Person.objects.visible_to(request.user)
            .filter(card_number=enrol_form.cleaned_data["card_number"].strip())
            .first()
        )
        if person is None:
            enrol_form.add_error(
                "card_number", "Không tìm thấy đảng viên có số thẻ này trong phạm vi của bạn."
            )
        else:
            try:
                services.enrolment_add(actor=request.user, course=course, person=person)
            except OutOfScope:
                enrol_form.add_error("card_number", services.MSG_NO_RIGHT)
            except BusinessError as exc:
                apply_business_error(enrol_form, exc)
            else:
                messages.success(request, f"Đã ghi danh {person.full_name}.")
                return redirect(request.path)
    enrolments = list(selectors.enrolment_list(user=request.user, course=course))
    for enrolment in enrolments:
        enrolment.can_write = scope.can_write_path(enrolment.person.organization.path)
    return render(
        request,
        "study/course_detail.html",
        {
            "course": course,
            "enrolments": enrolments,
            "enrol_form": enrol_form,
            "complete_form": forms.CompleteForm(),
            "can_enrol": scope.is_global or bool(scope.write_paths),
        },
    )


@login_required
@require_POST
def enrolment_complete_view(request, course_id: int, enrolment_id: int):
    course = selectors.course_get(user=request.user, course_id=course_id)
    enrolment = selectors.enrolment_list(user=request.user, course=course).filter(pk=enrolment_id).first()
    _require(enrolment is not None)
    form = forms.CompleteForm(request.POST)
    if form.is_valid():
        try:
            services.enrolment_complete(actor=request.user, enrolment=enrolment, **form.cleaned_data)
        except OutOfScope as exc:
            raise Http404 from exc
        except BusinessError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "Đã ghi kết quả.")
    else:
        messages.error(request, "Kết quả không hợp lệ.")
    return redirect("study:course_detail", course_id=course.pk)


@login_required
def certificate_view(request, course_id: int, enrolment_id: int):
    course = selectors.course_get(user=request.user, course_id=course_id)
    enrolment = (
        selectors.enrolment_list(user=request.user, course=course)
        .filter(pk=enrolment_id, status="completed")
        .first()
    )
    _require(enrolment is not None)
    return render(request, "study/certificate.html", {"course": course, "enrolment": enrolment})


@login_required
def theory_gap_view(request):
    scope = scope_for(request.user)
    _require(scope.has_org_role)
    form = forms.RequirementForm(request.POST or None)
    can_configure = scope.is_global or bool(scope.structure_paths)
    if request.method == "POST":
        _require(can_configure)
        if form.is_valid():
            services.position_requirement_set(actor=request.user, **form.cleaned_data)
            messages.success(request, "Đã lưu yêu cầu trình độ.")
            return redirect("study:theory_gap")
    page = paginate(request, selectors.theory_gap_list(user=request.user))
    labels = dict(TheoryLevel.choices)
    for position in page["page_obj"]:
        position.required_label = labels.get(position.required_level, "")
    return render(
        request,
        "study/theory_gap.html",
        {
            "requirements": PositionRequirement.objects.all(),
            "form": form,
            "can_configure": can_configure,
            **page,
        },
    )
