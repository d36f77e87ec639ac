"""Attendance at study sessions: marked by the secretary (one or many) or by the member's own QR check-in."""

from typing import TYPE_CHECKING

from django.db import transaction

from neuguong.access.scope import scope_for
from neuguong.core.errors import BusinessError, OutOfScope
from neuguong.core.text import normalize_text
from neuguong.people.models import (
    Person,
)

from .. import events, rules
from ..models import (
    Attendance,
    AttendanceMethod,
    AttendanceStatus,
    Campaign,
    Invitee,
    Session,
)
from .common import (
    MSG_NO_PERSON,
    MSG_NO_RIGHT,
    MSG_NOT_INVITED,
    require_write,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import User

MSG_NOT_IN_AUDIENCE = "«{name}» không có trong danh sách được triệu tập của đợt học tập này."
MSG_REASON_REQUIRED = "Vắng có lý do thì phải ghi lý do."
MSG_JOINED_AFTER_SESSION = "«{name}» sinh hoạt tại tổ chức từ {joined}, sau buổi học này: không tính là vắng."
MSG_MAKEUP_NOT_NEEDED = "«{name}» đã dự buổi học chính, không cần học bù."
MSG_BAD_ATTENDANCE_STATUS = "Trạng thái điểm danh không hợp lệ."
MSG_QR_EXPIRED = "Mã QR đã hết hạn. Đề nghị quét lại mã đang chiếu tại phòng học."
MSG_QR_INVALID = "Mã QR không hợp lệ."
MSG_QR_MISMATCH = "Mã QR này không phải của buổi học này."


# --- attendance --------------------------------------------------------------------------------------


def _invitee_for(campaign: Campaign, person: Person) -> Invitee:
    invitee = (
        Invitee.objects.select_related("organization", "person")
        .filter(campaign=campaign, person=person)
        .first()
    )
    if invitee is None:
        raise BusinessError(MSG_NOT_IN_AUDIENCE.format(name=person.full_name), field="person")
    return invitee


def _check_mark(session: Session, invitee: Invitee, status: str, reason: str) -> None:
    name = invitee.person.full_name
    if status not in AttendanceStatus.values:
        raise BusinessError(MSG_BAD_ATTENDANCE_STATUS, field="status")
    if status == AttendanceStatus.EXCUSED and not reason:
        raise BusinessError(MSG_REASON_REQUIRED, field="reason")
    if status != AttendanceStatus.PRESENT and invitee.joined_on and invitee.joined_on > session.held_on:
        raise BusinessError(
            MSG_JOINED_AFTER_SESSION.format(name=name, joined=invitee.joined_on.strftime("%d/%m/%Y")),
            field="status",
        )
    if session.is_makeup and status == AttendanceStatus.PRESENT:
        attended = Attendance.objects.filter(
            invitee=invitee, session__is_makeup=False, status=AttendanceStatus.PRESENT
        ).exists()
        if attended:
            raise BusinessError(MSG_MAKEUP_NOT_NEEDED.format(name=name), field="status")


def _write_mark(
    *, actor: "User", session, invitee, status, reason, method, on_behalf_of: str = ""
) -> Attendance:
    existing = Attendance.objects.filter(session=session, invitee=invitee).first()
    before = {"status": existing.status, "reason": existing.reason} if existing else {}
    attendance, _ = Attendance.objects.update_or_create(
        session=session,
        invitee=invitee,
        defaults={"status": status, "reason": reason, "method": method, "marked_by": actor},
    )
    attendance.session, attendance.invitee = session, invitee
    events.attendance_marked(actor=actor, attendance=attendance, before=before, on_behalf_of=on_behalf_of)
    return attendance


@transaction.atomic
def attendance_mark(
    *, actor: "User", session: Session, person: Person, status: str, reason: str = ""
) -> Attendance:
    """Mark one invited person present, excused (with reason) or absent for a session."""
    invitee = _invitee_for(session.campaign, person)
    require_write(actor, invitee.organization.path)
    reason = normalize_text(reason)[:255]
    _check_mark(session, invitee, status, reason)
    return _write_mark(
        actor=actor,
        session=session,
        invitee=invitee,
        status=status,
        reason=reason,
        method=AttendanceMethod.SECRETARY,
    )


@transaction.atomic
def attendance_mark_many(*, actor: "User", session: Session, marks: dict[int, tuple[str, str]]) -> int:
    """Mark several invitees (by invitee id) at once; every mark is checked before any is written."""
    invitees = {
        inv.pk: inv
        for inv in Invitee.objects.select_related("organization", "person").filter(
            campaign=session.campaign, pk__in=list(marks)
        )
    }
    scope = scope_for(actor)
    prepared = []
    for invitee_id, (status, reason) in marks.items():
        invitee = invitees.get(invitee_id)
        if invitee is None:
            raise BusinessError(MSG_NOT_IN_AUDIENCE.format(name=f"#{invitee_id}"), field="person")
        if not scope.can_write_path(invitee.organization.path):
            raise OutOfScope(MSG_NO_RIGHT)
        reason = normalize_text(reason)[:255]
        try:
            _check_mark(session, invitee, status, reason)
        except BusinessError as exc:
            raise BusinessError(f"{invitee.person.full_name}: {exc.message}", field=exc.field) from exc
        prepared.append((invitee, status, reason))
    for invitee, status, reason in prepared:
        _write_mark(
            actor=actor,
            session=session,
            invitee=invitee,
            status=status,
            reason=reason,
            method=AttendanceMethod.SECRETARY,
        )
    return len(prepared)


def checkin_link_problem(token: str, *, session: Session) -> str | None:
    """What is wrong with a check-in link for this session (expired, another session's, forged), or None."""
    try:
        rules.checkin_token_check(token, campaign_id=session.campaign_id, session_id=session.pk)
    except rules.CheckinTokenError as exc:
        return {"expired": MSG_QR_EXPIRED, "mismatch": MSG_QR_MISMATCH}.get(exc.reason, MSG_QR_INVALID)
    return None


@transaction.atomic
def attendance_self_checkin(*, user: "User", session: Session, token: str) -> Attendance:
    """Check oneself in by the QR code shown in the room (a signed, expiring link for this session)."""
    problem = checkin_link_problem(token, session=session)
    if problem:
        raise BusinessError(problem)
    person_id = scope_for(user).person_id
    if person_id is None:
        raise BusinessError(MSG_NO_PERSON)
    invitee = (
        Invitee.objects.select_related("organization", "person")
        .filter(campaign_id=session.campaign_id, person_id=person_id)
        .first()
    )
    if invitee is None:
        raise BusinessError(MSG_NOT_INVITED)
    existing = Attendance.objects.filter(session=session, invitee=invitee, status=AttendanceStatus.PRESENT)
    if existing.exists():
        return existing.get()
    _check_mark(session, invitee, AttendanceStatus.PRESENT, "")
    return _write_mark(
        actor=user,
        session=session,
        invitee=invitee,
        status=AttendanceStatus.PRESENT,
        reason="",
        method=AttendanceMethod.QR,
    )
