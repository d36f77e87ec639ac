"""Plans, action programmes and projects (kế hoạch, chương trình hành động, đề án, nghị quyết, chỉ thị,
kết luận): a registered document opened for follow-up, its items (sections, solutions, measures), and
the record made when it is closed.

A plan cannot exist without its document (`Plan.document`, PROTECT): the document's number and date are
what names the plan everywhere (`Plan.reference`). Commitments serve plan items through
`commitments.Commitment.plan_item`; progress is counted by the one status rule and the status tallies
(`progress.py`). State machine: docs/plans.md.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from neuguong.core.models import TimeStampedModel
from neuguong.core.text import fold, search_key

# The document types that can be opened for follow-up (domain notes, section 12).
PLAN_DOCUMENT_TYPES = ("plan", "program", "project", "resolution", "directive", "conclusion")


class PlanState(models.TextChoices):
    DRAFTING = "drafting", "Đang xây dựng"
    IN_FORCE = "in_force", "Đang thực hiện"
    FINISHED = "finished", "Đã kết thúc"
    REPLACED = "replaced", "Đã được thay thế"


CLOSED_STATES = (PlanState.FINISHED, PlanState.REPLACED)
STATE_COLOURS = {
    PlanState.DRAFTING: "secondary",
    PlanState.IN_FORCE: "primary",
    PlanState.FINISHED: "success",
    PlanState.REPLACED: "dark",
}


class PlanQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Plans issued in the user's readable subtrees, and plans that apply to one of them (the plan's
        subtree contains it, or lies inside it): a secretary sees the bloc's plan that applies to her
        organisation, and from it her part. A member sees the plans that apply to their organisation."""
        from neuguong.access.scope import scope_for
        from neuguong.organizations.models import path_ids

        scope = scope_for(user)
        if scope.reads_everything:
            return self.all()
        q = scope.read_q("organization__path") | scope.read_q("applies_to__path")
        above: set[int] = set()
        for path in scope.read_paths:
            above.update(path_ids(path))
        if scope.person_id:
            from neuguong.people.models import Person

            own = (
                Person.objects.filter(pk=scope.person_id).values_list("organization__path", flat=True).first()
            )
            if own:
                above.update(path_ids(own))
        if above:
            # Applies to a subtree holding one of the user's organisations: its root is one of their ancestors.
            q |= Q(applies_to_id__in=sorted(above))
        return self.filter(q)

    def writable_by(self, user):
        """Plans the user may change: those issued in a subtree they write in."""
        from neuguong.access.scope import scope_for

        return self.filter(scope_for(user).write_q("organization__path"))

    def search(self, query: str):
        key = search_key(query)
        if not key:
            return self
        return self.filter(
            Q(title_folded__contains=key) | Q(document__number_text__icontains=query.strip()[:64])
        )


class Plan(TimeStampedModel):
    """A registered document opened for follow-up: what it asks, who follows it, for whom, until when."""

    document = models.OneToOneField(
        "documents.Document",
        verbose_name="văn bản",
        on_delete=models.PROTECT,
        related_name="plan",
    )
    title = models.CharField("tên kế hoạch", max_length=500)
    title_folded = models.CharField(max_length=500, editable=False, db_index=True)
    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name="cấp ủy ban hành",
        on_delete=models.PROTECT,
        related_name="issued_plans",
    )
    applies_to = models.ForeignKey(
        "organizations.Organization",
        verbose_name="phạm vi áp dụng (gồm cấp dưới)",
        on_delete=models.PROTECT,
        related_name="applicable_plans",
    )
    owner = models.ForeignKey(
        "organizations.Organization",
        verbose_name="đơn vị theo dõi",
        on_delete=models.PROTECT,
        related_name="followed_plans",
    )
    starts_on = models.DateField("từ ngày")
    ends_on = models.DateField("đến ngày")
    parent = models.ForeignKey(
        "self",
        verbose_name="thực hiện văn bản",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    state = models.CharField(
        "trạng thái", max_length=16, choices=PlanState.choices, default=PlanState.DRAFTING
    )
    in_force_on = models.DateField("ngày bắt đầu thực hiện", null=True, blank=True)
    closed_on = models.DateField("ngày kết thúc", null=True, blank=True)
    replaced_by = models.ForeignKey(
        "self",
        verbose_name="được thay thế bởi",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaces",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = PlanQuerySet.as_manager()

    # The folded title is the title; who created it is the event's actor.
    audit_hidden_fields = ("title_folded", "created_by")
    audit_field_labels = {"item": "Mục của kế hoạch"}

    class Meta:
        verbose_name = "kế hoạch, chương trình, đề án"
        verbose_name_plural = "kế hoạch, chương trình, đề án"
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="plan_period_forwards"),
            models.CheckConstraint(
                condition=~Q(state__in=CLOSED_STATES) | Q(closed_on__isnull=False),
                name="plan_closed_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(state=PlanState.REPLACED) | Q(replaced_by__isnull=False),
                name="plan_replaced_names_successor",
            ),
            models.CheckConstraint(
                condition=Q(state=PlanState.DRAFTING) | Q(in_force_on__isnull=False),
                name="plan_in_force_has_date",
            ),
        ]
        indexes = [models.Index(fields=["applies_to", "state"], name="plan_applies_state_idx")]

    def __str__(self) -> str:
        return f"{self.document.number_text} — {self.title}"

    def save(self, *args, **kwargs):
        self.title_folded = fold(self.title)
        super().save(*args, **kwargs)

    @property
    def org_path(self) -> str:
        return self.organization.path

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("plans:detail", args=[self.pk])

    @property
    def kind_label(self) -> str:
        """'Kế hoạch', 'Chương trình', 'Đề án'…: the type of its document."""
        return self.document.get_doc_type_display()

    @property
    def reference(self) -> str:
        """How the plan is named everywhere: 'Kế hoạch số 165-KH/ĐUK ngày 31/10/2019' (its document)."""
        return self.document.reference

    @property
    def is_closed(self) -> bool:
        return self.state in CLOSED_STATES

    @property
    def state_colour(self) -> str:
        return STATE_COLOURS[PlanState(self.state)]


class PlanItem(models.Model):
    """A section, solution or measure of a plan ('Giải pháp 3', 'mục II.3'): nested, with a lead unit,
    co-operating units, a start and a deadline, an expected result, optional indicators and a weight."""

    # Its place in the tree, set by `selectors.plan_items` (tree order); not stored.
    depth: int = 0

    plan = models.ForeignKey(Plan, verbose_name="kế hoạch", on_delete=models.PROTECT, related_name="items")
    parent = models.ForeignKey(
        "self",
        verbose_name="thuộc mục",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    number = models.CharField("số mục", max_length=24, blank=True)
    title = models.CharField("nội dung", max_length=500)
    title_folded = models.CharField(max_length=500, editable=False, db_index=True)
    position = models.PositiveIntegerField("thứ tự", default=0)
    lead_unit = models.ForeignKey(
        "organizations.Organization",
        verbose_name="đơn vị chủ trì",
        on_delete=models.PROTECT,
        related_name="led_plan_items",
    )
    co_units = models.ManyToManyField(
        "organizations.Organization",
        verbose_name="đơn vị phối hợp",
        blank=True,
        related_name="cooperating_plan_items",
    )
    starts_on = models.DateField("ngày bắt đầu", null=True, blank=True)
    deadline = models.DateField("thời hạn")
    deadline_reason = models.CharField(
        "lý do thời hạn ngoài thời gian của kế hoạch", max_length=500, blank=True
    )
    expected_result = models.TextField("kết quả, sản phẩm dự kiến", blank=True)
    weight = models.PositiveSmallIntegerField("trọng số", null=True, blank=True)
    indicators = models.ManyToManyField(
        "targets.Indicator", verbose_name="chỉ tiêu", blank=True, related_name="plan_items"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    audit_hidden_fields = ("title_folded", "position")
    audit_field_labels = {"co_units": "Đơn vị phối hợp", "indicators": "Chỉ tiêu"}

    class Meta:
        verbose_name = "mục của kế hoạch"
        verbose_name_plural = "mục của kế hoạch"
        ordering = ["plan", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_on__isnull=True) | Q(deadline__gte=F("starts_on")),
                name="plan_item_deadline_after_start",
            ),
            models.CheckConstraint(
                condition=Q(weight__isnull=True) | (Q(weight__gte=1) & Q(weight__lte=100)),
                name="plan_item_weight_1_100",
            ),
            models.UniqueConstraint(
                fields=["plan", "number"], condition=~Q(number=""), name="plan_item_number_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}" if self.number else self.title

    def save(self, *args, **kwargs):
        self.title_folded = fold(self.title)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("plans:item", args=[self.plan_id, self.pk])

    @property
    def org_path(self) -> str:
        return self.plan.organization.path

    @property
    def label(self) -> str:
        """'Mục II.3. Người đứng đầu …' (or 'Giải pháp 3. …') as a commitment's source names it."""
        if not self.number:
            return self.title
        prefix = "" if self.number[:1].isalpha() and not self.number[:2].isupper() else "Mục "
        return f"{prefix}{self.number}. {self.title}"


class PlanClosing(models.Model):
    """The record made when a plan is finished or replaced (biên bản kết thúc): the day, who, the
    assessment, the counts by status, and every commitment still open that day (listed, not lost)."""

    plan = models.OneToOneField(Plan, on_delete=models.PROTECT, related_name="closing")
    state = models.CharField("kết thúc do", max_length=16, choices=PlanState.choices)
    closed_on = models.DateField("ngày kết thúc")
    replaced_by = models.ForeignKey(
        Plan, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="thay thế bởi"
    )
    note = models.TextField("đánh giá, lý do")
    counts = models.JSONField("số nhiệm vụ theo trạng thái khi kết thúc", default=dict)
    open_count = models.PositiveIntegerField("số nhiệm vụ chưa hoàn thành", default=0)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "biên bản kết thúc kế hoạch"

    def __str__(self) -> str:
        return f"Kết thúc {self.plan} ngày {self.closed_on:%d/%m/%Y}"

    @property
    def org_path(self) -> str:
        return self.plan.organization.path


class PlanClosingOpen(models.Model):
    """One commitment still open when its plan was closed, with its status that day."""

    closing = models.ForeignKey(PlanClosing, on_delete=models.PROTECT, related_name="open_commitments")
    commitment = models.ForeignKey("commitments.Commitment", on_delete=models.PROTECT, related_name="+")
    status = models.CharField("trạng thái khi kết thúc", max_length=24)

    class Meta:
        verbose_name = "nhiệm vụ chưa hoàn thành khi kết thúc kế hoạch"
        ordering = ["closing", "id"]
        constraints = [
            models.UniqueConstraint(fields=["closing", "commitment"], name="plan_closing_open_once")
        ]
