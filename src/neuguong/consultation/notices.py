"""Who is told what about a consultation: its notification kinds, and one function per business event.

- Put to comment: the audience is told (in the app, and by e-mail through the outbox unless they chose
  otherwise): the members invited who have an account, the named delegates, and the writers (secretaries,
  office) of the organisations that may send a collective comment.
- The window closes soon (`remind_closing`, by the scheduler, once per draft): those of the audience who
  have not commented yet.
- The drafting committee's queue ("Việc chờ tôi xử lý") shows the comments awaiting an answer
  (`waiting.py`)."""

from __future__ import annotations

import datetime as dt

from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from neuguong.access.models import RoleAssignment
from neuguong.access.scope import WRITE_ROLES
from neuguong.notifications.kinds import register, still_relevant
from neuguong.notifications.services import emails_sent_once, notify

# How long before the window closes the audience is reminded.
REMIND_BEFORE = dt.timedelta(days=2)


@register
class ConsultationNotice(models.TextChoices):
    OPENED = "consultation.opened", "Dự thảo được đưa ra lấy ý kiến"
    CLOSING = "consultation.closing", "Dự thảo sắp hết hạn góp ý"


def _draft(notification):
    from .models import Draft

    return Draft.objects.filter(pk=notification.target_id).first()


@still_relevant(ConsultationNotice.OPENED, ConsultationNotice.CLOSING)
def _still_open(notification) -> bool:
    """Only while the draft still takes comments (not withdrawn, not ended early, the window not past)."""
    from .rules import accepts_comments

    draft = _draft(notification)
    return draft is not None and accepts_comments(draft, timezone.now())


def _organizations_q(draft) -> Q:
    """The organisations that may send a collective comment (as `access.organization_in_audience`)."""
    q = Q(organization__in=draft.invited_organizations.all())
    if draft.audience_root is not None:
        q |= Q(organization__path__startswith=draft.audience_root.path)
    return q & ~Q(organization_id=draft.organization_id) & Q(organization__dissolved_on__isnull=True)


def audience_users(draft, *, not_commented: bool = False) -> list[int]:
    """User ids of the draft's audience (three queries); `not_commented`: only those who have not said
    anything yet (a member or delegate without a comment, a secretary whose organisation sent none)."""
    from .models import Comment, CommenterKind
    from .selectors import _invited_people

    person_users = {
        pk for pk in draft.delegates.exclude(user=None).values_list("user_id", flat=True) if pk
    } | {pk for pk in _invited_people(draft).exclude(user=None).values_list("user_id", flat=True) if pk}
    writers = RoleAssignment.objects.filter(
        _organizations_q(draft), role__in=WRITE_ROLES, user__is_active=True
    )
    if not_commented:
        comments = Comment.objects.filter(draft=draft)
        commented_people = set(comments.exclude(person=None).values_list("person__user_id", flat=True))
        person_users -= commented_people
        writers = writers.exclude(
            organization__in=comments.filter(commenter_kind=CommenterKind.ORGANIZATION).values("organization")
        )
    return sorted(person_users | set(writers.values_list("user_id", flat=True)))


def _closes(draft) -> str:
    from .rules import local_time

    return local_time(draft.closes_at)


def draft_opened(*, actor, draft) -> None:
    notify(
        kind=ConsultationNotice.OPENED,
        recipients=audience_users(draft),
        actor=actor,
        target=draft,
        title=f"{draft.organization.name} lấy ý kiến dự thảo {draft.title}"[:255],
        text=f"Đồng chí góp ý đến {_closes(draft)} (giờ Việt Nam).",
        url=reverse("consultation:detail", args=[draft.pk]),
    )


def remind_closing(*, now: dt.datetime | None = None) -> int:
    """Remind, once, the audience that has not commented of every draft whose window closes within
    REMIND_BEFORE; returns how many drafts. Idempotent (the scheduler may run it twice)."""
    from .models import Draft, DraftState

    now = now or timezone.now()
    due = Draft.objects.filter(
        state=DraftState.OPEN,
        reminded_at__isnull=True,
        opens_at__lte=now,
        closes_at__gt=now,
        closes_at__lte=now + REMIND_BEFORE,
    ).values_list("pk", flat=True)
    count = 0
    with emails_sent_once():  # one e-mail task for the whole run, not one per draft
        for pk in list(due):
            with transaction.atomic():
                draft = (
                    Draft.objects.select_for_update(of=("self",))
                    .select_related("organization", "audience_root")
                    .get(pk=pk)
                )
                if draft.reminded_at is not None or draft.state != DraftState.OPEN:
                    continue
                draft.reminded_at = now
                draft.save(update_fields=["reminded_at"])
                notify(
                    kind=ConsultationNotice.CLOSING,
                    recipients=audience_users(draft, not_commented=True),
                    actor=None,
                    target=draft,
                    title=f"Sắp hết hạn góp ý dự thảo {draft.title}"[:255],
                    text=f"Hạn cuối: {_closes(draft)} (giờ Việt Nam).",
                    url=reverse("consultation:detail", args=[draft.pk]),
                )
                count += 1
    return count
