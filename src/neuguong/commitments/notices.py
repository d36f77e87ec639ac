"""What the commitments module tells people: its notification kinds, declared once, and one function per
business event that says who is told and how it reads. Services call these inside their transaction.

Who is told: what a member sends (a progress report, a completion, an extension request) goes to the
reviewers of the commitment's organisation (`notifications.recipients.reviewers_of`: the secretary of that
chi bộ or committee, else the nearest one above); what a reviewer decides goes back to the responsible
person and to whoever entered the report or request.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import models
from django.db.models import Model
from django.urls import reverse

from neuguong.notifications.kinds import register, still_relevant
from neuguong.notifications.models import Delivery
from neuguong.notifications.names import display_name
from neuguong.notifications.recipients import reviewers_of
from neuguong.notifications.services import Notice, notify, notify_many, settle


@register(
    defaults={
        "commitments.assigned": Delivery.DIGEST,
        "commitments.report_accepted": Delivery.DIGEST,
        "commitments.completion_confirmed": Delivery.DIGEST,
    }
)
class CommitmentNotice(models.TextChoices):
    ASSIGNED = "commitments.assigned", "Được giao nhiệm vụ mới"
    REPORT_SUBMITTED = "commitments.report_submitted", "Có báo cáo tiến độ chờ xem xét"
    REPORT_ACCEPTED = "commitments.report_accepted", "Báo cáo tiến độ được chấp nhận"
    RETURNED = "commitments.returned", "Báo cáo hoặc kết quả hoàn thành bị trả lại"
    COMPLETION_SUBMITTED = "commitments.completion_submitted", "Có nhiệm vụ hoàn thành chờ xác nhận"
    COMPLETION_CONFIRMED = "commitments.completion_confirmed", "Kết quả hoàn thành được xác nhận"
    EXTENSION_REQUESTED = "commitments.extension_requested", "Có đề nghị gia hạn chờ quyết định"
    EXTENSION_DECIDED = "commitments.extension_decided", "Đề nghị gia hạn đã được quyết định"
    REMINDER = "commitments.reminder", "Nhắc việc sắp đến hạn, quá hạn"
    ESCALATION = "commitments.escalation", "Báo cáo cấp trên: nhiệm vụ quá hạn lâu"


def _commitment(notification):
    from .models import Commitment

    return Commitment.objects.filter(pk=notification.target_id).first()


@still_relevant(CommitmentNotice.REPORT_SUBMITTED)
def _report_still_pending(notification) -> bool:
    from .models import ProgressReport, ReviewState

    return ProgressReport.objects.filter(
        commitment_id=notification.target_id, review_state=ReviewState.PENDING
    ).exists()


@still_relevant(CommitmentNotice.EXTENSION_REQUESTED)
def _extension_still_pending(notification) -> bool:
    commitment = _commitment(notification)
    return commitment is not None and commitment.extension_pending


@still_relevant(CommitmentNotice.COMPLETION_SUBMITTED)
def _completion_still_pending(notification) -> bool:
    commitment = _commitment(notification)
    return commitment is not None and commitment.completion_pending


@still_relevant(CommitmentNotice.RETURNED)
def _still_returned(notification) -> bool:
    commitment = _commitment(notification)
    return commitment is not None and commitment.is_returned


@still_relevant(CommitmentNotice.REMINDER, CommitmentNotice.ESCALATION)
def _still_open(notification) -> bool:
    from django.contrib.contenttypes.models import ContentType

    from .models import Commitment

    if notification.target_type_id != ContentType.objects.get_for_model(Commitment).pk:
        return True  # a secretary's escalations told together: about the organisation above them
    commitment = _commitment(notification)
    return commitment is not None and not commitment.halt and commitment.completed_on is None


def _url(commitment) -> str:
    return reverse("commitments:detail", args=[commitment.pk])


def who_of(commitment) -> str:
    """The responsible person's name, else the lead unit's."""
    if commitment.responsible_person_id:
        return commitment.responsible_person.full_name
    return commitment.lead_unit.name if commitment.lead_unit_id else ""


def _member_side(commitment, *also) -> list[int]:
    """The responsible person's account and whoever entered the report or request (a secretary on a
    member's behalf, or the lead unit's staff)."""
    ids = [commitment.responsible_person.user_id] if commitment.responsible_person_id else []
    return [pk for pk in [*ids, *(getattr(user, "pk", user) for user in also)] if pk]


def _title(text: str, commitment) -> str:
    return f"{text} — {commitment.title}"


def assigned(*, actor, commitment) -> None:
    if not commitment.responsible_person_id:
        return
    notify(
        kind=CommitmentNotice.ASSIGNED,
        recipients=_member_side(commitment),
        actor=actor,
        target=commitment,
        title=_title(f"{display_name(actor)} giao nhiệm vụ, hạn {commitment.deadline:%d/%m/%Y}", commitment),
        text=commitment.expected_result,
        url=_url(commitment),
    )


def report_submitted(*, actor, report) -> None:
    commitment = report.commitment
    proxy = f" (do {display_name(actor)} nhập thay)" if report.on_behalf_of_id else ""
    notify(
        kind=CommitmentNotice.REPORT_SUBMITTED,
        recipients=reviewers_of(commitment.organization),
        actor=actor,
        target=commitment,
        title=_title(
            f"{who_of(commitment) or display_name(actor)} báo cáo {report.percent} %{proxy}", commitment
        ),
        text=report.text,
        url=_url(commitment),
    )


def report_reviewed(*, actor, report) -> None:
    """An accepted or returned report: the member is told."""
    from .models import ReviewState

    commitment = report.commitment
    if not commitment.reports.filter(review_state=ReviewState.PENDING).exists():
        settle(target=commitment, kinds=[CommitmentNotice.REPORT_SUBMITTED])
    accepted = report.review_state == ReviewState.ACCEPTED
    verb = "đã chấp nhận" if accepted else "trả lại"
    notify(
        kind=CommitmentNotice.REPORT_ACCEPTED if accepted else CommitmentNotice.RETURNED,
        recipients=_member_side(commitment, report.reported_by_id),
        actor=actor,
        target=commitment,
        title=_title(f"{display_name(actor)} {verb} báo cáo {report.percent} %", commitment),
        text=report.review_note,
        url=_url(commitment),
    )


def completion_submitted(*, actor, commitment) -> None:
    notify(
        kind=CommitmentNotice.COMPLETION_SUBMITTED,
        recipients=reviewers_of(commitment.organization),
        actor=actor,
        target=commitment,
        title=_title(
            f"{who_of(commitment) or display_name(actor)} báo cáo hoàn thành ngày "
            f"{commitment.completed_on:%d/%m/%Y}, chờ xác nhận",
            commitment,
        ),
        text=commitment.completion_note,
        url=_url(commitment),
    )


def _completion_settled(commitment) -> None:
    settle(
        target=commitment,
        kinds=[CommitmentNotice.COMPLETION_SUBMITTED, CommitmentNotice.REPORT_SUBMITTED],
    )


def completion_confirmed(*, actor, commitment) -> None:
    _completion_settled(commitment)
    notify(
        kind=CommitmentNotice.COMPLETION_CONFIRMED,
        recipients=_member_side(commitment),
        actor=actor,
        target=commitment,
        title=_title(f"{display_name(actor)} đã xác nhận hoàn thành", commitment),
        url=_url(commitment),
    )


def completion_returned(*, actor, commitment, note: str) -> None:
    _completion_settled(commitment)
    notify(
        kind=CommitmentNotice.RETURNED,
        recipients=_member_side(commitment),
        actor=actor,
        target=commitment,
        title=_title(f"{display_name(actor)} trả lại kết quả hoàn thành", commitment),
        text=note,
        url=_url(commitment),
    )


def extension_requested(*, actor, extension) -> None:
    commitment = extension.commitment
    notify(
        kind=CommitmentNotice.EXTENSION_REQUESTED,
        recipients=reviewers_of(commitment.organization),
        actor=actor,
        target=commitment,
        title=_title(
            f"{who_of(commitment) or display_name(actor)} đề nghị gia hạn đến "
            f"{extension.requested_deadline:%d/%m/%Y}",
            commitment,
        ),
        text=extension.reason,
        url=_url(commitment),
    )


def extension_decided(*, actor, extension) -> None:
    from .models import ExtensionState

    commitment = extension.commitment
    settle(target=commitment, kinds=[CommitmentNotice.EXTENSION_REQUESTED])
    granted = extension.state == ExtensionState.GRANTED
    outcome = (
        f"đồng ý gia hạn đến {extension.requested_deadline:%d/%m/%Y}"
        if granted
        else f"không đồng ý gia hạn đến {extension.requested_deadline:%d/%m/%Y}"
    )
    notify(
        kind=CommitmentNotice.EXTENSION_DECIDED,
        recipients=_member_side(commitment, extension.requested_by_id),
        actor=actor,
        target=commitment,
        title=_title(f"{display_name(actor)} {outcome}", commitment),
        text=extension.decision_note,
        url=_url(commitment),
    )


def reminder(*, recipient_id: int, commitment, escalation: bool, title: str, text: str) -> None:
    """A reminder planned by `reminders` reaches its recipient (sent by the reminders' own outbox)."""
    notify(
        kind=CommitmentNotice.ESCALATION if escalation else CommitmentNotice.REMINDER,
        recipients=[recipient_id],
        actor=None,
        target=commitment,
        title=title,
        text=text,
        url=_url(commitment),
    )


def reminders(items: Sequence[tuple[int, Model, bool, str, str]]) -> None:
    """Many planned reminders reach their recipients at once (recipient id, commitment, escalation?, title,
    text): the same notifications as `reminder` for each, written a few statements per kind."""
    for escalation in (False, True):
        notify_many(
            kind=CommitmentNotice.ESCALATION if escalation else CommitmentNotice.REMINDER,
            notices=[
                Notice(
                    recipient_id=recipient_id, target=commitment, title=title, text=text, url=_url(commitment)
                )
                for recipient_id, commitment, is_escalation, title, text in items
                if is_escalation == escalation
            ],
        )


@dataclass(frozen=True)
class Digest:
    """A secretary's escalations of one claim told at once (`reminders._digest`)."""

    recipient_id: int
    parent_id: int | None  # the organisation above them all, when they share one
    title: str
    text: str


def escalation_digests(digests: Sequence[Digest]) -> None:
    """Each digest becomes one escalation notification, pointing to the overdue commitments on the board
    (of the organisation above them, when they share one)."""
    from neuguong.organizations.models import Organization

    parents = Organization.objects.in_bulk({d.parent_id for d in digests if d.parent_id is not None})
    board = reverse("commitments:board")
    notices = []
    for digest in digests:
        parent = parents.get(digest.parent_id) if digest.parent_id is not None else None
        query = f"?status=open_overdue&org={parent.code}" if parent is not None else "?status=open_overdue"
        notices.append(
            Notice(
                recipient_id=digest.recipient_id,
                target=parent,
                title=digest.title,
                text=digest.text,
                url=board + query,
            )
        )
    notify_many(kind=CommitmentNotice.ESCALATION, notices=notices)
