"""The actor of what the system writes itself (demo data, the one-off linking command): the whole tree in
scope and no account, so the events it writes record no actor ('hệ thống')."""

from typing import Any

from django.contrib.auth import get_user_model

from neuguong.access.scope import Scope


def system_actor() -> Any:
    user: Any = get_user_model()(username="he-thong", is_active=True, is_superuser=True)
    user._neuguong_scope = Scope(user_id=None, is_global=True)
    return user
