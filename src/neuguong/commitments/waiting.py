"""What waits for a user in the commitments module ("Việc chờ tôi xử lý"), for the notifications queue.

For a reviewer (the secretary of the commitment's organisation, or the nearest one above:
`notifications.recipients.reviewer_q`, the same people `notices` tells): progress reports to review,
extension requests to decide, completions to confirm. For the responsible person: their commitments whose
report or completion was returned. Four queries, whatever the number of items.
"""

from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse

from neuguong.access.scope import scope_for
from neuguong.notifications.queue import QueueItem
from neuguong.notifications.recipients import reviewer_q

from .models import Commitment, ExtensionRequest, ExtensionState, ProgressReport, ReviewState
from .notices import who_of

TYPE = "commitments.commitment"
REPORT_TO_REVIEW = ("commitments.report_to_review", "Báo cáo chờ xem xét")
EXTENSION_TO_DECIDE = ("commitments.extension_to_decide", "Đề nghị gia hạn chờ quyết định")
COMPLETION_TO_CONFIRM = ("commitments.completion_to_confirm", "Hoàn thành chờ xác nhận")
RETURNED_TO_ME = ("commitments.returned", "Bị trả lại, cần làm lại")


def _item(kind: tuple[str, str], commitment: Commitment, title: str, since) -> QueueItem:
    return QueueItem(
        kind=kind[0],
        kind_label=kind[1],
        title=f"{title} — {commitment.title}",
        url=reverse("commitments:detail", args=[commitment.pk]),
        waiting_since=since,
        organization=commitment.organization.name,
        target_type=TYPE,
        target_id=commitment.pk,
    )


def waiting_q(user) -> Q:
    """Commitments waiting for this user's decision (the boards' "chờ tôi xử lý" filter)."""
    pending_report = ProgressReport.objects.filter(
        commitment=OuterRef("pk"), review_state=ReviewState.PENDING
    )
    return (
        reviewer_q(user, "organization")
        & Q(halt="")
        & (Q(completion_pending=True) | Q(extension_pending=True) | Q(Exists(pending_report)))
    )


def waiting_for(user, limit: int) -> list[QueueItem]:
    items: list[QueueItem] = []
    commitments = Commitment.objects.select_related("organization", "responsible_person", "lead_unit")
    related = ("commitment__organization", "commitment__responsible_person", "commitment__lead_unit")
    reports = (
        ProgressReport.objects.filter(
            reviewer_q(user, "commitment__organization"),
            review_state=ReviewState.PENDING,
            commitment__halt="",
            commitment__completion_pending=False,  # the completion below stands for it
        )
        .select_related(*related)
        .order_by("created_at", "id")[:limit]
    )
    for report in reports:
        c = report.commitment
        items.append(_item(REPORT_TO_REVIEW, c, f"{who_of(c)} báo cáo {report.percent} %", report.created_at))
    extensions = (
        ExtensionRequest.objects.filter(
            reviewer_q(user, "commitment__organization"), state=ExtensionState.PENDING, commitment__halt=""
        )
        .select_related(*related)
        .order_by("requested_at", "id")[:limit]
    )
    for extension in extensions:
        c = extension.commitment
        title = f"{who_of(c)} đề nghị gia hạn đến {extension.requested_deadline:%d/%m/%Y}"
        items.append(_item(EXTENSION_TO_DECIDE, c, title, extension.requested_at))
    completions = commitments.filter(
        reviewer_q(user, "organization"), completion_pending=True, halt=""
    ).order_by("updated_at", "id")[:limit]
    for c in completions:
        title = f"{who_of(c)} báo cáo hoàn thành ngày {c.completed_on:%d/%m/%Y}"
        items.append(_item(COMPLETION_TO_CONFIRM, c, title, c.updated_at))
    person_id = scope_for(user).person_id
    if person_id:
        returned_at = Subquery(
            ProgressReport.objects.filter(commitment=OuterRef("pk"), review_state=ReviewState.RETURNED)
            .order_by("-reviewed_at")
            .values("reviewed_at")[:1]
        )
        returned = (
            commitments.filter(
                responsible_person_id=person_id, is_returned=True, completed_on__isnull=True, halt=""
            )
            .annotate(returned_at=Coalesce(returned_at, F("updated_at")))
            .order_by("returned_at", "id")[:limit]
        )
        for c in returned:
            items.append(_item(RETURNED_TO_ME, c, "Bị trả lại", c.returned_at))
    return items
