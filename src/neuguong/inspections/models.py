"""Inspection and supervision (kiểm tra, giám sát): yearly programs, their items (one inspection each), the
inspection's steps and documents, findings, breaches of exemplary responsibility and recommendations.

Who may see what is decided in `access.py` (one place, on loaded objects); the QuerySets below express the
same rules in SQL, from the user's `facts` (scope and commission / standing-committee seats).
"""

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q

from neuguong.access.scope import any_of
from neuguong.core.models import SoftDeleteModel, SoftDeleteQuerySet, TimeStampedModel

from .facts import Facts, user_facts

# What an inspection may be linked to (it looks at): kind → (app label, model, label).
LINKABLE = {
    "commitment": ("commitments", "Commitment", "Nhiệm vụ, cam kết"),
    "document": ("documents", "Document", "Văn bản (kế hoạch, chương trình, nghị quyết)"),
    "target": ("targets", "AnnualTarget", "Chỉ tiêu năm"),
}


class ProgramBody(models.TextChoices):
    COMMITTEE = "committee", "Cấp ủy (Ban Thường vụ)"
    COMMISSION = "commission", "Ủy ban Kiểm tra"


class InspectionKind(models.TextChoices):
    REGULAR_SUPERVISION = "regular_supervision", "Giám sát thường xuyên"
    THEMATIC_SUPERVISION = "thematic_supervision", "Giám sát chuyên đề"
    DUTY_INSPECTION = "duty_inspection", "Kiểm tra việc thực hiện nhiệm vụ"
    VIOLATION_INSPECTION = "violation_inspection", "Kiểm tra khi có dấu hiệu vi phạm"
    COMMISSION_INSPECTION = (
        "commission_inspection",
        "Kiểm tra việc thực hiện nhiệm vụ kiểm tra của UBKT cấp dưới",
    )


SUPERVISION_KINDS = (InspectionKind.REGULAR_SUPERVISION, InspectionKind.THEMATIC_SUPERVISION)


class InspectionState(models.TextChoices):
    """The inspection's life; transitions are in `services.TRANSITIONS` and `docs/inspections-workflow.md`."""

    PLANNED = "planned", "Trong chương trình"
    DECIDED = "decided", "Đã có quyết định"
    PLAN_ISSUED = "plan_issued", "Đã có kế hoạch"
    NOTIFIED = "notified", "Đã thông báo đến đối tượng"
    EXAMINING = "examining", "Đoàn đang thẩm tra, xác minh"
    DRAFT_CONCLUSION = "draft_conclusion", "Dự thảo kết luận"
    CONCLUDED = "concluded", "Đã ban hành kết luận"
    NOTICE_ISSUED = "notice_issued", "Đã thông báo kết luận"
    CLOSED = "closed", "Đã kết thúc"
    CANCELLED = "cancelled", "Đã hủy"


# States in which the conclusion has been issued (it then counts for coverage, breaches, follow-up).
ISSUED_STATES = (InspectionState.CONCLUDED, InspectionState.NOTICE_ISSUED, InspectionState.CLOSED)
# From the notice onwards the subject knows of the inspection and may see what concerns it.
SUBJECT_VISIBLE_STATES = (
    InspectionState.NOTIFIED,
    InspectionState.EXAMINING,
    InspectionState.DRAFT_CONCLUSION,
    InspectionState.CONCLUDED,
    InspectionState.NOTICE_ISSUED,
    InspectionState.CLOSED,
)
# An inspection "happened" (for coverage) once decided and not cancelled.
CARRIED_OUT_STATES = tuple(
    s for s in InspectionState.values if s not in (InspectionState.PLANNED, InspectionState.CANCELLED)
)


class StepKind(models.TextChoices):
    DECISION = "decision", "Quyết định kiểm tra, giám sát"
    PLAN = "plan", "Kế hoạch"
    NOTICE = "notice", "Thông báo đến đối tượng"
    SELF_REPORT = "self_report", "Báo cáo giải trình của đối tượng"
    WORKING_NOTE = "working_note", "Ghi chép làm việc của đoàn"
    DRAFT_CONCLUSION = "draft_conclusion", "Dự thảo kết luận"
    REOPEN = "reopen", "Trả dự thảo, thẩm tra thêm"
    CONCLUSION = "conclusion", "Kết luận"
    CONCLUSION_NOTICE = "conclusion_notice", "Thông báo kết luận"
    CLOSE = "close", "Kết thúc"
    CANCEL = "cancel", "Hủy"


class Level(models.TextChoices):
    """How much of an inspection a user may see (see `access.access_level`)."""

    INSIDER = "insider", "Đoàn, UBKT, Ban Thường vụ"
    OVERSEER = "overseer", "Cấp ủy, cơ quan có thẩm quyền"
    SUBJECT = "subject", "Đối tượng kiểm tra, giám sát"


# What each level sees of steps and documents: drafts, working notes and findings are insiders' only.
STEP_KINDS_BY_LEVEL: dict[str, tuple[str, ...]] = {
    Level.INSIDER: tuple(StepKind.values),
    Level.OVERSEER: (
        StepKind.DECISION,
        StepKind.PLAN,
        StepKind.NOTICE,
        StepKind.CONCLUSION,
        StepKind.CONCLUSION_NOTICE,
        StepKind.CLOSE,
        StepKind.CANCEL,
    ),
    Level.SUBJECT: (StepKind.NOTICE, StepKind.SELF_REPORT, StepKind.CONCLUSION_NOTICE),
}


def _paths_q(paths, lookup: str) -> Q:
    q = Q(pk__in=[])
    for path in paths:
        q |= Q(**{f"{lookup}__startswith": path})
    return q


def committee_insider_q(facts: Facts, org_lookup: str) -> Q:
    """Rows whose committee (reached by `org_lookup`) the user sees from the inside: staff or a seat."""
    q = _paths_q(facts.scope.structure_paths, f"{org_lookup}__path")
    if facts.committee_ids:
        q |= Q(**{f"{org_lookup}_id__in": sorted(facts.committee_ids)})
    return q


def team_q(facts: Facts) -> Q:
    """Inspections on whose team the user sits (leader or member)."""
    if not facts.person_id:
        return Q(pk__in=[])
    members = Inspection.team_members.through.objects.filter(
        inspection_id=OuterRef("pk"), person_id=facts.person_id
    )
    return Q(leader_id=facts.person_id) | Q(Exists(members))


def insider_q(facts: Facts, org_lookup: str) -> Q:
    if org_lookup == "program__organization":
        return committee_insider_q(facts, org_lookup) | team_q(facts)
    return committee_insider_q(facts, org_lookup)


def subject_q(facts: Facts) -> Q:
    """Inspections in which the user stands for a subject, once the subject has been notified."""
    reach = _paths_q(facts.scope.read_paths, "organization__path") | _paths_q(
        facts.scope.read_paths, "person__organization__path"
    )
    if facts.person_id:
        reach |= Q(person_id=facts.person_id)
    subjects = InspectionSubject.objects.filter(reach, inspection_id=OuterRef("pk"))
    return Q(state__in=SUBJECT_VISIBLE_STATES) & Q(Exists(subjects))


class ProgramQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Programs of committees the user may read, where they sit on the commission or standing
        committee, or which hold an inspection they may see."""
        facts = user_facts(user)
        if facts.is_global:
            return self
        visible_items = Inspection.objects.visible_to(user).filter(program=OuterRef("pk"))
        return self.filter(
            any_of(
                facts.scope.read_q("organization__path"),
                insider_q(facts, "organization"),
                Q(Exists(visible_items)),
            )
        )


class Program(TimeStampedModel):
    """The yearly inspection and supervision program of a committee or of its inspection commission."""

    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name="cấp ủy",
        on_delete=models.PROTECT,
        related_name="inspection_programs",
    )
    body = models.CharField("cơ quan thực hiện", max_length=16, choices=ProgramBody.choices)
    year = models.PositiveSmallIntegerField("năm")
    title = models.CharField("tên chương trình", max_length=255)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+", editable=False
    )

    objects = ProgramQuerySet.as_manager()

    class Meta:
        verbose_name = "chương trình kiểm tra, giám sát"
        verbose_name_plural = "chương trình kiểm tra, giám sát"
        ordering = ["-year", "organization__path", "body"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "body", "year"], name="inspection_program_unique"
            ),
            models.CheckConstraint(
                condition=Q(year__gte=2000) & Q(year__lte=2100), name="inspection_program_year_range"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def org_path(self) -> str:
        return self.organization.path


class InspectionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Inspections the user may open at any level: insiders, overseers, and the subject once notified."""
        facts = user_facts(user)
        if facts.is_global:
            return self
        return self.filter(
            any_of(
                facts.scope.read_q("program__organization__path"),
                insider_q(facts, "program__organization"),
                subject_q(facts),
            )
        )

    def insider_for(self, user):
        """Inspections whose confidential parts (drafts, working notes, findings) the user may see."""
        facts = user_facts(user)
        if facts.is_global:
            return self
        return self.filter(insider_q(facts, "program__organization"))

    def subject_side_of(self, user):
        """Inspections in which the user stands for a subject (once the subject has been notified)."""
        return self.filter(subject_q(user_facts(user)))


class Inspection(TimeStampedModel):
    """One item of a program: an inspection or a supervision, with its subjects, team and state."""

    program = models.ForeignKey(
        Program, verbose_name="chương trình", on_delete=models.PROTECT, related_name="inspections"
    )
    kind = models.CharField("hình thức", max_length=32, choices=InspectionKind.choices)
    title = models.CharField("nội dung", max_length=255)
    content = models.TextField("nội dung chi tiết", blank=True)
    planned_start = models.DateField("dự kiến từ ngày")
    planned_end = models.DateField("dự kiến đến ngày")
    leader = models.ForeignKey(
        "people.Person",
        verbose_name="trưởng đoàn",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="led_inspections",
    )
    team_members = models.ManyToManyField(
        "people.Person", verbose_name="thành viên đoàn", blank=True, related_name="inspection_teams"
    )
    state = models.CharField(
        "trạng thái", max_length=24, choices=InspectionState.choices, default=InspectionState.PLANNED
    )
    decided_on = models.DateField("ngày quyết định", null=True, blank=True)
    concluded_on = models.DateField("ngày kết luận", null=True, blank=True)
    closed_on = models.DateField("ngày kết thúc", null=True, blank=True)
    conclusion_text = models.TextField("nội dung kết luận", blank=True)

    objects = InspectionQuerySet.as_manager()

    # What its audit events record besides its own columns (the history reads these labels).
    audit_field_labels = {
        "subjects": "đối tượng",
        "content_links": "nội dung liên kết",
        "happened_on": "ngày",
        "documents": "tệp đính kèm",
    }

    class Meta:
        verbose_name = "cuộc kiểm tra, giám sát"
        verbose_name_plural = "cuộc kiểm tra, giám sát"
        ordering = ["planned_start", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(planned_end__gte=models.F("planned_start")), name="inspection_period_order"
            ),
            models.CheckConstraint(
                condition=Q(concluded_on__isnull=True)
                | Q(decided_on__isnull=False, concluded_on__gte=models.F("decided_on")),
                name="inspection_concluded_after_decision",
            ),
        ]
        indexes = [models.Index(fields=["state", "decided_on"], name="inspection_state_idx")]

    def __str__(self) -> str:
        return self.title

    @property
    def org_path(self) -> str:
        return self.program.organization.path

    @property
    def committee(self):
        return self.program.organization

    @property
    def is_supervision(self) -> bool:
        return self.kind in SUPERVISION_KINDS


class InspectionSubject(models.Model):
    """Who is inspected or supervised: an organisation or a member (exactly one of the two)."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="subjects")
    organization = models.ForeignKey(
        "organizations.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inspected_as_subject",
    )
    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="inspected_as_subject"
    )

    class Meta:
        verbose_name = "đối tượng kiểm tra, giám sát"
        constraints = [
            models.CheckConstraint(
                condition=Q(organization__isnull=False, person__isnull=True)
                | Q(organization__isnull=True, person__isnull=False),
                name="inspection_subject_one_of",
            ),
            models.UniqueConstraint(
                fields=["inspection", "organization"],
                condition=Q(organization__isnull=False),
                name="inspection_subject_org_unique",
            ),
            models.UniqueConstraint(
                fields=["inspection", "person"],
                condition=Q(person__isnull=False),
                name="inspection_subject_person_unique",
            ),
        ]

    def __str__(self) -> str:
        return str(self.organization or self.person)


class ContentLink(models.Model):
    """What the inspection looks at: a commitment, a plan, a target... (any record, by generic link)."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="content_links")
    target_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.PROTECT, related_name="+")
    target_id = models.PositiveBigIntegerField()
    label = models.CharField("nội dung", max_length=255)

    class Meta:
        verbose_name = "nội dung liên kết"
        constraints = [
            models.UniqueConstraint(
                fields=["inspection", "target_type", "target_id"], name="inspection_content_link_unique"
            )
        ]

    def __str__(self) -> str:
        return self.label


class Step(models.Model):
    """One step of the inspection's life (or a working note): date, author, number, text."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="steps")
    kind = models.CharField("bước", max_length=24, choices=StepKind.choices)
    happened_on = models.DateField("ngày")
    number = models.CharField("số văn bản", max_length=64, blank=True)
    note = models.TextField("nội dung", blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="người thực hiện"
    )
    on_behalf_of = models.CharField("nhập thay cho", max_length=128, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "bước thực hiện"
        ordering = ["happened_on", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.happened_on:%d/%m/%Y}"

    @property
    def org_path(self) -> str:
        return self.inspection.org_path


def document_upload_to(instance: "Document", filename: str) -> str:
    # The stored name never carries the user's file name (it may hold anything); the original is kept in a field.
    import uuid

    suffix = filename.rsplit(".", 1)[-1].lower()[:8] if "." in filename else "bin"
    return f"inspections/{instance.inspection_id}/{uuid.uuid4().hex}.{suffix}"


class DocumentQuerySet(SoftDeleteQuerySet):
    pass


class Document(TimeStampedModel, SoftDeleteModel):
    """A file attached to a step (decision, plan, self-report, working notes...). Soft-deleted only."""

    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="documents")
    step = models.ForeignKey(Step, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField("loại", max_length=24, choices=StepKind.choices)
    file = models.FileField("tệp", upload_to=document_upload_to, max_length=255)
    original_name = models.CharField("tên tệp", max_length=255)
    size = models.PositiveBigIntegerField("dung lượng")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = DocumentQuerySet.as_manager()

    # Shown on the inspection's own history: the inspection itself goes without saying.
    audit_hidden_fields = ("inspection", "step", "file", "size", "uploaded_by", "deleted_by")

    class Meta:
        verbose_name = "tài liệu"
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def org_path(self) -> str:
        return self.inspection.org_path


class Finding(TimeStampedModel):
    """What the team found. Confidential to insiders. It may mark a commitment's report as unsupported."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="findings")
    text = models.TextField("nội dung phát hiện")
    returned_commitment = models.ForeignKey(
        "commitments.Commitment",
        verbose_name="nhiệm vụ bị trả lại báo cáo",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inspection_findings",
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    # Shown on the inspection's own history: the inspection itself goes without saying.
    audit_hidden_fields = ("inspection",)

    class Meta:
        verbose_name = "phát hiện"
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def org_path(self) -> str:
        return self.inspection.org_path


class BreachQuerySet(models.QuerySet):
    def concluded(self):
        """Only breaches whose conclusion has been issued count (a draft proves nothing)."""
        return self.filter(inspection__state__in=ISSUED_STATES)


class Breach(TimeStampedModel):
    """A concluded breach of exemplary responsibility by a person (forces the lowest evaluation level)."""

    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="breaches")
    person = models.ForeignKey(
        "people.Person", verbose_name="đảng viên", on_delete=models.PROTECT, related_name="exemplary_breaches"
    )
    description = models.TextField("nội dung vi phạm")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = BreachQuerySet.as_manager()

    # Shown on the inspection's own history: the inspection itself goes without saying.
    audit_hidden_fields = ("inspection",)

    class Meta:
        verbose_name = "vi phạm trách nhiệm nêu gương"
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "person"], name="inspection_breach_unique")
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.description[:60]}"

    @property
    def org_path(self) -> str:
        return self.inspection.org_path


class Recommendation(TimeStampedModel):
    """A recommendation (kiến nghị) of the conclusion: who, by when; tracked as a commitment once issued."""

    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="recommendations")
    text = models.TextField("nội dung kiến nghị")
    responsible_person = models.ForeignKey(
        "people.Person",
        verbose_name="người chịu trách nhiệm",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inspection_recommendations",
    )
    lead_unit = models.ForeignKey(
        "organizations.Organization",
        verbose_name="đơn vị chủ trì",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inspection_recommendations",
    )
    deadline = models.DateField("thời hạn")
    carried_over_on = models.DateField("ngày chuyển tiếp", null=True, blank=True)
    carried_over_reason = models.CharField("lý do chuyển tiếp", max_length=500, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    # Shown on the inspection's own history: the inspection itself goes without saying.
    audit_hidden_fields = ("inspection",)

    class Meta:
        verbose_name = "kiến nghị"
        ordering = ["deadline", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(responsible_person__isnull=False) | Q(lead_unit__isnull=False),
                name="recommendation_has_owner",
            ),
            models.CheckConstraint(
                condition=Q(carried_over_on__isnull=True) | ~Q(carried_over_reason=""),
                name="recommendation_carry_over_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def org_path(self) -> str:
        return self.inspection.org_path

    @property
    def owner_organization(self):
        return self.lead_unit or (self.responsible_person.organization if self.responsible_person else None)
