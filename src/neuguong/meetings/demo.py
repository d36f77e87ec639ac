"""Demo meetings for `seed_demo`.

- `seed_meetings` (DEMO_SEEDERS, before accounts exist): a year of plain monthly meetings for the chi bộ
  of the bloc (all of them for the tiny and bloc sizes, those of the first 40 grassroots organisations
  otherwise), written in bulk: held with attendance and approved minutes, a few months missed or
  postponed, a few announcements late.
- `seed_meeting_story` (DEMO_ACCOUNT_SEEDERS, once `bithu` exists): the year of the demo chi bộ (the one
  `bithu` runs, where `dangvien` is a member) told through the services as `bithu` would, so its pages,
  history and documents are real: monthly meetings with agendas, documents, attendance, minutes and
  resolutions; one announced late, one with documents sent late, one too short, one postponed into the next
  month; a thematic and a combined meeting; resolution items in every status; this month's meeting
  announced, next month's planned.
"""

import datetime as dt
import random

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import Min
from django.utils import timezone

from neuguong.core.dates import LOCAL_ZONE, local_today
from neuguong.organizations.models import BRANCH_KINDS, GRASSROOTS_KINDS, Organization
from neuguong.people.attendance import INVITED_STATUSES
from neuguong.people.models import Membership, Person

from . import rules
from .models import (
    Invitee,
    Meeting,
    MeetingKind,
    MeetingRecord,
    MeetingSettings,
    MeetingState,
    RecordKind,
    RecordState,
)

BATCH = 2000
CRITERIA = [
    {"title": "Chuẩn bị nội dung, tài liệu, dự thảo nghị quyết", "max": 20},
    {"title": "Thời gian, thời lượng, thông báo đúng quy định", "max": 10},
    {"title": "Tỷ lệ đảng viên dự họp", "max": 20},
    {"title": "Thảo luận, phát huy dân chủ, tự phê bình và phê bình", "max": 30},
    {"title": "Nghị quyết rõ việc, rõ người, rõ thời gian", "max": 20},
]
PLAIN_TOPIC = "Kiểm điểm thực hiện nhiệm vụ tháng {m}; triển khai nhiệm vụ tháng {n}"
EXCUSES = ["Đi công tác", "Ốm, nằm viện", "Nghỉ phép", "Học tập trung tại Trường Chính trị tỉnh"]


def _at(day: dt.date, hour: int = 14, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=LOCAL_ZONE)


def _months_back(today: dt.date, count: int) -> list[dt.date]:
    """The first days of the `count` months before this one, oldest first."""
    months = []
    month = rules.month_start(today)
    for _ in range(count):
        month = rules.previous_month(month)
        months.append(month)
    return list(reversed(months))


def demo_branch(root: Organization) -> Organization | None:
    """The chi bộ of the demo accounts: the first grassroots organisation (by code) if it is a chi bộ,
    else its first chi bộ (create_demo_accounts gives `bithu` the first one and `dangvien` its deepest)."""
    grassroots = Organization.objects.filter(parent=root, kind__in=GRASSROOTS_KINDS).order_by("code").first()
    if grassroots is None:
        return None
    if grassroots.kind in BRANCH_KINDS:
        return grassroots
    return (
        Organization.objects.filter(path__startswith=grassroots.path, kind__in=BRANCH_KINDS)
        .order_by("-depth", "code")
        .first()
    )


# --- the plain year of every other chi bộ (bulk) ---------------------------------------------------------


def seed_meetings(*, root: Organization, size: str, log=print, today: dt.date | None = None) -> int:
    today = today or local_today()
    rng = random.Random(42)
    grassroots = Organization.objects.filter(parent=root, kind__in=GRASSROOTS_KINDS).order_by("code")
    if size not in ("tiny", "bloc"):
        grassroots = grassroots[:40]
    branches = []
    for g in grassroots:
        branches += list(
            Organization.objects.filter(path__startswith=g.path, kind__in=BRANCH_KINDS).order_by("path")
        )
    story = demo_branch(root)
    branches = [b for b in branches if story is None or b.pk != story.pk]
    MeetingSettings.objects.get_or_create(organization=root, defaults={"scoring_criteria": CRITERIA})
    members = _members_by_branch(branches)
    months = _months_back(today, 11)
    meetings: list[Meeting] = []
    for branch in branches:
        for month in months:
            roll = rng.random()
            if roll < 0.04:
                continue  # a month without a meeting
            start = _at(month.replace(day=rng.randint(3, 12)), rng.choice([8, 14]))
            late = rng.random() < 0.06
            due = rules.previous_month(month).replace(day=20)
            announced = _at(due + dt.timedelta(days=3 if late else -rng.randint(1, 8)), 9)
            minutes = rng.randint(75, 88) if rng.random() < 0.04 else rng.randint(95, 150)
            meetings.append(
                Meeting(
                    organization=branch,
                    kind=MeetingKind.REGULAR,
                    state=MeetingState.POSTPONED if roll < 0.07 else MeetingState.APPROVED,
                    for_month=month,
                    starts_at=start,
                    expected_minutes=90,
                    place=f"Phòng họp {branch.name.removeprefix('Chi bộ ').strip()}",
                    topic=PLAIN_TOPIC.format(m=month.month, n=rules.next_month(month).month),
                    topic_folded="",
                    schedule_due_on=due,
                    documents_due_at=start - dt.timedelta(days=1),
                    min_minutes=90,
                    announced_at=announced,
                    started_at=None if roll < 0.07 else start,
                    ended_at=None if roll < 0.07 else start + dt.timedelta(minutes=minutes),
                    halt_reason="Trùng lịch hội nghị của cấp ủy cấp trên" if roll < 0.07 else "",
                    halted_at=start - dt.timedelta(days=1) if roll < 0.07 else None,
                )
            )
    for meeting in meetings:
        meeting.topic_folded = meeting.topic.lower()
    created = Meeting.objects.bulk_create(meetings, batch_size=BATCH)
    invitees: list[Invitee] = []
    records: list[MeetingRecord] = []
    for meeting in created:
        if meeting.state != MeetingState.APPROVED:
            continue
        day = meeting.starts_at.astimezone(LOCAL_ZONE).date()
        for person_id, joined in members.get(meeting.organization_id, []):
            if joined and joined > day:
                continue
            roll = rng.random()
            status, reason = (
                ("present", "")
                if roll < 0.9
                else ("excused", rng.choice(EXCUSES))
                if roll < 0.97
                else ("absent", "")
            )
            invitees.append(
                Invitee(
                    meeting=meeting,
                    person_id=person_id,
                    joined_on=joined,
                    status=status,
                    reason=reason,
                    method="secretary",
                    marked_at=meeting.ended_at,
                )
            )
        records.append(
            MeetingRecord(
                meeting=meeting,
                kind=RecordKind.MINUTES,
                version=1,
                state=RecordState.APPROVED,
                body="Đồng chí Bí thư đánh giá kết quả thực hiện nhiệm vụ tháng; các đồng chí đảng viên thảo luận, "
                "thống nhất nhiệm vụ tháng tới.",
                approved_at=meeting.ended_at,
            )
        )
    Invitee.objects.bulk_create(invitees, batch_size=BATCH)
    MeetingRecord.objects.bulk_create(records, batch_size=BATCH)
    log(f"  {len(created)} buổi sinh hoạt chi bộ của {len(branches)} chi bộ, {len(invitees)} lượt điểm danh")
    return len(created)


def _members_by_branch(branches: list[Organization]) -> dict[int, list[tuple[int, dt.date | None]]]:
    """{branch id: [(person id, membership start)]} of the invited statuses, in a few queries."""
    ids = [b.pk for b in branches]
    out: dict[int, list[tuple[int, dt.date | None]]] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        joined = dict(
            Membership.objects.filter(organization_id__in=chunk, ended_on__isnull=True)
            .values("person_id")
            .annotate(first=Min("started_on"))
            .values_list("person_id", "first")
        )
        for pk, org_id in Person.objects.filter(
            organization_id__in=chunk, status__in=INVITED_STATUSES
        ).values_list("pk", "organization_id"):
            out.setdefault(org_id, []).append((pk, joined.get(pk)))
    return out


# --- the demo chi bộ's year, through the services ---------------------------------------------------------


def _pdf(name: str, text: str) -> SimpleUploadedFile:
    body = f"%PDF-1.4\n% {text}\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n".encode()
    return SimpleUploadedFile(name, body, content_type="application/pdf")


AGENDA = [
    ("information", "Thông tin thời sự, văn bản mới của cấp trên"),
    ("discussion", "Kiểm điểm việc thực hiện nghị quyết tháng trước và nhiệm vụ chính trị của cơ quan"),
    ("decision", "Thảo luận, thông qua nghị quyết tháng"),
]
ITEMS = [
    ("Hoàn thành số hóa hồ sơ văn bản đến của cơ quan quý {q}", "Báo cáo kết quả số hóa"),
    ("Đăng ký, thực hiện một việc làm nêu gương tại phòng công tác", "Việc làm cụ thể được chi bộ ghi nhận"),
    ("Rà soát, cập nhật hồ sơ đảng viên trên phần mềm", "Danh sách hồ sơ đã cập nhật"),
    ("Chuẩn bị nội dung sinh hoạt chuyên đề về trách nhiệm nêu gương", "Đề cương chuyên đề"),
    ("Vận động đảng viên, quần chúng tham gia ủng hộ đồng bào vùng lũ", "Danh sách, số tiền ủng hộ"),
]


def seed_meeting_story(*, root: Organization, log=print) -> int:
    """The demo chi bộ's year as `bithu` records it (after the demo accounts exist)."""
    branch = demo_branch(root)
    secretary = get_user_model().objects.filter(username="bithu").first()
    if branch is None or secretary is None:
        return 0
    member_user = get_user_model().objects.filter(username="dangvien").first()
    with transaction.atomic():
        count = _story(branch, secretary, member_user, local_today())
    log(f"  {count} buổi sinh hoạt của {branch.name} (kịch bản mẫu)")
    return count


def _story(branch: Organization, secretary, member_user, today: dt.date) -> int:
    from . import services

    rng = random.Random(2026)
    people = list(Person.objects.filter(organization=branch, status__in=INVITED_STATUSES).order_by("pk"))
    if not people:
        return 0
    member = getattr(member_user, "person", None) if member_user else None
    member = member if member in people else None
    assignees = [member or people[0], *[p for p in people if p != (member or people[0])][:3]]
    months = _months_back(today, 11)
    held = []
    postponed_month = months[7]  # four months ago
    for index, month in enumerate(months):
        kind = MeetingKind.COMBINED if index == 4 else MeetingKind.REGULAR
        day = 26 if month == postponed_month else 5 + index % 4
        start = _at(month.replace(day=day), 14)
        topic = (
            "Sinh hoạt thường kỳ kết hợp chuyên đề «Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh "
            "về trách nhiệm nêu gương»"
            if kind == MeetingKind.COMBINED
            else PLAIN_TOPIC.format(m=month.month, n=rules.next_month(month).month)
        )
        meeting = services.meeting_plan(
            actor=secretary,
            organization=branch,
            kind=kind,
            starts_at=start,
            topic=topic,
            place="Phòng họp tầng 3, trụ sở cơ quan",
            preparer=people[index % len(people)],
        )
        due = meeting.schedule_due_on
        late_announcement = index == 2
        services.meeting_announce(
            actor=secretary,
            meeting=meeting,
            now=_at(due + dt.timedelta(days=4), 16)
            if late_announcement
            else _at(due - dt.timedelta(days=2), 9),
        )
        if month == postponed_month:
            replacement = services.meeting_postpone(
                actor=secretary,
                meeting=meeting,
                reason="Trùng lịch Hội nghị Ban Chấp hành Đảng bộ Khối; phần lớn đảng viên đi dự",
                new_starts_at=_at(rules.next_month(month).replace(day=3), 14),
                now=start - dt.timedelta(days=1),
            )
            assert replacement is not None  # postponed with a new time
            services.meeting_announce(actor=secretary, meeting=replacement, now=start)
            meeting = replacement
            start = replacement.starts_at
        _documents(services, secretary, meeting, start, late=index == 5)
        minutes = 80 if index == 9 else (130 if kind == MeetingKind.COMBINED else 100 + index * 3)
        end = start + dt.timedelta(minutes=minutes)
        meeting = services.meeting_hold(
            actor=secretary,
            meeting=meeting,
            ended_at=end,
            chair=people[0],
            recorder=people[1 % len(people)],
            now=end + dt.timedelta(minutes=5),
        )
        _attendance(services, secretary, meeting, people, rng, end)
        _agenda(services, secretary, meeting, candidate=index == 3)
        held.append((meeting, end))
        if index == 5:
            _thematic(services, secretary, branch, month, people, rng)
    for index, (meeting, end) in enumerate(held):
        _score(services, secretary, meeting, index)
        _items(services, secretary, meeting, assignees, index, last=index == len(held) - 1)
        _records(services, secretary, meeting, end, approve_minutes=index < len(held) - 1)
    _item_statuses(branch, secretary, member_user, today)
    _past_notices_read(branch)
    _upcoming(services, secretary, branch, people, today)
    return Meeting.objects.filter(organization=branch).count()


def _past_notices_read(branch: Organization) -> None:
    """The year's announcements and documents were read at the time: only what is still ahead waits
    (their e-mails, still in the outbox, are then cancelled by the sender, never sent)."""
    from django.contrib.contenttypes.models import ContentType

    from neuguong.notifications.models import Notification

    Notification.objects.filter(
        kind__startswith="meetings.",
        target_type=ContentType.objects.get_for_model(Meeting),
        target_id__in=Meeting.objects.filter(organization=branch).values("pk"),
        read_at__isnull=True,
    ).update(read_at=timezone.now())


def _documents(services, secretary, meeting, start, *, late: bool) -> None:
    released = start - (dt.timedelta(hours=2) if late else dt.timedelta(days=2))
    services.document_add(
        actor=secretary,
        meeting=meeting,
        title=f"Dự thảo nghị quyết {meeting.title.lower()}",
        upload=_pdf("du-thao-nghi-quyet.pdf", meeting.title),
        now=released,
    )
    services.document_add(
        actor=secretary,
        meeting=meeting,
        title="Báo cáo kết quả thực hiện nhiệm vụ chính trị của cơ quan",
        upload=_pdf("bao-cao-co-quan.pdf", "bao cao"),
        now=released,
    )


def _attendance(services, secretary, meeting, people, rng, end) -> None:
    marks = {}
    for n, person in enumerate(people):
        roll = rng.random()
        if n > 1 and roll < 0.08:
            marks[person.pk] = ("excused", rng.choice(EXCUSES))
        elif n > 1 and roll < 0.1:
            marks[person.pk] = ("absent", "")
        else:
            marks[person.pk] = ("present", "")
    invited = set(Invitee.objects.filter(meeting=meeting).values_list("person_id", flat=True))
    services.attendance_mark(
        actor=secretary, meeting=meeting, marks={k: v for k, v in marks.items() if k in invited}, now=end
    )


def _agenda(services, secretary, meeting, *, candidate: bool) -> None:
    present = Invitee.objects.filter(meeting=meeting, status="present").count()
    for kind, title in AGENDA:
        votes = {"votes_for": present, "votes_against": 0, "votes_abstain": 0} if kind == "decision" else {}
        services.agenda_item_add(
            actor=secretary,
            meeting=meeting,
            kind=kind,
            title=title,
            notes="Các đồng chí phát biểu, thống nhất cao." if kind != "information" else "",
            **votes,
        )
    if candidate:
        services.agenda_item_add(
            actor=secretary,
            meeting=meeting,
            kind="candidate",
            title="Xét công nhận đảng viên chính thức cho đồng chí đảng viên dự bị",
            votes_for=present - 1,
            votes_against=0,
            votes_abstain=1,
        )


def _thematic(services, secretary, branch, month, people, rng) -> None:
    start = _at(month.replace(day=22), 8)
    meeting = services.meeting_plan(
        actor=secretary,
        organization=branch,
        kind=MeetingKind.THEMATIC,
        starts_at=start,
        topic="Chuyên đề: trách nhiệm nêu gương của cán bộ, đảng viên theo Quy định 08-QĐi/TW",
        place="Hội trường cơ quan",
    )
    services.meeting_announce(actor=secretary, meeting=meeting, now=_at(meeting.schedule_due_on, 9))
    end = start + dt.timedelta(minutes=120)
    services.meeting_hold(actor=secretary, meeting=meeting, ended_at=end, chair=people[0], now=end)
    _attendance(services, secretary, meeting, people, rng, end)


def _records(services, secretary, meeting, end, *, approve_minutes: bool) -> None:
    present = Invitee.objects.filter(meeting=meeting, status="present").count()
    votes = {"votes_for": present, "votes_against": 0, "votes_abstain": 0}
    resolution = services.record_save_draft(
        actor=secretary,
        meeting=meeting,
        kind=RecordKind.RESOLUTION,
        body="Trong tháng, chi bộ lãnh đạo cơ quan hoàn thành các nhiệm vụ chính trị được giao; đảng viên thực "
        "hiện nghiêm nội quy, quy chế, phát huy trách nhiệm nêu gương.",
        closing="Tiếp tục thực hiện nghiêm Quy định 08-QĐi/TW; tập trung hoàn thành các nhiệm vụ sau:",
        **votes,
    )
    services.record_approve(actor=secretary, record=resolution, now=end + dt.timedelta(hours=1))
    minutes = services.record_save_draft(
        actor=secretary,
        meeting=meeting,
        kind=RecordKind.MINUTES,
        body="Đồng chí Bí thư chi bộ quán triệt văn bản mới của cấp trên và báo cáo kết quả thực hiện nghị quyết "
        "tháng trước.\nCác đồng chí đảng viên phát biểu ý kiến, tập trung vào việc số hóa hồ sơ và giải quyết "
        "công việc đúng hạn.",
        closing="Chi bộ thống nhất các nhiệm vụ của tháng tới như trong nghị quyết.",
        **votes,
    )
    if approve_minutes:
        services.record_approve(actor=secretary, record=minutes, now=end + dt.timedelta(hours=1))


def _score(services, secretary, meeting, index: int) -> None:
    if index % 3:
        return
    services.meeting_score(actor=secretary, meeting=meeting, points=[18, 9, 18, 25, 18])


def _items(services, secretary, meeting, assignees, index: int, *, last: bool) -> None:
    day = meeting.started_at.astimezone(LOCAL_ZONE).date()
    deadline = rules.next_month(rules.next_month(day)) - dt.timedelta(days=1)  # end of the next month
    items = []
    for n in range(2):
        title, result = ITEMS[(index * 2 + n) % len(ITEMS)]
        items.append(
            {
                "title": title.format(q=(day.month - 1) // 3 + 1),
                # The demo member holds the last meeting's first task (open, on "Việc của tôi").
                "responsible_person": assignees[0]
                if last and n == 0
                else assignees[(index + n) % len(assignees)],
                "deadline": deadline,
                "expected_result": result,
            }
        )
    services.resolution_items_add(actor=secretary, meeting=meeting, items=items)


def _item_statuses(branch, secretary, member_user, today: dt.date) -> None:
    """Give the resolution items' commitments a history in every status, through the commitments services."""
    from neuguong.commitments import services as commitments
    from neuguong.commitments.models import Commitment

    rows = list(
        Commitment.objects.filter(organization=branch, source_kind="meeting").order_by("deadline", "id")
    )
    past = [c for c in rows if c.deadline < today]
    future = [c for c in rows if c.deadline >= today]
    last = len(past) - 1
    for n, commitment in enumerate(past):
        if n == last:
            continue  # open, overdue
        if n == last - 1:
            commitments.commitment_halt(
                actor=secretary,
                commitment=commitment,
                halt="suspended",
                reason="Tạm dừng chờ chủ trương của cơ quan.",
            )
        elif n == last - 2:
            commitments.commitment_halt(
                actor=secretary,
                commitment=commitment,
                halt="cancelled",
                reason="Nhiệm vụ trùng với kế hoạch của Đảng ủy Khối.",
            )
        elif n % 7 == 5:
            report = commitments.progress_report_submit(
                actor=_owner_or(secretary, member_user, commitment),
                commitment=commitment,
                percent=100,
                text="Đã hoàn thành.",
                today=today,
            )
            commitments.report_return(actor=secretary, report=report, note="Chưa có minh chứng kèm theo.")
        else:
            late = n % 7 == 3
            completed = (
                commitment.deadline + dt.timedelta(days=6)
                if late
                else commitment.deadline - dt.timedelta(days=3)
            )
            commitments.commitment_complete(
                actor=secretary,
                commitment=commitment,
                completed_on=min(today, max(completed, commitment.start_on or completed)),
                note="Hoàn thành chậm do chờ số liệu của phòng chuyên môn." if late else "Đã hoàn thành.",
            )
    for n, commitment in enumerate(future):
        if n == 0:
            commitments.extension_request(
                actor=_owner_or(secretary, member_user, commitment),
                commitment=commitment,
                requested_deadline=commitment.deadline + dt.timedelta(days=30),
                reason="Chờ hướng dẫn của Văn phòng Tỉnh ủy về phần mềm.",
            )


def _owner_or(secretary, member_user, commitment):
    person = getattr(member_user, "person", None) if member_user else None
    return member_user if person is not None and commitment.responsible_person_id == person.pk else secretary


def _upcoming(services, secretary, branch, people, today: dt.date) -> None:
    """This month's meeting announced (documents ready, one not yet sent), if the month has room for one
    ahead; next month's planned."""
    this_month = rules.month_start(today)
    now = _at(today, 7)
    start = _at(today + dt.timedelta(days=5), 14)
    if rules.month_start(start.date()) == this_month:
        meeting = services.meeting_plan(
            actor=secretary,
            organization=branch,
            kind=MeetingKind.REGULAR,
            starts_at=start,
            topic=PLAIN_TOPIC.format(m=this_month.month, n=rules.next_month(this_month).month)
            + "; kiểm điểm, đánh giá, xếp loại chất lượng đảng viên cuối năm",
            place="Phòng họp tầng 3, trụ sở cơ quan",
            preparer=people[0],
        )
        services.meeting_announce(actor=secretary, meeting=meeting, now=now)
        services.document_add(
            actor=secretary,
            meeting=meeting,
            title="Dự thảo báo cáo kiểm điểm của chi bộ năm",
            upload=_pdf("du-thao-kiem-diem.pdf", "kiem diem"),
            now=now,
        )
        services.document_add(
            actor=secretary,
            meeting=meeting,
            title="Phiếu tự đánh giá, xếp loại chất lượng đảng viên",
            upload=_pdf("phieu-tu-danh-gia.pdf", "phieu"),
            release=False,
        )
    following = rules.next_month(this_month)
    services.meeting_plan(
        actor=secretary,
        organization=branch,
        kind=MeetingKind.REGULAR,
        starts_at=_at(following.replace(day=6), 14),
        topic=PLAIN_TOPIC.format(m=following.month, n=rules.next_month(following).month),
        place="Phòng họp tầng 3, trụ sở cơ quan",
    )
