"""The home-page panel "Việc chờ tôi xử lý" (registered first in `core.registry.HOME_PANELS`)."""

from .queue import queue_for

HOME_ITEMS = 8


def queue_panel(user) -> dict | None:
    queue = queue_for(user)
    if not queue.items:
        return None
    return {
        "template": "notifications/_queue_panel.html",
        "items": queue.items[:HOME_ITEMS],
        "count": queue.count,
        "truncated": queue.truncated,
        "more": queue.count > HOME_ITEMS,
    }
