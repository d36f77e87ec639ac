"""Administrative-reform targets (chỉ tiêu) and PAR-Index-like scoring (chấm điểm CCHC).

Two halves share the app:
- targets: Indicator → AnnualTarget (per agency and year) → Actual (per reporting period) + evidence;
  the status of a period (đạt / không đạt / vượt) is never stored: `rules.target_status` derives it.
- scoring: ScoringSet (versioned; published sets are immutable) → Area → Criterion → Component;
  a ScoringCycle runs one year's assessment of many agencies; an AgencyAssessment holds one agency's
  ComponentScores. Totals, ranks and bands are computed from the component scores, never typed.
"""

import operator
import uuid
from functools import reduce

from django.conf import settings
from django.db import models
from django.db.models import Q

from neuguong.core.models import SoftDeleteModel, SoftDeleteQuerySet, TimeStampedModel
from neuguong.core.text import fold, normalize_text

from .rules import POINTS, VALUE


def ancestor_paths(path: str) -> list[str]:
    """'/1/7/42/' → ['/1/', '/1/7/', '/1/7/42/']."""
    parts = [part for part in path.strip("/").split("/") if part]
    return [f"/{'/'.join(parts[: i + 1])}/" for i in range(len(parts))]


def _tree_q(scope, lookup: str = "organization__path") -> Q:
    """Records owned by an organisation in the user's subtrees or above them: a bloc's indicators and
    scoring sets apply to every agency under it, so a grassroots secretary reads them too. Never an empty
    Q(): like `Scope.read_q`, "everything" is a condition that stays true when ORed with others."""
    ancestors = sorted({a for path in scope.read_paths for a in ancestor_paths(path)})
    if scope.is_global or not ancestors:
        return scope.read_q(lookup)
    return scope.read_q(lookup) | Q(**{f"{lookup}__in": ancestors})


# ---------------------------------------------------------------------------------------------- targets
class Direction(models.TextChoices):
    HIGHER = "higher", "Càng cao càng tốt"
    LOWER = "lower", "Càng thấp càng tốt"


class Frequency(models.TextChoices):
    QUARTERLY = "quarterly", "Hằng quý"
    HALF_YEARLY = "half_yearly", "6 tháng"
    YEARLY = "yearly", "Hằng năm"
    MONTHLY = "monthly", "Hằng tháng"


class IndicatorQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Indicators of committees the user may read, and of their ancestors (a bloc's indicators apply
        to every agency under it, so a grassroots secretary sees them too)."""
        from neuguong.access.scope import scope_for

        return self.filter(_tree_q(scope_for(user)))


class Indicator(TimeStampedModel):
    """A resolution's indicator: what is measured, in what unit, and which way is better."""

    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name="cấp ủy ban hành",
        on_delete=models.PROTECT,
        related_name="indicators",
    )
    code = models.CharField("mã chỉ tiêu", max_length=32)
    name = models.CharField("tên chỉ tiêu", max_length=500)
    name_folded = models.CharField(max_length=500, editable=False, db_index=True)
    unit = models.CharField("đơn vị tính", max_length=64)
    direction = models.CharField(
        "chiều đánh giá", max_length=8, choices=Direction.choices, default=Direction.HIGHER
    )
    baseline = models.DecimalField("giá trị cơ sở", null=True, blank=True, **VALUE)
    baseline_year = models.PositiveSmallIntegerField("năm cơ sở", null=True, blank=True)
    source = models.CharField(
        "nguồn (văn bản)", max_length=255, blank=True, help_text="Ví dụ: Nghị quyết 05-NQ/ĐUK, mục II.2"
    )
    frequency = models.CharField(
        "kỳ báo cáo", max_length=16, choices=Frequency.choices, default=Frequency.QUARTERLY
    )
    report_due_days = models.PositiveSmallIntegerField("hạn báo cáo (số ngày sau khi hết kỳ)", default=10)

    objects = IndicatorQuerySet.as_manager()

    class Meta:
        verbose_name = "chỉ tiêu"
        verbose_name_plural = "chỉ tiêu"
        ordering = ["code", "id"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "code"], name="indicator_unique_code"),
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.name}"

    def save(self, *args, **kwargs):
        self.name = normalize_text(self.name)
        self.name_folded = fold(self.name)
        super().save(*args, **kwargs)

    @property
    def org_path(self) -> str:
        return self.organization.path


class AnnualTargetQuerySet(models.QuerySet):
    def visible_to(self, user):
        from neuguong.access.scope import scope_for

        return self.filter(scope_for(user).read_q("agency__organization__path"))


class AnnualTarget(TimeStampedModel):
    """The value an agency must reach for an indicator in a year."""

    indicator = models.ForeignKey(
        Indicator, verbose_name="chỉ tiêu", on_delete=models.PROTECT, related_name="annual_targets"
    )
    agency = models.ForeignKey(
        "organizations.Agency", verbose_name="cơ quan, đơn vị", on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField("năm")
    target_value = models.DecimalField("chỉ tiêu năm", **VALUE)
    note = models.CharField("ghi chú", max_length=500, blank=True)

    objects = AnnualTargetQuerySet.as_manager()

    class Meta:
        verbose_name = "chỉ tiêu năm"
        ordering = ["-year", "indicator__code", "agency__name"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "agency", "year"], name="annual_target_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.name} — {self.agency} — {self.year}"  # a name, never the code (issue 13.2)

    @property
    def org_path(self) -> str:
        return self.agency.organization.path


class Actual(TimeStampedModel):
    """The value reached at the end of one reporting period (compared with the year's target)."""

    annual_target = models.ForeignKey(
        AnnualTarget, verbose_name="chỉ tiêu năm", on_delete=models.PROTECT, related_name="actuals"
    )
    period = models.PositiveSmallIntegerField("kỳ")
    value = models.DecimalField("kết quả thực hiện", **VALUE)
    reported_on = models.DateField("ngày báo cáo")
    # Empty for values loaded in bulk (demo data, migrations from older systems).
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người báo cáo",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.CharField("thuyết minh", max_length=1000, blank=True)

    audit_field_labels = {"evidence": "tài liệu kiểm chứng"}
    # Read on the target's own page: naming the target again says nothing.
    audit_hidden_fields = ("annual_target",)

    class Meta:
        verbose_name = "kết quả thực hiện"
        ordering = ["annual_target_id", "period"]
        constraints = [
            models.UniqueConstraint(fields=["annual_target", "period"], name="actual_unique_period"),
            models.CheckConstraint(condition=Q(period__gte=1, period__lte=12), name="actual_period_range"),
        ]

    def __str__(self) -> str:
        return f"{self.annual_target} — kỳ {self.period}: {self.value}"

    @property
    def org_path(self) -> str:
        return self.annual_target.org_path


def evidence_upload_to(instance, filename: str) -> str:
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"targets/{instance.__class__.__name__.lower()}/{uuid.uuid4().hex}.{suffix}"


class ActualEvidence(SoftDeleteModel):
    """A file proving an actual (tài liệu kiểm chứng). Never cascaded away."""

    actual = models.ForeignKey(Actual, on_delete=models.PROTECT, related_name="evidence")
    file = models.FileField("tệp", upload_to=evidence_upload_to, max_length=255)
    original_name = models.CharField("tên tệp", max_length=255)
    size = models.PositiveBigIntegerField("dung lượng")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    objects = SoftDeleteQuerySet.as_manager()

    class Meta:
        verbose_name = "tài liệu kiểm chứng (chỉ tiêu)"

    def __str__(self) -> str:
        return self.original_name


class ReportingDuty(models.Model):
    """Link between one period's reporting duty and the commitment that reminds the agency of it."""

    annual_target = models.ForeignKey(AnnualTarget, on_delete=models.CASCADE, related_name="duties")
    period = models.PositiveSmallIntegerField("kỳ")
    deadline = models.DateField("hạn báo cáo")
    # Empty for duties seeded in bulk (demo data) and, once, for links to commitments that no longer existed.
    commitment = models.ForeignKey(
        "commitments.Commitment",
        verbose_name="nhiệm vụ nhắc báo cáo",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="target_duties",
    )

    class Meta:
        verbose_name = "nghĩa vụ báo cáo"
        constraints = [
            models.UniqueConstraint(fields=["annual_target", "period"], name="duty_unique_period"),
        ]


# ---------------------------------------------------------------------------------------------- scoring
class SetStatus(models.TextChoices):
    DRAFT = "draft", "Dự thảo"
    PUBLISHED = "published", "Đã ban hành"


class SetPurpose(models.TextChoices):
    """Who owns a tree: targets' PAR-index scoring, or the criteria of an evaluation rule set (the
    `evaluation` app keeps its criteria in this same tree instead of a copy of these models)."""

    CCHC = "cchc", "Chấm điểm cải cách hành chính"
    EVALUATION = "evaluation", "Tiêu chí đánh giá, xếp loại chất lượng"


class ScoringSetQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Sets are read by everyone with a role in the organising committee's tree (above or below)."""
        from neuguong.access.scope import scope_for

        return self.filter(_tree_q(scope_for(user)))

    def cchc(self):
        """The PAR-index sets: what the targets pages, cycles and API work with."""
        return self.filter(purpose=SetPurpose.CCHC)


class ScoringSet(TimeStampedModel):
    """Bộ chỉ số: a versioned set of areas → criteria → components. Published means frozen."""

    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name="cấp ủy ban hành",
        on_delete=models.PROTECT,
        related_name="scoring_sets",
    )
    name = models.CharField("tên bộ chỉ số", max_length=255)
    year = models.PositiveSmallIntegerField("năm áp dụng")
    version = models.PositiveSmallIntegerField("phiên bản", default=1)
    status = models.CharField("trạng thái", max_length=16, choices=SetStatus.choices, default=SetStatus.DRAFT)
    published_at = models.DateTimeField("ngày ban hành", null=True, blank=True)
    copied_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="copies", verbose_name="sao từ"
    )
    purpose = models.CharField(
        "dùng cho", max_length=16, choices=SetPurpose.choices, default=SetPurpose.CCHC, editable=False
    )

    objects = ScoringSetQuerySet.as_manager()

    audit_field_labels = {"components": "số tiêu chí thành phần"}

    class Meta:
        verbose_name = "bộ chỉ số chấm điểm"
        ordering = ["-year", "-version"]
        constraints = [
            # Versions number the PAR-index sets; an evaluation rule set versions its own criteria trees.
            models.UniqueConstraint(
                fields=["organization", "year", "version"],
                condition=Q(purpose="cchc"),
                name="scoring_set_unique_version",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.year}, phiên bản {self.version})"

    @property
    def org_path(self) -> str:
        return self.organization.path

    @property
    def is_published(self) -> bool:
        return self.status == SetStatus.PUBLISHED


class Area(models.Model):
    """Lĩnh vực."""

    scoring_set = models.ForeignKey(ScoringSet, on_delete=models.CASCADE, related_name="areas")
    order = models.PositiveSmallIntegerField("thứ tự")
    code = models.CharField("mã", max_length=16)
    name = models.CharField("lĩnh vực", max_length=500)
    max_points = models.DecimalField("điểm tối đa", **POINTS)

    class Meta:
        verbose_name = "lĩnh vực"
        ordering = ["order"]
        constraints = [
            models.UniqueConstraint(fields=["scoring_set", "code"], name="area_unique_code"),
            models.CheckConstraint(condition=Q(max_points__gte=0), name="area_max_nonnegative"),
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.name}"


class Criterion(models.Model):
    """Tiêu chí."""

    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="criteria")
    order = models.PositiveSmallIntegerField("thứ tự")
    code = models.CharField("mã", max_length=16)
    name = models.CharField("tiêu chí", max_length=1000)
    max_points = models.DecimalField("điểm tối đa", **POINTS)
    guide = models.TextField("hướng dẫn chấm", blank=True)

    class Meta:
        verbose_name = "tiêu chí"
        ordering = ["order"]
        constraints = [
            models.CheckConstraint(condition=Q(max_points__gte=0), name="criterion_max_nonnegative"),
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.name}"


class Component(models.Model):
    """Tiêu chí thành phần: the unit that is scored."""

    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="components")
    order = models.PositiveSmallIntegerField("thứ tự")
    code = models.CharField("mã", max_length=16)
    name = models.CharField("tiêu chí thành phần", max_length=1000)
    max_points = models.DecimalField("điểm tối đa", **POINTS)
    guide = models.TextField("hướng dẫn chấm", blank=True)

    class Meta:
        verbose_name = "tiêu chí thành phần"
        ordering = ["order"]
        constraints = [
            models.CheckConstraint(condition=Q(max_points__gt=0), name="component_max_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.name}"


class ScoringCycleQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The organisers' tree above and below (an agency sees the cycles it is in), and the team."""
        from neuguong.access.scope import scope_for

        scope = scope_for(user)
        conditions = [_tree_q(scope)]
        if scope.user_id and not scope.is_global:
            team = ScoringCycle.team.through.objects.filter(user_id=scope.user_id)
            conditions.append(Q(pk__in=team.values("scoringcycle_id")))
        if scope.person_id and not scope.is_global:
            headed = AgencyAssessment.objects.filter(agency__head_id=scope.person_id)
            conditions.append(Q(pk__in=headed.values("cycle_id")))
        return self.filter(reduce(operator.or_, conditions))


class ScoringCycle(TimeStampedModel):
    """One year's assessment (kỳ đánh giá) run by a committee over the agencies under it."""

    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name="cấp ủy tổ chức",
        on_delete=models.PROTECT,
        related_name="+",
    )
    scoring_set = models.ForeignKey(
        ScoringSet, verbose_name="bộ chỉ số", on_delete=models.PROTECT, related_name="cycles"
    )
    year = models.PositiveSmallIntegerField("năm đánh giá")
    name = models.CharField("tên đợt đánh giá", max_length=255)
    self_deadline = models.DateField(
        "hạn tự chấm", help_text="Hết ngày này (giờ Việt Nam) thì khóa tự chấm điểm."
    )
    survey_max_points = models.DecimalField("điểm điều tra xã hội học tối đa", default=0, **POINTS)
    # Bands by the share of the maximum (percent, descending); configurable per year.
    bands = models.JSONField("xếp loại", default=list, blank=True)
    team = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="+", verbose_name="tổ thẩm định", blank=True
    )

    objects = ScoringCycleQuerySet.as_manager()

    audit_field_labels = {"agencies": "số cơ quan được đánh giá"}

    class Meta:
        verbose_name = "đợt chấm điểm"
        ordering = ["-year", "-id"]

    def __str__(self) -> str:
        return self.name

    @property
    def org_path(self) -> str:
        return self.organization.path


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", "Đang tự chấm"
    SUBMITTED = "submitted", "Đã nộp"
    AWAITING_RESPONSE = "awaiting_response", "Chờ giải trình"
    RESPONDED = "responded", "Đã giải trình"
    FINALISED = "finalised", "Đã công bố kết quả"


class AssessmentQuerySet(models.QuerySet):
    def visible_to(self, user):
        """An agency's assessment: its committee's subtree, the cycle's organisers, the appraisal team."""
        from neuguong.access.scope import scope_for

        scope = scope_for(user)
        if scope.is_global:
            return self
        conditions = [scope.read_q("agency__organization__path"), scope.read_q("cycle__organization__path")]
        if scope.user_id:
            team_cycles = ScoringCycle.team.through.objects.filter(user_id=scope.user_id)
            conditions.append(Q(cycle_id__in=team_cycles.values("scoringcycle_id")))
        if scope.person_id:
            conditions.append(Q(agency__head_id=scope.person_id))
        return self.filter(reduce(operator.or_, conditions))


class AgencyAssessment(TimeStampedModel):
    """One agency's scores in one cycle."""

    cycle = models.ForeignKey(ScoringCycle, on_delete=models.PROTECT, related_name="assessments")
    agency = models.ForeignKey(
        "organizations.Agency", verbose_name="cơ quan, đơn vị", on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        "trạng thái", max_length=24, choices=AssessmentStatus.choices, default=AssessmentStatus.DRAFT
    )
    submitted_at = models.DateTimeField("thời điểm nộp", null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_late = models.BooleanField("nộp muộn (được mở lại)", default=False)
    reopened_until = models.DateField("được mở lại đến ngày", null=True, blank=True)
    difficulties = models.TextField("khó khăn, vướng mắc", blank=True)
    recommendations = models.TextField("kiến nghị, đề xuất", blank=True)
    response_text = models.TextField("giải trình chung", blank=True)
    responded_at = models.DateTimeField("thời điểm giải trình", null=True, blank=True)
    survey_score = models.DecimalField("điểm điều tra xã hội học", null=True, blank=True, **POINTS)
    finalised_at = models.DateTimeField("thời điểm công bố", null=True, blank=True)

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        verbose_name = "kết quả chấm điểm của cơ quan"
        ordering = ["agency__name"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "agency"], name="assessment_unique_agency"),
            models.CheckConstraint(
                condition=Q(survey_score__isnull=True) | Q(survey_score__gte=0),
                name="assessment_survey_nonneg",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agency} — {self.cycle}"

    @property
    def org_path(self) -> str:
        return self.agency.organization.path

    @property
    def is_finalised(self) -> bool:
        return self.status == AssessmentStatus.FINALISED


class ComponentScore(models.Model):
    """Self-score, appraisal and response for one component of one agency's assessment."""

    assessment = models.ForeignKey(AgencyAssessment, on_delete=models.PROTECT, related_name="scores")
    component = models.ForeignKey(Component, on_delete=models.PROTECT, related_name="+")
    self_score = models.DecimalField("điểm tự chấm", null=True, blank=True, **POINTS)
    explanation = models.TextField("thuyết minh (khi không có tài liệu kiểm chứng)", blank=True)
    appraised_score = models.DecimalField("điểm thẩm định", null=True, blank=True, **POINTS)
    appraisal_comment = models.TextField("nhận xét của tổ thẩm định", blank=True)
    appraised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    response = models.TextField("giải trình của cơ quan", blank=True)

    audit_field_labels = {"evidence": "tài liệu kiểm chứng"}

    class Meta:
        verbose_name = "điểm tiêu chí thành phần"
        constraints = [
            models.UniqueConstraint(fields=["assessment", "component"], name="score_unique_component"),
            models.CheckConstraint(
                condition=Q(self_score__isnull=True) | Q(self_score__gte=0), name="score_self_nonnegative"
            ),
            models.CheckConstraint(
                condition=Q(appraised_score__isnull=True) | Q(appraised_score__gte=0),
                name="score_appraised_nonnegative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assessment.agency} — {self.component.code}"

    @property
    def org_path(self) -> str:
        return self.assessment.org_path


class ScoreEvidence(SoftDeleteModel):
    """Tài liệu kiểm chứng of a self-score. Never cascaded away."""

    score = models.ForeignKey(ComponentScore, on_delete=models.PROTECT, related_name="evidence")
    file = models.FileField("tệp", upload_to=evidence_upload_to, max_length=255)
    original_name = models.CharField("tên tệp", max_length=255)
    size = models.PositiveBigIntegerField("dung lượng")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    objects = SoftDeleteQuerySet.as_manager()

    class Meta:
        verbose_name = "tài liệu kiểm chứng (chấm điểm)"

    def __str__(self) -> str:
        return self.original_name
