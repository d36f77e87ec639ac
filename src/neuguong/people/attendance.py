"""The attendance rules every gathering of members shares: a study session (study) and a chi bộ meeting
(meetings) both ask who is invited on a date, whether a mark may be written, and check members in by a
signed QR link. One rule here, read by both; each module keeps its own tables and its own wording.

- Who is invited on a date (`members_on`): the members whose membership of the organisation covers that
  date (Membership history: someone transferred out before it is not invited, someone transferred in
  after it is not either) and whose status is one of the invited statuses (official and probationary by
  default; exempt members, "miễn sinh hoạt", only when asked for).
- When a member joined (`joined_on_subquery`): the start of the current membership. Someone who joined
  after a session or meeting is not absent from it (`check_mark`).
- A mark: present, absent with a reason (the reason is required), absent without one; a make-up session
  is only for those who missed the main one.
- QR check-in (`checkin_token`, `checkin_token_check`): a signed, expiring link naming exactly one
  session or meeting; a photo of the code stops working after `CHECKIN_MAX_AGE`.
"""

import datetime as dt
from collections.abc import Callable, Iterable

from django.core import signing
from django.db import models
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery

from .models import Membership, Person, PersonStatus

INVITED_STATUSES: tuple[str, ...] = (PersonStatus.OFFICIAL.value, PersonStatus.PROBATIONARY.value)
# The QR code shown in the room is reissued when the page is reloaded; a photo of it stops working after this.
CHECKIN_MAX_AGE = dt.timedelta(hours=3)


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", "Có mặt"
    EXCUSED = "excused", "Vắng có lý do"
    ABSENT = "absent", "Vắng không lý do"


class AttendanceMethod(models.TextChoices):
    SECRETARY = "secretary", "Bí thư/cán bộ điểm danh"
    QR = "qr", "Tự điểm danh bằng mã QR"


# --- who is invited ------------------------------------------------------------------------------------


def joined_on_subquery() -> Subquery:
    """The start of the person's current membership (annotate a Person queryset with it)."""
    return Subquery(
        Membership.objects.filter(person=OuterRef("pk"), ended_on__isnull=True)
        .order_by("-started_on")
        .values("started_on")[:1]
    )


def members_on(
    *, organization_id: int, day: dt.date, statuses: Iterable[str] = INVITED_STATUSES
) -> QuerySet[Person]:
    """The members of one organisation on `day`, each annotated with `joined_on` (the start of the
    membership covering that day). A membership ending on `day` means the member left that day."""
    covering = Membership.objects.filter(
        person=OuterRef("pk"), organization_id=organization_id, started_on__lte=day
    ).filter(Q(ended_on__isnull=True) | Q(ended_on__gt=day))
    return (
        Person.objects.filter(status__in=list(statuses))
        .filter(Exists(covering))
        .annotate(joined_on=Subquery(covering.order_by("-started_on").values("started_on")[:1]))
    )


# --- a mark --------------------------------------------------------------------------------------------


class MarkRefused(Exception):
    """Why a mark may not be written: "bad_status", "reason_required", "joined_after" or "makeup_not_needed"."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def check_mark(
    *,
    status: str,
    reason: str,
    joined_on: dt.date | None,
    held_on: dt.date,
    is_makeup: bool = False,
    attended_main: Callable[[], bool] = lambda: False,
) -> None:
    """Raise MarkRefused unless `status` may be recorded for someone who joined on `joined_on`, for a
    gathering held on `held_on`. `attended_main` is asked only for a make-up session marked present."""
    if status not in AttendanceStatus.values:
        raise MarkRefused("bad_status")
    if status == AttendanceStatus.EXCUSED and not reason:
        raise MarkRefused("reason_required")
    if status != AttendanceStatus.PRESENT and joined_on and joined_on > held_on:
        raise MarkRefused("joined_after")
    if is_makeup and status == AttendanceStatus.PRESENT and attended_main():
        raise MarkRefused("makeup_not_needed")


def is_expected(*, joined_on: dt.date | None, held_on: dt.date) -> bool:
    """Whether an invitee counts in the number who should have been there (a later joiner does not)."""
    return joined_on is None or joined_on <= held_on


# --- QR check-in ---------------------------------------------------------------------------------------


class CheckinTokenError(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason  # "expired", "invalid" or "mismatch"


def _signer(purpose: str) -> signing.TimestampSigner:
    # One salt per purpose ("study", "meetings"): a study link never opens a meeting, whatever its ids.
    return signing.TimestampSigner(salt=f"neuguong.{purpose}.checkin")


def checkin_token(purpose: str, **ids: int) -> str:
    """A signed, timestamped token naming the gathering (`ids`, e.g. c=campaign, s=session)."""
    return _signer(purpose).sign_object(dict(ids))


def checkin_token_check(
    token: str, *, purpose: str, max_age: dt.timedelta = CHECKIN_MAX_AGE, **ids: int
) -> None:
    """Raise CheckinTokenError unless `token` is ours, unexpired, and names exactly these `ids`."""
    try:
        payload = _signer(purpose).unsign_object(token or "", max_age=max_age)
    except signing.SignatureExpired as exc:
        raise CheckinTokenError("expired") from exc
    except (signing.BadSignature, ValueError, TypeError) as exc:
        raise CheckinTokenError("invalid") from exc
    if not isinstance(payload, dict) or payload != dict(ids):
        raise CheckinTokenError("mismatch")
