"""Home-page panel: inspections in which the user stands for the subject (notified, not yet closed)."""

from .facts import user_facts
from .models import Inspection, InspectionState


def subject_panel(user) -> dict | None:
    facts = user_facts(user)
    if not facts.person_id and not facts.scope.read_paths:
        return None
    items = list(
        Inspection.objects.subject_side_of(user)
        .exclude(state__in=(InspectionState.CLOSED, InspectionState.CANCELLED))
        .select_related("program__organization")
        .order_by("-planned_start")[:5]
    )
    if not items:
        return None
    return {"template": "inspections/_home_panel.html", "items": items}
