"""What waits for a user in the study module ("Việc chờ tôi xử lý"): reflections to grade, for the
reviewers of the member's organisation (`notifications.recipients.reviewer_q`, the same people told when
it was submitted); the member's own reflections returned to be redone. Two queries."""

from django.urls import reverse

from neuguong.access.scope import scope_for
from neuguong.notifications.queue import QueueItem
from neuguong.notifications.recipients import reviewer_q

from .models import Reflection, ReflectionStatus

TYPE = "study.reflection"
TO_GRADE = ("study.reflection_to_grade", "Bài thu hoạch chờ chấm")
RETURNED_TO_ME = ("study.reflection_returned", "Bài thu hoạch bị trả lại, cần sửa")


def waiting_for(user, limit: int) -> list[QueueItem]:
    related = ("invitee__person", "invitee__organization", "invitee__campaign")
    items = [
        QueueItem(
            kind=TO_GRADE[0],
            kind_label=TO_GRADE[1],
            title=f"{r.invitee.person.full_name} nộp bài thu hoạch — {r.invitee.campaign.title}",
            url=reverse("study:reflection_review", args=[r.invitee.campaign_id, r.invitee_id]),
            waiting_since=r.submitted_at or r.updated_at,
            organization=r.invitee.organization.name,
            target_type=TYPE,
            target_id=r.pk,
        )
        for r in Reflection.objects.filter(
            reviewer_q(user, "invitee__organization"), status=ReflectionStatus.SUBMITTED
        )
        .select_related(*related)
        .order_by("submitted_at", "id")[:limit]
    ]
    person_id = scope_for(user).person_id
    if person_id:
        items += [
            QueueItem(
                kind=RETURNED_TO_ME[0],
                kind_label=RETURNED_TO_ME[1],
                title=f"Bài thu hoạch bị trả lại — {r.invitee.campaign.title}",
                url=reverse("study:reflection_mine", args=[r.invitee.campaign_id]),
                waiting_since=r.reviewed_at or r.updated_at,
                organization=r.invitee.organization.name,
                target_type=TYPE,
                target_id=r.pk,
            )
            for r in Reflection.objects.filter(invitee__person_id=person_id, status=ReflectionStatus.RETURNED)
            .select_related(*related)
            .order_by("reviewed_at", "id")[:limit]
        ]
    return items
