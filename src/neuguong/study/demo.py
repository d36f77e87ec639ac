"""Demo study records for `seed_demo`: one bloc-wide campaign with sessions, attendance, reflections, a
question bank and a weekly quiz round, one theory course, and the position requirements. Bulk writes only."""

import datetime as dt
import random

from django.db import transaction

from neuguong.core.dates import local_today
from neuguong.people.models import Membership, Person, PositionTitle, TheoryLevel

from . import rules
from .models import (
    Attendance,
    AttendanceMethod,
    AttendanceStatus,
    Campaign,
    CampaignLevel,
    Course,
    CourseKind,
    Enrolment,
    Invitee,
    PlanItem,
    PositionRequirement,
    Question,
    QuizRound,
    Reflection,
    ReflectionGrade,
    ReflectionStatus,
    Session,
)

QUESTIONS = [
    (
        "Nghị quyết 57-NQ/TW xác định khâu đột phá nào?",
        ["Khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số", "Du lịch", "Xuất khẩu lao động"],
        [0],
    ),
    (
        "Chủ thể trung tâm của đổi mới sáng tạo là ai?",
        ["Doanh nghiệp", "Người dân", "Cả doanh nghiệp và người dân"],
        [2],
    ),
    (
        "Quy định 08-QĐi/TW đề cao trách nhiệm nêu gương theo tinh thần nào?",
        ["Chức vụ càng cao càng phải gương mẫu", "Ai cũng như nhau", "Chỉ với đảng viên mới"],
        [0],
    ),
    (
        "Yêu cầu 'ba rõ' khi giao việc gồm?",
        ["Rõ việc, rõ người, rõ thời gian", "Rõ tiền, rõ hàng", "Rõ lý do"],
        [0],
    ),
    (
        "Đảng viên viết bài thu hoạch sau học tập nghị quyết nhằm?",
        ["Liên hệ và vận dụng vào vị trí công tác", "Lấy điểm thi đua", "Không bắt buộc"],
        [0],
    ),
]


def seed_study(*, root, size: str, log) -> None:
    rng = random.Random(57)
    today = local_today()
    with transaction.atomic():
        for title, level in (
            (PositionTitle.SECRETARY, TheoryLevel.INTERMEDIATE),
            (PositionTitle.HEAD_OF_AGENCY, TheoryLevel.INTERMEDIATE),
            (PositionTitle.DEPUTY_SECRETARY, TheoryLevel.PRIMARY),
        ):
            PositionRequirement.objects.get_or_create(title=title, defaults={"required_level": level})
        campaign = Campaign.objects.create(
            title="Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị về đột phá phát triển khoa học, "
            "công nghệ, đổi mới sáng tạo và chuyển đổi số quốc gia",
            level=CampaignLevel.BLOC,
            organizer=root,
            audience_root=root,
            reflection_questions=[
                "Những nội dung cốt lõi của Nghị quyết?",
                "Liên hệ trách nhiệm của bản thân tại vị trí công tác?",
            ],
            reflection_due=today + dt.timedelta(days=30),
        )
        held_on = today - dt.timedelta(days=7)
        regular = Session.objects.create(
            campaign=campaign,
            title="Hội nghị quán triệt",
            held_on=held_on,
            place="Hội trường Tỉnh ủy",
            online_link="https://hop.example.vn/nq57",
        )
        makeup = Session.objects.create(
            campaign=campaign,
            title="Học bù",
            held_on=today - dt.timedelta(days=2),
            place="Phòng họp Đảng ủy Khối",
            is_makeup=True,
        )
        current = dict(
            Membership.objects.filter(ended_on__isnull=True).values_list("person_id", "started_on")
        )
        people = list(
            Person.objects.filter(status__in=campaign.audience_statuses).values_list("pk", "organization_id")
        )
        Invitee.objects.bulk_create(
            [
                Invitee(campaign=campaign, person_id=pk, organization_id=org, joined_on=current.get(pk))
                for pk, org in people
            ],
            batch_size=2000,
        )
        invitees = list(Invitee.objects.filter(campaign=campaign).values_list("pk", "joined_on"))
        marks = []
        for pk, joined in invitees:
            if joined and joined > held_on:
                continue
            roll = rng.random()
            if roll < 0.86:
                marks.append(
                    Attendance(
                        session=regular,
                        invitee_id=pk,
                        status=AttendanceStatus.PRESENT,
                        method=AttendanceMethod.QR if roll < 0.4 else AttendanceMethod.SECRETARY,
                    )
                )
            elif roll < 0.95:
                marks.append(
                    Attendance(
                        session=regular,
                        invitee_id=pk,
                        status=AttendanceStatus.EXCUSED,
                        reason="Đi công tác",
                        method=AttendanceMethod.SECRETARY,
                    )
                )
                if roll < 0.92:
                    marks.append(
                        Attendance(
                            session=makeup,
                            invitee_id=pk,
                            status=AttendanceStatus.PRESENT,
                            method=AttendanceMethod.SECRETARY,
                        )
                    )
            else:
                marks.append(
                    Attendance(
                        session=regular,
                        invitee_id=pk,
                        status=AttendanceStatus.ABSENT,
                        method=AttendanceMethod.SECRETARY,
                    )
                )
        Attendance.objects.bulk_create(marks, batch_size=2000)
        writers = [pk for pk, _ in invitees if rng.random() < 0.6]
        reflections = []
        for pk in writers:
            graded = rng.random() < 0.5
            reflections.append(
                Reflection(
                    invitee_id=pk,
                    answers=[
                        "Ba đột phá chiến lược về khoa học, công nghệ.",
                        "Số hóa hồ sơ, thủ tục tại đơn vị.",
                    ],
                    status=ReflectionStatus.GRADED if graded else ReflectionStatus.SUBMITTED,
                    grade=rng.choice([ReflectionGrade.GOOD, ReflectionGrade.EXCELLENT, ReflectionGrade.PASS])
                    if graded
                    else "",
                )
            )
        Reflection.objects.bulk_create(reflections, batch_size=2000)
        PlanItem.objects.bulk_create(
            [
                PlanItem(
                    reflection=r,
                    title="Số hóa hồ sơ công việc được giao",
                    expected_result="100% hồ sơ điện tử",
                    deadline=today + dt.timedelta(days=180),
                )
                for r in Reflection.objects.filter(invitee__campaign=campaign)
            ],
            batch_size=2000,
        )
        Question.objects.bulk_create(
            [
                Question(campaign=campaign, text=t, options=o, correct=c, source_row=i + 2)
                for i, (t, o, c) in enumerate(QUESTIONS)
            ]
        )
        opens_at, closes_at = rules.weekly_window(today)
        QuizRound.objects.create(
            campaign=campaign,
            title="Thi tìm hiểu Nghị quyết 57 — tuần này",
            opens_at=opens_at,
            closes_at=closes_at,
            question_count=5,
            time_limit_minutes=15,
            max_attempts=2,
        )
        course = Course.objects.create(
            title="Lớp bồi dưỡng lý luận chính trị cho đảng viên mới",
            kind=CourseKind.NEW_MEMBER,
            organizer=root,
            starts_on=today - dt.timedelta(days=60),
            ends_on=today - dt.timedelta(days=55),
        )
        recent = Person.objects.filter(status="probationary").values_list("pk", flat=True)[:60]
        Enrolment.objects.bulk_create(
            [
                Enrolment(
                    course=course,
                    person_id=pk,
                    status="completed",
                    completed_on=course.ends_on,
                    certificate_number=f"ĐVM-{n:04d}",
                )
                for n, pk in enumerate(recent, start=1)
            ]
        )
    log(f"  học tập: 1 đợt, {len(invitees)} người được triệu tập, {len(marks)} lượt điểm danh")
