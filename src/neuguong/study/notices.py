"""What the study module tells people: its notification kinds, and one function per business event.

A submitted reflection goes to the reviewers of the member's organisation (the secretary who grades it,
`notifications.recipients.reviewers_of`); a grade or a return goes back to the member (and to the
secretary who entered it on their behalf)."""

from django.db import models
from django.urls import reverse

from neuguong.notifications.kinds import register, still_relevant
from neuguong.notifications.models import Delivery
from neuguong.notifications.names import display_name
from neuguong.notifications.recipients import reviewers_of
from neuguong.notifications.services import notify, settle


@register(defaults={"study.reflection_graded": Delivery.DIGEST})
class StudyNotice(models.TextChoices):
    REFLECTION_SUBMITTED = "study.reflection_submitted", "Có bài thu hoạch chờ chấm"
    REFLECTION_GRADED = "study.reflection_graded", "Bài thu hoạch đã được chấm"
    REFLECTION_RETURNED = "study.reflection_returned", "Bài thu hoạch bị trả lại để sửa"
    REFLECTION_REMINDER = "study.reflection_reminder", "Nhắc nộp bài thu hoạch"


def _reflection(notification):
    from .models import Reflection

    return Reflection.objects.filter(pk=notification.target_id).first()


@still_relevant(StudyNotice.REFLECTION_SUBMITTED)
def _still_submitted(notification) -> bool:
    from .models import ReflectionStatus

    reflection = _reflection(notification)
    return reflection is not None and reflection.status == ReflectionStatus.SUBMITTED


@still_relevant(StudyNotice.REFLECTION_RETURNED)
def _still_returned(notification) -> bool:
    from .models import ReflectionStatus

    reflection = _reflection(notification)
    return reflection is not None and reflection.status == ReflectionStatus.RETURNED


@still_relevant(StudyNotice.REFLECTION_REMINDER)
def _still_owed(notification) -> bool:
    from .models import Invitee, ReflectionStatus

    invitee = Invitee.objects.filter(pk=notification.target_id).select_related("reflection").first()
    if invitee is None:
        return False
    status = getattr(getattr(invitee, "reflection", None), "status", None)
    # Still owed: none yet, a draft, or returned to be redone (as `reminders.PENDING_STATES`).
    return status is None or status in (ReflectionStatus.DRAFT, ReflectionStatus.RETURNED)


def _member_side(reflection, *also) -> list[int]:
    person = reflection.invitee.person
    return [pk for pk in [person.user_id, *also] if pk]


def reflection_submitted(*, actor, reflection) -> None:
    invitee = reflection.invitee
    proxy = f" (do {display_name(actor)} nhập thay)" if reflection.entered_on_behalf else ""
    notify(
        kind=StudyNotice.REFLECTION_SUBMITTED,
        recipients=reviewers_of(invitee.organization),
        actor=actor,
        target=reflection,
        title=f"{invitee.person.full_name} nộp bài thu hoạch{proxy} — {invitee.campaign.title}",
        url=reverse("study:reflection_review", args=[invitee.campaign_id, invitee.pk]),
    )


def reflection_reviewed(*, actor, reflection) -> None:
    """Graded or returned: the member is told, with the grade or what to fix."""
    from .models import ReflectionStatus

    invitee = reflection.invitee
    settle(target=reflection, kinds=[StudyNotice.REFLECTION_SUBMITTED])
    graded = reflection.status == ReflectionStatus.GRADED
    what = (
        f"chấm bài thu hoạch: {reflection.get_grade_display()}" if graded else "trả lại bài thu hoạch để sửa"
    )
    notify(
        kind=StudyNotice.REFLECTION_GRADED if graded else StudyNotice.REFLECTION_RETURNED,
        recipients=_member_side(
            reflection, reflection.entered_by_id if reflection.entered_on_behalf else None
        ),
        actor=actor,
        target=reflection,
        title=f"{display_name(actor)} {what} — {invitee.campaign.title}",
        text=reflection.reviewer_note,
        url=reverse("study:reflection_mine", args=[invitee.campaign_id]),
    )


def reflection_reminder(*, recipient_id: int, invitee, title: str, text: str) -> None:
    """A reminder planned by `reminders` reaches its recipient (sent by the reminders' own outbox)."""
    notify(
        kind=StudyNotice.REFLECTION_REMINDER,
        recipients=[recipient_id],
        actor=None,
        target=invitee,
        title=title,
        text=text,
        url=reverse("study:reflection_mine", args=[invitee.campaign_id]),
    )
