"""Resolution study (học tập, quán triệt nghị quyết), quizzes and political-theory training.

A campaign (đợt học tập) is organised by one organisation for an audience taken from a subtree; its
invited list (`Invitee`) is generated in bulk and is what attendance, reflections and quizzes hang on.
Who may see a campaign: readers of the organiser, readers of any invitee's organisation (a grassroots
secretary marks attendance for their own members in a bloc-wide campaign), and invited members.
"""

import os
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q

from neuguong.core.models import TimeStampedModel
from neuguong.notifications.models import OutboxRow
from neuguong.people.models import PersonStatus, PositionTitle, TheoryLevel


def _random_name(folder: str, filename: str) -> str:
    """Nothing of the user's file name reaches the storage path but its (checked) extension."""
    extension = os.path.splitext(filename or "")[1].lower()[:8]
    return f"study/{folder}/{uuid.uuid4().hex}{extension}"


def material_upload_to(instance, filename: str) -> str:
    return _random_name("materials", filename)


def reflection_upload_to(instance, filename: str) -> str:
    return _random_name("reflections", filename)


class CampaignLevel(models.TextChoices):
    CENTRAL = "central", "Trung ương"
    PROVINCE = "province", "Tỉnh"
    BLOC = "bloc", "Khối"
    GRASSROOTS = "grassroots", "Cơ sở"


DEFAULT_AUDIENCE_STATUSES = [PersonStatus.OFFICIAL.value, PersonStatus.PROBATIONARY.value]


def _default_statuses() -> list[str]:
    return list(DEFAULT_AUDIENCE_STATUSES)


class CampaignQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Campaigns organised in the user's subtrees, reaching members of their subtrees, or inviting them."""
        from neuguong.access.scope import scope_for

        scope = scope_for(user)
        if scope.is_global:
            return self.all()
        q = scope.read_q("organizer__path")
        if scope.read_paths:
            reached = Invitee.objects.filter(scope.read_q("organization__path"), campaign=OuterRef("pk"))
            q |= Q(Exists(reached))
        if scope.person_id:
            q |= Q(Exists(Invitee.objects.filter(campaign=OuterRef("pk"), person_id=scope.person_id)))
        return self.filter(q)


class Campaign(TimeStampedModel):
    """Đợt học tập, quán triệt nghị quyết."""

    title = models.CharField("nghị quyết / nội dung học tập", max_length=255)
    # Optional link to the register; the free-text title stays (a Central resolution is rarely registered).
    document = models.ForeignKey(
        "documents.Document",
        verbose_name="văn bản trong sổ",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="study_campaigns",
    )
    # The plan item the campaign carries out (a đề án's solution on resolution study), if any: the plan's
    # report then reads the campaign's figures. The plans module checks the link (core.registry).
    plan_item = models.ForeignKey(
        "plans.PlanItem",
        verbose_name="thực hiện mục kế hoạch",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="study_campaigns",
    )
    level = models.CharField("cấp tổ chức", max_length=16, choices=CampaignLevel.choices)
    organizer = models.ForeignKey(
        "organizations.Organization",
        verbose_name="đơn vị tổ chức",
        on_delete=models.PROTECT,
        related_name="study_campaigns",
    )
    audience_root = models.ForeignKey(
        "organizations.Organization",
        verbose_name="đối tượng: tổ chức (gồm cấp dưới)",
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Lists of codes; `choices` names the codes a list may hold, so the history reads their labels.
    audience_positions = models.JSONField(
        "đối tượng: chức vụ",
        default=list,
        blank=True,
        choices=PositionTitle.choices,
        help_text="Để trống: mọi đảng viên.",
    )
    audience_statuses = models.JSONField(
        "đối tượng: trạng thái", default=_default_statuses, choices=PersonStatus.choices
    )
    reflection_questions = models.JSONField("câu hỏi thu hoạch", default=list, blank=True)
    reflection_due = models.DateField("hạn nộp thu hoạch", null=True, blank=True)
    description = models.TextField("ghi chú", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = CampaignQuerySet.as_manager()

    audit_field_labels = {
        "invitees": "số người được bổ sung vào danh sách triệu tập",
        "questions": "số câu hỏi được nhập",
    }

    class Meta:
        verbose_name = "đợt học tập nghị quyết"
        verbose_name_plural = "đợt học tập nghị quyết"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def org_path(self) -> str:
        return self.organizer.path

    @property
    def includes_exempt(self) -> bool:
        return PersonStatus.EXEMPT.value in self.audience_statuses

    def audience_position_labels(self) -> list[str]:
        labels = dict(PositionTitle.choices)
        return [str(labels.get(code, code)) for code in self.audience_positions]

    def audience_status_labels(self) -> list[str]:
        labels = dict(PersonStatus.choices)
        return [str(labels.get(code, code)) for code in self.audience_statuses]


class Material(TimeStampedModel):
    """Tài liệu học tập: an uploaded file or a link."""

    campaign = models.ForeignKey(
        Campaign, verbose_name="đợt học tập", on_delete=models.CASCADE, related_name="materials"
    )
    title = models.CharField("tên tài liệu", max_length=255)
    file = models.FileField("tệp", upload_to=material_upload_to, blank=True)
    url = models.URLField("đường dẫn", blank=True)

    class Meta:
        verbose_name = "tài liệu học tập"
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=~Q(file="") | ~Q(url=""), name="study_material_file_or_url")
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def org_path(self) -> str:
        return self.campaign.organizer.path


class Session(TimeStampedModel):
    """Buổi học: in a room and/or online; a make-up session (học bù) is for those who missed one."""

    # Set by the campaign page for the templates: the viewer's own attendance at this session.
    my_mark: "Attendance | None"

    campaign = models.ForeignKey(
        Campaign, verbose_name="đợt học tập", on_delete=models.CASCADE, related_name="sessions"
    )
    title = models.CharField("tên buổi", max_length=255)
    held_on = models.DateField("ngày học")
    start_time = models.TimeField("giờ bắt đầu", null=True, blank=True)
    place = models.CharField("địa điểm", max_length=255, blank=True)
    online_link = models.URLField("đường dẫn trực tuyến", blank=True)
    is_makeup = models.BooleanField("buổi học bù", default=False)

    class Meta:
        verbose_name = "buổi học"
        ordering = ["held_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(place="") | ~Q(online_link=""), name="study_session_place_or_link"
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.held_on:%d/%m/%Y})"

    @property
    def org_path(self) -> str:
        return self.campaign.organizer.path


class InviteeQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Invitations of people in the user's readable subtrees, plus the user's own."""
        from neuguong.access.scope import scope_for

        scope = scope_for(user)
        q = scope.read_q("organization__path")
        if scope.person_id and not scope.is_global:
            q |= Q(person_id=scope.person_id)
        return self.filter(q)


class Invitee(models.Model):
    """One person invited to a campaign; `organization` and `joined_on` are taken at invitation time."""

    # Set by `panels` for the templates: a reflection still to write, present at a session.
    to_write: bool
    was_present: bool

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="invitees")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="study_invitations")
    organization = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="+")
    # Start of the person's current membership: a session held before it is not counted as missed.
    joined_on = models.DateField("sinh hoạt tại tổ chức từ", null=True, blank=True)
    invited_at = models.DateTimeField(auto_now_add=True)

    objects = InviteeQuerySet.as_manager()

    class Meta:
        verbose_name = "người được triệu tập"
        ordering = ["organization__path", "person__name_folded", "id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "person"], name="study_invitee_unique_person")
        ]

    def __str__(self) -> str:
        return str(self.person)

    @property
    def org_path(self) -> str:
        return self.organization.path


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", "Có mặt"
    EXCUSED = "excused", "Vắng có lý do"
    ABSENT = "absent", "Vắng không lý do"


class AttendanceMethod(models.TextChoices):
    SECRETARY = "secretary", "Bí thư/cán bộ điểm danh"
    QR = "qr", "Tự điểm danh bằng mã QR"


class Attendance(models.Model):
    session = models.ForeignKey(
        Session, verbose_name="buổi học", on_delete=models.CASCADE, related_name="attendances"
    )
    invitee = models.ForeignKey(
        Invitee, verbose_name="người được triệu tập", on_delete=models.CASCADE, related_name="attendances"
    )
    status = models.CharField("điểm danh", max_length=16, choices=AttendanceStatus.choices)
    reason = models.CharField("lý do vắng", max_length=255, blank=True)
    method = models.CharField("cách điểm danh", max_length=16, choices=AttendanceMethod.choices)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người điểm danh",
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    marked_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "điểm danh"
        constraints = [
            models.UniqueConstraint(fields=["session", "invitee"], name="study_attendance_unique"),
            models.CheckConstraint(
                condition=~Q(status="excused") | ~Q(reason=""), name="study_excused_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.invitee} — {self.get_status_display()}"

    @property
    def org_path(self) -> str:
        return self.invitee.organization.path


class ReflectionStatus(models.TextChoices):
    DRAFT = "draft", "Đang viết"
    SUBMITTED = "submitted", "Đã nộp"
    RETURNED = "returned", "Trả lại để sửa"
    GRADED = "graded", "Đã chấm"
    EXCUSED = "excused", "Được miễn"


class ReflectionGrade(models.TextChoices):
    EXCELLENT = "excellent", "Xuất sắc"
    GOOD = "good", "Tốt"
    PASS = "pass", "Đạt"
    FAIL = "fail", "Chưa đạt"


class Reflection(TimeStampedModel):
    """Bài thu hoạch and kế hoạch vận dụng of one invitee."""

    invitee = models.OneToOneField(Invitee, on_delete=models.CASCADE, related_name="reflection")
    answers = models.JSONField("trả lời", default=list, blank=True)
    attachment = models.FileField("tệp đính kèm", upload_to=reflection_upload_to, blank=True)
    status = models.CharField(
        "trạng thái", max_length=16, choices=ReflectionStatus.choices, default=ReflectionStatus.DRAFT
    )
    grade = models.CharField("xếp loại", max_length=16, choices=ReflectionGrade.choices, blank=True)
    reviewer_note = models.TextField("nhận xét", blank=True)
    excuse_reason = models.CharField("lý do miễn", max_length=255, blank=True)
    submitted_at = models.DateTimeField("thời điểm nộp", null=True, blank=True)
    # Entered by a secretary for an elderly member without a smartphone: recorded, never hidden.
    entered_on_behalf = models.BooleanField("bí thư nhập thay", default=False)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "bài thu hoạch"
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="graded") | ~Q(grade=""), name="study_graded_has_grade"
            ),
            models.CheckConstraint(
                condition=~Q(status="excused") | ~Q(excuse_reason=""), name="study_excuse_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"Thu hoạch: {self.invitee.person}"

    @property
    def org_path(self) -> str:
        return self.invitee.organization.path


class PlanItem(models.Model):
    """One line of a personal application plan: rõ việc, rõ người (the author), rõ thời gian."""

    reflection = models.ForeignKey(Reflection, on_delete=models.CASCADE, related_name="plan_items")
    title = models.CharField("việc làm", max_length=500)
    expected_result = models.CharField("kết quả dự kiến", max_length=500, blank=True)
    deadline = models.DateField("thời hạn")
    # Set when the plan is graded and the item becomes a tracked commitment.
    commitment = models.ForeignKey(
        "commitments.Commitment",
        verbose_name="nhiệm vụ theo dõi",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="study_plan_items",
    )

    class Meta:
        verbose_name = "việc trong kế hoạch vận dụng"
        ordering = ["deadline", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def org_path(self) -> str:
        return self.reflection.invitee.organization.path


class Question(TimeStampedModel):
    """A quiz question of a campaign's bank; `correct` holds option indexes and never leaves the server."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="questions")
    text = models.TextField("câu hỏi")
    options = models.JSONField("phương án")
    correct = models.JSONField("đáp án đúng")
    source_row = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = "câu hỏi trắc nghiệm"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.text[:80]


class QuizRound(TimeStampedModel):
    """Đợt thi trắc nghiệm: open between two instants (e.g. Monday 07:30 – Friday 17:30, local time)."""

    campaign = models.ForeignKey(
        Campaign, verbose_name="đợt học tập", on_delete=models.CASCADE, related_name="quiz_rounds"
    )
    title = models.CharField("tên đợt thi", max_length=255)
    opens_at = models.DateTimeField("mở lúc")
    closes_at = models.DateTimeField("đóng lúc")
    question_count = models.PositiveSmallIntegerField("số câu hỏi", default=20)
    time_limit_minutes = models.PositiveSmallIntegerField("thời gian làm bài (phút)", default=30)
    max_attempts = models.PositiveSmallIntegerField(
        "số lần thi tối đa", default=1, help_text="1: thi một lần; N: lấy điểm cao nhất trong N lần."
    )

    class Meta:
        verbose_name = "đợt thi trắc nghiệm"
        ordering = ["-opens_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")), name="study_round_window"
            ),
            models.CheckConstraint(condition=Q(max_attempts__gte=1), name="study_round_attempts"),
            models.CheckConstraint(condition=Q(question_count__gte=1), name="study_round_questions"),
            models.CheckConstraint(condition=Q(time_limit_minutes__gte=1), name="study_round_time_limit"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def org_path(self) -> str:
        return self.campaign.organizer.path


class QuizAttempt(models.Model):
    round = models.ForeignKey(QuizRound, on_delete=models.CASCADE, related_name="attempts")
    invitee = models.ForeignKey(Invitee, on_delete=models.CASCADE, related_name="quiz_attempts")
    number = models.PositiveSmallIntegerField(default=1)
    question_ids = models.JSONField(default=list)  # drawn in random order: the order shown
    # {question id: option indexes in the order shown}, drawn per attempt; an answer is the option's
    # index in `Question.options` (its id), never its position on the page. Empty: stored order.
    option_orders = models.JSONField(default=dict, blank=True)
    started_at = models.DateTimeField()
    deadline_at = models.DateTimeField()
    submitted_at = models.DateTimeField(null=True, blank=True)
    answers = models.JSONField(default=dict, blank=True)
    correct_count = models.PositiveSmallIntegerField(null=True, blank=True)
    score = models.DecimalField("điểm (thang 10)", max_digits=4, decimal_places=2, null=True, blank=True)

    class Meta:
        verbose_name = "bài thi"
        ordering = ["-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "invitee", "number"], name="study_attempt_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.invitee} — lần {self.number}"

    @property
    def org_path(self) -> str:
        return self.invitee.organization.path


class CourseKind(models.TextChoices):
    NEW_MEMBER = "new_member", "Bồi dưỡng đảng viên mới"
    CANDIDATE = "candidate", "Bồi dưỡng nhận thức về Đảng (cảm tình đảng)"
    PRIMARY = "primary", "Sơ cấp lý luận chính trị"
    INTERMEDIATE = "intermediate", "Trung cấp lý luận chính trị"
    ADVANCED = "advanced", "Cao cấp lý luận chính trị"
    UPDATE = "update", "Cập nhật kiến thức"


# A level course completed raises the person's theory level to at least this.
COURSE_AWARDS: dict[str, TheoryLevel] = {
    CourseKind.PRIMARY: TheoryLevel.PRIMARY,
    CourseKind.INTERMEDIATE: TheoryLevel.INTERMEDIATE,
    CourseKind.ADVANCED: TheoryLevel.ADVANCED,
}


class CourseQuerySet(models.QuerySet):
    def visible_to(self, user):
        from neuguong.access.scope import scope_for

        scope = scope_for(user)
        if scope.is_global:
            return self.all()
        q = scope.read_q("organizer__path")
        if scope.read_paths:
            q |= Q(
                Exists(
                    Enrolment.objects.filter(
                        scope.read_q("person__organization__path"), course=OuterRef("pk")
                    )
                )
            )
        if scope.person_id:
            q |= Q(Exists(Enrolment.objects.filter(course=OuterRef("pk"), person_id=scope.person_id)))
        return self.filter(q)


class Course(TimeStampedModel):
    """Lớp bồi dưỡng, đào tạo lý luận chính trị."""

    title = models.CharField("tên lớp", max_length=255)
    kind = models.CharField("loại lớp", max_length=16, choices=CourseKind.choices)
    organizer = models.ForeignKey(
        "organizations.Organization", verbose_name="đơn vị mở lớp", on_delete=models.PROTECT, related_name="+"
    )
    starts_on = models.DateField("khai giảng")
    ends_on = models.DateField("bế giảng")

    objects = CourseQuerySet.as_manager()

    class Meta:
        verbose_name = "lớp lý luận chính trị"
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="study_course_dates")
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def org_path(self) -> str:
        return self.organizer.path


class EnrolmentStatus(models.TextChoices):
    ENROLLED = "enrolled", "Đang học"
    COMPLETED = "completed", "Hoàn thành"
    FAILED = "failed", "Không hoàn thành"


class Enrolment(models.Model):
    course = models.ForeignKey(
        Course, verbose_name="lớp", on_delete=models.CASCADE, related_name="enrolments"
    )
    person = models.ForeignKey(
        "people.Person", verbose_name="học viên", on_delete=models.PROTECT, related_name="course_enrolments"
    )
    status = models.CharField(
        "kết quả", max_length=16, choices=EnrolmentStatus.choices, default=EnrolmentStatus.ENROLLED
    )
    completed_on = models.DateField("ngày hoàn thành", null=True, blank=True)
    certificate_number = models.CharField("số giấy chứng nhận/bằng", max_length=64, blank=True)

    class Meta:
        verbose_name = "học viên"
        ordering = ["person__name_folded", "id"]
        constraints = [
            models.UniqueConstraint(fields=["course", "person"], name="study_enrolment_unique"),
            models.CheckConstraint(
                condition=~Q(status="completed") | Q(completed_on__isnull=False),
                name="study_completed_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.course}"

    @property
    def org_path(self) -> str:
        return self.person.organization.path


class PositionRequirement(models.Model):
    """The theory level a post requires (configurable by the administrator, per position title)."""

    title = models.CharField("chức vụ", max_length=32, choices=PositionTitle.choices, unique=True)
    required_level = models.CharField("trình độ LLCT tối thiểu", max_length=16, choices=TheoryLevel.choices)

    class Meta:
        verbose_name = "yêu cầu trình độ LLCT theo chức vụ"
        ordering = ["title"]

    def __str__(self) -> str:
        return f"{self.get_title_display()}: {self.get_required_level_display()}"


class ReflectionReminderKind(models.TextChoices):
    BEFORE = "before", "Nhắc trước hạn nộp thu hoạch"
    OVERDUE = "overdue", "Nhắc đã quá hạn nộp thu hoạch"


class ReflectionReminder(OutboxRow):
    """Outbox row: one reminder to one invitee about the reflection due date, for one day, sent once.

    Planning writes rows with `ignore_conflicts`; the unique constraint makes a doubled or repeated run
    harmless. Its sending state is the shared outbox's (`notifications.models.OutboxRow`).
    """

    invitee = models.ForeignKey(Invitee, on_delete=models.CASCADE, related_name="reflection_reminders")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16, choices=ReflectionReminderKind.choices)
    due_on = models.DateField("ngày nhắc")
    deadline = models.DateField("hạn nộp khi lập")

    class Meta:
        verbose_name = "nhắc nộp thu hoạch"
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["invitee", "kind", "deadline", "due_on"], name="study_reflection_reminder_once"
            )
        ]
        indexes = [models.Index(fields=["status", "due_on"], name="study_refl_reminder_due_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.invitee} ({self.due_on:%d/%m/%Y})"

    @property
    def org_path(self) -> str:
        return self.invitee.organization.path
