"""The annual review and quality classification (kiểm điểm, đánh giá, xếp loại chất lượng).

- RuleSet (versioned; published means frozen) → RuleSetPart per kind of subject, whose criteria are a
  `targets.ScoringSet` tree of purpose "evaluation" (nhóm → tiêu chí → nội dung chấm), not a copy of it.
  The levels, quota, triggers and conditions are the rule set's `settings` (data), read by `levels.py`.
- Period: an organisation's review (year, quarter or term) under one rule set, with its deadlines.
- Review: one subject (member or organisation) in a period; its life is `ReviewState`. Every step is an
  append-only ReviewEntry (returned and redone versions are all kept); opinions of other evaluating bodies
  are Opinions; the decision is a registered QĐ document (documents app) on the Period.
- Discipline: a discipline decision in the year (kỷ luật), one of the facts that cap a level.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q

from neuguong.core.models import TimeStampedModel
from neuguong.notifications.models import OutboxRow

from .levels import Grade, Level, Method  # noqa: F401 (Grade: the choices of entries' grades)

POINTS: dict[str, Any] = {"max_digits": 7, "decimal_places": 2}


class SubjectKind(models.TextChoices):
    """Whose criteria apply (the appendices of Quy định 366-QĐ/TW)."""

    ORGANIZATION = "organization", "Tập thể (tổ chức đảng)"
    LEADER = "leader", "Cán bộ lãnh đạo, quản lý"
    MEMBER = "member", "Đảng viên không giữ chức vụ"


class RuleSetStatus(models.TextChoices):
    DRAFT = "draft", "Dự thảo"
    PUBLISHED = "published", "Đã ban hành"


def _tree_q(user, lookup: str = "organization__path") -> Q:
    """The owner's subtree, or an ancestor's: a bloc's rule set applies to every organisation under it."""
    from neuguong.access.scope import scope_for
    from neuguong.targets.models import ancestor_paths

    scope = scope_for(user)
    ancestors = sorted({a for path in scope.read_paths for a in ancestor_paths(path)})
    if scope.is_global or not ancestors:
        return scope.read_q(lookup)
    return scope.read_q(lookup) | Q(**{f"{lookup}__in": ancestors})


class RuleSetQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(_tree_q(user))

    def published(self):
        return self.filter(status=RuleSetStatus.PUBLISHED)


class RuleSet(TimeStampedModel):
    """Bộ quy định đánh giá, xếp loại: code ("124", "366"), version, method and the rules as data."""

    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name="cấp ủy ban hành",
        on_delete=models.PROTECT,
        related_name="evaluation_rule_sets",
    )
    code = models.CharField("mã", max_length=16)
    version = models.PositiveSmallIntegerField("phiên bản", default=1)
    name = models.CharField("tên", max_length=255)
    basis = models.CharField("căn cứ (văn bản)", max_length=128, help_text="Ví dụ: Quy định 366-QĐ/TW")
    year_from = models.PositiveSmallIntegerField("áp dụng từ năm")
    method = models.CharField("cách xếp loại", max_length=16, choices=Method.choices)
    settings = models.JSONField("quy tắc", default=dict)
    status = models.CharField(
        "trạng thái", max_length=16, choices=RuleSetStatus.choices, default=RuleSetStatus.DRAFT
    )
    published_at = models.DateTimeField("ngày ban hành", null=True, blank=True)
    is_shipped = models.BooleanField("kèm phần mềm", default=False, editable=False)
    copied_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="copies", verbose_name="sao từ"
    )

    objects = RuleSetQuerySet.as_manager()

    class Meta:
        verbose_name = "bộ quy định đánh giá, xếp loại"
        ordering = ["-year_from", "code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="evaluation_rule_set_unique_version"),
        ]

    def __str__(self) -> str:
        return f"{self.name} (mã {self.code}, phiên bản {self.version})"

    @property
    def org_path(self) -> str:
        return self.organization.path

    @property
    def is_published(self) -> bool:
        return self.status == RuleSetStatus.PUBLISHED

    def rules(self):
        """The settings parsed (`levels.Rules`); a published set's settings were checked at publication."""
        from .levels import parse_rules

        return parse_rules(self.method, self.basis, self.settings)


class RuleSetPart(models.Model):
    """The criteria of one kind of subject: a scoring-set tree owned by the evaluation app."""

    rule_set = models.ForeignKey(RuleSet, on_delete=models.CASCADE, related_name="parts")
    subject_kind = models.CharField("đối tượng", max_length=16, choices=SubjectKind.choices)
    criteria = models.OneToOneField(
        "targets.ScoringSet",
        verbose_name="bộ tiêu chí",
        on_delete=models.PROTECT,
        related_name="evaluation_part",
    )

    class Meta:
        verbose_name = "bộ tiêu chí theo đối tượng"
        ordering = ["rule_set_id", "subject_kind"]
        constraints = [
            models.UniqueConstraint(fields=["rule_set", "subject_kind"], name="evaluation_part_unique_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.rule_set.code} — {self.get_subject_kind_display()}"


class PeriodKind(models.TextChoices):
    YEAR = "year", "Năm"
    QUARTER = "quarter", "Quý"
    TERM = "term", "Nhiệm kỳ"


class PeriodState(models.TextChoices):
    OPEN = "open", "Đang kiểm điểm"
    DECIDED = "decided", "Đã quyết định"
    PUBLISHED = "published", "Đã công bố"


class PeriodQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Periods of organisations the user reads, those holding a review the user reads (a branch
        secretary works in the đảng ủy's period), and those in which the user is reviewed."""
        from neuguong.access.scope import scope_for

        scope = scope_for(user)
        q = scope.read_q("organization__path")
        if scope.is_global:
            return self.filter(q)
        reviews = Review.objects.filter(scope.read_q("home_organization__path"))
        q |= Q(pk__in=reviews.values("period_id"))
        if scope.person_id:
            q |= Q(pk__in=Review.objects.filter(person_id=scope.person_id).values("period_id"))
        return self.filter(q)


class Period(TimeStampedModel):
    """Kỳ kiểm điểm, đánh giá: opened and decided by `organization` (its committee issues the QĐ)."""

    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name="cấp ủy quyết định",
        on_delete=models.PROTECT,
        related_name="evaluation_periods",
    )
    rule_set = models.ForeignKey(
        RuleSet, verbose_name="bộ quy định", on_delete=models.PROTECT, related_name="periods"
    )
    kind = models.CharField("loại kỳ", max_length=16, choices=PeriodKind.choices, default=PeriodKind.YEAR)
    year = models.PositiveSmallIntegerField("năm")
    quarter = models.PositiveSmallIntegerField("quý", null=True, blank=True)
    term = models.ForeignKey(
        "organizations.Term", verbose_name="nhiệm kỳ", null=True, blank=True, on_delete=models.PROTECT
    )
    name = models.CharField("tên kỳ", max_length=255)
    starts_on = models.DateField("từ ngày")
    ends_on = models.DateField("đến ngày")
    self_assessment_due = models.DateField("hạn tự kiểm điểm")
    meeting_due = models.DateField("hạn họp chi bộ kiểm điểm")
    civil_servant_rating_due = models.DateField("hạn có kết quả xếp loại công chức, viên chức")
    proposal_due = models.DateField("hạn đề xuất mức xếp loại")
    decision_due = models.DateField("hạn quyết định")
    includes_members = models.BooleanField("đánh giá đảng viên", default=True)
    includes_organizations = models.BooleanField("đánh giá tổ chức đảng trực thuộc", default=False)
    state = models.CharField(
        "trạng thái", max_length=16, choices=PeriodState.choices, default=PeriodState.OPEN
    )
    decision_document = models.ForeignKey(
        "documents.Document",
        verbose_name="quyết định",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="evaluation_periods",
    )
    decided_on = models.DateField("ngày quyết định", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decision_reason = models.TextField("lý do vượt quy tắc (nếu có)", blank=True)
    published_at = models.DateTimeField("thời điểm công bố", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = PeriodQuerySet.as_manager()

    audit_field_labels = {"reviews": "số đối tượng", "added": "thêm", "left": "không còn trong danh sách"}

    class Meta:
        verbose_name = "kỳ kiểm điểm, đánh giá"
        ordering = ["-year", "-ends_on", "organization__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "kind", "year"],
                condition=Q(quarter__isnull=True),
                name="evaluation_period_unique_year",
            ),
            models.UniqueConstraint(
                fields=["organization", "kind", "year", "quarter"],
                condition=Q(quarter__isnull=False),
                name="evaluation_period_unique_quarter",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="evaluation_period_dates"
            ),
            models.CheckConstraint(
                condition=Q(quarter__isnull=True) | Q(quarter__gte=1, quarter__lte=4),
                name="evaluation_period_quarter_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def org_path(self) -> str:
        return self.organization.path

    @property
    def is_open(self) -> bool:
        return self.state == PeriodState.OPEN


class ReviewState(models.TextChoices):
    """The review's life (docs/evaluation.md has the diagram)."""

    NOT_STARTED = "not_started", "Chưa tự kiểm điểm"
    SELF_ASSESSED = "self_assessed", "Đã tự kiểm điểm"
    REVIEWED = "reviewed", "Chi bộ đã kiểm điểm"
    PROPOSED = "proposed", "Đã đề xuất mức xếp loại"
    APPRAISED = "appraised", "Đã thẩm định"
    DECIDED = "decided", "Đã quyết định"
    PUBLISHED = "published", "Đã công bố"
    EXCUSED = "excused", "Miễn đánh giá"
    LEFT = "left", "Không còn trong danh sách"


# States in which the review waits for the deciding committee.
AWAITING_DECISION = (ReviewState.PROPOSED, ReviewState.APPRAISED)
FINAL_STATES = (ReviewState.DECIDED, ReviewState.PUBLISHED)


class ReviewQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Reviews of subjects in the user's readable subtrees, of the periods of organisations they read,
        and their own."""
        from neuguong.access.scope import scope_for

        scope = scope_for(user)
        q = scope.read_q("home_organization__path")
        if scope.is_global:
            return self.filter(q)
        q |= scope.read_q("period__organization__path")
        if scope.person_id:
            q |= Q(person_id=scope.person_id)
        return self.filter(q)

    def counted(self):
        """Those that count in lists and figures (not the ones that left the audience)."""
        return self.exclude(state=ReviewState.LEFT)


class Review(TimeStampedModel):
    """One subject's review in a period: a member (person) or an organisation, never both."""

    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="reviews")
    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="evaluation_reviews"
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="evaluation_reviews",
    )
    subject_kind = models.CharField("đối tượng", max_length=16, choices=SubjectKind.choices)
    home_organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name="nơi kiểm điểm",
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The grassroots organisation (members) or the group of similar organisations (collectives) the quota
    # is counted in.
    quota_group = models.CharField("nhóm tính tỷ lệ", max_length=255)
    is_probationary = models.BooleanField("đảng viên dự bị", default=False)
    is_exempt = models.BooleanField("miễn sinh hoạt", default=False)
    transferred_from = models.ForeignKey(
        "organizations.Organization",
        verbose_name="chuyển đến từ",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    state = models.CharField(
        "trạng thái", max_length=16, choices=ReviewState.choices, default=ReviewState.NOT_STARTED
    )
    version = models.PositiveSmallIntegerField("lần", default=1)
    self_level = models.CharField("tự xếp loại", max_length=8, choices=Level.choices, blank=True)
    self_score = models.DecimalField("điểm tự chấm", null=True, blank=True, **POINTS)
    proposed_level = models.CharField("mức đề xuất", max_length=8, choices=Level.choices, blank=True)
    proposed_score = models.DecimalField("điểm đề xuất", null=True, blank=True, **POINTS)
    allowed_level = models.CharField("mức quy tắc cho phép", max_length=8, choices=Level.choices, blank=True)
    # {"base": level by points/grades, "caps": [levels.Cap.as_dict()]}: what the rules made of the proposal.
    assessment = models.JSONField("quy tắc áp dụng khi đề xuất", default=dict, blank=True)
    proposal_reason = models.TextField("lý do (điều chỉnh, vượt quy tắc, không tự kiểm điểm)", blank=True)
    facts = models.JSONField("kết quả trong năm (chốt khi đề xuất)", default=dict, blank=True)
    facts_as_of = models.DateField("số liệu tính đến ngày", null=True, blank=True)
    appraised_level = models.CharField("mức thẩm định", max_length=8, choices=Level.choices, blank=True)
    decided_level = models.CharField("mức quyết định", max_length=8, choices=Level.choices, blank=True)
    decision_reason = models.TextField("lý do của cấp quyết định (vượt quy tắc)", blank=True)
    excuse_reason = models.CharField("lý do miễn đánh giá", max_length=500, blank=True)

    objects = ReviewQuerySet.as_manager()

    # Not stored: set on rows by the views (whether the user may see the decided level) and by
    # `review_propose` (what the rules made of the proposal, for the API's answer).
    row_decision: bool
    assessment_result: Any

    audit_field_labels = {
        "scores": "điểm các tiêu chí",
        "grades": "xếp loại các tiêu chí",
        "votes": "biểu quyết",
        "opinion": "ý kiến",
        "document": "quyết định",
    }
    audit_hidden_fields = ("facts", "assessment", "version", "facts_as_of")

    class Meta:
        verbose_name = "kiểm điểm, xếp loại"
        ordering = [
            "period_id",
            "home_organization__path",
            "person__name_folded",
            "organization__name_folded",
            "id",
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False, organization__isnull=True)
                | Q(person__isnull=True, organization__isnull=False),
                name="evaluation_review_one_subject",
            ),
            models.UniqueConstraint(
                fields=["period", "person"],
                condition=Q(person__isnull=False),
                name="evaluation_review_person_once",
            ),
            models.UniqueConstraint(
                fields=["period", "organization"],
                condition=Q(organization__isnull=False),
                name="evaluation_review_org_once",
            ),
            models.CheckConstraint(
                condition=~Q(state="excused") | ~Q(excuse_reason=""), name="evaluation_excuse_has_reason"
            ),
            models.CheckConstraint(
                condition=~Q(state__in=["decided", "published"]) | ~Q(decided_level=""),
                name="evaluation_decided_has_level",
            ),
            models.CheckConstraint(
                condition=Q(self_score__isnull=True) | Q(self_score__gte=0),
                name="evaluation_self_score_nonneg",
            ),
            models.CheckConstraint(
                condition=Q(proposed_score__isnull=True) | Q(proposed_score__gte=0),
                name="evaluation_proposed_score_nonneg",
            ),
        ]
        indexes = [
            models.Index(fields=["period", "state"], name="evaluation_review_state_idx"),
            models.Index(fields=["person", "period"], name="evaluation_review_person_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.subject_name} — {self.period}"

    @property
    def subject_name(self) -> str:
        if self.person is not None:
            return self.person.full_name
        assert self.organization is not None  # evaluation_review_one_subject
        return self.organization.name

    @property
    def org_path(self) -> str:
        return self.home_organization.path

    @property
    def is_collective(self) -> bool:
        return self.organization_id is not None

    @property
    def is_final(self) -> bool:
        return self.state in FINAL_STATES


class EntryStep(models.TextChoices):
    SELF = "self", "Tự kiểm điểm"
    MEETING = "meeting", "Chi bộ kiểm điểm, biểu quyết"
    PROPOSAL = "proposal", "Đề xuất mức xếp loại"
    APPRAISAL = "appraisal", "Thẩm định"
    RETURN = "return", "Trả lại để làm lại"
    EXCUSE = "excuse", "Miễn đánh giá"
    DECISION = "decision", "Quyết định xếp loại"
    PUBLICATION = "publication", "Công bố kết quả"


class ReviewEntry(models.Model):
    """One step of one review, never changed afterwards: returned and redone versions stay side by side
    (`version` is the review's round when it was written; `superseded` marks the rounds sent back)."""

    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="entries")
    version = models.PositiveSmallIntegerField("lần")
    step = models.CharField("bước", max_length=16, choices=EntryStep.choices)
    level = models.CharField("mức xếp loại", max_length=8, choices=Level.choices, blank=True)
    score = models.DecimalField("tổng điểm", null=True, blank=True, **POINTS)
    scores = models.JSONField("điểm các tiêu chí", default=dict, blank=True)
    grades = models.JSONField("xếp loại các tiêu chí", default=dict, blank=True)
    text = models.TextField("nội dung", blank=True)
    reason = models.TextField("lý do", blank=True)
    votes_present = models.PositiveIntegerField("số đảng viên dự họp", null=True, blank=True)
    votes_for = models.PositiveIntegerField("số phiếu tán thành", null=True, blank=True)
    votes_against = models.PositiveIntegerField("số phiếu không tán thành", null=True, blank=True)
    is_late = models.BooleanField("sau hạn", default=False)
    superseded = models.BooleanField("đã bị trả lại", default=False)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    on_behalf_of = models.ForeignKey(
        "people.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="nhập thay cho",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "bước kiểm điểm"
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(votes_present__isnull=True)
                | Q(votes_for__isnull=True)
                | Q(votes_against__isnull=True)
                | Q(votes_present__gte=models.F("votes_for") + models.F("votes_against")),
                name="evaluation_votes_add_up",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_step_display()} — lần {self.version}"

    @property
    def org_path(self) -> str:
        return self.review.org_path


class OpinionBody(models.TextChoices):
    BRANCH_COMMITTEE = "branch_committee", "Chi ủy"
    AGENCY_RATING = "agency_rating", "Cơ quan (xếp loại công chức, viên chức)"
    RESIDENCE = "residence", "Chi bộ, tổ chức đảng nơi cư trú"
    MASS_ORGANIZATION = "mass_organization", "Tổ chức chính trị - xã hội"
    PREVIOUS_ORGANIZATION = "previous_organization", "Tổ chức đảng nơi sinh hoạt trước (chuyển sinh hoạt)"


class Opinion(models.Model):
    """The opinion of another evaluating body, received and entered by the secretary."""

    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="opinions")
    body = models.CharField("cơ quan cho ý kiến", max_length=24, choices=OpinionBody.choices)
    body_name = models.CharField("tên cơ quan, tổ chức", max_length=255, blank=True)
    level = models.CharField("mức xếp loại (nếu có)", max_length=8, choices=Level.choices, blank=True)
    text = models.TextField("nội dung nhận xét")
    received_on = models.DateField("ngày nhận")
    is_late = models.BooleanField("sau hạn", default=False)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    audit_hidden_fields = ("review",)

    class Meta:
        verbose_name = "ý kiến nhận xét"
        ordering = ["received_on", "id"]

    def __str__(self) -> str:
        return f"{self.get_body_display()}: {self.text[:60]}"

    @property
    def org_path(self) -> str:
        return self.review.org_path


class DisciplineForm(models.TextChoices):
    REPRIMAND = "reprimand", "Khiển trách"
    WARNING = "warning", "Cảnh cáo"
    DISMISSAL = "dismissal", "Cách chức"
    EXPULSION = "expulsion", "Khai trừ"
    DISSOLUTION = "dissolution", "Giải tán"


class DisciplineQuerySet(models.QuerySet):
    def visible_to(self, user):
        from neuguong.access.scope import scope_for

        scope = scope_for(user)
        q = scope.read_q("person__organization__path") | scope.read_q("organization__path")
        if scope.person_id and not scope.is_global:
            q |= Q(person_id=scope.person_id)
        return self.filter(q)

    def counting(self):
        """Not withdrawn."""
        return self.filter(withdrawn_on__isnull=True)


class Discipline(TimeStampedModel):
    """Kỷ luật đảng: of a member or of an organisation, by a decision (number, date)."""

    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="party_disciplines"
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="party_disciplines",
    )
    form = models.CharField("hình thức", max_length=16, choices=DisciplineForm.choices)
    decided_on = models.DateField("ngày quyết định")
    decision_number = models.CharField("số quyết định", max_length=64)
    reason = models.TextField("nội dung vi phạm")
    # Quy định 124-QĐ/TW: a breach the member detected and remedied themselves does not force KHTNV.
    self_remedied = models.BooleanField("tự phát hiện và khắc phục", default=False)
    withdrawn_on = models.DateField("ngày hủy, xóa kỷ luật", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = DisciplineQuerySet.as_manager()

    class Meta:
        verbose_name = "kỷ luật"
        ordering = ["-decided_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False, organization__isnull=True)
                | Q(person__isnull=True, organization__isnull=False),
                name="evaluation_discipline_one_subject",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_form_display()} — {self.subject_name} ({self.decision_number})"

    @property
    def subject_name(self) -> str:
        if self.person is not None:
            return self.person.full_name
        assert self.organization is not None  # evaluation_discipline_one_subject
        return self.organization.name

    @property
    def org_path(self) -> str:
        if self.person is not None:
            return self.person.organization.path
        assert self.organization is not None  # evaluation_discipline_one_subject
        return self.organization.path


class ReminderKind(models.TextChoices):
    BEFORE = "before", "Nhắc trước hạn tự kiểm điểm"
    OVERDUE = "overdue", "Nhắc đã quá hạn tự kiểm điểm"


class SelfAssessmentReminder(OutboxRow):
    """Outbox row: one reminder to one member about the self-assessment deadline, for one day, sent once.

    Planning writes rows with `ignore_conflicts`; the unique constraint makes a doubled or repeated run
    harmless. Its sending state is the shared outbox's (`notifications.models.OutboxRow`)."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="reminders")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16, choices=ReminderKind.choices)
    due_on = models.DateField("ngày nhắc")
    deadline = models.DateField("hạn tự kiểm điểm khi lập")

    class Meta:
        verbose_name = "nhắc tự kiểm điểm"
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["review", "kind", "deadline", "due_on"], name="evaluation_reminder_once"
            )
        ]
        indexes = [models.Index(fields=["status", "due_on"], name="evaluation_reminder_due_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.review} ({self.due_on:%d/%m/%Y})"

    @property
    def org_path(self) -> str:
        return self.review.home_organization.path
