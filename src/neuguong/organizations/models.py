from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper

from neuguong.core.models import TimeStampedModel
from neuguong.core.text import fold, normalize_text


def path_ids(path: str) -> list[int]:
    """The organisation ids along a materialised path, root first: '/1/7/42/' → [1, 7, 42]."""
    return [int(part) for part in path.strip("/").split("/") if part]


def _fold_names(objs) -> None:
    """What save() does to names, for rows written without it (bulk_create: the demo data, imports)."""
    for obj in objs:
        obj.name = normalize_text(obj.name)
        obj.name_folded = fold(obj.name)


def _with_folded_name(kwargs: dict) -> None:
    """A save limited to some fields that include the name writes the folded name too (search by name
    finds nothing when only the name is written)."""
    fields = kwargs.get("update_fields")
    if fields is not None and "name" in fields and "name_folded" not in fields:
        kwargs["update_fields"] = [*fields, "name_folded"]


class OrgKind(models.TextChoices):
    SUPERIOR = "superior", "Đảng bộ cấp trên cơ sở"
    GRASSROOTS_COMMITTEE = "grassroots_committee", "Đảng bộ cơ sở"
    GRASSROOTS_BRANCH = "grassroots_branch", "Chi bộ cơ sở"
    PARTIAL_COMMITTEE = "partial_committee", "Đảng bộ bộ phận"
    BRANCH = "branch", "Chi bộ trực thuộc"


BRANCH_KINDS = (OrgKind.GRASSROOTS_BRANCH, OrgKind.BRANCH)
GRASSROOTS_KINDS = (OrgKind.GRASSROOTS_COMMITTEE, OrgKind.GRASSROOTS_BRANCH)


class OrganizationQuerySet(models.QuerySet):
    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        _fold_names(objs)
        return super().bulk_create(objs, *args, **kwargs)

    def active(self):
        return self.filter(dissolved_on__isnull=True)

    def visible_to(self, user):
        """The one question 'which organisations may this user see', answered from the tree path."""
        from neuguong.access.scope import scope_for

        return self.filter(scope_for(user).read_q("path"))

    def writable_by(self, user):
        """Organisations where the user may create and change records (staff and secretaries' subtrees);
        dissolved organisations take no new work."""
        from neuguong.access.scope import scope_for

        return self.active().filter(scope_for(user).write_q("path"))

    def subtree_of(self, organization: "Organization"):
        return self.filter(path__startswith=organization.path)

    def search(self, query: str):
        from neuguong.core.text import search_key, without_nul

        key = search_key(query)
        if not key:
            return self
        return self.filter(Q(name_folded__contains=key) | Q(code__iexact=without_nul(query).strip()[:32]))


class Organization(TimeStampedModel):
    """A node of the Party organisation tree.

    `path` is the chain of ids from the root ("/1/7/42/"): a subtree is one indexed prefix match, so
    no request ever walks the tree recursively, whatever its size.
    """

    code = models.CharField("mã tổ chức", max_length=32, unique=True)
    name = models.CharField("tên", max_length=255)
    name_folded = models.CharField(max_length=255, editable=False, db_index=True)
    abbreviation = models.CharField(
        "ký hiệu trên văn bản", max_length=32, blank=True, help_text="Ví dụ ĐUK, dùng trong số văn bản."
    )
    superior_body = models.CharField(
        "cấp trên trực tiếp (dòng trên tiêu đề văn bản)",
        max_length=255,
        blank=True,
        help_text="Ví dụ: ĐẢNG BỘ TỈNH NGHỆ AN",
    )
    kind = models.CharField("loại tổ chức", max_length=32, choices=OrgKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name="tổ chức cấp trên",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    has_branch_committee = models.BooleanField("có chi ủy", default=False)
    dissolved_on = models.DateField("ngày giải thể/sáp nhập", null=True, blank=True)
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_from",
        verbose_name="sáp nhập vào",
    )

    objects = OrganizationQuerySet.as_manager()

    # Keys of the events written on an organisation that are not its fields (people/events.py: a merge
    # moves its members).
    audit_field_labels = {"people_moved": "Số đảng viên chuyển sinh hoạt", "moved_to": "Chuyển đến"}

    class Meta:
        verbose_name = "tổ chức đảng"
        verbose_name_plural = "tổ chức đảng"
        ordering = ["path"]
        constraints = [
            models.CheckConstraint(
                condition=Q(parent__isnull=True, kind="superior") | Q(parent__isnull=False),
                name="org_root_is_superior",
            ),
        ]
        indexes = [
            # The code typed into a search box, compared case-blind (`code__iexact` is UPPER(code) =
            # UPPER(query)): without it every global search scanned 180,000 organisations (300 ms).
            models.Index(Upper("code"), name="org_code_upper_idx"),
            # The active children of an organisation by name: a page of the national root's 52,000
            # children (subtree summary, reports) is read in order, not sorted.
            models.Index(
                fields=["parent", "name_folded", "id"],
                name="org_children_by_name_idx",
                condition=Q(dissolved_on__isnull=True),
            ),
            # The dissolved children of an organisation: at the national root a few among 52,000 (the
            # figures' "dissolved" row), found without reading every child (8 ms).
            models.Index(
                fields=["parent"], name="org_dissolved_children_idx", condition=Q(dissolved_on__isnull=False)
            ),
            # The newest change to the tree, in one lookup (part of the report figures' cache key).
            models.Index(fields=["updated_at"], name="org_updated_at_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.name = normalize_text(self.name)
        self.name_folded = fold(self.name)
        _with_folded_name(kwargs)
        super().save(*args, **kwargs)

    @property
    def is_active(self) -> bool:
        return self.dissolved_on is None

    @property
    def ancestor_ids(self) -> list[int]:
        return path_ids(self.path)

    @property
    def org_path(self) -> str:
        return self.path


class Term(models.Model):
    """Nhiệm kỳ: document numbers restart each term."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="terms")
    name = models.CharField("nhiệm kỳ", max_length=32, help_text="Ví dụ 2025–2030")
    start_year = models.PositiveSmallIntegerField("từ năm")
    end_year = models.PositiveSmallIntegerField("đến năm")

    class Meta:
        verbose_name = "nhiệm kỳ"
        ordering = ["-start_year"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "start_year"], name="term_unique_start"),
            models.CheckConstraint(
                condition=Q(end_year__gt=models.F("start_year")), name="term_end_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"Nhiệm kỳ {self.name}"

    def contains_year(self, year: int) -> bool:
        return self.start_year <= year <= self.end_year


class DecisionKind(models.TextChoices):
    CREATE = "create", "Thành lập"
    RENAME = "rename", "Đổi tên"
    MOVE = "move", "Chuyển tổ chức cấp trên"
    MERGE = "merge", "Sáp nhập"
    DISSOLVE = "dissolve", "Giải thể"


class StructureDecision(models.Model):
    """A decision (quyết định) that changed the tree; the organisation's structural history."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="decisions")
    kind = models.CharField("loại quyết định", max_length=16, choices=DecisionKind.choices)
    decision_number = models.CharField("số quyết định", max_length=64, blank=True)
    decided_on = models.DateField("ngày quyết định")
    details = models.JSONField(default=dict, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "quyết định về tổ chức"
        ordering = ["-decided_on", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.organization} ({self.decided_on:%d/%m/%Y})"


class AgencyQuerySet(models.QuerySet):
    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        _fold_names(objs)
        return super().bulk_create(objs, *args, **kwargs)

    def visible_to(self, user):
        from neuguong.access.scope import scope_for

        return self.filter(scope_for(user).read_q("organization__path"))

    def writable_by(self, user):
        from neuguong.access.scope import scope_for

        return self.filter(scope_for(user).write_q("organization__path"))


class Agency(TimeStampedModel):
    """Cơ quan, đơn vị: the state body a grassroots organisation lives in; it has a head (người đứng đầu)."""

    code = models.CharField("mã cơ quan", max_length=32, unique=True)
    name = models.CharField("tên cơ quan, đơn vị", max_length=255)
    name_folded = models.CharField(max_length=255, editable=False, db_index=True)
    organization = models.ForeignKey(
        Organization, verbose_name="tổ chức đảng", on_delete=models.PROTECT, related_name="agencies"
    )
    head = models.ForeignKey(
        "people.Person",
        verbose_name="người đứng đầu",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="headed_agencies",
    )

    objects = AgencyQuerySet.as_manager()

    class Meta:
        verbose_name = "cơ quan, đơn vị"
        verbose_name_plural = "cơ quan, đơn vị"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.name = normalize_text(self.name)
        self.name_folded = fold(self.name)
        _with_folded_name(kwargs)
        super().save(*args, **kwargs)
