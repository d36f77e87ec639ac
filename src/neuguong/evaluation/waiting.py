"""What waits for a user in the annual review ("Việc chờ tôi xử lý"), one item per period, not per
member (a chi bộ of 40 is one line, linking to the period's list filtered to what waits):

- the deciding committee's reviewers (`notifications.recipients.reviewer_q` on the period's organisation,
  the people `notices.proposed` tells): proposals to appraise and decide;
- the reviewers of the chi bộ where members are reviewed: self-assessments to review and propose;
- the member: their own self-assessment still to write (also after a return), in an open period.
Three queries for the grouped counts and one for their periods."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Min
from django.urls import reverse

from neuguong.access.scope import scope_for
from neuguong.core.dates import format_vn
from neuguong.notifications.queue import QueueItem
from neuguong.notifications.recipients import reviewer_q

from .models import AWAITING_DECISION, Period, PeriodState, Review, ReviewState

TO_DECIDE = ("evaluation.to_decide", "Đề xuất xếp loại chờ quyết định")
TO_PROPOSE = ("evaluation.to_propose", "Bản tự kiểm điểm chờ chi bộ kiểm điểm, đề xuất")
SELF_DUE = ("evaluation.self_due", "Tự kiểm điểm cuối năm")
TYPE = "evaluation.period"


def _grouped(reviews, limit: int) -> list[dict]:
    return list(
        reviews.filter(period__state=PeriodState.OPEN)
        .values("period_id")
        .annotate(n=Count("id"), since=Min("updated_at"))
        .order_by("since", "period_id")[:limit]
    )


def waiting_for(user, limit: int) -> list[QueueItem]:
    to_decide = _grouped(
        Review.objects.filter(reviewer_q(user, "period__organization"), state__in=AWAITING_DECISION), limit
    )
    to_propose = _grouped(
        Review.objects.filter(
            reviewer_q(user, "home_organization"), state__in=(ReviewState.SELF_ASSESSED, ReviewState.REVIEWED)
        ),
        limit,
    )
    person_id = scope_for(user).person_id
    mine: list[Any] = (
        list(
            Review.objects.filter(
                person_id=person_id, state=ReviewState.NOT_STARTED, period__state=PeriodState.OPEN
            ).values("pk", "period_id", "created_at", "updated_at")[:limit]
        )
        if person_id
        else []
    )
    wanted = {row["period_id"] for row in [*to_decide, *to_propose, *mine]}
    periods = Period.objects.select_related("organization").in_bulk(wanted) if wanted else {}

    def item(kind, period, title, url, since, target_id) -> QueueItem:
        return QueueItem(
            kind=kind[0],
            kind_label=kind[1],
            title=title,
            url=url,
            waiting_since=since,
            organization=period.organization.name,
            target_type=TYPE,
            target_id=target_id,
        )

    items = []
    for row in to_decide:
        period = periods[row["period_id"]]
        url = reverse("evaluation:period", args=[period.pk]) + "?state=proposed"
        title = f"{row['n']} đề xuất mức xếp loại chờ quyết định — {period.name} (hạn {format_vn(period.decision_due)})"
        items.append(item(TO_DECIDE, period, title, url, row["since"], period.pk))
    for row in to_propose:
        period = periods[row["period_id"]]
        url = reverse("evaluation:period", args=[period.pk]) + "?state=self_assessed"
        title = f"{row['n']} bản tự kiểm điểm chờ kiểm điểm, đề xuất — {period.name} (hạn {format_vn(period.proposal_due)})"
        items.append(item(TO_PROPOSE, period, title, url, row["since"], period.pk))
    for row in mine:
        period = periods[row["period_id"]]
        url = reverse("evaluation:review", args=[row["pk"]])
        title = f"Viết bản tự kiểm điểm — {period.name} (hạn {format_vn(period.self_assessment_due)})"
        items.append(item(SELF_DUE, period, title, url, row["updated_at"], period.pk))
    return items
