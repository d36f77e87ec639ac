"""What waits for the drafting committee in consultations ("Việc chờ tôi xử lý"): the drafts whose window
has passed with comments still to answer (tiếp thu, giải trình), for the reviewers of the drafting
organisation (`notifications.recipients.reviewer_q`). Two queries."""

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from neuguong.notifications.queue import QueueItem
from neuguong.notifications.recipients import reviewer_q

from .models import Draft, DraftState
from .selectors import UNDISPOSED

TYPE = "consultation.draft"
TO_DISPOSE = ("consultation.to_dispose", "Ý kiến góp ý chờ tiếp thu, giải trình")


def waiting_for(user, limit: int) -> list[QueueItem]:
    now = timezone.now()
    past_window = Q(state__in=(DraftState.CLOSED, DraftState.SYNTHESIS)) | Q(
        state=DraftState.OPEN, closes_at__lte=now
    )
    drafts = (
        Draft.objects.filter(reviewer_q(user, "organization"))
        .filter(past_window)
        .annotate(left=Count("comments", filter=Q(comments__disposition="")))
        .filter(left__gt=0)
        .select_related("organization")
        .order_by("closes_at", "id")[:limit]
    )
    return [
        QueueItem(
            kind=TO_DISPOSE[0],
            kind_label=TO_DISPOSE[1],
            title=f"{draft.left} ý kiến chờ tiếp thu, giải trình — Dự thảo {draft.title}",
            url=reverse("consultation:comments", args=[draft.pk]) + f"?disposition={UNDISPOSED}",
            waiting_since=min(draft.closed_at or draft.closes_at, draft.closes_at),
            organization=draft.organization.name,
            target_type=TYPE,
            target_id=draft.pk,
        )
        for draft in drafts
    ]
