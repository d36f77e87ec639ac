from django.utils.functional import SimpleLazyObject

from .selectors import unread_count


def unread_notifications(request):
    """The unread count beside "Thông báo" in the menu: one small query, run only by a page that shows
    the menu (an HTMX fragment rendered with the request's context does not pay for it)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"nav_unread": SimpleLazyObject(lambda: unread_count(user))}
