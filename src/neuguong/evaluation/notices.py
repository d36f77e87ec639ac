"""What the annual review tells people: its notification kinds, and one function per business event.

- A member's self-assessment goes to the reviewers of the chi bộ that reviews them (its secretary,
  `notifications.recipients.reviewers_of`): it waits for the chi bộ's meeting and the proposal.
- A proposed level goes to the reviewers of the deciding committee (the period's organisation): it waits
  for appraisal and decision. Deciding the period settles those notices at once.
- A review returned to be redone goes back to the member (for a collective: to its reviewers).
- Publishing tells every member their level (one notification per level: a chi bộ of 40 is four writes),
  and each organisation rated its level.
- The self-assessment reminder (planned and sent by `reminders`) reaches the member before and after the
  self-assessment deadline.
"""

from __future__ import annotations

from collections import defaultdict

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse
from django.utils import timezone

from neuguong.notifications.kinds import register, still_relevant
from neuguong.notifications.models import Delivery, Notification
from neuguong.notifications.names import display_name
from neuguong.notifications.recipients import reviewers_of
from neuguong.notifications.services import notify, settle


@register(defaults={"evaluation.self_assessed": Delivery.DIGEST})
class EvaluationNotice(models.TextChoices):
    SELF_ASSESSMENT_DUE = "evaluation.self_assessment_due", "Nhắc tự kiểm điểm, đánh giá cuối năm"
    SELF_ASSESSED = "evaluation.self_assessed", "Có bản tự kiểm điểm chờ chi bộ kiểm điểm, đề xuất"
    PROPOSED = "evaluation.proposed", "Có đề xuất mức xếp loại chờ thẩm định, quyết định"
    RETURNED = "evaluation.returned", "Bản kiểm điểm bị trả lại để làm lại"
    PUBLISHED = "evaluation.published", "Kết quả xếp loại chất lượng đã công bố"


def _review(notification):
    from .models import Review

    return Review.objects.filter(pk=notification.target_id).first()


@still_relevant(EvaluationNotice.SELF_ASSESSED)
def _still_self_assessed(notification) -> bool:
    from .models import ReviewState

    review = _review(notification)
    return review is not None and review.state in (ReviewState.SELF_ASSESSED, ReviewState.REVIEWED)


@still_relevant(EvaluationNotice.PROPOSED)
def _still_awaiting_decision(notification) -> bool:
    from .models import AWAITING_DECISION

    review = _review(notification)
    return review is not None and review.state in AWAITING_DECISION


@still_relevant(EvaluationNotice.SELF_ASSESSMENT_DUE)
def _still_owed(notification) -> bool:
    from .models import ReviewState

    review = _review(notification)
    return review is not None and review.state == ReviewState.NOT_STARTED and review.period.is_open


def _url(review) -> str:
    return reverse("evaluation:review", args=[review.pk])


def _subject_side(review) -> list[int]:
    """Who answers for the subject: the member's account, or a collective's reviewers."""
    if review.person_id:
        return [review.person.user_id] if review.person.user_id else []
    return reviewers_of(review.organization)


def self_assessed(*, actor, review) -> None:
    proxy = "" if review.person_id is None or actor.pk == review.person.user_id else " (bí thư nhập thay)"
    notify(
        kind=EvaluationNotice.SELF_ASSESSED,
        recipients=reviewers_of(review.home_organization),
        actor=actor,
        target=review,
        title=f"{review.subject_name} gửi bản tự kiểm điểm{proxy} — {review.period.name}",
        url=_url(review),
    )


def proposed(*, actor, review) -> None:
    """The chi bộ (or committee) proposed a level: the deciding committee is told; the self-assessment
    notice is settled."""
    from .levels import Level

    settle(target=review, kinds=[EvaluationNotice.SELF_ASSESSED])
    notify(
        kind=EvaluationNotice.PROPOSED,
        recipients=reviewers_of(review.period.organization),
        actor=actor,
        target=review,
        title=(
            f"Đề xuất xếp loại {review.subject_name}: {Level(review.proposed_level).label}"
            f" — chờ thẩm định, quyết định ({review.period.name})"
        ),
        text=review.proposal_reason,
        url=_url(review),
    )


def returned(*, actor, review, reason: str) -> None:
    settle(target=review, kinds=[EvaluationNotice.SELF_ASSESSED, EvaluationNotice.PROPOSED])
    notify(
        kind=EvaluationNotice.RETURNED,
        recipients=_subject_side(review),
        actor=actor,
        target=review,
        title=f"{display_name(actor)} trả lại bản kiểm điểm để làm lại — {review.period.name}",
        text=reason,
        url=_url(review),
    )


def decided(*, period, reviews) -> int:
    """The period is decided: every proposal notice of its reviews is settled (one UPDATE)."""
    from .models import Review

    return Notification.objects.filter(
        target_type=ContentType.objects.get_for_model(Review),
        target_id__in=[r.pk for r in reviews],
        kind=EvaluationNotice.PROPOSED,
        read_at__isnull=True,
    ).update(read_at=timezone.now())


def published(*, actor, period, reviews) -> None:
    """Each member is told their level (one notification write per level, not per member); each
    organisation rated, its reviewers."""
    from .levels import Level

    members: dict[str, list[int]] = defaultdict(list)
    for review in reviews:
        if review.person_id:
            if review.person.user_id:
                members[review.decided_level].append(review.person.user_id)
            continue
        notify(
            kind=EvaluationNotice.PUBLISHED,
            recipients=reviewers_of(review.organization),
            actor=actor,
            target=review,
            title=(
                f"Kết quả xếp loại chất lượng {review.organization.name}: "
                f"{Level(review.decided_level).label} — {period.name}"
            ),
            url=_url(review),
        )
    for level, user_ids in members.items():
        notify(
            kind=EvaluationNotice.PUBLISHED,
            recipients=user_ids,
            actor=actor,
            target=period,
            title=f"Kết quả xếp loại chất lượng đảng viên của đồng chí: {Level(level).label} — {period.name}",
            url=reverse("evaluation:mine"),
        )


def self_assessment_reminder(*, recipient_id: int, review, title: str, text: str) -> None:
    """A reminder planned by `reminders` reaches the member (sent by the reminders' own outbox)."""
    notify(
        kind=EvaluationNotice.SELF_ASSESSMENT_DUE,
        recipients=[recipient_id],
        actor=None,
        target=review,
        title=title,
        text=text,
        url=_url(review),
    )
