"""The home-page panel: what the user must do in scoring now (self-score, respond) and overdue reports."""

from neuguong.access.scope import scope_for
from neuguong.core.dates import local_today

from . import selectors, services
from .models import AgencyAssessment, AssessmentStatus

# Up to this many assessments are listed one by one; more (the bloc office sees every agency) are
# grouped by cycle and status with a count and a link to the cycle's full list.
LIST_AT_MOST = 5
# Rows read to group (a province's office may see thousands; the count says "at least").
GROUP_READ_LIMIT = 5_000


def _grouped(pending: list[AgencyAssessment]) -> list[dict]:
    groups: dict[tuple[int, str], dict] = {}
    for a in pending:
        group = groups.setdefault(
            (a.cycle_id, a.status),
            {"cycle": a.cycle, "status": a.get_status_display(), "is_draft": a.status == "draft", "count": 0},
        )
        group["count"] += 1
    return sorted(groups.values(), key=lambda g: (g["cycle"].self_deadline, g["status"]))


def home_panel(user) -> dict | None:
    scope = scope_for(user)
    pending = [
        a
        for a in AgencyAssessment.objects.visible_to(user)
        .filter(status__in=[AssessmentStatus.DRAFT, AssessmentStatus.AWAITING_RESPONSE])
        .select_related("agency__organization", "cycle")
        .order_by("cycle__self_deadline", "agency__name")[:GROUP_READ_LIMIT]
        if services.can_self_score(user, a)
    ]
    overdue = (
        selectors.overdue_reports(user=user, today=local_today(), limit=LIST_AT_MOST + 1)
        if scope.has_org_role
        else []
    )
    if not pending and not overdue:
        return None
    return {
        "template": "targets/_home_panel.html",
        "pending": pending if len(pending) <= LIST_AT_MOST else [],
        "groups": _grouped(pending) if len(pending) > LIST_AT_MOST else [],
        "pending_count": len(pending),
        "overdue": overdue[:LIST_AT_MOST],
        "more_overdue": len(overdue) > LIST_AT_MOST,
    }
