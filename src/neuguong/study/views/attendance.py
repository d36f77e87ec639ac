"""Attendance pages: the secretary's sheet, the QR code shown in the room, the member's check-in."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from neuguong.core.errors import BusinessError, OutOfScope
from neuguong.core.paging import paginate
from neuguong.organizations.models import Organization

from .. import rules, selectors, services
from ..models import (
    AttendanceStatus,
    Campaign,
)
from .common import (
    require,
)

# --- attendance ------------------------------------------------------------------------------------


@login_required
def session_attendance_view(request, campaign_id: int, session_id: int):
    campaign = selectors.campaign_get(user=request.user, campaign_id=campaign_id)
    require(selectors.can_mark_any(request.user, campaign))
    session = selectors.session_get(campaign=campaign, session_id=session_id)
    org_code = request.GET.get("org", "")[:32]
    organization = None
    if org_code:
        organization = Organization.objects.visible_to(request.user).filter(code=org_code).first()
        require(organization is not None)
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
    require(selectors.can_mark_any(request.user, campaign))
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
