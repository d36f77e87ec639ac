"""What waits for a user in the targets module ("Việc chờ tôi xử lý").

For the appraisal team of a cycle: self-assessments submitted and waiting to be appraised, and those the
agency has responded to, waiting to be finalised. For the agency (its head, or the reviewers of its
organisation — `notifications.recipients.reviewer_q`): scoring sent back for its response, and its own
self-assessment when the deadline is near. Three queries."""

import datetime as dt

from django.db.models import Q
from django.urls import reverse

from neuguong.access.scope import scope_for
from neuguong.core.dates import local_today
from neuguong.notifications.queue import QueueItem
from neuguong.notifications.recipients import reviewer_q

from .models import AgencyAssessment, AssessmentStatus, ScoringCycle

TYPE = "targets.agencyassessment"
TO_APPRAISE = ("targets.appraisal_due", "Chờ thẩm định")
TO_FINALISE = ("targets.finalise_due", "Đã giải trình, chờ chốt kết quả")
TO_RESPOND = ("targets.response_due", "Kết quả thẩm định chờ giải trình")
TO_SELF_SCORE = ("targets.self_scoring_due", "Tự chấm điểm sắp đến hạn")
SELF_SCORING_WARNING_DAYS = 14


def _item(kind, assessment: AgencyAssessment, title: str, since) -> QueueItem:
    return QueueItem(
        kind=kind[0],
        kind_label=kind[1],
        title=f"{title} — {assessment.agency.name} ({assessment.cycle.name})",
        url=reverse("targets:assessment", args=[assessment.pk]),
        waiting_since=since,
        organization=assessment.agency.organization.name,
        target_type=TYPE,
        target_id=assessment.pk,
    )


def _agency_side(user) -> Q:
    person_id = scope_for(user).person_id
    q = reviewer_q(user, "agency__organization")
    return q | Q(agency__head_id=person_id) if person_id else q


def waiting_for(user, limit: int) -> list[QueueItem]:
    related = ("agency__organization", "cycle")
    items: list[QueueItem] = []
    team_cycles = ScoringCycle.team.through.objects.filter(user_id=user.pk).values("scoringcycle_id")
    for a in (
        AgencyAssessment.objects.filter(
            cycle_id__in=team_cycles, status__in=(AssessmentStatus.SUBMITTED, AssessmentStatus.RESPONDED)
        )
        .select_related(*related)
        .order_by("updated_at", "id")[:limit]
    ):
        if a.status == AssessmentStatus.SUBMITTED:
            items.append(_item(TO_APPRAISE, a, "Thẩm định bản tự chấm", a.submitted_at or a.updated_at))
        else:
            items.append(_item(TO_FINALISE, a, "Chốt kết quả sau giải trình", a.responded_at or a.updated_at))
    agency = AgencyAssessment.objects.filter(_agency_side(user)).select_related(*related)
    for a in agency.filter(status=AssessmentStatus.AWAITING_RESPONSE).order_by("updated_at", "id")[:limit]:
        items.append(_item(TO_RESPOND, a, "Giải trình kết quả thẩm định", a.updated_at))
    today = local_today()
    soon = agency.filter(
        status=AssessmentStatus.DRAFT,
        cycle__self_deadline__gte=today,
        cycle__self_deadline__lte=today + dt.timedelta(days=SELF_SCORING_WARNING_DAYS),
    ).order_by("cycle__self_deadline", "id")[:limit]
    for a in soon:
        title = f"Tự chấm điểm, hạn {a.cycle.self_deadline:%d/%m/%Y}"
        items.append(_item(TO_SELF_SCORE, a, title, a.cycle.created_at))
    return items
