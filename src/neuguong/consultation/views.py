"""Pages of consultations. Thin: fetch through a selector (404 when not visible), run one service through
`submit_form`, flash what happened, redirect. Nothing here catches a service's error: an out-of-scope
action is the 404 page and a business error is shown next to its field (`core.forms.submit_form`) or,
outside a form, as a message (`core.middleware`)."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from neuguong.core.dates import local_today
from neuguong.core.forms import submit_form
from neuguong.core.paging import paginate
from neuguong.organizations.models import Organization

from . import access, exports, rules, services
from .forms import (
    AdoptForm,
    AudienceForm,
    CollectiveCommentForm,
    CommentEditForm,
    CommentFilterForm,
    CommentForm,
    DispositionForm,
    DraftCreateForm,
    DraftEditForm,
    DraftFilterForm,
    GroupForm,
    ImplementForm,
    PaperCommentForm,
    SectionForm,
    TextForm,
    VersionForm,
    WithdrawForm,
    section_choice_label,
)
from .models import DOCUMENT_TYPES_OF_KIND, CommentGroup, DraftState
from .outline import outline_from_input
from .selectors import (
    CHANGE_LABELS,
    adopted_rows,
    comment_get,
    comment_list,
    draft_for_manage,
    draft_for_oversight,
    draft_get,
    draft_list,
    draft_page,
    draft_summary,
    full_labels,
    group_disposition,
    groups_of,
    own_commenter_kind,
    paper_people,
    section_descendants,
    section_get,
    sections_of,
    synthesis,
    version_diff,
    version_get,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _see_other(url: str):
    response = redirect(url)
    response.status_code = 303
    return response


def _to_detail(draft, anchor: str = ""):
    return _see_other(reverse("consultation:detail", args=[draft.pk]) + anchor)


# ----------------------------------------------------------------------------------------- the list
def _list_filters(request) -> dict:
    form = DraftFilterForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    organization = None
    if data.get("org"):
        organization = Organization.objects.visible_to(request.user).filter(code=data["org"]).first()
        if organization is None:
            raise Http404
    return {
        "query": data.get("q", ""),
        "state": data.get("state", ""),
        "kind": data.get("kind", ""),
        "year": data.get("year"),
        "organization": organization,
        "sort": data.get("sort") or "-opens",
    }


@login_required
def draft_list_view(request):
    filters = _list_filters(request)
    qs = draft_list(user=request.user, **filters)
    if request.GET.get("export") == "xlsx":
        response = HttpResponse(exports.drafts_workbook(qs[:5000], now=timezone.now()), content_type=XLSX)
        response["Content-Disposition"] = 'attachment; filename="du-thao-lay-y-kien.xlsx"'
        return response
    context = {
        "filters": filters,
        "filter_form": DraftFilterForm(request.GET),
        "can_create": Organization.objects.writable_by(request.user).exists(),
        "now": timezone.now(),
        **paginate(request, qs),
    }
    template = "consultation/_table.html" if request.htmx else "consultation/list.html"
    return render(request, template, context)


@login_required
def draft_create_view(request):
    writable = Organization.objects.writable_by(request.user)
    if not writable.exists():
        raise Http404
    first = writable.order_by("depth", "path").first()
    form = DraftCreateForm(
        request.POST or None, request.FILES or None, user=request.user, initial={"organization": first}
    )

    def create(data):
        outline = outline_from_input(text=data["text"], upload=data["file"])
        return services.draft_create(
            actor=request.user,
            organization=data["organization"],
            kind=data["kind"],
            title=data["title"],
            opens_at=data["opens_at"],
            closes_at=data["closes_at"],
            comments_visibility=data["comments_visibility"],
            publish_synthesis=data["publish_synthesis"],
            sections=outline.sections,
            preamble=outline.preamble,
        )

    if request.method == "POST" and (done := submit_form(form, create)):
        draft = done.result
        count = draft.current_version.sections.count()
        messages.success(
            request,
            f"Đã tạo dự thảo «{draft.title}» ({count} phần), lấy ý kiến trong {draft.audience_root or draft.organization}.",
        )
        return _to_detail(draft)
    return render(
        request, "consultation/form.html", {"form": form, "title": "Dự thảo mới", "multipart": True}
    )


# ---------------------------------------------------------------------------------------- the draft
@login_required
def draft_detail_view(request, draft_id: int):
    draft = draft_get(user=request.user, draft_id=draft_id)
    page = draft_page(
        user=request.user, draft=draft, now=timezone.now(), version_number=request.GET.get("lan")
    )
    history = []
    if page.oversees:
        from neuguong.audit.selectors import history_for

        history = history_for(draft, limit=100)
    return render(
        request,
        "consultation/detail.html",
        {
            "page": page,
            "draft": draft,
            "history": history,
            "actions": _actions(page),
            "opens": rules.local_time(draft.opens_at),
            "closes": rules.local_time(draft.closes_at),
        },
    )


def _actions(page) -> list[dict[str, object]]:
    """The steps the committee may take now, as buttons (each a POST to `step_view`, or a form page)."""
    if not page.manage:
        return []
    draft, state = page.draft, page.draft.state
    closed = state in (DraftState.CLOSED, DraftState.SYNTHESIS) or (
        state == DraftState.OPEN and page.state[0] == DraftState.CLOSED
    )
    actions: list[dict[str, object]] = []
    if state == DraftState.DRAFTING:
        actions.append(
            {
                "step": "open",
                "label": "Đưa ra lấy ý kiến",
                "confirm": "Đưa dự thảo ra lấy ý kiến? Người được lấy ý kiến sẽ được báo.",
            }
        )
    if state == DraftState.OPEN and page.state[0] != DraftState.CLOSED:
        actions.append(
            {
                "step": "close",
                "label": "Kết thúc lấy ý kiến",
                "confirm": "Kết thúc lấy ý kiến ngay bây giờ (trước hạn)?",
                "outline": True,
            }
        )
    if closed:
        actions.append(
            {
                "url": reverse("consultation:new_version", args=[draft.pk]),
                "label": "Tạo bản dự thảo mới",
                "outline": True,
            }
        )
        actions.append(
            {
                "step": "approve",
                "label": "Duyệt báo cáo tổng hợp",
                "confirm": "Duyệt báo cáo tổng hợp, tiếp thu, giải trình?",
            }
        )
    if state == DraftState.APPROVED:
        actions.append(
            {"url": reverse("consultation:adopt", args=[draft.pk]), "label": "Thông qua, vào sổ văn bản"}
        )
        actions.append({"step": "reopen", "label": "Mở lại tổng hợp", "outline": True})
    if state == DraftState.ADOPTED:
        actions.append(
            {
                "url": reverse("consultation:implement", args=[draft.pk]),
                "label": "Chuyển thành chỉ tiêu, kế hoạch thực hiện",
            }
        )
    if state not in (DraftState.ADOPTED, DraftState.WITHDRAWN):
        actions.append(
            {"url": reverse("consultation:withdraw", args=[draft.pk]), "label": "Rút dự thảo", "danger": True}
        )
    return actions


STEPS = {
    "open": (services.draft_open, "Đã đưa dự thảo «{title}» ra lấy ý kiến đến {closes}."),
    "close": (services.draft_close, "Đã kết thúc lấy ý kiến dự thảo «{title}»."),
    "approve": (
        services.synthesis_approve,
        "Đã duyệt báo cáo tổng hợp, tiếp thu, giải trình ý kiến dự thảo «{title}».",
    ),
    "reopen": (services.synthesis_reopen, "Đã mở lại tổng hợp ý kiến dự thảo «{title}»."),
}


@login_required
@require_POST
def step_view(request, draft_id: int, step: str):
    draft = draft_for_manage(user=request.user, draft_id=draft_id)
    if step not in STEPS:
        raise Http404
    service, message = STEPS[step]
    service(actor=request.user, draft=draft)
    messages.success(request, message.format(title=draft.title, closes=rules.local_time(draft.closes_at)))
    return _to_detail(draft)


@login_required
def draft_edit_view(request, draft_id: int):
    draft = draft_for_manage(user=request.user, draft_id=draft_id)
    initial = {
        "kind": draft.kind,
        "title": draft.title,
        "opens_at": draft.opens_at,
        "closes_at": draft.closes_at,
        "comments_visibility": draft.comments_visibility,
        "publish_synthesis": draft.publish_synthesis,
    }
    form = DraftEditForm(request.POST or None, draft=draft, initial=initial)
    if request.method == "POST" and (
        done := submit_form(form, lambda data: services.draft_update(actor=request.user, draft=draft, **data))
    ):
        messages.success(request, f"Đã lưu thông tin dự thảo «{done.result.title}».")
        return _to_detail(draft)
    return render(
        request, "consultation/form.html", {"form": form, "title": "Sửa thông tin dự thảo", "draft": draft}
    )


@login_required
def audience_view(request, draft_id: int):
    draft = draft_for_manage(user=request.user, draft_id=draft_id)
    initial = {
        "audience_root": draft.audience_root_id,
        "invite_official": draft.invite_official,
        "invite_probationary": draft.invite_probationary,
        "invite_exempt": draft.invite_exempt,
        "delegates": list(draft.delegates.values_list("pk", flat=True)),
        "invited_organizations": list(draft.invited_organizations.values_list("pk", flat=True)),
    }
    form = AudienceForm(request.POST or None, draft=draft, initial=initial)
    if request.method == "POST" and (
        done := submit_form(form, lambda data: services.audience_set(actor=request.user, draft=draft, **data))
    ):
        messages.success(request, f"Đã lưu đối tượng lấy ý kiến dự thảo «{done.result.title}».")
        return _to_detail(draft)
    return render(
        request, "consultation/form.html", {"form": form, "title": "Đối tượng lấy ý kiến", "draft": draft}
    )


@login_required
def text_view(request, draft_id: int):
    draft = draft_for_manage(user=request.user, draft_id=draft_id)
    form = TextForm(request.POST or None, request.FILES or None)

    def replace(data):
        outline = outline_from_input(text=data["text"], upload=data["file"])
        name = data["file"].name if data["file"] else ""
        return services.text_replace(actor=request.user, draft=draft, outline=outline, file_name=name)

    if request.method == "POST" and (done := submit_form(form, replace)):
        messages.success(request, f"Đã nhập nội dung {done.result}: {done.result.sections.count()} phần.")
        return _to_detail(draft)
    return render(
        request,
        "consultation/form.html",
        {
            "form": form,
            "title": f"Nhập nội dung dự thảo — {draft.current_version}",
            "draft": draft,
            "multipart": True,
            "warning": "Toàn bộ nội dung của bản này sẽ được thay bằng nội dung mới.",
        },
    )


@login_required
def section_add_view(request, draft_id: int):
    draft = draft_for_manage(user=request.user, draft_id=draft_id)
    parent = section_get(draft=draft, section_id=request.GET["cha"]) if request.GET.get("cha") else None
    after = section_get(draft=draft, section_id=request.GET["sau"]) if request.GET.get("sau") else None
    form = SectionForm(request.POST or None)
    if request.method == "POST" and (
        done := submit_form(
            form,
            lambda data: services.section_add(
                actor=request.user, draft=draft, parent=parent, after=after, **data
            ),
        )
    ):
        messages.success(request, f"Đã thêm «{done.result.label}».")
        return _to_detail(draft, f"#phan-{done.result.pk}")
    where = f" sau «{after.label}»" if after else (f" trong «{parent.label}»" if parent else "")
    return render(
        request, "consultation/form.html", {"form": form, "title": f"Thêm phần{where}", "draft": draft}
    )


@login_required
def section_edit_view(request, draft_id: int, section_id: int):
    draft = draft_for_manage(user=request.user, draft_id=draft_id)
    section = section_get(draft=draft, section_id=section_id)
    form = SectionForm(
        request.POST or None, initial={"number": section.number, "title": section.title, "text": section.text}
    )
    if request.method == "POST" and (
        done := submit_form(
            form,
            lambda data: services.section_update(actor=request.user, draft=draft, section=section, **data),
        )
    ):
        messages.success(request, f"Đã sửa «{done.result.label}».")
        return _to_detail(draft, f"#phan-{section.pk}")
    return render(
        request, "consultation/form.html", {"form": form, "title": f"Sửa «{section.label}»", "draft": draft}
    )


@login_required
@require_POST
def section_remove_view(request, draft_id: int, section_id: int):
    draft = draft_for_manage(user=request.user, draft_id=draft_id)
    section = section_get(draft=draft, section_id=section_id)
    count = services.section_remove(actor=request.user, draft=draft, section=section)
    messages.success(
        request, f"Đã bỏ «{section.label}»" + (f" và {count - 1} phần bên trong." if count > 1 else ".")
    )
    return _to_detail(draft)


@login_required
def new_version_view(request, draft_id: int):
    draft = draft_for_manage(user=request.user, draft_id=draft_id)
    form = VersionForm(request.POST or None)
    if request.method == "POST" and (
        done := submit_form(
            form, lambda data: services.version_create(actor=request.user, draft=draft, **data)
        )
    ):
        messages.success(
            request, f"Đã tạo {done.result.__str__().lower()} từ bản trước; sửa các phần cần tiếp thu ý kiến."
        )
        return _to_detail(draft)
    return render(
        request, "consultation/form.html", {"form": form, "title": "Tạo bản dự thảo mới", "draft": draft}
    )


@login_required
def withdraw_view(request, draft_id: int):
    draft = draft_for_manage(user=request.user, draft_id=draft_id)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and (
        done := submit_form(
            form, lambda data: services.draft_withdraw(actor=request.user, draft=draft, **data)
        )
    ):
        messages.success(request, f"Đã rút dự thảo «{done.result.title}».")
        return _to_detail(draft)
    return render(request, "consultation/form.html", {"form": form, "title": "Rút dự thảo", "draft": draft})


@login_required
def adopt_view(request, draft_id: int):
    from neuguong.documents.services import propose_number
    from neuguong.people.selectors import document_signer

    draft = draft_for_manage(user=request.user, draft_id=draft_id)
    today = local_today()
    doc_type = DOCUMENT_TYPES_OF_KIND[draft.kind][0]
    signer = document_signer(organization=draft.organization, on=today)
    initial = {
        "doc_type": doc_type,
        "number_text": propose_number(organization=draft.organization, doc_type=doc_type, issued_on=today),
        "issued_on": today,
        "summary": draft.title,
        "signer": signer.full_name if signer else "",
    }
    form = AdoptForm(request.POST or None, draft=draft, initial=initial)
    if request.method == "POST" and (
        done := submit_form(form, lambda data: services.draft_adopt(actor=request.user, draft=draft, **data))
    ):
        messages.success(request, f"Đã thông qua và vào sổ văn bản {done.result.number_text}: {draft.title}.")
        return _to_detail(draft)
    return render(
        request,
        "consultation/form.html",
        {"form": form, "title": f"Thông qua — {draft.title}", "draft": draft},
    )


# -------------------------------------------------------------------------------------------- comments
def _comment_context(request, draft, form, title: str, section=None) -> dict:
    return {
        "form": form,
        "draft": draft,
        "title": title,
        "section": section,
        # What the section holds, so the commenter reads what they comment on (its points, at most 12).
        "inside": section_descendants(section)[:12] if section is not None else [],
        "closes": rules.local_time(draft.closes_at),
    }


def _chosen_section(request, draft):
    if not request.GET.get("phan"):
        return None
    section = section_get(draft=draft, section_id=request.GET["phan"])
    if section.version_id != draft.consulted_version_id:
        raise Http404
    return section


@login_required
def comment_create_view(request, draft_id: int):
    draft = draft_get(user=request.user, draft_id=draft_id)
    if own_commenter_kind(user=request.user, draft=draft) is None:
        raise Http404  # not asked in person (an organisation's secretary uses the collective form)
    section = _chosen_section(request, draft)
    form = CommentForm(request.POST or None, draft=draft, initial={"section": section})
    if request.method == "POST" and (
        done := submit_form(
            form, lambda data: services.comment_submit(actor=request.user, draft=draft, **data)
        )
    ):
        section = done.result.section
        where = section.label if section is not None else "toàn bộ dự thảo"
        messages.success(
            request,
            f"Đã gửi ý kiến «{done.result.get_stance_display()}» về {where}. Có thể sửa đến {rules.local_time(draft.closes_at)}.",
        )
        return _to_detail(draft, "#y-kien-cua-toi")
    return render(
        request,
        "consultation/comment_form.html",
        _comment_context(request, draft, form, "Góp ý dự thảo", section),
    )


@login_required
def collective_comment_view(request, draft_id: int):
    draft = draft_get(user=request.user, draft_id=draft_id)
    organizations = access.commenting_organizations(request.user, draft)
    if not organizations.exists():
        raise Http404
    section = _chosen_section(request, draft)
    initial = {"section": section, "organization": organizations.order_by("depth", "name_folded").first()}
    form = CollectiveCommentForm(
        request.POST or None, draft=draft, organizations=organizations, initial=initial
    )
    if request.method == "POST" and (
        done := submit_form(
            form, lambda data: services.comment_submit(actor=request.user, draft=draft, **data)
        )
    ):
        comment = done.result
        messages.success(
            request,
            f"Đã gửi ý kiến tập thể của {comment.organization.name} ({comment.participant_count} đảng viên tham gia thảo luận).",
        )
        return _to_detail(draft, "#y-kien-cua-toi")
    return render(
        request,
        "consultation/comment_form.html",
        _comment_context(request, draft, form, "Ý kiến tập thể của tổ chức", section),
    )


@login_required
def paper_comment_view(request, draft_id: int):
    draft = draft_get(user=request.user, draft_id=draft_id)
    people = paper_people(user=request.user, draft=draft)
    if not draft.opened_at or not people.exists():
        raise Http404
    form = PaperCommentForm(request.POST or None, draft=draft, people=people)
    if request.method == "POST" and (
        done := submit_form(
            form, lambda data: services.comment_submit(actor=request.user, draft=draft, on_paper=True, **data)
        )
    ):
        messages.success(request, f"Đã nhập ý kiến của đồng chí {done.result.commenter_name} từ phiếu góp ý.")
        return _see_other(reverse("consultation:paper_comment", args=[draft.pk]))
    return render(
        request,
        "consultation/comment_form.html",
        _comment_context(request, draft, form, "Nhập phiếu góp ý giấy"),
    )


@login_required
def comment_edit_view(request, draft_id: int, comment_id: int):
    draft = draft_get(user=request.user, draft_id=draft_id)
    comment = comment_get(user=request.user, draft=draft, comment_id=comment_id)
    if not services.may_edit_comment(request.user, comment):
        raise Http404
    initial = {"stance": comment.stance, "text": comment.text, "participant_count": comment.participant_count}
    form = CommentEditForm(request.POST or None, comment=comment, initial=initial)
    if request.method == "POST" and (
        done := submit_form(
            form, lambda data: services.comment_edit(actor=request.user, comment=comment, **data)
        )
    ):
        messages.success(request, f"Đã sửa ý kiến của {done.result.commenter_name}.")
        return _to_detail(draft, "#y-kien-cua-toi")
    return render(
        request,
        "consultation/comment_form.html",
        _comment_context(request, draft, form, f"Sửa ý kiến của {comment.commenter_name}", comment.section),
    )


def _comment_filters(request, draft) -> dict:
    form = CommentFilterForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    section: object = ""
    if data.get("section") == "toan-bo":
        section = None
    elif data.get("section"):
        section = section_get(draft=draft, section_id=data["section"])
    return {
        "section": section,
        "stance": data.get("stance", ""),
        "disposition": data.get("disposition", ""),
        "commenter_kind": data.get("kind", ""),
        "query": data.get("q", ""),
        "sort": data.get("sort") or "section",
    }


@login_required
def comment_list_view(request, draft_id: int):
    draft = draft_for_oversight(user=request.user, draft_id=draft_id)
    filters = _comment_filters(request, draft)
    qs = comment_list(user=request.user, draft=draft, **filters)
    if request.GET.get("export") == "xlsx":
        response = HttpResponse(exports.comments_workbook(draft, qs[:20000]), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="y-kien-du-thao-{draft.pk}.xlsx"'
        return response
    version = draft.consulted_version
    sections = sections_of(version) if version else []
    context = {
        "draft": draft,
        "labels": full_labels(sections),
        "filters": filters,
        "filter_form": CommentFilterForm(request.GET),
        "sections": [(s.pk, section_choice_label(s)) for s in sections],
        "manage": access.can_manage(request.user, draft),
        "synthesis_open": draft.state in (DraftState.CLOSED, DraftState.SYNTHESIS)
        or (draft.state == DraftState.OPEN and rules.window_has_closed(draft, timezone.now())),
        "undisposed": services.undisposed_count(draft),
        **paginate(request, qs),
    }
    template = "consultation/_comments.html" if request.htmx else "consultation/comments.html"
    return render(request, template, context)


@login_required
def comment_detail_view(request, draft_id: int, comment_id: int):
    draft = draft_for_oversight(user=request.user, draft_id=draft_id)
    comment = comment_get(user=request.user, draft=draft, comment_id=comment_id)
    manage = access.can_manage(request.user, draft)
    initial = {
        "kind": comment.disposition,
        "text": comment.disposition_text,
        "revised_section": comment.revised_section_id,
    }
    form = DispositionForm(request.POST or None, draft=draft, initial=initial)
    if request.method == "POST":
        if not manage:
            raise Http404
        if done := submit_form(
            form, lambda data: services.comment_dispose(actor=request.user, comment=comment, **data)
        ):
            answered = done.result
            messages.success(
                request,
                f"Đã ghi «{answered.get_disposition_display()}» cho ý kiến của {answered.commenter_name}.",
            )
            following = (
                comment_list(user=request.user, draft=draft, disposition="none")
                .exclude(pk=answered.pk)
                .first()
            )
            if request.POST.get("next") == "1" and following is not None:
                return _see_other(reverse("consultation:comment", args=[draft.pk, following.pk]))
            return _see_other(reverse("consultation:comments", args=[draft.pk]) + f"#y-kien-{answered.pk}")
    from neuguong.audit.selectors import history_for

    return render(
        request,
        "consultation/comment_detail.html",
        {
            "draft": draft,
            "comment": comment,
            "form": form,
            "manage": manage,
            "history": history_for(comment, limit=50),
            "synthesis_open": draft.state in (DraftState.OPEN, DraftState.CLOSED, DraftState.SYNTHESIS),
        },
    )


@login_required
@require_POST
def group_create_view(request, draft_id: int):
    draft = draft_for_manage(user=request.user, draft_id=draft_id)
    form = GroupForm(request.POST, draft=draft)
    if not form.is_valid():
        messages.error(request, "Chọn ít nhất hai ý kiến và ghi nội dung chung của nhóm.")
        return _see_other(reverse("consultation:comments", args=[draft.pk]))
    group = services.group_create(
        actor=request.user,
        draft=draft,
        comments=list(form.cleaned_data["comments"]),
        summary=form.cleaned_data["summary"],
    )
    messages.success(request, f"Đã gộp {group.comments.count()} ý kiến thành nhóm «{group.summary}».")
    return _see_other(reverse("consultation:group", args=[draft.pk, group.pk]))


@login_required
def group_view(request, draft_id: int, group_id: int):
    draft = draft_for_oversight(user=request.user, draft_id=draft_id)
    group = CommentGroup.objects.filter(draft=draft, pk=group_id).select_related("section").first()
    if group is None:
        raise Http404
    comments = list(comment_list(user=request.user, draft=draft).filter(group=group))
    manage = access.can_manage(request.user, draft)
    first = comments[0] if comments else None
    shared = group_disposition(comments)
    initial = {
        "kind": shared,
        "text": first.disposition_text if shared and first else "",
        "revised_section": first.revised_section_id if shared and first else None,
    }
    form = DispositionForm(request.POST or None, draft=draft, initial=initial)
    if request.method == "POST":
        if not manage:
            raise Http404
        if done := submit_form(
            form, lambda data: services.group_dispose(actor=request.user, group=group, **data)
        ):
            messages.success(
                request, f"Đã ghi tiếp thu, giải trình cho {done.result} ý kiến của nhóm «{group.summary}»."
            )
            return _see_other(reverse("consultation:comments", args=[draft.pk]))
    return render(
        request,
        "consultation/group.html",
        {"draft": draft, "group": group, "comments": comments, "form": form, "manage": manage},
    )


@login_required
@require_POST
def ungroup_view(request, draft_id: int, comment_id: int):
    draft = draft_for_manage(user=request.user, draft_id=draft_id)
    comment = comment_get(user=request.user, draft=draft, comment_id=comment_id)
    services.comment_ungroup(actor=request.user, comment=comment)
    messages.success(request, f"Đã tách ý kiến của {comment.commenter_name} khỏi nhóm.")
    return _see_other(reverse("consultation:comment", args=[draft.pk, comment.pk]))


@login_required
@require_POST
def agreeing_view(request, draft_id: int):
    draft = draft_for_manage(user=request.user, draft_id=draft_id)
    count = services.agreeing_acknowledge(actor=request.user, draft=draft)
    messages.success(request, f"Đã ghi «Đã có trong dự thảo» cho {count} ý kiến tán thành không kèm đề nghị.")
    return _see_other(reverse("consultation:comments", args=[draft.pk]))


# ----------------------------------------------------------------------------------- synthesis, diff
def _synthesis_draft(request, draft_id: int):
    draft = draft_get(user=request.user, draft_id=draft_id)
    if not draft.opened_at or not access.may_read_synthesis(request.user, draft):
        raise Http404
    return draft


@login_required
def synthesis_view(request, draft_id: int):
    draft = _synthesis_draft(request, draft_id)
    summary = draft_summary(draft)
    oversees = access.oversees(request.user, draft)
    from neuguong.docengine.pdf import pdf_available

    return render(
        request,
        "consultation/synthesis.html",
        {
            "draft": draft,
            "summary": summary,
            "blocks": synthesis(draft, summary),
            "oversees": oversees,
            # The audience reads who said what only when the draft lets them read one another's comments.
            "show_names": oversees or draft.comments_visibility == "audience",
            "pdf": pdf_available(),
            "opens": rules.local_time(draft.opens_at),
            "closes": rules.local_time(
                draft.closed_at if draft.closed_at and draft.closed_at < draft.closes_at else draft.closes_at
            ),
            "groups": groups_of(draft) if oversees else [],
        },
    )


@login_required
def report_view(request, draft_id: int, fmt: str):
    """The synthesis report (DOCX or PDF) and its annex (XLSX), from the figures the page shows."""
    from . import partydocs

    draft = _synthesis_draft(request, draft_id)
    if not access.oversees(request.user, draft) or fmt not in ("docx", "pdf", "xlsx"):
        raise Http404
    summary = draft_summary(draft)
    name = f"bao-cao-tong-hop-y-kien-du-thao-{draft.pk}"
    if fmt == "xlsx":
        comments = comment_list(user=request.user, draft=draft)
        data = partydocs.synthesis_annex_xlsx(draft=draft, summary=summary, comments=comments)
        content_type = XLSX
    else:
        data = partydocs.synthesis_report_docx(
            draft=draft, summary=summary, blocks=synthesis(draft, summary), today=local_today()
        )
        content_type = DOCX
        if fmt == "pdf":
            from neuguong.docengine.pdf import docx_to_pdf

            data, content_type = docx_to_pdf(data), "application/pdf"
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@login_required
def diff_view(request, draft_id: int):
    draft = draft_for_oversight(user=request.user, draft_id=draft_id)
    versions = list(draft.versions.order_by("number"))
    if len(versions) < 2:
        raise Http404
    new = version_get(draft=draft, number=request.GET.get("den") or versions[-1].number)
    old = version_get(draft=draft, number=request.GET.get("tu") or max(1, new.number - 1))
    rows = version_diff(old, new)
    show_all = request.GET.get("tat-ca") == "1"
    counts = {change: sum(1 for r in rows if r.change == change) for change in CHANGE_LABELS}
    return render(
        request,
        "consultation/diff.html",
        {
            "draft": draft,
            "versions": versions,
            "old": old,
            "new": new,
            "rows": rows if show_all else [r for r in rows if r.change != "same"],
            "show_all": show_all,
            "counts": counts,
            "labels": CHANGE_LABELS,
        },
    )


@login_required
def implement_view(request, draft_id: int):
    """After adoption, in one step: the sections chosen become indicators of the targets module (each
    keeping its article) and the items of a plan on the adopted document (the plans module), the plan's
    document being the adopted text: the link back."""
    from django.apps import apps

    from neuguong.plans.models import Plan

    draft = draft_for_manage(user=request.user, draft_id=draft_id)
    document = draft.adopted_document
    if draft.state != DraftState.ADOPTED or document is None:
        raise Http404
    rows = adopted_rows(draft)
    # The plan part needs the plans module (issue 14): without it the page makes indicators only.
    plans_installed = apps.is_installed("neuguong.plans")
    plan = Plan.objects.filter(document=document).first() if plans_installed else None
    today = local_today()
    issued = document.issued_on or today
    initial = {
        "plan_title": f"Kế hoạch thực hiện {document.get_doc_type_display()} số {document.number_text} "
        f"{draft.title[:300]}",
        "plan_starts_on": max(issued, today),
        "plan_ends_on": dt.date(max(issued, today).year + 4, 12, 31),
    }
    form = ImplementForm(
        request.POST or None,
        rows=rows,
        code_prefix=document.number_text.split("/", 1)[0],
        with_plan=plans_installed and plan is None,
        initial=initial,
    )
    if request.method == "POST" and (
        done := submit_form(
            form,
            lambda data: services.adopted_implement(
                actor=request.user, draft=draft, indicators=form.indicators(data), plan=form.plan(data)
            ),
        )
    ):
        made = done.result
        if made.indicators:
            messages.success(
                request,
                f"Đã chuyển {len(made.indicators)} phần của văn bản {document.number_text} thành chỉ tiêu: "
                + ", ".join(indicator.code for indicator in made.indicators)
                + ".",
            )
        if made.plan is not None:
            messages.success(
                request, f"Đã lập kế hoạch «{made.plan.title}» với {made.plan.items.count()} mục từ văn bản."
            )
        return _see_other(reverse("consultation:implement", args=[draft.pk]))
    return render(
        request,
        "consultation/implement.html",
        {
            "draft": draft,
            "form": form,
            "plan": plan,
            "made": [row for row in rows if row.indicator is not None],
            "title": f"Chuyển thành chỉ tiêu, kế hoạch thực hiện — {document.number_text}",
        },
    )
