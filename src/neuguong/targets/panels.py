"""The home-page panel: what the user must do in scoring now (self-score, respond) and overdue reports."""

from neuguong.access.scope import scope_for
from neuguong.core.dates import local_today

from . import selectors, services
from .models import AgencyAssessment, AssessmentStatus


def home_panel(user) -> dict | None:
    scope = scope_for(user)
    pending = [
        a
        for a in AgencyAssessment.objects.visible_to(user)
        .filter(status__in=[AssessmentStatus.DRAFT, AssessmentStatus.AWAITING_RESPONSE])
        .select_related("agency__organization", "cycle")
        .order_by("cycle__self_deadline")[:20]
        if services.can_self_score(user, a)
    ]
    overdue = selectors.overdue_reports(user=user, today=local_today(), limit=5) if scope.has_org_role else []
    if not pending and not overdue:
        return None
    return {"template": "targets/_home_panel.html", "pending": pending, "overdue": overdue}
