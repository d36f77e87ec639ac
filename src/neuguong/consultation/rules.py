"""Pure rules of a consultation, computed from the draft's columns and the moment asked about (never
stored): whether its window accepts comments, and the state a reader should see.

The window is [opens_at, closes_at): a comment at 17:00:00 of a window closing at 17:00 is too late, one at
16:59 is in time. Times are compared as instants; they are shown in Asia/Ho_Chi_Minh (`local_time`).
"""

import datetime as dt

from django.db import models

from neuguong.core.dates import LOCAL_ZONE

from .models import DraftState


class Phase(models.TextChoices):
    BEFORE = "before", "Chưa đến thời gian góp ý"
    OPEN = "open", "Đang nhận góp ý"
    AFTER = "after", "Đã hết thời gian góp ý"


def window_phase(opens_at: dt.datetime, closes_at: dt.datetime, now: dt.datetime) -> str:
    if now < opens_at:
        return Phase.BEFORE
    if now < closes_at:
        return Phase.OPEN
    return Phase.AFTER


def accepts_comments(draft, now: dt.datetime) -> bool:
    """Comments (and edits of them) are taken only while the draft is put to comment and inside its window."""
    return draft.state == DraftState.OPEN and window_phase(draft.opens_at, draft.closes_at, now) == Phase.OPEN


def window_has_closed(draft, now: dt.datetime) -> bool:
    return now >= draft.closes_at


# What a reader sees: a draft put to comment whose window has passed reads as closed even before the
# scheduler (or the first disposition) records the step, and one whose window has not begun says so.
SCHEDULED_LABEL = "Sắp lấy ý kiến"


def display_state(draft, now: dt.datetime) -> tuple[str, str]:
    """(code, label) of the state to show."""
    if draft.state == DraftState.OPEN:
        phase = window_phase(draft.opens_at, draft.closes_at, now)
        if phase == Phase.AFTER:
            return DraftState.CLOSED, DraftState.CLOSED.label
        if phase == Phase.BEFORE:
            return "scheduled", SCHEDULED_LABEL
    return draft.state, DraftState(draft.state).label


def local_time(value: dt.datetime) -> str:
    """'17:00 ngày 06/04/2021' in Viet Nam time, as the window is announced."""
    local = value.astimezone(LOCAL_ZONE)
    return f"{local:%H:%M} ngày {local:%d/%m/%Y}"


def time_left(closes_at: dt.datetime, now: dt.datetime) -> str:
    """'còn 3 ngày', 'còn 5 giờ', 'còn 12 phút' until the window closes ('' once it has)."""
    seconds = (closes_at - now).total_seconds()
    if seconds <= 0:
        return ""
    if seconds >= 86400 * 2:
        return f"còn {int(seconds // 86400)} ngày"
    if seconds >= 3600:
        return f"còn {int(seconds // 3600)} giờ"
    return f"còn {max(1, int(seconds // 60))} phút"
