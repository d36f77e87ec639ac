""" "Việc chờ tôi xử lý": one queue per user of what waits for them, from every module.

Each module registers a provider in its AppConfig.ready():

    from neuguong.notifications.queue import register_provider
    register_provider(commitments_waiting)

A provider is `(user, limit) -> list[QueueItem]`: the user's oldest waiting items of that module (at most
`limit`), read with a fixed number of queries whatever the number of items. `queue_for` merges them,
oldest first. The shared code never imports a module: a module that is absent adds nothing.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

PROVIDER_LIMIT = 100


@dataclass(frozen=True)
class QueueItem:
    # A code naming what waits ("commitments.report_to_review") and its label ("Báo cáo chờ xem xét").
    kind: str
    kind_label: str
    # What, naming the person and the object: "Trần Hữu Thắng báo cáo 90 % — Nhiệm vụ …".
    title: str
    url: str
    waiting_since: dt.datetime
    organization: str
    # The object it is about (the API names it: "commitments.commitment", 12).
    target_type: str
    target_id: int


Provider = Callable[[object, int], list[QueueItem]]
PROVIDERS: list[Provider] = []


def register_provider(provider: Provider) -> None:
    if provider not in PROVIDERS:
        PROVIDERS.append(provider)


@dataclass(frozen=True)
class Queue:
    items: list[QueueItem]
    # True when a module had more than it was asked for (the page then says "100+").
    truncated: bool

    @property
    def count(self) -> int:
        return len(self.items)


def queue_for(user, *, limit: int = PROVIDER_LIMIT) -> Queue:
    """Everything waiting for `user`, oldest first; each module gives at most `limit` items."""
    if user is None or not getattr(user, "is_authenticated", False):
        return Queue([], False)
    items: list[QueueItem] = []
    truncated = False
    for provider in PROVIDERS:
        found = provider(user, limit + 1)
        truncated = truncated or len(found) > limit
        items += found[:limit]
    items.sort(key=lambda item: (item.waiting_since, item.kind, item.target_id))
    return Queue(items, truncated)
