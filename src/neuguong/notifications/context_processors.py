from .selectors import unread_count


def unread_notifications(request):
    """The unread count beside "Thông báo" in the menu (one small query per page)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"nav_unread": unread_count(user)}
