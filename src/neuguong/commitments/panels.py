"""The home-page panel: the user's own commitments due soonest, and the overdue count."""

from .selectors import my_commitments
from .status import OPEN_OVERDUE, OPEN_STATUSES


def my_commitments_panel(user) -> dict | None:
    from neuguong.core.dates import local_today

    today = local_today()
    rows = [c for c in my_commitments(user=user, today=today)[:200] if c.status_code in OPEN_STATUSES]
    if not rows:
        return None
    return {
        "template": "commitments/_home_panel.html",
        "items": sorted(rows, key=lambda c: (c.status_code != OPEN_OVERDUE, c.deadline))[:5],
        "open": len(rows),
        "overdue": sum(c.status_code == OPEN_OVERDUE for c in rows),
    }
