"""What reports keep: narrative drafts (the editable text of a report), organisations' own DOCX templates,
and background report jobs. Figures are never stored: they are recomputed by `selectors.report_figures`."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from neuguong.core.models import TimeStampedModel
from neuguong.plans.report_sections import NARRATIVE_SECTIONS as PLAN_NARRATIVE_SECTIONS


class ReportKind(models.TextChoices):
    COMMITMENTS = "commitments", "Báo cáo kết quả thực hiện trách nhiệm nêu gương"
    TASKS = "tasks", "Báo cáo tình hình thực hiện nhiệm vụ"
    # Of one plan (plans.report): its page is the plan's, its draft names the plan.
    PLAN = "plan", "Báo cáo kết quả thực hiện kế hoạch, chương trình, đề án"


# The reports of an organisation (the report list and its pages); the plan report is made from a plan.
ORGANIZATION_REPORT_KINDS = (ReportKind.COMMITMENTS, ReportKind.TASKS)


# The editable parts of each report, in document order: (field, heading in the document).
NARRATIVE_SECTIONS: dict[str, list[tuple[str, str]]] = {
    ReportKind.COMMITMENTS: [
        ("intro", "Công tác lãnh đạo, chỉ đạo, quán triệt"),
        ("notable_examples", "Những tập thể, cá nhân tiêu biểu"),
        ("limitations", "Hạn chế, khuyết điểm và nguyên nhân"),
        ("next_steps", "Phương hướng, nhiệm vụ thời gian tới"),
        ("recommendations", "Đề xuất, kiến nghị"),
    ],
    ReportKind.TASKS: [
        ("intro", "Công tác chỉ đạo, điều hành"),
        ("limitations", "Tồn tại, hạn chế và nguyên nhân"),
        ("next_steps", "Nhiệm vụ trọng tâm thời gian tới"),
    ],
    ReportKind.PLAN: PLAN_NARRATIVE_SECTIONS,
}


class ReportDraftQuerySet(models.QuerySet):
    def visible_to(self, user):
        from neuguong.access.scope import scope_for

        return self.filter(scope_for(user).read_q("organization__path"))


class ReportDraft(TimeStampedModel):
    """The text a secretary writes for a report (one draft per organisation, kind and period)."""

    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name="tổ chức",
        on_delete=models.PROTECT,
        related_name="report_drafts",
    )
    kind = models.CharField("loại báo cáo", max_length=16, choices=ReportKind.choices)
    period_start = models.DateField("từ ngày")
    period_end = models.DateField("đến ngày")
    # The plan a plan report is about (kind "plan"); None for an organisation's own reports.
    plan = models.ForeignKey(
        "plans.Plan",
        verbose_name="kế hoạch",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="report_drafts",
    )
    narrative = models.JSONField("nội dung viết tay", default=dict, blank=True)
    number = models.CharField("số, ký hiệu", max_length=64, blank=True)
    # Blank: the signing authority of the organisation's kind (docengine.issuers).
    signing_authority = models.CharField("thẩm quyền ký", max_length=64, blank=True, default="")
    signer_position = models.CharField("chức vụ người ký", max_length=64, blank=True)
    signer_name = models.CharField("người ký", max_length=128, blank=True)
    recipients = models.TextField("nơi nhận (mỗi dòng một nơi)", blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = ReportDraftQuerySet.as_manager()

    # The author of each change is the event's own actor.
    audit_hidden_fields = ("updated_by",)

    class Meta:
        verbose_name = "bản thảo báo cáo"
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "kind", "period_start", "period_end"],
                condition=Q(plan__isnull=True),
                name="report_draft_unique",
            ),
            models.UniqueConstraint(
                fields=["organization", "plan", "period_start", "period_end"],
                condition=Q(plan__isnull=False),
                name="report_draft_plan_unique",
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")), name="report_draft_period"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.organization}"

    @property
    def org_path(self) -> str:
        return self.organization.path


def _template_upload_to(instance, filename: str) -> str:
    return f"report_templates/{uuid.uuid4().hex}.docx"


class ReportTemplate(TimeStampedModel):
    """An organisation's own DOCX template; it applies to its subtree unless a descendant has its own."""

    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name="tổ chức",
        on_delete=models.PROTECT,
        related_name="report_templates",
    )
    kind = models.CharField(
        "dùng cho",
        max_length=16,
        choices=ReportKind.choices,
        blank=True,
        help_text="Để trống: mọi loại báo cáo.",
    )
    file = models.FileField("tệp mẫu (.docx)", upload_to=_template_upload_to, max_length=255)
    original_name = models.CharField("tên tệp", max_length=255)
    is_active = models.BooleanField("đang dùng", default=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    # A storage name and the uploader (the event's actor) say nothing to a reader of the history.
    audit_hidden_fields = ("file", "uploaded_by")

    class Meta:
        verbose_name = "mẫu văn bản"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def org_path(self) -> str:
        return self.organization.path


class JobStatus(models.TextChoices):
    QUEUED = "queued", "Đang chờ"
    RUNNING = "running", "Đang tạo"
    DONE = "done", "Hoàn thành"
    FAILED = "failed", "Lỗi"


def _job_upload_to(instance, filename: str) -> str:
    return f"reports/{uuid.uuid4().hex}{filename[filename.rfind('.') :]}"


class ReportJob(TimeStampedModel):
    """A report made in the background (large subtrees): progress for the page, the file when done."""

    organization = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=16, choices=ReportKind.choices)
    file_format = models.CharField(max_length=8)  # docx | xlsx | pdf
    period_start = models.DateField()
    period_end = models.DateField()
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=16, choices=JobStatus.choices, default=JobStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    step = models.CharField(max_length=128, blank=True)
    result = models.FileField(upload_to=_job_upload_to, blank=True, max_length=255)
    result_name = models.CharField(max_length=255, blank=True)
    error = models.CharField(max_length=500, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "báo cáo tạo trong nền"
        ordering = ["-created_at", "-id"]
        constraints = [models.CheckConstraint(condition=Q(progress__lte=100), name="report_job_progress_max")]

    @property
    def org_path(self) -> str:
        return self.organization.path
