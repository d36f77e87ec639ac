"""Attendance pages: the secretary's sheet, the QR code shown in the room, the member's check-in."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from neuguong.core.forms import submit_form
from neuguong.core.paging import paginate
from neuguong.organizations.selectors import organization_get

from .. import rules, selectors, services
from ..forms import ActionForm
from ..models import (
    AttendanceStatus,
)
from .common import first_error, query_param, require

# --- attendance ------------------------------------------------------------------------------------


@login_required
def session_attendance_view(request, campaign_id: int, session_id: int):
    campaign = selectors.campaign_get(user=request.user, campaign_id=campaign_id)
    require(selectors.can_mark_any(request.user, campaign))
    session = selectors.session_get(campaign=campaign, session_id=session_id)
    org_code = query_param(request, "org", 32)
    organization = organization_get(user=request.user, code=org_code) if org_code else None
    filters = {
        "query": query_param(request, "q", 100),
        "organization": organization,
        "unmarked_only": request.GET.get("chua") == "1",
    }
    sheet = selectors.session_sheet(user=request.user, session=session, **filters)
    page = paginate(request, sheet, per_page=100)
    error = None
    if request.method == "POST":
        # The sheet is one row per person on this page, not a Django form: its marks are read here, and
        # a refusal is shown above the sheet with every posted mark kept.
        marks = {}
        for invitee in page["page_obj"]:
            status = request.POST.get(f"status_{invitee.pk}", "")
            if status:
                reason = request.POST.get(f"reason_{invitee.pk}", "").replace("\x00", "")
                marks[invitee.pk] = (status, reason)
        form = ActionForm(request.POST)
        if done := submit_form(
            form, lambda _: services.attendance_mark_many(actor=request.user, session=session, marks=marks)
        ):
            messages.success(request, f"Đã lưu điểm danh {done.result} người — {session}.")
            return redirect(request.get_full_path())
        error = first_error(form)
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
    """The QR code shown in the room; the page renews it by itself (and reloading issues a fresh link)."""
    import segno

    campaign = selectors.campaign_get(user=request.user, campaign_id=campaign_id)
    require(selectors.can_mark_any(request.user, campaign))
    session = selectors.session_get(campaign=campaign, session_id=session_id)
    token = rules.checkin_token(campaign.pk, session.pk)
    url = request.build_absolute_uri(
        reverse("study:checkin", kwargs={"campaign_id": campaign.pk, "session_id": session.pk})
        + f"?t={token}"
    )
    qr = segno.make(url, error="m")
    expires_at = timezone.now() + rules.CHECKIN_MAX_AGE
    # The page fetches a fresh code by itself (HTMX) long before the shown one expires: the screen in the
    # room is never left with a dead code.
    template = "study/_qr_code.html" if request.headers.get("HX-Request") else "study/qr.html"
    return render(
        request,
        template,
        {
            "campaign": campaign,
            "session": session,
            "qr_uri": qr.svg_data_uri(scale=8, border=2),
            "checkin_url": url,
            "expires_at": expires_at,
            "renew_seconds": rules.QR_RENEW_SECONDS,
        },
    )


@login_required
def checkin_view(request, campaign_id: int, session_id: int):
    """Self check-in from a phone: the signed link decides, not the page the member came from."""
    token = (request.POST.get("t") or request.GET.get("t") or "")[:500]
    session = selectors.checkin_session(campaign_id=campaign_id, session_id=session_id)
    campaign = session.campaign if session else None
    error = done = None
    if session is None:
        error = services.MSG_QR_INVALID
    elif request.method == "POST":
        form = ActionForm(request.POST)
        if checked_in := submit_form(
            form, lambda _: services.attendance_self_checkin(user=request.user, session=session, token=token)
        ):
            done = checked_in.result
        else:
            error = first_error(form)
    else:
        error = services.checkin_link_problem(token, session=session)
    status = 400 if error else 200
    return render(
        request,
        "study/checkin.html",
        {"campaign": campaign, "session": session, "token": token, "error": error, "done": done},
        status=status,
    )
