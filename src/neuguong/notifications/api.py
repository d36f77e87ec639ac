"""/api/v1/notifications (the caller's own) and /api/v1/me/queue (what waits for the caller)."""

import datetime as dt

from ninja import Query, Router, Schema

from neuguong.core.api import Id, PageParams, paginate_queryset

from . import services
from .kinds import label_for
from .names import display_name
from .queue import queue_for
from .selectors import notification_get, notification_list, unread_count

router = Router(tags=["notifications"])


class ObjectRef(Schema):
    """What a notification or a queue item is about."""

    type: str | None  # "commitments.commitment"
    id: int | None
    title: str
    url: str


class NotificationOut(Schema):
    id: int
    kind: str
    kind_label: str
    title: str
    text: str
    actor: str | None
    created_at: dt.datetime
    read_at: dt.datetime | None
    object: ObjectRef


class NotificationPage(Schema):
    items: list[NotificationOut]
    count: int
    unread: int


class QueueItemOut(Schema):
    kind: str
    kind_label: str
    title: str
    organization: str
    waiting_since: dt.datetime
    object: ObjectRef


class QueueOut(Schema):
    items: list[QueueItemOut]
    count: int
    truncated: bool


class NotificationFilters(PageParams):
    unread: bool = False


def _out(notification) -> dict:
    target_type = notification.target_type
    return {
        "id": notification.pk,
        "kind": notification.kind,
        "kind_label": label_for(notification.kind),
        "title": notification.title,
        "text": notification.text,
        "actor": display_name(notification.actor) if notification.actor_id else None,
        "created_at": notification.created_at,
        "read_at": notification.read_at,
        "object": {
            "type": f"{target_type.app_label}.{target_type.model}" if target_type else None,
            "id": notification.target_id,
            "title": notification.target_repr,
            "url": notification.url,
        },
    }


@router.get("/notifications", response=NotificationPage, summary="Thông báo của tôi, mới nhất trước")
def list_notifications(request, filters: Query[NotificationFilters]):
    qs = notification_list(user=request.user, unread_only=filters.unread).select_related("actor__person")
    rows, count = paginate_queryset(qs, filters)
    return {"items": [_out(n) for n in rows], "count": count, "unread": unread_count(request.user)}


@router.post("/notifications/{notification_id}/read", response=NotificationOut, summary="Đánh dấu đã đọc")
def read_notification(request, notification_id: Id):
    notification = notification_get(user=request.user, notification_id=notification_id)
    return _out(services.notification_open(user=request.user, notification=notification))


@router.get("/me/queue", response=QueueOut, summary="Việc chờ tôi xử lý, chờ lâu nhất trước")
def my_queue(request):
    queue = queue_for(request.user)
    return {
        "items": [
            {
                "kind": item.kind,
                "kind_label": item.kind_label,
                "title": item.title,
                "organization": item.organization,
                "waiting_since": item.waiting_since,
                "object": {
                    "type": item.target_type,
                    "id": item.target_id,
                    "title": item.title,
                    "url": item.url,
                },
            }
            for item in queue.items
        ],
        "count": queue.count,
        "truncated": queue.truncated,
    }
