"""Reads about notifications: a user only ever reads their own."""

from typing import TYPE_CHECKING

from django.http import Http404

from .kinds import declared_kinds
from .models import Notification, Preference

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def notification_list(*, user: "User", unread_only: bool = False):
    """The user's notifications, newest first."""
    qs = (
        Notification.objects.filter(recipient=user)
        .select_related("target_type")
        .order_by("-created_at", "-id")
    )
    return qs.filter(read_at__isnull=True) if unread_only else qs


def unread_count(user: "User") -> int:
    """The number in the menu: one COUNT over a tiny partial index (recipient, unread)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def notification_get(*, user: "User", notification_id) -> Notification:
    """One of the user's notifications, or 404 (another user's is answered like a missing one)."""
    try:
        return Notification.objects.get(pk=notification_id, recipient=user)
    except (Notification.DoesNotExist, ValueError, TypeError, OverflowError) as exc:
        raise Http404 from exc


def preferences_of(user: "User") -> list[tuple[object, str]]:
    """Every declared kind with the user's delivery for it (their choice, else the kind's default)."""
    chosen = dict(Preference.objects.filter(user=user).values_list("kind", "delivery"))
    return [(kind, chosen.get(kind.code, kind.default)) for kind in declared_kinds()]
