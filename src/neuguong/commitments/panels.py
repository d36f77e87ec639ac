"""Panels commitments adds to shared pages (core/registry.py): the user's own commitments on the home page,
and the commitments assigned from a document on the document's page."""

from django.urls import reverse

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


def document_commitments_panel(user, document) -> dict:
    """The commitments assigned from `document` that the user may see, and (for those who may assign
    there) the button that assigns more from it."""
    from neuguong.access.scope import scope_for

    from .models import Commitment

    commitments = (
        Commitment.objects.visible_to(user)
        .filter(source_type__app_label="documents", source_type__model="document", source_id=document.pk)
        .select_related("responsible_person", "organization")[:200]
    )
    actions = []
    if scope_for(user).can_write_path(document.organization.path):
        url = f"{reverse('commitments:create')}?org={document.organization.code}&document={document.pk}"
        actions.append({"label": "Giao nhiệm vụ từ văn bản", "url": url})
    return {"template": "commitments/_document_panel.html", "commitments": commitments, "actions": actions}
