"""Panels consultation adds to shared pages (core/registry.py): on the home page, the drafts waiting for
the user's comment and those whose comments the user's committee must answer; on a document's page, the
draft it was adopted from."""

from django.urls import reverse
from django.utils import timezone


def consultation_home_panel(user) -> dict | None:
    from .rules import time_left
    from .selectors import awaiting_answers, open_for_me

    now = timezone.now()
    to_comment = open_for_me(user=user, now=now)
    to_answer = awaiting_answers(user=user)
    if not to_comment and not to_answer:
        return None
    return {
        "template": "consultation/_home_panel.html",
        "to_comment": [{"draft": d, "left": time_left(d.closes_at, now)} for d in to_comment],
        "to_answer": to_answer,
    }


def adopted_draft_panel(user, document) -> dict | None:
    """On the registered document's page: the draft it was adopted from (for those who may open it)."""
    from .models import Draft

    drafts = list(
        Draft.objects.visible_to(user).filter(adopted_document=document).select_related("organization")
    )
    if not drafts:
        return None
    draft = drafts[0]
    return {
        "template": "consultation/_document_panel.html",
        "draft": draft,
        "url": reverse("consultation:detail", args=[draft.pk]),
    }
