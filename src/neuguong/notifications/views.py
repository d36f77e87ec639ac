"""The notification list, opening a notification, the preferences page and the queue page.

A notification is marked read when it is **opened**: its link on the list (and in the e-mail) goes
through `notification_open_view`, which marks it read and redirects to the object. The list itself does
not mark what it shows, so unread ones stay marked until the person has looked at each, and one button
marks them all read.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from neuguong.core.forms import submit_form
from neuguong.core.paging import paginate

from . import services
from .forms import PreferencesForm
from .kinds import label_for
from .panels import queue_panel_context
from .queue import queue_for
from .selectors import notification_get, notification_list, preferences_of


@login_required
def notification_list_view(request):
    unread_only = request.GET.get("chua-doc") == "1"
    page = paginate(request, notification_list(user=request.user, unread_only=unread_only))
    for notification in page["page_obj"]:
        notification.kind_label = label_for(notification.kind)
    return render(request, "notifications/list.html", {"unread_only": unread_only, **page})


@login_required
def notification_open_view(request, notification_id: int):
    """Mark the notification read and go to what it is about."""
    notification = notification_get(user=request.user, notification_id=notification_id)
    services.notification_open(user=request.user, notification=notification)
    target = notification.url
    if not target or not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return redirect("notifications:list")
    return redirect(target)


@login_required
@require_POST
def mark_all_read_view(request):
    count = services.notifications_mark_all_read(user=request.user)
    messages.success(
        request, f"Đã đánh dấu {count} thông báo là đã đọc." if count else "Không còn thông báo chưa đọc."
    )
    return HttpResponseRedirect(reverse("notifications:list"), status=303)


@login_required
def preferences_view(request):
    form = PreferencesForm(request.POST or None, preferences=preferences_of(request.user))
    if request.method == "POST" and (
        done := submit_form(
            form, lambda data: services.preferences_save(actor=request.user, choices=form.choices())
        )
    ):
        changed = done.result
        messages.success(
            request,
            f"Đã lưu cách nhận thông báo: {changed} loại thay đổi." if changed else "Không có thay đổi.",
        )
        return HttpResponseRedirect(reverse("notifications:preferences"), status=303)
    return render(request, "notifications/preferences.html", {"form": form})


@login_required
def queue_view(request):
    """ "Việc chờ tôi xử lý": everything waiting for the user, oldest first."""
    return render(request, "notifications/queue.html", {"queue": queue_for(request.user)})


@login_required
def queue_panel_view(request):
    """The home page's "Việc chờ tôi xử lý" panel (fetched by htmx), empty when nothing waits."""
    panel = queue_panel_context(request.user)
    if panel is None:
        return HttpResponse("")
    return render(request, "notifications/_queue_panel.html", {"panel": panel})
