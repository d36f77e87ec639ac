"""Commitments (cam kết, nhiệm vụ): rõ việc, rõ người, rõ thời gian.

The status shown to users is never stored: `status.commitment_status(commitment, today)` derives it from
the facts kept here (deadline, completion date, pending extension, returned report, halt decision).
"""

import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import F, Q

from neuguong.core.models import SoftDeleteModel, SoftDeleteQuerySet, TimeStampedModel
from neuguong.core.text import fold, search_key
from neuguong.notifications.models import OutboxRow


class CommitmentCategory(models.TextChoices):
    EXEMPLARY = "exemplary", "Trách nhiệm nêu gương (QĐ 101, 08, 55)"
    POLITICAL = "political", "Nhiệm vụ chính trị"
    PROFESSIONAL = "professional", "Nhiệm vụ chuyên môn"
    OTHER = "other", "Khác"


class SourceKind(models.TextChoices):
    DOCUMENT = "document", "Văn bản"
    WORK_PROGRAM = "work_program", "Chương trình công tác năm"
    MEETING = "meeting", "Kết luận cuộc họp"
    INSPECTION = "inspection", "Kiến nghị kiểm tra, giám sát"
    PLEDGE = "pledge", "Bản cam kết của đảng viên"
    STUDY_PLAN = "study_plan", "Kế hoạch học tập, làm theo"
    TARGET = "target", "Chỉ tiêu"
    OTHER = "other", "Khác"


class Halt(models.TextChoices):
    NONE = "", "—"
    SUSPENDED = "suspended", "Tạm dừng"
    CANCELLED = "cancelled", "Hủy"


class Outcome(models.TextChoices):
    """The result a completed commitment reached (recorded at completion): the year-end review counts the
    share that exceeded requirements (Quy định 366-QĐ/TW, art. 11: ≥ 30 % for HTXSNV)."""

    NONE = "", "Chưa đánh giá"
    EXCEEDED = "exceeded", "Vượt yêu cầu"
    MET = "met", "Đạt yêu cầu"
    NOT_MET = "not_met", "Không đạt yêu cầu"


class Recurrence(models.TextChoices):
    MONTHLY = "monthly", "Hằng tháng"
    QUARTERLY = "quarterly", "Hằng quý"


class CommitmentQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Commitments on boards in the user's readable subtrees, plus those the user is responsible for."""
        from neuguong.access.scope import scope_for

        scope = scope_for(user)
        q = scope.read_q("organization__path")
        if scope.person_id and not scope.is_global:
            q |= Q(responsible_person_id=scope.person_id)
        return self.filter(q)

    def writable_by(self, user):
        from neuguong.access.scope import scope_for

        return self.filter(scope_for(user).write_q("organization__path"))

    def search(self, query: str):
        key = search_key(query)
        return self.filter(title_folded__contains=key) if key else self


class CommitmentSeries(TimeStampedModel):
    """A recurring commitment (monthly or quarterly): each occurrence is a Commitment of its own."""

    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="commitment_series"
    )
    title = models.CharField("nội dung", max_length=500)
    recurrence = models.CharField("lặp lại", max_length=16, choices=Recurrence.choices)
    starts_on = models.DateField("từ ngày")
    ends_on = models.DateField("đến ngày")

    class Meta:
        verbose_name = "nhiệm vụ định kỳ"
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="series_end_after_start")
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.get_recurrence_display()})"


class Commitment(TimeStampedModel):
    title = models.CharField("nội dung công việc", max_length=500)
    title_folded = models.CharField(max_length=500, editable=False)
    expected_result = models.TextField("kết quả, sản phẩm dự kiến", blank=True)
    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name="tổ chức theo dõi",
        on_delete=models.PROTECT,
        related_name="commitments",
    )
    responsible_person = models.ForeignKey(
        "people.Person",
        verbose_name="người chịu trách nhiệm",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="commitments",
    )
    lead_unit = models.ForeignKey(
        "organizations.Organization",
        verbose_name="đơn vị chủ trì",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="led_commitments",
    )
    co_units = models.ManyToManyField(
        "organizations.Organization",
        verbose_name="đơn vị phối hợp",
        blank=True,
        related_name="cooperating_commitments",
    )
    start_on = models.DateField("ngày bắt đầu", null=True, blank=True)
    deadline = models.DateField("thời hạn")
    original_deadline = models.DateField("thời hạn ban đầu")
    category = models.CharField(
        "nhóm", max_length=16, choices=CommitmentCategory.choices, default=CommitmentCategory.OTHER
    )
    source_kind = models.CharField(
        "nguồn", max_length=16, choices=SourceKind.choices, default=SourceKind.OTHER
    )
    source_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    source_id = models.PositiveBigIntegerField(null=True, blank=True)
    source = GenericForeignKey("source_type", "source_id")
    source_note = models.CharField("ghi chú nguồn (mục, phần)", max_length=255, blank=True)
    series = models.ForeignKey(
        CommitmentSeries, null=True, blank=True, on_delete=models.PROTECT, related_name="occurrences"
    )
    # The plan item the commitment serves. It keeps its own source (a meeting, an inspection, a pledge…);
    # without one, the plan's document becomes its source. The plans module checks the link
    # (core.registry.PLAN_ITEM_LINK): this app never imports it.
    plan_item = models.ForeignKey(
        "plans.PlanItem",
        verbose_name="mục kế hoạch",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="commitments",
        db_index=False,  # the partial index below serves the plans' lists and the PROTECT check
    )
    batch = models.CharField("đợt giao", max_length=32, blank=True, db_index=True)
    completed_on = models.DateField("ngày hoàn thành", null=True, blank=True)
    completion_note = models.TextField("ghi chú hoàn thành", blank=True)
    outcome = models.CharField(
        "kết quả so với yêu cầu", max_length=16, choices=Outcome.choices, blank=True, default=""
    )
    # Facts the status function reads; maintained only by services.
    extension_pending = models.BooleanField("đang đề nghị gia hạn", default=False)
    is_returned = models.BooleanField("báo cáo bị trả lại", default=False)
    # The responsible person marked it done; the reviewer has not confirmed it yet (`CompletionPolicy`).
    completion_pending = models.BooleanField("hoàn thành chờ xác nhận", default=False)
    halt = models.CharField("hủy/tạm dừng", max_length=16, choices=Halt.choices, blank=True, default="")
    halt_reason = models.CharField("lý do hủy/tạm dừng", max_length=500, blank=True)
    halted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="người quyết định",
    )
    halted_on = models.DateField("ngày quyết định", null=True, blank=True)
    progress = models.PositiveSmallIntegerField("tiến độ (%)", default=0)
    created_reason = models.CharField("lý do (hạn đã qua khi tạo)", max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = CommitmentQuerySet.as_manager()

    # Keys the commitment's events write that are not fields of its own (commitments/events.py).
    audit_field_labels = {
        "requested_deadline": "Thời hạn đề nghị",
        "report": "Báo cáo tiến độ",
        "evidence": "Minh chứng",
        "source": "Văn bản nguồn",
    }

    class Meta:
        verbose_name = "cam kết, nhiệm vụ"
        verbose_name_plural = "cam kết, nhiệm vụ"
        ordering = ["deadline", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start_on__isnull=True) | Q(deadline__gte=F("start_on")),
                name="commitment_deadline_after_start",
            ),
            models.CheckConstraint(
                condition=Q(deadline__gte=F("original_deadline")), name="commitment_extension_not_earlier"
            ),
            models.CheckConstraint(condition=Q(progress__lte=100), name="commitment_progress_max_100"),
            models.CheckConstraint(
                condition=Q(responsible_person__isnull=False) | Q(lead_unit__isnull=False),
                name="commitment_has_someone_responsible",
            ),
            models.CheckConstraint(
                condition=Q(halt="") | (~Q(halt_reason="") & Q(halted_by__isnull=False)),
                name="commitment_halt_has_reason_and_decider",
            ),
            models.CheckConstraint(
                condition=Q(outcome="") | Q(completed_on__isnull=False),
                name="commitment_outcome_when_completed",
            ),
            models.CheckConstraint(
                condition=Q(completion_pending=False) | Q(completed_on__isnull=False),
                name="commitment_pending_completion_has_date",
            ),
            # One commitment per item of a pledge: registering the pledge again never duplicates one.
            models.UniqueConstraint(
                fields=["source_type", "source_id", "title_folded"],
                condition=Q(source_kind="pledge", halt=""),
                name="commitment_pledge_item_once",
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "deadline"], name="commitment_org_deadline_idx"),
            # The board's default order (deadline, id): page 1 of a large board without sorting every row.
            models.Index(fields=["deadline", "id"], name="commitment_deadline_id_idx"),
            models.Index(fields=["responsible_person", "deadline"], name="commitment_person_deadline_idx"),
            models.Index(fields=["source_type", "source_id"], name="commitment_source_idx"),
            # A plan's commitments by deadline; most commitments serve no plan item and stay out of it.
            models.Index(
                fields=["plan_item", "deadline"],
                condition=Q(plan_item__isnull=False),
                name="commitment_plan_item_idx",
            ),
            # The reviewers' queues: the few commitments waiting on a decision, one index per wait. One
            # index over both made the completions' queue read every pending extension first (1.6 M of
            # them in the national bench: 4.7 s for an empty queue).
            models.Index(
                fields=["organization"],
                condition=Q(completion_pending=True),
                name="commitment_completion_wait_idx",
            ),
            models.Index(
                fields=["organization"],
                condition=Q(extension_pending=True),
                name="commitment_extension_wait_idx",
            ),
            # The tallies' daily re-dating (`tally.advance`) reads the open commitments whose deadline or
            # ORIGINAL deadline fell in the last day: without this index each of its queries read the
            # whole table (18 scans of 27 M rows, 101 s, inside the first request after midnight).
            models.Index(
                fields=["original_deadline"],
                condition=Q(halt="") & (Q(completed_on__isnull=True) | Q(completion_pending=True)),
                name="commitment_open_orig_dl_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        self.title_folded = fold(self.title)
        super().save(*args, **kwargs)

    @property
    def org_path(self) -> str:
        return self.organization.path

    @property
    def was_extended(self) -> bool:
        return self.deadline != self.original_deadline


class ReviewState(models.TextChoices):
    PENDING = "pending", "Chờ xem xét"
    ACCEPTED = "accepted", "Đã chấp nhận"
    RETURNED = "returned", "Trả lại"


class ProgressReport(models.Model):
    """A progress report (percent, text, evidence); a supervisor accepts or returns it."""

    # Filled by `selectors.commitment_timeline` with the report's live evidence (one query for all reports).
    evidence_files: list["Evidence"]

    commitment = models.ForeignKey(Commitment, on_delete=models.PROTECT, related_name="reports")
    reported_on = models.DateField("ngày báo cáo")
    percent = models.PositiveSmallIntegerField("tiến độ (%)")
    text = models.TextField("nội dung báo cáo")
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="người nhập"
    )
    on_behalf_of = models.ForeignKey(
        "people.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="nhập thay cho",
    )
    review_state = models.CharField(
        "xem xét", max_length=16, choices=ReviewState.choices, default=ReviewState.PENDING
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.CharField("ý kiến người xem xét", max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "báo cáo tiến độ"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(percent__lte=100), name="report_percent_max_100"),
        ]
        indexes = [
            # The reviewers' queue: reports still waiting, oldest first.
            models.Index(
                fields=["created_at"], condition=Q(review_state="pending"), name="report_pending_idx"
            )
        ]

    def __str__(self) -> str:
        return f"Báo cáo {self.percent}% ngày {self.reported_on:%d/%m/%Y}"

    @property
    def org_path(self) -> str:
        return self.commitment.organization.path


def _evidence_upload_to(instance, filename: str) -> str:
    # Random name: nothing of the uploader's file name reaches the storage path.
    return f"evidence/{uuid.uuid4().hex}"


class Evidence(SoftDeleteModel):
    """An evidence file (minh chứng) of a progress report. Never cascaded away; deletion only marks it."""

    report = models.ForeignKey(ProgressReport, on_delete=models.PROTECT, related_name="evidence")
    file = models.FileField(upload_to=_evidence_upload_to, max_length=255)
    original_name = models.CharField("tên tệp", max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    objects = SoftDeleteQuerySet.as_manager()

    class Meta:
        verbose_name = "minh chứng"
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def org_path(self) -> str:
        return self.report.commitment.organization.path


class ExtensionState(models.TextChoices):
    PENDING = "pending", "Chờ quyết định"
    GRANTED = "granted", "Đã gia hạn"
    REFUSED = "refused", "Không đồng ý"


class ExtensionRequest(models.Model):
    commitment = models.ForeignKey(Commitment, on_delete=models.PROTECT, related_name="extensions")
    requested_deadline = models.DateField("thời hạn đề nghị")
    previous_deadline = models.DateField("thời hạn trước khi gia hạn")
    reason = models.CharField("lý do", max_length=500)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    state = models.CharField(max_length=16, choices=ExtensionState.choices, default=ExtensionState.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField("ý kiến", max_length=500, blank=True)

    class Meta:
        verbose_name = "đề nghị gia hạn"
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["commitment"], condition=Q(state="pending"), name="extension_one_pending"
            ),
            models.CheckConstraint(
                condition=Q(requested_deadline__gt=F("previous_deadline")), name="extension_is_later"
            ),
        ]

    @property
    def org_path(self) -> str:
        return self.commitment.organization.path


class CompletionPolicy(models.Model):
    """Whether a responsible person's own "done" waits for the reviewer's confirmation, set by an
    organisation for its subtree (the nearest setting up the tree applies; none anywhere: the setting
    COMMITMENT_COMPLETION_NEEDS_CONFIRMATION, default yes). A reviewer's own completion never waits."""

    organization = models.OneToOneField(
        "organizations.Organization", on_delete=models.PROTECT, related_name="completion_policy"
    )
    needs_confirmation = models.BooleanField(
        "hoàn thành của người thực hiện cần cấp ủy xác nhận", default=True
    )
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "quy định xác nhận hoàn thành"

    def __str__(self) -> str:
        return f"{self.organization}: {'cần' if self.needs_confirmation else 'không cần'} xác nhận"

    @property
    def org_path(self) -> str:
        return self.organization.path


class WorkProgramQuerySet(models.QuerySet):
    def visible_to(self, user):
        from neuguong.access.scope import scope_for

        return self.filter(scope_for(user).read_q("organization__path"))

    def writable_by(self, user):
        from neuguong.access.scope import scope_for

        return self.filter(scope_for(user).write_q("organization__path"))


class WorkProgram(TimeStampedModel):
    """An organisation's annual work program (chương trình công tác năm)."""

    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="work_programs"
    )
    year = models.PositiveSmallIntegerField("năm")
    title = models.CharField("tên chương trình", max_length=255)
    document = models.ForeignKey(
        "documents.Document",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="work_programs",
        verbose_name="văn bản ban hành",
    )

    objects = WorkProgramQuerySet.as_manager()

    class Meta:
        verbose_name = "chương trình công tác năm"
        ordering = ["-year", "organization__path"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "year"], name="work_program_one_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.year})"

    @property
    def org_path(self) -> str:
        return self.organization.path


class WorkProgramItem(models.Model):
    program = models.ForeignKey(WorkProgram, on_delete=models.CASCADE, related_name="items")
    title = models.CharField("nội dung", max_length=500)
    expected_result = models.TextField("kết quả dự kiến", blank=True)
    month = models.PositiveSmallIntegerField("tháng", null=True, blank=True)
    quarter = models.PositiveSmallIntegerField("quý", null=True, blank=True)
    is_exemplary = models.BooleanField("trách nhiệm nêu gương", default=False)
    responsible_person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    lead_unit = models.ForeignKey(
        "organizations.Organization", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "nội dung chương trình công tác"
        ordering = ["quarter", "month", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(month__isnull=False) & Q(quarter__isnull=True) & Q(month__gte=1) & Q(month__lte=12)
                )
                | (Q(month__isnull=True) & Q(quarter__isnull=False) & Q(quarter__gte=1) & Q(quarter__lte=4)),
                name="work_item_month_or_quarter",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def org_path(self) -> str:
        return self.program.organization.path


DEFAULT_PLEDGE_ITEMS = [
    "Giữ gìn phẩm chất chính trị, đạo đức, lối sống; nêu gương theo Quy định 08-QĐi/TW",
    "Hoàn thành tốt nhiệm vụ chuyên môn được giao",
    "Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
    "Tham gia đầy đủ sinh hoạt chi bộ, đóng đảng phí đúng quy định",
    "Giữ mối liên hệ với cấp ủy và nhân dân nơi cư trú",
]


class PledgeTemplate(TimeStampedModel):
    """The annual pledge template (mẫu bản cam kết) an organisation edits; members' pledges copy its items."""

    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="pledge_templates"
    )
    year = models.PositiveSmallIntegerField("năm")
    items = models.JSONField("các nội dung cam kết", default=list)

    class Meta:
        verbose_name = "mẫu bản cam kết"
        constraints = [
            models.UniqueConstraint(fields=["organization", "year"], name="pledge_template_one_per_year")
        ]

    @property
    def org_path(self) -> str:
        return self.organization.path


class Pledge(TimeStampedModel):
    """A member's annual pledge (bản cam kết tu dưỡng, rèn luyện, phấn đấu); its items become commitments."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="pledges")
    organization = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("năm")
    registered_on = models.DateField("ngày đăng ký")
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    is_proxy_entry = models.BooleanField("nhập thay", default=False)
    # The template its items were first taken from (none: the built-in items). One pledge per member and
    # year, whatever the template: registering again updates it.
    template = models.ForeignKey(
        PledgeTemplate,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="pledges",
        verbose_name="mẫu",
    )

    class Meta:
        verbose_name = "bản cam kết"
        constraints = [models.UniqueConstraint(fields=["person", "year"], name="pledge_one_per_year")]

    def __str__(self) -> str:
        return f"Bản cam kết năm {self.year} — {self.person}"

    def commitments_titles(self) -> list[str]:
        """The items of this pledge that are followed as commitments (not cancelled), in their order."""
        from django.contrib.contenttypes.models import ContentType

        return list(
            Commitment.objects.filter(
                source_type=ContentType.objects.get_for_model(Pledge), source_id=self.pk, halt=""
            )
            .order_by("id")
            .values_list("title", flat=True)
        )

    @property
    def org_path(self) -> str:
        return self.organization.path


class ReminderKind(models.TextChoices):
    BEFORE = "before", "Nhắc trước hạn"
    OVERDUE = "overdue", "Nhắc quá hạn"
    ESCALATION = "escalation", "Báo cáo cấp trên (quá hạn)"


class Reminder(OutboxRow):
    """Outbox row: one reminder to one recipient about one commitment for one due date, sent once."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=16, choices=ReminderKind.choices)
    due_on = models.DateField("ngày nhắc")
    deadline = models.DateField("thời hạn khi lập")

    class Meta:
        verbose_name = "nhắc việc"
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "commitment", "kind", "due_on"], name="reminder_once"
            )
        ]
        indexes = [models.Index(fields=["status", "due_on"], name="reminder_status_due_idx")]


class ReminderPlanning(models.Model):
    """One row (id 1): the last local day whose reminders were planned (`reminders.plan_reminders_once`).
    In the database, not in a scheduler's memory, so every scheduler and worker, on any server and after
    any restart, plans a day once; the hourly planning job is one UPDATE once today is planned."""

    planned_on = models.DateField(null=True)
    planned_at = models.DateTimeField(null=True)
    # A planning under way (the day it plans and when it started): the rows are written and committed a
    # batch at a time, so a second worker leaves the day to it unless it has been silent too long.
    running_on = models.DateField(null=True)
    running_since = models.DateTimeField(null=True)

    class Meta:
        verbose_name = "lập lịch nhắc việc"


# ---------------------------------------------------------------------------------------------------------
# Status tallies: counts kept up to date by database triggers (see `tally.py`), so the views over a whole
# province read a few thousand small rows instead of counting a million commitments on every request.


class TallyState(models.Model):
    """One row (id 1): the day the tallies' statuses are computed for, and the rule they follow.
    `as_of` is NULL while the tallies are not built; the triggers then write nothing."""

    as_of = models.DateField(null=True)
    against_original = models.BooleanField(default=False)
    # `tally.TALLY_VERSION` the tallies were built with: a new layout rebuilds them after migrate.
    version = models.PositiveIntegerField(default=0)
    built_at = models.DateTimeField(null=True)
    # Bumped, in the same transaction, by whatever removes tally rows (`compact`, `rebuild`): a reader that
    # counted the rows up to some id and adds the rows appended since (`reports.selectors`) knows from it
    # whether the rows it counted are still there.
    epoch = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = "trạng thái bảng đếm"


class TallyRow(models.Model):
    """What every tally row holds besides its own keys: the organisation whose subtree it counts (every
    organisation on a commitment's path gets a row), the status as of `TallyState.as_of`, and the +1/−1
    count. Rows are appended by triggers and compacted now and then; always read with SUM(n)."""

    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,  # the composite index below serves every read
        related_name="+",
    )
    status = models.CharField(max_length=24)
    # A returned report or a pending extension whose deadline has passed (the government statuses count
    # it as overdue); always False for the other statuses.
    past = models.BooleanField(default=False)
    n = models.IntegerField()

    class Meta:
        abstract = True


class StatusTally(TallyRow):
    """Commitments counted per organisation subtree, deadline month, category, source and status."""

    month = models.PositiveIntegerField()  # yyyymm of the deadline
    category = models.CharField(max_length=16)
    source_kind = models.CharField(max_length=16)

    class Meta:
        # Covering (PostgreSQL): the national root's rows for two years (2,000, spread over as many pages) are
        # read from the index alone, on every first view of the figures after a write.
        indexes = [
            models.Index(
                fields=["organization", "month"],
                include=["category", "source_kind", "status", "past", "n"],
                name="status_tally_org_month_cov_idx",
            )
        ]


class LeadUnitTally(TallyRow):
    """As `StatusTally`, per lead unit (0 = none) instead of category and source."""

    month = models.PositiveIntegerField()
    lead_unit_key = models.BigIntegerField()

    class Meta:
        indexes = [  # covering, as StatusTally's
            models.Index(
                fields=["organization", "month"],
                include=["lead_unit_key", "status", "past", "n"],
                name="lead_tally_org_month_cov_idx",
            )
        ]


class OrgTally(TallyRow):
    """Counts per organisation subtree and status at three resolutions, each commitment counted once in
    each: `period` = 0 for all time, yyyy00 for its deadline year, yyyymm for its deadline month. A page
    listing 1,500 child organisations reads one row per child and status (a year, or all time)."""

    period = models.PositiveIntegerField()

    class Meta:
        # Covering (PostgreSQL): the children of a province root for two years are one index-only scan.
        indexes = [
            models.Index(
                fields=["period", "organization"],
                include=["status", "past", "n"],
                name="org_tally_period_org_idx",
            )
        ]


class PlanItemTally(TallyRow):
    """As `StatusTally`, for the commitments serving a plan item (`Commitment.plan_item`): per plan item
    (its id; the plans module owns the items), deadline month and category. A plan's progress is the
    rows of its items at the organisations whose subtrees the reader sees."""

    plan_item_key = models.BigIntegerField()
    month = models.PositiveIntegerField()
    category = models.CharField(max_length=16)

    class Meta:
        # Covering (PostgreSQL): a plan's items at the root of a province are 4,700 rows spread over as many
        # pages (rows are appended as commitments change); read from the index alone (18 → 3 ms).
        indexes = [
            models.Index(
                fields=["organization", "plan_item_key"],
                include=["month", "category", "status", "past", "n"],
                name="plan_item_tally_org_item_idx",
            )
        ]


class PlanTally(TallyRow):
    """The commitments serving any item of a plan (the item's plan: `plan_key`), per organisation subtree
    and status at three resolutions like `OrgTally` (`period` 0, yyyy00, yyyymm): a plan's figures by
    subtree read one row per organisation and status, whatever the number of items."""

    plan_key = models.BigIntegerField()
    period = models.PositiveIntegerField()

    class Meta:
        # Covering (PostgreSQL): the 1,500 children of a province root for one plan, one index-only scan.
        indexes = [
            models.Index(
                fields=["plan_key", "period", "organization"],
                include=["status", "past", "n"],
                name="plan_tally_plan_period_org_idx",
            ),
            # The newest row of a plan at one organisation, in one descent (the key of the plan's cached
            # rows by subtree): without it PostgreSQL walked the whole table backwards from the newest row
            # for an organisation with none (565 ms at province size).
            models.Index(fields=["plan_key", "organization", "id"], name="plan_tally_plan_org_id_idx"),
        ]
