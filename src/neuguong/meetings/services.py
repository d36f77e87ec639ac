"""Writes about chi bộ meetings. Each locks the row, checks the actor's rights and the meeting's state,
changes it, writes the audit event and tells whoever must know — in one transaction.

The state machine (docs/meetings.md): planned → announced → held → approved (minutes approved); planned
or announced → postponed (a replacement may be planned at once) or cancelled, with a reason. A meeting may
be recorded as held without having been announced in the app (announced on paper): the compliance report
then shows its announcement as late.
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from neuguong.access.scope import scope_for
from neuguong.audit.services import snapshot
from neuguong.core.dates import LOCAL_ZONE, local_today
from neuguong.core.errors import BusinessError, OutOfScope
from neuguong.core.text import normalize_text
from neuguong.core.uploads import check_upload
from neuguong.notifications.services import emails_sent_once
from neuguong.organizations.models import BRANCH_KINDS, Organization, OrgKind
from neuguong.people import attendance
from neuguong.people.attendance import AttendanceMethod, AttendanceStatus
from neuguong.people.models import Person

from . import events, notices, rules
from .models import (
    HELD_STATES,
    LIVE_STATES,
    MONTHLY_KINDS,
    UPCOMING_STATES,
    VOTE_KINDS,
    VOTE_REQUIRED_KINDS,
    AgendaItem,
    AgendaKind,
    CalendarToken,
    Invitee,
    Meeting,
    MeetingDocument,
    MeetingKind,
    MeetingRecord,
    MeetingScore,
    MeetingSettings,
    MeetingState,
    RecordKind,
    RecordState,
    ResolutionItem,
)
from .selectors import meeting_facts, rules_for

MSG_NO_RIGHT = "Bạn không có quyền quản lý sinh hoạt của chi bộ này."
MSG_NOT_A_BRANCH = "«{name}» không phải là chi bộ: chỉ chi bộ mới lên lịch sinh hoạt chi bộ."
MSG_ORG_CLOSED = "Tổ chức «{name}» đã giải thể hoặc sáp nhập."
MSG_KIND = "Loại sinh hoạt không hợp lệ."
MSG_TOPIC_REQUIRED = "Cần ghi nội dung, chủ đề buổi sinh hoạt."
MSG_PLACE_OR_LINK = "Cần ghi địa điểm hoặc đường dẫn họp trực tuyến."
MSG_LINK = "Đường dẫn họp trực tuyến phải bắt đầu bằng https:// hoặc http://."
MSG_EXPECTED_MINUTES = "Thời lượng dự kiến phải từ {low} đến {high} phút."
MSG_DATE_RANGE = "Thời gian phải trong khoảng năm 2000 đến năm 2100."
MSG_NAIVE_TIME = "Thời gian cần có múi giờ (ví dụ 2026-03-05T14:00:00+07:00)."
MSG_PREPARER_OUTSIDE = "Người chuẩn bị nội dung phải là đảng viên của chi bộ."
MSG_PERSON_OUTSIDE = "«{name}» không phải là đảng viên của chi bộ."
MSG_MONTH_TAKEN = (
    "Chi bộ đã có buổi sinh hoạt thường kỳ tháng {month} (ngày {day}). Mỗi tháng một buổi thường kỳ; "
    "nếu buổi đó không họp được thì hãy hoãn buổi đó (có lý do) rồi lên lịch lại."
)
MSG_NOT_PLANNED = "Buổi sinh hoạt đã thông báo hoặc đã kết thúc: không thông báo lại được."
MSG_ANNOUNCE_PAST = "Buổi sinh hoạt đã qua giờ bắt đầu: không thông báo nữa; nếu đã họp thì ghi nhận đã họp."
MSG_NO_MEMBERS = "Chi bộ không có đảng viên nào sinh hoạt vào ngày {day}: không có ai để mời."
MSG_NOT_UPCOMING = "Chỉ hoãn, hủy hoặc sửa được buổi sinh hoạt chưa họp."
MSG_TIME_AFTER_ANNOUNCE = (
    "Buổi sinh hoạt đã thông báo: muốn đổi thời gian thì hãy hoãn (có lý do) và lên lịch lại."
)
MSG_HALT_REASON = "Cần ghi lý do hoãn hoặc hủy."
MSG_NEW_TIME_PAST = "Thời gian họp lại phải sau thời điểm hiện tại."
MSG_ALREADY_HELD = "Buổi sinh hoạt đã được ghi nhận là đã họp."
MSG_NOT_HOLDABLE = "Buổi sinh hoạt đã hoãn hoặc hủy: không ghi nhận đã họp được."
MSG_HELD_FUTURE = "Thời gian họp không được sau thời điểm hiện tại."
MSG_END_BEFORE_START = "Giờ kết thúc phải sau giờ bắt đầu."
MSG_TOO_LONG = "Một buổi sinh hoạt không kéo dài quá 12 giờ: kiểm tra lại giờ bắt đầu và kết thúc."
MSG_MEETING_CLOSED = "Buổi sinh hoạt đã hoãn hoặc hủy: không thay đổi được nữa."
MSG_NOT_ANNOUNCED = "Buổi sinh hoạt chưa được thông báo."
MSG_FACTS_LOCKED = (
    "Biên bản đã duyệt: nội dung, điểm danh và biểu quyết không sửa được nữa. Cần sửa thì lập bản đính chính "
    "biên bản (có lý do)."
)
MSG_AGENDA_KIND = "Loại nội dung không hợp lệ."
MSG_AGENDA_TITLE = "Cần ghi nội dung."
MSG_TOO_LONG_TEXT = "{label} dài quá {limit} ký tự."
MSG_VOTES_BEFORE_HELD = "Chỉ ghi kết quả biểu quyết khi buổi sinh hoạt đã họp."
MSG_VOTES_NOT_FOR_KIND = "Nội dung loại «{kind}» không có biểu quyết."
MSG_VOTES_REQUIRED = "Cần ghi số phiếu tán thành, không tán thành và không biểu quyết."
MSG_VOTES_NEGATIVE = "Số phiếu phải là số nguyên từ 0 trở lên."
MSG_VOTES_EXCEED = "Tổng số phiếu ({total}) vượt số đảng viên có mặt ({present})."
MSG_DOCUMENT_ONE = "Chọn một văn bản trong sổ hoặc tải lên một tệp (không cả hai)."
MSG_DOCUMENT_NOT_FOUND = "Không tìm thấy văn bản này trong sổ văn bản thuộc phạm vi của bạn."
MSG_DOCUMENT_TITLE = "Cần ghi tên tài liệu."
MSG_CLASSIFIED = "Không được lưu tài liệu mật (Mật, Tối mật, Tuyệt mật) trên phần mềm này."
MSG_CLASSIFIED_FILE = "Tệp có dấu độ mật («{mark}»): không được lưu tài liệu mật trên phần mềm này."
MSG_ALREADY_AVAILABLE = "Tài liệu đã được gửi cho đảng viên."
MSG_DOCUMENT_WITHDRAWN = "Tài liệu đã được rút."
MSG_REPLY = "Trả lời không hợp lệ."
MSG_REPLY_REASON = "Xin vắng thì cần ghi lý do."
MSG_REPLY_CLOSED = "Buổi sinh hoạt không còn nhận trả lời (đã họp, hoãn hoặc hủy)."
MSG_NO_PERSON = "Tài khoản của bạn chưa gắn với hồ sơ đảng viên."
MSG_NOT_INVITED = "Bạn không có trong danh sách mời của buổi sinh hoạt này."
MSG_NOT_INVITEE = "«{name}» không có trong danh sách mời của buổi sinh hoạt này."
MSG_REASON_REQUIRED = "Vắng có lý do thì phải ghi lý do."
MSG_BAD_ATTENDANCE = "Trạng thái điểm danh không hợp lệ."
MSG_JOINED_AFTER = "«{name}» sinh hoạt tại chi bộ từ {joined}, sau buổi sinh hoạt này: không tính là vắng."
MSG_ATTENDANCE_EARLY = "Chưa đến giờ sinh hoạt: điểm danh từ 30 phút trước giờ bắt đầu."
MSG_ATTENDANCE_STATE = "Chỉ điểm danh buổi sinh hoạt đã thông báo hoặc đã họp."
MSG_QR_EXPIRED = "Mã QR đã hết hạn. Đề nghị quét lại mã đang chiếu tại phòng họp."
MSG_QR_INVALID = "Mã QR không hợp lệ."
MSG_QR_MISMATCH = "Mã QR này không phải của buổi sinh hoạt này."
MSG_RECORD_KIND = "Loại văn bản không hợp lệ."
MSG_RECORD_APPROVED = (
    "{kind} đã duyệt, không sửa được. Cần sửa thì lập bản đính chính (có lý do): bản đã duyệt vẫn được giữ."
)
MSG_RECORD_NOT_DRAFT = "{kind} này đã được duyệt rồi."
MSG_RECORD_NOTHING = "Chưa có dự thảo {kind} để duyệt."
MSG_APPROVE_BEFORE_HELD = "Chỉ duyệt biên bản, nghị quyết khi buổi sinh hoạt đã họp."
MSG_RECORD_BODY = "Cần ghi nội dung {kind}."
MSG_RESOLUTION_VOTES = "Nghị quyết được thông qua bằng biểu quyết: cần ghi số phiếu."
MSG_RESOLUTION_NOT_ADOPTED = "Số phiếu tán thành ({votes}) chưa quá một nửa số đảng viên có mặt ({present})."
MSG_CORRECTION_REASON = "Cần ghi lý do đính chính."
MSG_CORRECTION_NO_APPROVED = "Chưa có {kind} đã duyệt để đính chính."
MSG_CORRECTION_OPEN = "Đang có một dự thảo {kind}: hãy sửa và duyệt dự thảo đó."
MSG_ITEMS_BEFORE_HELD = "Nhiệm vụ của nghị quyết được giao khi buổi sinh hoạt đã họp."
MSG_ITEMS_EMPTY = "Cần ít nhất một nhiệm vụ."
MSG_ITEMS_TOO_MANY = "Mỗi lần giao tối đa {limit} nhiệm vụ."
MSG_ITEM_TITLE = "Nhiệm vụ {n}: cần ghi nội dung công việc (rõ việc)."
MSG_ITEM_PERSON = "Nhiệm vụ {n}: cần chọn người thực hiện (rõ người)."
MSG_ITEM_DEADLINE = "Nhiệm vụ {n}: cần ghi thời hạn (rõ thời gian)."
MSG_ITEM_DEADLINE_BEFORE = "Nhiệm vụ {n}: thời hạn không được trước ngày họp ({day})."
MSG_ITEM_DEADLINE_FAR = "Nhiệm vụ {n}: thời hạn quá 5 năm sau ngày họp."
MSG_RESOLUTION_LOCKED = (
    "Nghị quyết đã duyệt: không thêm nhiệm vụ được nữa. Cần bổ sung thì lập bản đính chính nghị quyết."
)
MSG_SCORE_NO_CRITERIA = "Quy định sinh hoạt của chi bộ chưa có tiêu chí tự chấm điểm."
MSG_SCORE_COUNT = "Cần chấm đủ {count} tiêu chí."
MSG_SCORE_RANGE = "Điểm tiêu chí «{title}» phải từ 0 đến {max}."
MSG_SCORE_BEFORE_HELD = "Chỉ tự chấm điểm buổi sinh hoạt đã họp."
MSG_SETTINGS_KIND = (
    "Quy định sinh hoạt đặt cho cấp ủy (đảng bộ, chi bộ cơ sở), không đặt cho chi bộ trực thuộc."
)
MSG_SETTINGS_RANGE = "«{label}» phải từ {low} đến {high}."
MSG_CRITERION_LINE = "Dòng {line} của tiêu chí: viết «Nội dung tiêu chí | điểm tối đa» (điểm từ 1 đến 100)."
MSG_CRITERIA_TOO_MANY = "Tối đa 20 tiêu chí tự chấm điểm."

EXPECTED_MINUTES_RANGE = (30, 600)
MAX_HELD = dt.timedelta(hours=12)
ATTENDANCE_OPENS_BEFORE = dt.timedelta(minutes=30)
MAX_ITEMS_PER_CALL = 30
MAX_NOTES = 20_000
MAX_RECORD_TEXT = 100_000
YEAR_RANGE = (2000, 2100)
SETTINGS_RANGES = {
    "schedule_due_day": ("Hạn nhập lịch (ngày của tháng trước)", 1, 28),
    "documents_lead_days": ("Gửi tài liệu trước (ngày)", 0, 30),
    "min_minutes_regular": ("Thời lượng tối thiểu", 30, 480),
    "min_minutes_combined": ("Thời lượng tối thiểu khi kết hợp chuyên đề", 30, 480),
    "small_branch_members": ("Miễn thời lượng cho chi bộ dưới", 0, 50),
    "thematic_per_year": ("Số buổi chuyên đề mỗi năm", 0, 12),
}
MAX_CRITERIA = 20
CHECKIN_PURPOSE = "meetings"


# --- rights and small checks ----------------------------------------------------------------------------


def can_manage(actor, organization: Organization) -> bool:
    """The chi bộ's secretary, the committees above it and the office staff of the subtree."""
    return scope_for(actor).can_write_path(organization.path)


def _require_manage(actor, organization: Organization) -> None:
    if not can_manage(actor, organization):
        raise OutOfScope(MSG_NO_RIGHT)


def _locked(meeting: Meeting) -> Meeting:
    return Meeting.objects.select_for_update().select_related("organization").get(pk=meeting.pk)


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or timezone.now()


def _check_instant(value: dt.datetime | None, *, field: str) -> dt.datetime:
    if value is None:
        raise BusinessError(MSG_DATE_RANGE, field=field)
    if timezone.is_naive(value):
        raise BusinessError(MSG_NAIVE_TIME, field=field)
    local = value.astimezone(LOCAL_ZONE)
    if not YEAR_RANGE[0] <= local.year <= YEAR_RANGE[1]:
        raise BusinessError(MSG_DATE_RANGE, field=field)
    return value


def _text(value: str | None, *, label: str, limit: int, field: str) -> str:
    text = normalize_text(value or "")
    if len(text) > limit:
        raise BusinessError(
            MSG_TOO_LONG_TEXT.format(label=label, limit=f"{limit:,}".replace(",", ".")), field=field
        )
    return text


def _long_text(value: str | None, *, label: str, limit: int, field: str) -> str:
    """A multi-line text: lines kept, each line's spaces tidied, NUL characters dropped."""
    text = (value or "").replace("\x00", "").replace("\r\n", "\n").strip()
    if len(text) > limit:
        raise BusinessError(
            MSG_TOO_LONG_TEXT.format(label=label, limit=f"{limit:,}".replace(",", ".")), field=field
        )
    return text


def _is_member_of(person: Person | None, organization: Organization) -> bool:
    return person is not None and person.organization_id == organization.pk


def _official_members(organization: Organization, day: dt.date) -> int:
    return attendance.members_on(organization_id=organization.pk, day=day).count()


def _facts_editable(meeting: Meeting) -> None:
    """Attendance, agenda and votes are facts of the minutes: fixed once the minutes are approved, open
    again while a correction of the minutes is drafted."""
    if (
        meeting.state == MeetingState.APPROVED
        and not MeetingRecord.objects.filter(
            meeting=meeting, kind=RecordKind.MINUTES, state=RecordState.DRAFT
        ).exists()
    ):
        raise BusinessError(MSG_FACTS_LOCKED)
    if meeting.state not in LIVE_STATES:
        raise BusinessError(MSG_MEETING_CLOSED)


def _check_link(link: str) -> str:
    link = (link or "").strip()[:200]
    if link and not link.lower().startswith(("https://", "http://")):
        raise BusinessError(MSG_LINK, field="online_link")
    return link


def _check_expected(minutes: int | None, kind: str, organization: Organization) -> int:
    if minutes is None:
        values = rules_for(organization)
        return values.min_minutes_combined if kind == MeetingKind.COMBINED else values.min_minutes_regular
    low, high = EXPECTED_MINUTES_RANGE
    if not isinstance(minutes, int) or not low <= minutes <= high:
        raise BusinessError(MSG_EXPECTED_MINUTES.format(low=low, high=high), field="expected_minutes")
    return minutes


def _month_label(day: dt.date) -> str:
    return f"{day.month}/{day.year}"


def _check_month_free(
    organization: Organization, kind: str, for_month: dt.date, *, exclude: int | None = None
) -> None:
    if kind not in MONTHLY_KINDS:
        return
    taken = Meeting.objects.filter(
        organization=organization, for_month=for_month, kind__in=MONTHLY_KINDS, state__in=LIVE_STATES
    )
    if exclude:
        taken = taken.exclude(pk=exclude)
    other = taken.order_by("starts_at").first()
    if other is not None:
        raise BusinessError(
            MSG_MONTH_TAKEN.format(
                month=_month_label(for_month), day=other.starts_at.astimezone(LOCAL_ZONE).strftime("%d/%m/%Y")
            ),
            field="starts_at",
        )


def _apply_rules(meeting: Meeting) -> None:
    """The due dates and the minimum length in force for this meeting (kept on it: `models` docstring)."""
    values = rules_for(meeting.organization)
    meeting.schedule_due_on = rules.schedule_due_on(
        kind=meeting.kind,
        starts_at=meeting.starts_at,
        rules=values,
        replaces_postponed=meeting.replaces_id is not None,
    )
    meeting.documents_due_at = rules.documents_due_at(starts_at=meeting.starts_at, rules=values)
    meeting.min_minutes = rules.min_minutes(
        kind=meeting.kind,
        rules=values,
        official_members=_official_members(meeting.organization, rules.local_date(meeting.starts_at)),
    )


def _save_new(meeting: Meeting) -> None:
    """Insert; a concurrent insert of the month's regular meeting loses on the unique constraint."""
    try:
        with transaction.atomic():
            meeting.save()
    except IntegrityError as exc:
        _check_month_free(meeting.organization, meeting.kind, meeting.for_month)
        raise BusinessError(MSG_MONTH_TAKEN.format(month=_month_label(meeting.for_month), day="…")) from exc


# --- planning -------------------------------------------------------------------------------------------


@transaction.atomic
def meeting_plan(
    *,
    actor,
    organization: Organization,
    kind: str,
    starts_at: dt.datetime,
    topic: str,
    place: str = "",
    online_link: str = "",
    expected_minutes: int | None = None,
    preparer: Person | None = None,
) -> Meeting:
    """Put a meeting on the chi bộ's schedule (state planned). One regular meeting per month."""
    _require_manage(actor, organization)
    if organization.kind not in BRANCH_KINDS:
        raise BusinessError(MSG_NOT_A_BRANCH.format(name=organization.name), field="organization")
    if not organization.is_active:
        raise BusinessError(MSG_ORG_CLOSED.format(name=organization.name), field="organization")
    if kind not in MeetingKind.values:
        raise BusinessError(MSG_KIND, field="kind")
    starts_at = _check_instant(starts_at, field="starts_at")
    topic = _text(topic, label="Nội dung", limit=500, field="topic")
    if not topic:
        raise BusinessError(MSG_TOPIC_REQUIRED, field="topic")
    place = _text(place, label="Địa điểm", limit=255, field="place")
    online_link = _check_link(online_link)
    if not place and not online_link:
        raise BusinessError(MSG_PLACE_OR_LINK, field="place")
    if preparer is not None and not _is_member_of(preparer, organization):
        raise BusinessError(MSG_PREPARER_OUTSIDE, field="preparer")
    for_month = rules.month_start(rules.local_date(starts_at))
    _check_month_free(organization, kind, for_month)
    meeting = Meeting(
        organization=organization,
        kind=kind,
        for_month=for_month,
        starts_at=starts_at,
        expected_minutes=_check_expected(expected_minutes, kind, organization),
        place=place,
        online_link=online_link,
        topic=topic,
        preparer=preparer,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    _apply_rules(meeting)
    _save_new(meeting)
    events.meeting_planned(actor=actor, meeting=meeting)
    return meeting


UPDATABLE_FIELDS = (
    "starts_at",
    "expected_minutes",
    "place",
    "online_link",
    "topic",
    "preparer",
    "chair",
    "recorder",
)


@transaction.atomic
def meeting_update(*, actor, meeting: Meeting, **values: Any) -> Meeting:
    """Change the schedule of a meeting not yet held. Once announced, the time changes only by
    postponing; the invitees are told of any other change."""
    unknown = set(values) - set(UPDATABLE_FIELDS)
    if unknown:  # a programming error
        raise TypeError(f"meeting_update cannot change {sorted(unknown)}")
    meeting = _locked(meeting)
    _require_manage(actor, meeting.organization)
    if meeting.state not in UPCOMING_STATES:
        raise BusinessError(MSG_NOT_UPCOMING)
    before = snapshot(meeting, list(UPDATABLE_FIELDS))
    if "starts_at" in values:
        starts_at = _check_instant(values["starts_at"], field="starts_at")
        if meeting.state == MeetingState.ANNOUNCED and starts_at != meeting.starts_at:
            raise BusinessError(MSG_TIME_AFTER_ANNOUNCE, field="starts_at")
        meeting.starts_at = starts_at
        for_month = rules.month_start(rules.local_date(starts_at))
        if meeting.replaces_id is None:
            _check_month_free(meeting.organization, meeting.kind, for_month, exclude=meeting.pk)
            meeting.for_month = for_month
    if "topic" in values:
        meeting.topic = _text(values["topic"], label="Nội dung", limit=500, field="topic")
        if not meeting.topic:
            raise BusinessError(MSG_TOPIC_REQUIRED, field="topic")
    if "place" in values:
        meeting.place = _text(values["place"], label="Địa điểm", limit=255, field="place")
    if "online_link" in values:
        meeting.online_link = _check_link(values["online_link"])
    if not meeting.place and not meeting.online_link:
        raise BusinessError(MSG_PLACE_OR_LINK, field="place")
    if "expected_minutes" in values:
        meeting.expected_minutes = _check_expected(
            values["expected_minutes"], meeting.kind, meeting.organization
        )
    for name in ("preparer", "chair", "recorder"):
        if name in values:
            person = values[name]
            if person is not None and not _is_member_of(person, meeting.organization):
                raise BusinessError(MSG_PERSON_OUTSIDE.format(name=person.full_name), field=name)
            setattr(meeting, name, person)
    _apply_rules(meeting)
    meeting.save()
    event = events.meeting_updated(actor=actor, meeting=meeting, before=before)
    if event is not None and meeting.state == MeetingState.ANNOUNCED:
        notices.meeting_changed(actor=actor, meeting=meeting)
    return meeting


def _invite(meeting: Meeting, day: dt.date) -> int:
    """Add the members of the chi bộ on `day` not invited yet (bulk); returns how many were added."""
    already = set(Invitee.objects.filter(meeting=meeting).values_list("person_id", flat=True))
    rows = [
        Invitee(meeting=meeting, person_id=pk, joined_on=joined)
        # joined_on is members_on's annotation (the start of the membership covering the day).
        for pk, joined in attendance.members_on(  # type: ignore[misc]
            organization_id=meeting.organization_id, day=day
        ).values_list("pk", "joined_on")
        if pk not in already
    ]
    Invitee.objects.bulk_create(rows, batch_size=500, ignore_conflicts=True)
    return len(rows)


@transaction.atomic
def meeting_announce(*, actor, meeting: Meeting, now: dt.datetime | None = None) -> Meeting:
    """Announce the time, place and content: the members on the meeting date are invited and told, and so
    is the committee above (in the app and by e-mail, once)."""
    now = _now(now)
    meeting = _locked(meeting)
    _require_manage(actor, meeting.organization)
    if meeting.state != MeetingState.PLANNED:
        raise BusinessError(MSG_NOT_PLANNED)
    if meeting.starts_at <= now:
        raise BusinessError(MSG_ANNOUNCE_PAST)
    day = rules.local_date(meeting.starts_at)
    invited = _invite(meeting, day)
    if not Invitee.objects.filter(meeting=meeting).exists():
        raise BusinessError(MSG_NO_MEMBERS.format(day=f"{day:%d/%m/%Y}"))
    meeting.state = MeetingState.ANNOUNCED
    meeting.announced_at = now
    meeting.announced_by = actor if getattr(actor, "pk", None) else None
    meeting.save(update_fields=["state", "announced_at", "announced_by", "updated_at"])
    events.meeting_announced(actor=actor, meeting=meeting, invited=invited)
    notices.meeting_announced(actor=actor, meeting=meeting)
    return meeting


@transaction.atomic
def meeting_postpone(
    *,
    actor,
    meeting: Meeting,
    reason: str,
    new_starts_at: dt.datetime | None = None,
    now: dt.datetime | None = None,
) -> Meeting | None:
    """Postpone (with a reason); with a new time, the replacement is planned at once and keeps the
    month it stands for (a postponement into the next month). Returns the replacement, if any."""
    now = _now(now)
    meeting = _locked(meeting)
    _require_manage(actor, meeting.organization)
    if meeting.state not in UPCOMING_STATES:
        raise BusinessError(MSG_NOT_UPCOMING)
    reason = _text(reason, label="Lý do", limit=500, field="reason")
    if not reason:
        raise BusinessError(MSG_HALT_REASON, field="reason")
    if new_starts_at is not None:
        new_starts_at = _check_instant(new_starts_at, field="new_starts_at")
        if new_starts_at <= now:
            raise BusinessError(MSG_NEW_TIME_PAST, field="new_starts_at")
    old_state = meeting.state
    was_announced = meeting.state == MeetingState.ANNOUNCED
    meeting.state = MeetingState.POSTPONED
    meeting.halt_reason = reason
    meeting.halted_at = now
    meeting.halted_by = actor if getattr(actor, "pk", None) else None
    meeting.save(update_fields=["state", "halt_reason", "halted_at", "halted_by", "updated_at"])
    replacement = None
    if new_starts_at is not None:
        replacement = Meeting(
            organization=meeting.organization,
            kind=meeting.kind,
            for_month=meeting.for_month,
            starts_at=new_starts_at,
            expected_minutes=meeting.expected_minutes,
            place=meeting.place,
            online_link=meeting.online_link,
            topic=meeting.topic,
            preparer=meeting.preparer,
            replaces=meeting,
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        _apply_rules(replacement)
        _save_new(replacement)
        events.meeting_planned(actor=actor, meeting=replacement)
    events.meeting_halted(actor=actor, meeting=meeting, old_state=old_state, replacement=replacement)
    if was_announced:
        notices.meeting_halted(actor=actor, meeting=meeting, replacement=replacement)
    return replacement


@transaction.atomic
def meeting_cancel(*, actor, meeting: Meeting, reason: str, now: dt.datetime | None = None) -> Meeting:
    """Cancel (with a reason); the invitees of an announced meeting are told."""
    meeting = _locked(meeting)
    _require_manage(actor, meeting.organization)
    if meeting.state not in UPCOMING_STATES:
        raise BusinessError(MSG_NOT_UPCOMING)
    reason = _text(reason, label="Lý do", limit=500, field="reason")
    if not reason:
        raise BusinessError(MSG_HALT_REASON, field="reason")
    old_state = meeting.state
    meeting.state = MeetingState.CANCELLED
    meeting.halt_reason = reason
    meeting.halted_at = _now(now)
    meeting.halted_by = actor if getattr(actor, "pk", None) else None
    meeting.save(update_fields=["state", "halt_reason", "halted_at", "halted_by", "updated_at"])
    events.meeting_halted(actor=actor, meeting=meeting, old_state=old_state)
    if old_state == MeetingState.ANNOUNCED:
        notices.meeting_halted(actor=actor, meeting=meeting, replacement=None)
    return meeting


@transaction.atomic
def meeting_hold(
    *,
    actor,
    meeting: Meeting,
    ended_at: dt.datetime,
    started_at: dt.datetime | None = None,
    chair: Person | None = None,
    recorder: Person | None = None,
    now: dt.datetime | None = None,
) -> Meeting:
    """Record that the meeting took place, from `started_at` (default: the planned time) to `ended_at`;
    a time in the future is refused. Members who joined by then and were not invited yet are added."""
    now = _now(now)
    meeting = _locked(meeting)
    _require_manage(actor, meeting.organization)
    if meeting.state in HELD_STATES:
        raise BusinessError(MSG_ALREADY_HELD)
    if meeting.state not in UPCOMING_STATES:
        raise BusinessError(MSG_NOT_HOLDABLE)
    started_at = _check_instant(started_at or meeting.starts_at, field="started_at")
    ended_at = _check_instant(ended_at, field="ended_at")
    if started_at > now:
        raise BusinessError(MSG_HELD_FUTURE, field="started_at")
    if ended_at > now:
        raise BusinessError(MSG_HELD_FUTURE, field="ended_at")
    if ended_at <= started_at:
        raise BusinessError(MSG_END_BEFORE_START, field="ended_at")
    if ended_at - started_at > MAX_HELD:
        raise BusinessError(MSG_TOO_LONG, field="ended_at")
    for name, person in (("chair", chair), ("recorder", recorder)):
        if person is not None and not _is_member_of(person, meeting.organization):
            raise BusinessError(MSG_PERSON_OUTSIDE.format(name=person.full_name), field=name)
    before = snapshot(meeting, ["state", "started_at", "ended_at", "chair", "recorder"])
    added = _invite(meeting, rules.local_date(started_at))
    if added and meeting.state == MeetingState.ANNOUNCED:
        events.invitees_updated(actor=actor, meeting=meeting, added=added)
    meeting.state = MeetingState.HELD
    meeting.started_at = started_at
    meeting.ended_at = ended_at
    meeting.chair = chair or meeting.chair
    meeting.recorder = recorder or meeting.recorder
    meeting.held_recorded_by = actor if getattr(actor, "pk", None) else None
    meeting.save()
    events.meeting_held(actor=actor, meeting=meeting, before=before)
    return meeting


# --- agenda ---------------------------------------------------------------------------------------------


def _present_count(meeting: Meeting) -> int:
    return Invitee.objects.filter(meeting=meeting, status=AttendanceStatus.PRESENT).count()


def _check_votes(meeting: Meeting, kind: str, votes: tuple[int | None, int | None, int | None]) -> tuple:
    if all(v is None for v in votes):
        if kind in VOTE_REQUIRED_KINDS and meeting.is_held:
            raise BusinessError(MSG_VOTES_REQUIRED, field="votes_for")
        return (None, None, None)
    if kind not in VOTE_KINDS:
        raise BusinessError(MSG_VOTES_NOT_FOR_KIND.format(kind=AgendaKind(kind).label), field="votes_for")
    if not meeting.is_held:
        raise BusinessError(MSG_VOTES_BEFORE_HELD, field="votes_for")
    if any(v is None for v in votes):
        raise BusinessError(MSG_VOTES_REQUIRED, field="votes_for")
    if any(not isinstance(v, int) or v < 0 or v > 10_000 for v in votes):
        raise BusinessError(MSG_VOTES_NEGATIVE, field="votes_for")
    present = _present_count(meeting)
    if sum(votes) > present:  # type: ignore[arg-type]
        raise BusinessError(MSG_VOTES_EXCEED.format(total=sum(votes), present=present), field="votes_for")  # type: ignore[arg-type]
    return votes


@transaction.atomic
def agenda_item_add(
    *,
    actor,
    meeting: Meeting,
    kind: str,
    title: str,
    presenter: Person | None = None,
    notes: str = "",
    votes_for: int | None = None,
    votes_against: int | None = None,
    votes_abstain: int | None = None,
) -> AgendaItem:
    """Add an item to the agenda; a vote records counts only (for, against, abstain)."""
    meeting = _locked(meeting)
    _require_manage(actor, meeting.organization)
    _facts_editable(meeting)
    if kind not in AgendaKind.values:
        raise BusinessError(MSG_AGENDA_KIND, field="kind")
    title = _text(title, label="Nội dung", limit=500, field="title")
    if not title:
        raise BusinessError(MSG_AGENDA_TITLE, field="title")
    if presenter is not None and not _is_member_of(presenter, meeting.organization):
        raise BusinessError(MSG_PERSON_OUTSIDE.format(name=presenter.full_name), field="presenter")
    counts = _check_votes(meeting, kind, (votes_for, votes_against, votes_abstain))
    position = (AgendaItem.objects.filter(meeting=meeting).count()) + 1
    item = AgendaItem.objects.create(
        meeting=meeting,
        position=position,
        kind=kind,
        title=title,
        presenter=presenter,
        notes=_long_text(notes, label="Ý kiến, kết luận", limit=MAX_NOTES, field="notes"),
        votes_for=counts[0],
        votes_against=counts[1],
        votes_abstain=counts[2],
    )
    events.agenda_item_added(actor=actor, item=item)
    return item


@transaction.atomic
def agenda_item_update(
    *,
    actor,
    item: AgendaItem,
    kind: str,
    title: str,
    presenter: Person | None = None,
    notes: str = "",
    votes_for: int | None = None,
    votes_against: int | None = None,
    votes_abstain: int | None = None,
) -> AgendaItem:
    """Record what was said and decided on an item (its notes and vote counts)."""
    meeting = _locked(item.meeting)
    item = AgendaItem.objects.select_for_update().get(pk=item.pk)
    item.meeting = meeting
    _require_manage(actor, meeting.organization)
    _facts_editable(meeting)
    if kind not in AgendaKind.values:
        raise BusinessError(MSG_AGENDA_KIND, field="kind")
    before_text, before_notes = events.agenda_text(item), item.notes
    title = _text(title, label="Nội dung", limit=500, field="title")
    if not title:
        raise BusinessError(MSG_AGENDA_TITLE, field="title")
    if presenter is not None and not _is_member_of(presenter, meeting.organization):
        raise BusinessError(MSG_PERSON_OUTSIDE.format(name=presenter.full_name), field="presenter")
    counts = _check_votes(meeting, kind, (votes_for, votes_against, votes_abstain))
    item.kind, item.title, item.presenter = kind, title, presenter
    item.notes = _long_text(notes, label="Ý kiến, kết luận", limit=MAX_NOTES, field="notes")
    item.votes_for, item.votes_against, item.votes_abstain = counts
    item.save()
    events.agenda_item_updated(actor=actor, item=item, before_text=before_text, before_notes=before_notes)
    return item


# --- documents ------------------------------------------------------------------------------------------


def _check_classification(upload, declared: str) -> None:
    from neuguong.documents.services import classification_mark

    if declared:
        raise BusinessError(MSG_CLASSIFIED, field="classification")
    mark = classification_mark(upload)
    if mark:
        raise BusinessError(MSG_CLASSIFIED_FILE.format(mark=mark), field="file")


@transaction.atomic
def document_add(
    *,
    actor,
    meeting: Meeting,
    title: str = "",
    document=None,
    upload=None,
    classification: str = "",
    release: bool = True,
    now: dt.datetime | None = None,
) -> MeetingDocument:
    """Add a registered document or an uploaded file (the one upload policy; classified refused); made
    available to the invitees now unless `release` is False (then later, `document_release`)."""
    from neuguong.documents.models import Document

    meeting = _locked(meeting)
    _require_manage(actor, meeting.organization)
    if meeting.state not in LIVE_STATES:
        raise BusinessError(MSG_MEETING_CLOSED)
    if (document is None) == (upload is None):
        raise BusinessError(MSG_DOCUMENT_ONE, field="document")
    title = _text(title, label="Tên tài liệu", limit=255, field="title")
    row = MeetingDocument(meeting=meeting, added_by=actor)
    if document is not None:
        readable = Document.objects.visible_to(actor)
        if not readable.filter(pk=document.pk).exists():
            raise BusinessError(MSG_DOCUMENT_NOT_FOUND, field="document")
        row.document = document
        row.title = title or f"{document.number_text} — {document.summary}"[:255]
    else:
        row.content_type = check_upload(upload, field="file")
        _check_classification(upload, classification)
        row.original_name = normalize_text(upload.name or "tai-lieu")[:255]
        row.size = upload.size
        row.title = title or row.original_name
        row.file.save(row.original_name, upload, save=False)
    if not row.title:
        raise BusinessError(MSG_DOCUMENT_TITLE, field="title")
    if release:
        row.available_at = _now(now)
    row.save()
    events.document_added(actor=actor, document=row)
    if release:
        events.document_released(actor=actor, document=row)
        notices.document_available(actor=actor, document=row)
    return row


@transaction.atomic
def document_release(*, actor, document: MeetingDocument, now: dt.datetime | None = None) -> MeetingDocument:
    """Make a document available to the invitees now (the time is what 'documents on time' reads)."""
    document = (
        MeetingDocument.objects.select_for_update()
        .select_related("meeting__organization")
        .get(pk=document.pk)
    )
    _require_manage(actor, document.meeting.organization)
    if document.is_deleted:
        raise BusinessError(MSG_DOCUMENT_WITHDRAWN)
    if document.available_at is not None:
        raise BusinessError(MSG_ALREADY_AVAILABLE)
    if document.meeting.state not in LIVE_STATES:
        raise BusinessError(MSG_MEETING_CLOSED)
    document.available_at = _now(now)
    document.save(update_fields=["available_at"])
    events.document_released(actor=actor, document=document)
    notices.document_available(actor=actor, document=document)
    return document


@transaction.atomic
def document_withdraw(*, actor, document: MeetingDocument, now: dt.datetime | None = None) -> MeetingDocument:
    """Withdraw a document (kept, marked withdrawn: evidence is never erased)."""
    document = (
        MeetingDocument.objects.select_for_update()
        .select_related("meeting__organization")
        .get(pk=document.pk)
    )
    _require_manage(actor, document.meeting.organization)
    if document.is_deleted:
        raise BusinessError(MSG_DOCUMENT_WITHDRAWN)
    document.deleted_at = _now(now)
    document.deleted_by = actor
    document.save(update_fields=["deleted_at", "deleted_by"])
    events.document_withdrawn(actor=actor, document=document)
    return document


def documents_reminders_send(*, now: dt.datetime | None = None) -> int:
    """Hourly: remind the secretary and the preparer of each upcoming meeting whose documents are due
    within a day (or overdue) and none has been sent yet; once per meeting. Returns how many meetings."""
    from django.db.models import Exists, OuterRef

    now = _now(now)
    released = MeetingDocument.objects.alive().filter(meeting=OuterRef("pk"), available_at__isnull=False)
    due = (
        Meeting.objects.filter(
            state__in=UPCOMING_STATES,
            starts_at__gt=now,
            documents_due_at__lte=now + notices.DOCUMENTS_REMINDER_AHEAD,
        )
        .exclude(Exists(released))
        .order_by("starts_at")
        .values_list("pk", flat=True)
    )
    reminded = 0
    with emails_sent_once():  # one e-mail task for the whole run, not one per meeting
        for pk in list(due):
            with transaction.atomic():
                # The lock makes "once per meeting" hold with two workers running the task.
                meeting = Meeting.objects.select_for_update().select_related("organization").get(pk=pk)
                if (
                    meeting.state in UPCOMING_STATES
                    and not meeting.documents.alive().filter(available_at__isnull=False).exists()
                ):
                    reminded += notices.documents_due(meeting=meeting)
    return reminded


# --- invitees: reply and attendance ---------------------------------------------------------------------


def _own_invitee(user, meeting: Meeting) -> Invitee:
    person_id = scope_for(user).person_id
    if person_id is None:
        raise BusinessError(MSG_NO_PERSON)
    invitee = Invitee.objects.select_related("person").filter(meeting=meeting, person_id=person_id).first()
    if invitee is None:
        raise BusinessError(MSG_NOT_INVITED)
    invitee.meeting = meeting
    return invitee


@transaction.atomic
def invitee_reply(
    *, user, meeting: Meeting, reply: str, reason: str = "", now: dt.datetime | None = None
) -> Invitee:
    """A member answers the announcement from their phone: will attend, or asks to be excused (reason)."""
    meeting = _locked(meeting)
    invitee = _own_invitee(user, meeting)
    if meeting.state != MeetingState.ANNOUNCED:
        raise BusinessError(MSG_REPLY_CLOSED)
    if reply not in (Invitee.Reply.ATTENDING, Invitee.Reply.EXCUSED):
        raise BusinessError(MSG_REPLY, field="reply")
    reason = _text(reason, label="Lý do", limit=255, field="reason") if reply == Invitee.Reply.EXCUSED else ""
    if reply == Invitee.Reply.EXCUSED and not reason:
        raise BusinessError(MSG_REPLY_REASON, field="reason")
    before = {"reply": invitee.reply, "reply_reason": invitee.reply_reason}
    invitee.reply, invitee.reply_reason, invitee.replied_at = reply, reason, _now(now)
    invitee.save(update_fields=["reply", "reply_reason", "replied_at"])
    events.invitee_replied(actor=user, invitee=invitee, before=before)
    return invitee


_MARK_REFUSALS = {
    "bad_status": MSG_BAD_ATTENDANCE,
    "reason_required": MSG_REASON_REQUIRED,
    "joined_after": MSG_JOINED_AFTER,
    "makeup_not_needed": MSG_BAD_ATTENDANCE,  # a meeting has no make-up session
}


def held_on(meeting: Meeting) -> dt.date:
    return rules.local_date(meeting.started_at or meeting.starts_at)


def _check_mark(meeting: Meeting, invitee: Invitee, status: str, reason: str) -> None:
    """The shared attendance rule (`people.attendance.check_mark`), said in the meetings module's words."""
    try:
        attendance.check_mark(
            status=status, reason=reason, joined_on=invitee.joined_on, held_on=held_on(meeting)
        )
    except attendance.MarkRefused as exc:
        message = _MARK_REFUSALS[exc.reason].format(
            name=invitee.person.full_name,
            joined=invitee.joined_on.strftime("%d/%m/%Y") if invitee.joined_on else "",
        )
        raise BusinessError(message, field="reason" if exc.reason == "reason_required" else "status") from exc


def _check_attendance_open(meeting: Meeting, now: dt.datetime) -> None:
    if meeting.state not in (MeetingState.ANNOUNCED, *HELD_STATES):
        raise BusinessError(MSG_ATTENDANCE_STATE)
    _facts_editable(meeting)
    if now < meeting.starts_at - ATTENDANCE_OPENS_BEFORE and meeting.state == MeetingState.ANNOUNCED:
        raise BusinessError(MSG_ATTENDANCE_EARLY)


@transaction.atomic
def attendance_mark(
    *,
    actor,
    meeting: Meeting,
    marks: dict[int, tuple[str, str]],
    now: dt.datetime | None = None,
) -> int:
    """Mark invitees (by person id) present, excused (with a reason) or absent, as the secretary does for
    everyone at the meeting. Every mark is checked before any is written; returns how many changed."""
    now = _now(now)
    meeting = _locked(meeting)
    _require_manage(actor, meeting.organization)
    _check_attendance_open(meeting, now)
    invitees = {
        invitee.person_id: invitee
        for invitee in Invitee.objects.select_related("person").filter(
            meeting=meeting, person_id__in=list(marks)
        )
    }
    prepared = []
    for person_id, (status, reason) in marks.items():
        invitee = invitees.get(person_id)
        if invitee is None:
            person = Person.objects.visible_to(actor).filter(pk=person_id).only("full_name").first()
            name = person.full_name if person else f"#{person_id}"
            raise BusinessError(MSG_NOT_INVITEE.format(name=name), field="person")
        invitee.meeting = meeting
        reason = (
            _text(reason, label="Lý do", limit=255, field="reason")
            if status != AttendanceStatus.PRESENT
            else ""
        )
        try:
            _check_mark(meeting, invitee, status, reason)
        except BusinessError as exc:
            raise BusinessError(f"{invitee.person.full_name}: {exc.message}", field=exc.field) from exc
        prepared.append((invitee, status, reason))
    changed = []
    for invitee, status, reason in prepared:
        before = (invitee.status, invitee.reason)
        if before == (status, reason):
            continue
        invitee.status, invitee.reason = status, reason
        invitee.method, invitee.marked_by, invitee.marked_at = AttendanceMethod.SECRETARY, actor, now
        changed.append((invitee, before))
    Invitee.objects.bulk_update(
        [invitee for invitee, _ in changed],
        ["status", "reason", "method", "marked_by", "marked_at"],
        batch_size=500,
    )
    event = events.attendance_events(actor=actor, meeting=meeting, changed=changed)
    if event is not None:
        event.save(force_insert=True)
    return len(changed)


def checkin_token(meeting: Meeting) -> str:
    """The meeting's QR check-in token (the shared rule, signed for meetings)."""
    return attendance.checkin_token(CHECKIN_PURPOSE, m=meeting.pk)


def checkin_problem(meeting: Meeting, token: str) -> str | None:
    """The message for a link that does not open this meeting's check-in, else None."""
    try:
        attendance.checkin_token_check(token, purpose=CHECKIN_PURPOSE, m=meeting.pk)
    except attendance.CheckinTokenError as exc:
        return {"expired": MSG_QR_EXPIRED, "mismatch": MSG_QR_MISMATCH}.get(exc.reason, MSG_QR_INVALID)
    return None


@transaction.atomic
def attendance_self_checkin(*, user, meeting: Meeting, token: str, now: dt.datetime | None = None) -> Invitee:
    """Check oneself in by the QR code shown in the room (a signed, expiring link for this meeting)."""
    now = _now(now)
    problem = checkin_problem(meeting, token)
    if problem:
        raise BusinessError(problem)
    meeting = _locked(meeting)
    invitee = _own_invitee(user, meeting)
    if invitee.status == AttendanceStatus.PRESENT:
        return invitee
    _check_attendance_open(meeting, now)
    _check_mark(meeting, invitee, AttendanceStatus.PRESENT, "")
    before = (invitee.status, invitee.reason)
    invitee.status, invitee.reason = AttendanceStatus.PRESENT, ""
    invitee.method, invitee.marked_by, invitee.marked_at = AttendanceMethod.QR, user, now
    invitee.save(update_fields=["status", "reason", "method", "marked_by", "marked_at"])
    event = events.attendance_event(actor=user, invitee=invitee, before=before)
    if event is not None:
        event.save(force_insert=True)
    return invitee


# --- minutes and resolution -----------------------------------------------------------------------------


def _kind_label(kind: str) -> str:
    return RecordKind(kind).label


def _check_record_votes(meeting: Meeting, votes: tuple[int | None, int | None, int | None]) -> tuple:
    if all(v is None for v in votes):
        return (None, None, None)
    if any(v is None for v in votes):
        raise BusinessError(MSG_VOTES_REQUIRED, field="votes_for")
    if any(not isinstance(v, int) or v < 0 or v > 10_000 for v in votes):
        raise BusinessError(MSG_VOTES_NEGATIVE, field="votes_for")
    if meeting.is_held:
        present = _present_count(meeting)
        if sum(votes) > present:  # type: ignore[arg-type]
            raise BusinessError(MSG_VOTES_EXCEED.format(total=sum(votes), present=present), field="votes_for")  # type: ignore[arg-type]
    return votes


RECORD_FIELDS = ["number", "body", "closing", "votes_for", "votes_against", "votes_abstain"]


@transaction.atomic
def record_save_draft(
    *,
    actor,
    meeting: Meeting,
    kind: str,
    body: str,
    closing: str = "",
    number: str = "",
    votes_for: int | None = None,
    votes_against: int | None = None,
    votes_abstain: int | None = None,
) -> MeetingRecord:
    """Write the draft of the minutes or the resolution (the first version, or the open correction).
    An approved version is never edited."""
    meeting = _locked(meeting)
    _require_manage(actor, meeting.organization)
    if kind not in RecordKind.values:
        raise BusinessError(MSG_RECORD_KIND, field="kind")
    if meeting.state not in LIVE_STATES:
        raise BusinessError(MSG_MEETING_CLOSED)
    label = _kind_label(kind)
    records = MeetingRecord.objects.select_for_update().filter(meeting=meeting, kind=kind)
    draft = records.filter(state=RecordState.DRAFT).first()
    if draft is None and records.exists():
        raise BusinessError(MSG_RECORD_APPROVED.format(kind=label))
    before = snapshot(draft, RECORD_FIELDS) if draft else {}
    record = draft or MeetingRecord(meeting=meeting, kind=kind, version=1, created_by=actor)
    record.meeting = meeting
    record.body = _long_text(body, label="Nội dung", limit=MAX_RECORD_TEXT, field="body")
    record.closing = _long_text(closing, label="Kết luận", limit=MAX_RECORD_TEXT, field="closing")
    record.number = _text(number, label="Số, ký hiệu", limit=64, field="number")
    record.votes_for, record.votes_against, record.votes_abstain = _check_record_votes(
        meeting, (votes_for, votes_against, votes_abstain)
    )
    record.save()
    events.record_drafted(actor=actor, record=record, before=before)
    return record


@transaction.atomic
def record_approve(*, actor, record: MeetingRecord, now: dt.datetime | None = None) -> MeetingRecord:
    """Approve the draft: from now on it is immutable, with the meeting's facts as they stand kept in it;
    an earlier approved version is superseded (and kept). Approving the minutes closes the meeting."""
    meeting = _locked(record.meeting)
    record = MeetingRecord.objects.select_for_update().get(pk=record.pk)
    record.meeting = meeting
    _require_manage(actor, meeting.organization)
    label = _kind_label(record.kind)
    if record.state != RecordState.DRAFT:
        raise BusinessError(MSG_RECORD_NOT_DRAFT.format(kind=label))
    if not meeting.is_held:
        raise BusinessError(MSG_APPROVE_BEFORE_HELD)
    if not record.body.strip():
        raise BusinessError(MSG_RECORD_BODY.format(kind=label.lower()), field="body")
    present = _present_count(meeting)
    if record.kind == RecordKind.RESOLUTION:
        if record.votes_for is None:
            raise BusinessError(MSG_RESOLUTION_VOTES, field="votes_for")
        if record.votes_for * 2 <= present:
            raise BusinessError(
                MSG_RESOLUTION_NOT_ADOPTED.format(votes=record.votes_for, present=present), field="votes_for"
            )
    if (
        record.votes_for is not None
        and sum((record.votes_for, record.votes_against or 0, record.votes_abstain or 0)) > present
    ):
        raise BusinessError(
            MSG_VOTES_EXCEED.format(
                total=record.votes_for + (record.votes_against or 0) + (record.votes_abstain or 0),
                present=present,
            ),
            field="votes_for",
        )
    superseded = (
        MeetingRecord.objects.select_for_update()
        .filter(meeting=meeting, kind=record.kind, state=RecordState.APPROVED)
        .first()
    )
    if superseded is not None:
        superseded.state = RecordState.SUPERSEDED
        superseded.save(update_fields=["state", "updated_at"])
    record.approved_at = _now(now)
    # What the meeting record says as of the approval (the status of last time's tasks that day).
    record.facts = meeting_facts(meeting, today=rules.local_date(record.approved_at))
    record.state = RecordState.APPROVED
    record.approved_by = actor
    record.save()
    if record.kind == RecordKind.MINUTES and meeting.state == MeetingState.HELD:
        meeting.state = MeetingState.APPROVED
        meeting.save(update_fields=["state", "updated_at"])
    events.record_approved(actor=actor, record=record, superseded=superseded)
    return record


@transaction.atomic
def record_correct(*, actor, meeting: Meeting, kind: str, reason: str) -> MeetingRecord:
    """Open a correction of the approved minutes or resolution: a new draft version, with its reason,
    starting from the approved text. The approved version stays in force until the correction is approved."""
    meeting = _locked(meeting)
    _require_manage(actor, meeting.organization)
    if kind not in RecordKind.values:
        raise BusinessError(MSG_RECORD_KIND, field="kind")
    label = _kind_label(kind).lower()
    reason = _text(reason, label="Lý do đính chính", limit=500, field="reason")
    if not reason:
        raise BusinessError(MSG_CORRECTION_REASON, field="reason")
    records = MeetingRecord.objects.select_for_update().filter(meeting=meeting, kind=kind)
    if records.filter(state=RecordState.DRAFT).exists():
        raise BusinessError(MSG_CORRECTION_OPEN.format(kind=label))
    approved = records.filter(state=RecordState.APPROVED).first()
    if approved is None:
        raise BusinessError(MSG_CORRECTION_NO_APPROVED.format(kind=label))
    latest = max(records.values_list("version", flat=True))
    record = MeetingRecord.objects.create(
        meeting=meeting,
        kind=kind,
        version=latest + 1,
        number=approved.number,
        body=approved.body,
        closing=approved.closing,
        votes_for=approved.votes_for,
        votes_against=approved.votes_against,
        votes_abstain=approved.votes_abstain,
        correction_reason=reason,
        created_by=actor,
    )
    events.record_correction_opened(actor=actor, record=record)
    return record


# --- resolution items → commitments ---------------------------------------------------------------------


def _resolution_locked(meeting: Meeting) -> bool:
    records = MeetingRecord.objects.filter(meeting=meeting, kind=RecordKind.RESOLUTION)
    return (
        records.filter(state=RecordState.APPROVED).exists()
        and not records.filter(state=RecordState.DRAFT).exists()
    )


@transaction.atomic
def resolution_items_add(*, actor, meeting: Meeting, items: Sequence[dict[str, Any]]) -> list[ResolutionItem]:
    """Hand out the resolution's tasks (title, responsible_person, deadline, expected_result): each is
    tracked as a commitment on the chi bộ's board whose source is the item. All or nothing."""
    from neuguong.commitments.services import commitment_create

    meeting = _locked(meeting)
    _require_manage(actor, meeting.organization)
    if not meeting.is_held:
        raise BusinessError(MSG_ITEMS_BEFORE_HELD)
    if _resolution_locked(meeting):
        raise BusinessError(MSG_RESOLUTION_LOCKED)
    items = list(items)
    if not items:
        raise BusinessError(MSG_ITEMS_EMPTY, field="items")
    if len(items) > MAX_ITEMS_PER_CALL:
        raise BusinessError(MSG_ITEMS_TOO_MANY.format(limit=MAX_ITEMS_PER_CALL), field="items")
    day = held_on(meeting)
    today = local_today()
    position = ResolutionItem.objects.filter(meeting=meeting).count()
    created = []
    for n, values in enumerate(items, 1):
        title = _text(values.get("title"), label=f"Nhiệm vụ {n}", limit=500, field="title")
        person = values.get("responsible_person")
        deadline = values.get("deadline")
        if not title:
            raise BusinessError(MSG_ITEM_TITLE.format(n=n), field="title")
        if person is None:
            raise BusinessError(MSG_ITEM_PERSON.format(n=n), field="responsible_person")
        if not person.organization.path.startswith(meeting.organization.path):
            raise BusinessError(
                f"Nhiệm vụ {n}: " + MSG_PERSON_OUTSIDE.format(name=person.full_name),
                field="responsible_person",
            )
        if not isinstance(deadline, dt.date):
            raise BusinessError(MSG_ITEM_DEADLINE.format(n=n), field="deadline")
        if deadline < day:
            raise BusinessError(MSG_ITEM_DEADLINE_BEFORE.format(n=n, day=f"{day:%d/%m/%Y}"), field="deadline")
        if deadline > day + dt.timedelta(days=5 * 366):
            raise BusinessError(MSG_ITEM_DEADLINE_FAR.format(n=n), field="deadline")
        expected = _text(
            values.get("expected_result"), label="Kết quả dự kiến", limit=500, field="expected_result"
        )
        position += 1
        item = ResolutionItem.objects.create(
            meeting=meeting,
            position=position,
            title=title,
            responsible_person=person,
            deadline=deadline,
            expected_result=expected,
            created_by=actor,
        )
        commitment = commitment_create(
            actor=actor,
            organization=meeting.organization,
            title=title,
            deadline=deadline,
            responsible_person=person,
            expected_result=expected,
            category="political",
            source_kind="meeting",
            source_object=item,
            source_note=f"Nghị quyết {meeting.title}"[:255],
            start_on=day,
            reason="" if deadline >= today else "Thời hạn do nghị quyết chi bộ ấn định (ghi sau buổi họp).",
            today=today,
        )
        events.resolution_item_added(actor=actor, item=item, commitment=commitment)
        created.append(item)
    return created


# --- self-scoring ---------------------------------------------------------------------------------------


@transaction.atomic
def meeting_score(*, actor, meeting: Meeting, points: Sequence[int]) -> MeetingScore:
    """Score the meeting against the committee's criteria (each from 0 to its maximum)."""
    meeting = _locked(meeting)
    _require_manage(actor, meeting.organization)
    if not meeting.is_held:
        raise BusinessError(MSG_SCORE_BEFORE_HELD)
    _facts_editable(meeting)
    criteria = rules_for(meeting.organization).scoring_criteria
    if not criteria:
        raise BusinessError(MSG_SCORE_NO_CRITERIA)
    points = list(points)
    if len(points) != len(criteria):
        raise BusinessError(MSG_SCORE_COUNT.format(count=len(criteria)), field="points")
    rows: list[dict[str, Any]] = []
    for (title, maximum), value in zip(criteria, points, strict=True):
        if not isinstance(value, int) or not 0 <= value <= maximum:
            raise BusinessError(MSG_SCORE_RANGE.format(title=title, max=maximum), field="points")
        rows.append({"title": title, "max": maximum, "points": value})
    existing = MeetingScore.objects.select_for_update().filter(meeting=meeting).first()
    old_total = existing.total if existing else None
    score = existing or MeetingScore(meeting=meeting)
    score.points = rows
    score.total = sum(r["points"] for r in rows)
    score.maximum = sum(r["max"] for r in rows)
    score.scored_by = actor
    score.save()
    events.meeting_scored(actor=actor, score=score, old_total=old_total)
    return score


# --- settings -------------------------------------------------------------------------------------------


def parse_criteria(text: str) -> list[tuple[str, int]]:
    """'Nội dung tiêu chí | điểm' per line → [(title, max)]; a wrong line is reported by its number."""
    criteria = []
    for line_number, line in enumerate((text or "").splitlines(), 1):
        line = normalize_text(line)
        if not line:
            continue
        title, sep, points = line.rpartition("|")
        title = normalize_text(title)
        if (
            not sep
            or not title
            or not points.strip().isdigit()
            or not 1 <= int(points) <= 100
            or len(title) > 255
        ):
            raise BusinessError(MSG_CRITERION_LINE.format(line=line_number), field="scoring_criteria")
        criteria.append((title, int(points)))
    if len(criteria) > MAX_CRITERIA:
        raise BusinessError(MSG_CRITERIA_TOO_MANY, field="scoring_criteria")
    return criteria


@transaction.atomic
def settings_save(
    *, actor, organization: Organization, scoring_criteria: Iterable[tuple[str, int]] = (), **values: int
) -> MeetingSettings:
    """Set the committee's meeting rules for its subtree (due day, documents lead time, minimum length,
    the small chi bộ excused, thematic meetings a year, self-scoring criteria)."""
    _require_manage(actor, organization)
    if organization.kind == OrgKind.BRANCH:
        raise BusinessError(MSG_SETTINGS_KIND, field="organization")
    unknown = set(values) - set(SETTINGS_RANGES)
    if unknown:  # a programming error
        raise TypeError(f"settings_save cannot set {sorted(unknown)}")
    for name, value in values.items():
        label, low, high = SETTINGS_RANGES[name]
        if not isinstance(value, int) or not low <= value <= high:
            raise BusinessError(MSG_SETTINGS_RANGE.format(label=label, low=low, high=high), field=name)
    criteria = [{"title": title, "max": maximum} for title, maximum in scoring_criteria]
    if len(criteria) > MAX_CRITERIA:
        raise BusinessError(MSG_CRITERIA_TOO_MANY, field="scoring_criteria")
    saved = MeetingSettings.objects.select_for_update().filter(organization=organization).first()
    fields = [*SETTINGS_RANGES, "scoring_criteria"]
    before = snapshot(saved, fields) if saved else {}
    saved = saved or MeetingSettings(organization=organization)
    for name, value in values.items():
        setattr(saved, name, value)
    saved.scoring_criteria = criteria
    saved.updated_by = actor
    saved.save()
    events.settings_saved(actor=actor, saved=saved, before=before)
    return saved


# --- the private calendar feed --------------------------------------------------------------------------


@transaction.atomic
def calendar_token_issue(*, user) -> str:
    """A new secret address for the user's own meetings (any earlier one stops working). Returns the raw
    token, shown once; only its hash is kept."""
    import secrets

    from neuguong.access.models import hash_token

    CalendarToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
    raw = secrets.token_urlsafe(32)
    token = CalendarToken.objects.create(user=user, key_hash=hash_token(raw))
    events.calendar_token_issued(actor=user, token=token)
    return raw


@transaction.atomic
def calendar_token_revoke(*, user) -> int:
    return CalendarToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())


def calendar_user(raw: str):
    """The user whose live calendar token this is, else None (the hash is compared, never the secret)."""
    from neuguong.access.models import hash_token

    if not raw or len(raw) > 100:
        return None
    token = (
        CalendarToken.objects.select_related("user")
        .filter(key_hash=hash_token(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    if token.last_used_at is None or timezone.now() - token.last_used_at > dt.timedelta(hours=1):
        CalendarToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.user
