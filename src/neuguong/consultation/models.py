"""Drafts put to comment (lấy ý kiến dự thảo): a draft's versions and their nested sections, the comments
with their stance, the drafting committee's groups and dispositions (tiếp thu, giải trình), and the link
to the document registered when the text is adopted.

Who may see what is decided in `access.py` (on loaded objects) and expressed in SQL by the QuerySets
below; the window's phase (before / open / closed) is derived by `rules.py`, never stored.
"""

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q

from neuguong.core.models import TimeStampedModel
from neuguong.core.text import fold, normalize_text
from neuguong.documents.numbers import DocumentType
from neuguong.people.models import PersonStatus


class DraftKind(models.TextChoices):
    RESOLUTION = "resolution", "Nghị quyết"
    PLAN = "plan", "Kế hoạch"
    PROGRAMME = "programme", "Chương trình"
    REPORT = "report", "Báo cáo"
    RULES = "rules", "Quy chế, quy định"
    CONGRESS_DOCUMENT = "congress_document", "Văn kiện đại hội"


# The register's document types an adopted draft of each kind may be entered as (the first is proposed).
DOCUMENT_TYPES_OF_KIND: dict[str, tuple[str, ...]] = {
    DraftKind.RESOLUTION: (DocumentType.RESOLUTION,),
    DraftKind.PLAN: (DocumentType.PLAN,),
    DraftKind.PROGRAMME: (DocumentType.PROGRAM,),
    DraftKind.REPORT: (DocumentType.REPORT,),
    DraftKind.RULES: (DocumentType.RULES, DocumentType.REGULATION, DocumentType.REGULATION_QD),
    # The political report and the congress resolution are both "văn kiện".
    DraftKind.CONGRESS_DOCUMENT: (DocumentType.REPORT, DocumentType.RESOLUTION),
}


class DraftState(models.TextChoices):
    """The draft's life; transitions are in `services` and drawn in docs/consultation.md."""

    DRAFTING = "drafting", "Đang soạn thảo"
    OPEN = "open", "Đang lấy ý kiến"
    CLOSED = "closed", "Đã hết thời gian góp ý"
    SYNTHESIS = "synthesis", "Đang tổng hợp, tiếp thu, giải trình"
    APPROVED = "approved", "Đã duyệt báo cáo tổng hợp"
    ADOPTED = "adopted", "Đã thông qua, ban hành"
    WITHDRAWN = "withdrawn", "Đã rút dự thảo"


class CommentVisibility(models.TextChoices):
    COMMITTEE = "committee", "Chỉ ban soạn thảo và cấp ủy cấp trên"
    AUDIENCE = "audience", "Mọi người được lấy ý kiến"


class Stance(models.TextChoices):
    AGREE = "agree", "Tán thành"
    DISAGREE = "disagree", "Không tán thành"
    PARTLY = "partly", "Đồng ý một phần"


class CommenterKind(models.TextChoices):
    MEMBER = "member", "Đảng viên"
    ORGANIZATION = "organization", "Tổ chức đảng (ý kiến tập thể)"
    DELEGATE = "delegate", "Đại biểu"


class DispositionKind(models.TextChoices):
    ACCEPTED = "accepted", "Tiếp thu"
    PARTLY_ACCEPTED = "partly_accepted", "Tiếp thu một phần"
    EXPLAINED = "explained", "Giải trình"
    ALREADY_IN_DRAFT = "already_in_draft", "Đã có trong dự thảo"


# The member statuses an audience may invite, each a column of the draft (so the audience is SQL).
INVITABLE_STATUSES: dict[str, str] = {
    PersonStatus.OFFICIAL: "invite_official",
    PersonStatus.PROBATIONARY: "invite_probationary",
    PersonStatus.EXEMPT: "invite_exempt",
}


def _prefixes(path: str) -> list[str]:
    """'/1/7/42/' → ['/1/', '/1/7/', '/1/7/42/']: the paths of an organisation and of those above it."""
    parts = [part for part in path.strip("/").split("/") if part]
    return [f"/{'/'.join(parts[: i + 1])}/" for i in range(len(parts))]


def _under_any(lookup: str, paths) -> Q:
    q = Q(pk__in=[])
    for path in paths:
        q |= Q(**{f"{lookup}__startswith": path})
    return q


class DraftQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The drafts this user may open: those of organisations in their readable subtrees (the drafting
        committee and the committees above), and, once put to comment, those whose audience they belong
        to (a member or named delegate; the writers of an organisation that may comment collectively)."""
        from neuguong.access.scope import scope_for

        from .facts import audience_facts

        scope = scope_for(user)
        if scope.is_global:
            return self
        facts = audience_facts(user)
        q = scope.read_q("organization__path")
        audience = Q(pk__in=[])
        if facts.person_id:
            audience |= Q(
                Exists(
                    Draft.delegates.through.objects.filter(draft_id=OuterRef("pk"), person_id=facts.person_id)
                )
            )
            if facts.person_status in INVITABLE_STATUSES:
                audience |= Q(
                    audience_root__path__in=_prefixes(facts.person_path),
                    **{INVITABLE_STATUSES[facts.person_status]: True},
                )
        if scope.write_paths:
            # An organisation the user writes for lies in the audience's subtree (or the user writes above
            # the audience root), or is (or is above) a named organisation.
            audience |= Q(
                audience_root__path__in=sorted({p for w in scope.write_paths for p in _prefixes(w)})
            )
            audience |= _under_any("audience_root__path", scope.write_paths)
            named = Draft.invited_organizations.through.objects.filter(draft_id=OuterRef("pk")).filter(
                _under_any("organization__path", scope.write_paths)
            )
            audience |= Q(Exists(named))
        return self.filter(q | (Q(opened_at__isnull=False) & audience))

    def search(self, query: str):
        from neuguong.core.text import search_key

        key = search_key(query)
        return self.filter(title_folded__contains=key) if key else self


class Draft(TimeStampedModel):
    """A draft of a resolution, plan, programme, report, rules or congress document put to comment."""

    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name="cấp ủy soạn thảo",
        on_delete=models.PROTECT,
        related_name="drafts",
    )
    kind = models.CharField("loại văn bản", max_length=24, choices=DraftKind.choices)
    title = models.CharField("tên văn bản", max_length=500)
    title_folded = models.CharField(max_length=500, editable=False, db_index=True)
    state = models.CharField(
        "trạng thái", max_length=16, choices=DraftState.choices, default=DraftState.DRAFTING
    )
    opens_at = models.DateTimeField("bắt đầu nhận góp ý")
    closes_at = models.DateTimeField("hết hạn góp ý")
    comments_visibility = models.CharField(
        "ai xem được ý kiến của người khác",
        max_length=16,
        choices=CommentVisibility.choices,
        default=CommentVisibility.COMMITTEE,
    )
    publish_synthesis = models.BooleanField(
        "công bố báo cáo tổng hợp cho người được lấy ý kiến", default=False
    )
    # The audience: a subtree and member statuses, and/or named delegates and organisations.
    audience_root = models.ForeignKey(
        "organizations.Organization",
        verbose_name="lấy ý kiến trong",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    invite_official = models.BooleanField("đảng viên chính thức", default=True)
    invite_probationary = models.BooleanField("đảng viên dự bị", default=True)
    invite_exempt = models.BooleanField("đảng viên miễn sinh hoạt", default=False)
    delegates = models.ManyToManyField(
        "people.Person", verbose_name="đại biểu được mời", related_name="+", blank=True
    )
    invited_organizations = models.ManyToManyField(
        "organizations.Organization", verbose_name="tổ chức được mời", related_name="+", blank=True
    )
    current_version = models.ForeignKey(
        "DraftVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    consulted_version = models.ForeignKey(
        "DraftVersion",
        verbose_name="bản đưa ra lấy ý kiến",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    # Members invited per organisation (id → count) when the draft was put to comment, and the named
    # delegates under "delegates": the participation figures keep the audience as it was asked.
    invited_counts = models.JSONField("số được lấy ý kiến", default=dict, blank=True, editable=False)
    opened_at = models.DateTimeField("đưa ra lấy ý kiến lúc", null=True, blank=True, editable=False)
    closed_at = models.DateTimeField("kết thúc lấy ý kiến lúc", null=True, blank=True, editable=False)
    approved_at = models.DateTimeField("duyệt báo cáo tổng hợp lúc", null=True, blank=True, editable=False)
    adopted_at = models.DateTimeField("thông qua lúc", null=True, blank=True, editable=False)
    withdrawn_at = models.DateTimeField("rút dự thảo lúc", null=True, blank=True, editable=False)
    # When the audience was reminded that the window closes soon (once per draft; `notices`).
    reminded_at = models.DateTimeField("nhắc hạn góp ý lúc", null=True, blank=True, editable=False)
    withdrawal_reason = models.CharField("lý do rút", max_length=500, blank=True)
    adopted_document = models.ForeignKey(
        "documents.Document",
        verbose_name="văn bản ban hành",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="drafts",
        editable=False,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+", editable=False
    )

    objects = DraftQuerySet.as_manager()

    audit_hidden_fields = (
        "title_folded",
        "current_version",
        "consulted_version",
        "invited_counts",
        "reminded_at",
    )
    audit_field_labels = {
        "audience": "Đối tượng lấy ý kiến",
        "version": "Bản dự thảo",
        "sections": "Số phần (chương, điều, điểm)",
        "comments": "Số ý kiến",
        "undisposed": "Số ý kiến chưa xử lý",
        "section_number": "Số thứ tự phần",
        "section_title": "Tiêu đề phần",
        "section_text": "Nội dung phần",
        "group": "Nhóm ý kiến",
        "indicators": "Chỉ tiêu",
        "plan": "Kế hoạch thực hiện",
    }

    class Meta:
        verbose_name = "dự thảo"
        verbose_name_plural = "dự thảo"
        ordering = ["-opens_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")), name="draft_window_order"
            ),
            models.CheckConstraint(
                condition=~Q(state="adopted") | Q(adopted_document__isnull=False),
                name="draft_adopted_has_document",
            ),
            models.CheckConstraint(
                condition=Q(state__in=["drafting", "withdrawn"]) | Q(consulted_version__isnull=False),
                name="draft_opened_has_version",
            ),
        ]
        indexes = [models.Index(fields=["organization", "state"], name="draft_org_state_idx")]

    def __str__(self) -> str:
        return f"Dự thảo {self.title}"

    def save(self, *args, **kwargs):
        self.title = normalize_text(self.title)
        self.title_folded = fold(self.title)
        super().save(*args, **kwargs)

    @property
    def org_path(self) -> str:
        return self.organization.path

    @property
    def current(self) -> "DraftVersion":
        """The version being written or adopted (every draft has one from its creation)."""
        version = self.current_version
        assert version is not None, "a draft has a current version from its creation"
        return version

    @property
    def consulted(self) -> "DraftVersion":
        """The version put to comment (every draft has one once opened: a database constraint)."""
        version = self.consulted_version
        assert version is not None, "a draft put to comment has its consulted version"
        return version

    @property
    def invited_statuses(self) -> list[str]:
        return [status for status, column in INVITABLE_STATUSES.items() if getattr(self, column)]


class DraftVersion(models.Model):
    """One version of the draft's text (dự thảo lần 1, 2 …). A new version copies the sections of the one
    before, each remembering its origin, so the differences are shown section by section."""

    draft = models.ForeignKey(Draft, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveSmallIntegerField("lần")
    preamble = models.TextField("phần mở đầu", blank=True)
    note = models.CharField("ghi chú", max_length=500, blank=True)
    source_file_name = models.CharField("tệp nguồn", max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "bản dự thảo"
        ordering = ["draft", "number"]
        constraints = [models.UniqueConstraint(fields=["draft", "number"], name="draft_version_unique")]

    def __str__(self) -> str:
        return f"Dự thảo lần {self.number}"

    @property
    def org_path(self) -> str:
        return self.draft.organization.path


class Section(models.Model):
    """A chapter, article, item or point of one version, nested through `parent`; `position` is its place
    in reading order (depth first) within the version."""

    version = models.ForeignKey(DraftVersion, on_delete=models.PROTECT, related_name="sections")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    position = models.PositiveIntegerField("thứ tự")
    depth = models.PositiveSmallIntegerField("cấp", default=0)
    number = models.CharField("số thứ tự", max_length=32, blank=True)
    title = models.CharField("tiêu đề", max_length=500, blank=True)
    text = models.TextField("nội dung", blank=True)
    origin = models.ForeignKey(
        "self",
        verbose_name="từ phần của bản trước",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="successors",
    )

    class Meta:
        verbose_name = "phần dự thảo"
        ordering = ["version", "position"]
        indexes = [models.Index(fields=["version", "position"], name="section_version_position_idx")]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """'Điều 2. Chỉ tiêu', or for an untitled point its number and first words: 'a) 100% cơ quan …'."""
        words = self.title or self.text.split("\n", 1)[0]
        if len(words) > 100:
            words = words[:100].rsplit(" ", 1)[0] + "…"
        return " ".join(part for part in (self.number, words) if part)


class CommentGroup(models.Model):
    """Similar comments grouped by the drafting committee under one summary, disposed of together."""

    draft = models.ForeignKey(Draft, on_delete=models.PROTECT, related_name="groups")
    section = models.ForeignKey(Section, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    summary = models.CharField("nội dung ý kiến (tóm tắt)", max_length=1000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "nhóm ý kiến"
        ordering = ["draft", "id"]

    def __str__(self) -> str:
        return self.summary[:120]

    @property
    def org_path(self) -> str:
        return self.draft.organization.path


class CommentQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Comments this user may read: every comment of drafts they oversee (the drafting committee and
        the committees above), their own (written, entered on paper, or their organisation's), and all of a
        draft's comments when the draft lets its audience read one another's."""
        from neuguong.access.scope import scope_for

        scope = scope_for(user)
        if scope.is_global:
            return self
        q = scope.read_q("draft__organization__path")
        if user.is_authenticated:
            q |= Q(entered_by=user)
        if scope.person_id:
            q |= Q(person_id=scope.person_id)
        if scope.write_paths:
            q |= Q(commenter_kind=CommenterKind.ORGANIZATION) & _under_any(
                "organization__path", scope.write_paths
            )
        shared = Draft.objects.visible_to(user).filter(
            comments_visibility=CommentVisibility.AUDIENCE, opened_at__isnull=False
        )
        q |= Q(draft__in=shared.values("pk"))
        return self.filter(q)


class Comment(TimeStampedModel):
    """One comment on a section of the consulted version, or on the whole draft (`section` empty)."""

    draft = models.ForeignKey(Draft, on_delete=models.PROTECT, related_name="comments")
    version = models.ForeignKey(DraftVersion, on_delete=models.PROTECT, related_name="comments")
    section = models.ForeignKey(
        Section,
        verbose_name="phần góp ý",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="comments",
    )
    stance = models.CharField("ý kiến", max_length=16, choices=Stance.choices)
    text = models.TextField("nội dung góp ý", blank=True)
    commenter_kind = models.CharField("người góp ý là", max_length=16, choices=CommenterKind.choices)
    person = models.ForeignKey(
        "people.Person",
        verbose_name="người góp ý",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The commenting organisation; for a member or delegate, the organisation they belonged to then.
    organization = models.ForeignKey(
        "organizations.Organization", verbose_name="tổ chức", on_delete=models.PROTECT, related_name="+"
    )
    participant_count = models.PositiveIntegerField("số đảng viên tham gia thảo luận", null=True, blank=True)
    on_paper = models.BooleanField("nhập từ phiếu giấy", default=False)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="người nhập", on_delete=models.PROTECT, related_name="+"
    )
    group = models.ForeignKey(
        CommentGroup,
        verbose_name="nhóm ý kiến",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="comments",
    )
    disposition = models.CharField(
        "tiếp thu, giải trình", max_length=20, choices=DispositionKind.choices, blank=True, default=""
    )
    disposition_text = models.TextField("nội dung tiếp thu, giải trình", blank=True)
    revised_section = models.ForeignKey(
        Section,
        verbose_name="phần đã sửa (bản mới)",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="accepted_comments",
    )
    disposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    disposed_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = CommentQuerySet.as_manager()

    class Meta:
        verbose_name = "ý kiến góp ý"
        verbose_name_plural = "ý kiến góp ý"
        ordering = ["draft", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(stance="agree") | ~Q(text=""), name="comment_reason_unless_agree"
            ),
            models.CheckConstraint(
                condition=(
                    Q(commenter_kind="organization") & Q(person__isnull=True) & Q(participant_count__gte=1)
                )
                | (~Q(commenter_kind="organization") & Q(person__isnull=False)),
                name="comment_commenter_consistent",
            ),
            models.CheckConstraint(
                condition=~Q(disposition="explained") | ~Q(disposition_text=""),
                name="comment_explained_has_text",
            ),
            # One comment per commenter and section (or on the whole draft): a second is an edit.
            models.UniqueConstraint(
                fields=["version", "person", "section"],
                condition=Q(person__isnull=False, section__isnull=False),
                name="comment_unique_person_section",
            ),
            models.UniqueConstraint(
                fields=["version", "person"],
                condition=Q(person__isnull=False, section__isnull=True),
                name="comment_unique_person_whole",
            ),
            models.UniqueConstraint(
                fields=["version", "organization", "section"],
                condition=Q(commenter_kind="organization", section__isnull=False),
                name="comment_unique_org_section",
            ),
            models.UniqueConstraint(
                fields=["version", "organization"],
                condition=Q(commenter_kind="organization", section__isnull=True),
                name="comment_unique_org_whole",
            ),
        ]
        indexes = [
            models.Index(fields=["draft", "section"], name="comment_draft_section_idx"),
            models.Index(fields=["draft", "disposition"], name="comment_draft_disposition_idx"),
        ]

    def __str__(self) -> str:
        return f"Ý kiến của {self.commenter_name}"

    @property
    def org_path(self) -> str:
        return self.draft.organization.path

    @property
    def commenter_name(self) -> str:
        if self.commenter_kind == CommenterKind.ORGANIZATION:
            return self.organization.name
        return self.person.full_name if self.person is not None else ""

    audit_field_labels = {"section": "Phần góp ý", "revised_section": "Phần đã sửa (bản mới)"}


class AdoptedIndicator(models.Model):
    """An indicator of the targets module made from a section of the adopted text (point 5): the link back
    from the indicator to the article it came from. One indicator per section."""

    draft = models.ForeignKey(Draft, on_delete=models.PROTECT, related_name="adopted_indicators")
    section = models.ForeignKey(Section, on_delete=models.PROTECT, related_name="+")
    indicator = models.OneToOneField(
        "targets.Indicator", on_delete=models.PROTECT, related_name="adopted_from", verbose_name="chỉ tiêu"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "chỉ tiêu từ văn bản thông qua"
        ordering = ["draft", "section__position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["draft", "section"], name="adopted_indicator_unique_section"),
        ]

    def __str__(self) -> str:
        return str(self.indicator)
