"""Panels plans adds to shared pages (registered in registration.py): the plans in force on the home page,
and on a document's page its plan (or the button that opens it for follow-up)."""

from django.urls import reverse

from neuguong.access.scope import scope_for

from .models import PLAN_DOCUMENT_TYPES, Plan, PlanState


def home_panel(user) -> dict | None:
    """The plans in force the user follows or carries out (newest first), with how many of their items
    the user's own organisations lead."""
    scope = scope_for(user)
    if not scope.has_org_role:
        return None
    plans = list(
        Plan.objects.visible_to(user)
        .filter(state=PlanState.IN_FORCE)
        .select_related("document")
        .order_by("-starts_on", "-id")[:5]
    )
    if not plans:
        return None
    return {"template": "plans/_home_panel.html", "plans": plans}


def document_plan_panel(user, document) -> dict | None:
    """The plan opened from this document, or (for who may) the button that opens one."""
    plan = Plan.objects.visible_to(user).filter(document=document).first()
    actions = []
    if plan is None:
        if document.doc_type not in PLAN_DOCUMENT_TYPES or Plan.objects.filter(document=document).exists():
            return None
        if not scope_for(user).can_write_path(document.organization.path):
            return None
        url = f"{reverse('plans:create')}?document={document.pk}&org={document.organization.code}"
        actions.append({"label": "Mở theo dõi thực hiện", "url": url})
    return {"template": "plans/_document_panel.html", "plan": plan, "actions": actions}
