"""What the targets module tells people about a scoring cycle: its notification kinds, and one function
per business event. The appraisal team hears of submissions and responses; the agency (its head and the
reviewers of its organisation, `notifications.recipients.reviewers_of`) hears of the scoring sent back for
its response, of a reopening, and of the final result."""

from django.db import models
from django.urls import reverse

from neuguong.notifications.kinds import register, still_relevant
from neuguong.notifications.names import display_name
from neuguong.notifications.recipients import reviewers_of
from neuguong.notifications.services import notify, settle


@register
class TargetNotice(models.TextChoices):
    ASSESSMENT_SUBMITTED = "targets.assessment_submitted", "Có bản tự chấm điểm chờ thẩm định"
    SENT_FOR_RESPONSE = "targets.sent_for_response", "Kết quả thẩm định gửi về để giải trình"
    RESPONDED = "targets.responded", "Cơ quan đã giải trình kết quả thẩm định"
    FINALISED = "targets.finalised", "Kết quả chấm điểm đã được công bố"
    REOPENED = "targets.reopened", "Được mở lại để tự chấm điểm"


def _assessment(notification):
    from .models import AgencyAssessment

    return AgencyAssessment.objects.filter(pk=notification.target_id).first()


def _in_status(notification, status: str) -> bool:
    assessment = _assessment(notification)
    return assessment is not None and assessment.status == status


@still_relevant(TargetNotice.ASSESSMENT_SUBMITTED)
def _still_submitted(notification) -> bool:
    return _in_status(notification, "submitted")


@still_relevant(TargetNotice.SENT_FOR_RESPONSE)
def _still_awaiting_response(notification) -> bool:
    return _in_status(notification, "awaiting_response")


@still_relevant(TargetNotice.RESPONDED)
def _still_responded(notification) -> bool:
    return _in_status(notification, "responded")


def _team(assessment) -> list[int]:
    return list(assessment.cycle.team.values_list("pk", flat=True))


def _agency_side(assessment) -> list[int]:
    head = assessment.agency.head
    ids = [head.user_id] if head is not None and head.user_id else []
    return ids + reviewers_of(assessment.agency.organization)


def _send(kind, *, actor, assessment, recipients, what: str, text: str = "") -> None:
    notify(
        kind=kind,
        recipients=recipients,
        actor=actor,
        target=assessment,
        title=f"{what} — {assessment.agency.name} ({assessment.cycle.name})",
        text=text,
        url=reverse("targets:assessment", args=[assessment.pk]),
    )


def assessment_submitted(*, actor, assessment) -> None:
    late = " (nộp muộn, đã được mở lại)" if assessment.submitted_late else ""
    _send(
        TargetNotice.ASSESSMENT_SUBMITTED,
        actor=actor,
        assessment=assessment,
        recipients=_team(assessment),
        what=f"{display_name(actor)} nộp bản tự chấm điểm{late}",
    )


def sent_for_response(*, actor, assessment) -> None:
    settle(target=assessment, kinds=[TargetNotice.ASSESSMENT_SUBMITTED])
    _send(
        TargetNotice.SENT_FOR_RESPONSE,
        actor=actor,
        assessment=assessment,
        recipients=_agency_side(assessment),
        what=f"{display_name(actor)} gửi kết quả thẩm định để cơ quan giải trình",
    )


def responded(*, actor, assessment) -> None:
    settle(target=assessment, kinds=[TargetNotice.SENT_FOR_RESPONSE])
    _send(
        TargetNotice.RESPONDED,
        actor=actor,
        assessment=assessment,
        recipients=_team(assessment),
        what=f"{display_name(actor)} đã giải trình kết quả thẩm định",
        text=assessment.response_text,
    )


def finalised(*, actor, assessment) -> None:
    settle(target=assessment, kinds=[TargetNotice.RESPONDED, TargetNotice.ASSESSMENT_SUBMITTED])
    _send(
        TargetNotice.FINALISED,
        actor=actor,
        assessment=assessment,
        recipients=_agency_side(assessment),
        what=f"{display_name(actor)} công bố kết quả chấm điểm",
    )


def reopened(*, actor, assessment, reason: str) -> None:
    _send(
        TargetNotice.REOPENED,
        actor=actor,
        assessment=assessment,
        recipients=_agency_side(assessment),
        what=f"{display_name(actor)} mở lại tự chấm điểm đến {assessment.reopened_until:%d/%m/%Y}",
        text=reason,
    )
