"""The home-page panel "Việc chờ tôi xử lý" (registered first in `core.registry.HOME_PANELS`).

The home page carries a placeholder that htmx fills from `notifications:queue_panel` as soon as the page
is shown: at the root of a national tree the queue asks every module (sixteen queries, ~200 ms), which
doubled the home page's time; the page itself no longer waits for it. Without JavaScript the
placeholder is a link to the queue page."""

from django.urls import reverse

from .queue import queue_for

HOME_ITEMS = 8


def queue_panel(user) -> dict | None:
    """The placeholder on the home page (for every signed-in user: whether anything waits is the fragment's
    question)."""
    if not user.is_authenticated:
        return None
    return {"template": "notifications/_queue_lazy.html", "url": reverse("notifications:queue_panel")}


def queue_panel_context(user) -> dict | None:
    """What the panel shows, or None when nothing waits for the user (the panel then stays away)."""
    queue = queue_for(user)
    if not queue.items:
        return None
    return {
        "items": queue.items[:HOME_ITEMS],
        "count": queue.count,
        "truncated": queue.truncated,
        "more": queue.count > HOME_ITEMS,
    }
