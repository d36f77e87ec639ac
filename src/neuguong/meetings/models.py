"""Chi bộ meetings (sinh hoạt chi bộ): planned, announced ahead, held, recorded.

Every chi bộ meets monthly (Điều lệ Đảng); Hướng dẫn 12-HD/BTCTW (2018) sets the content of a regular
meeting and Hướng dẫn 42-HD/BTCTW (28/10/2025) its organisation: at least 90 minutes (120 with a thematic
part), time, place and content announced to members and to the committee above, documents made available
at least a day before. A meeting ends with its resolution adopted by vote and its minutes (biên bản).

Who may see a meeting: the readers of its chi bộ (secretaries, office staff, inspectors up the tree) and
its invitees (the members invited when it was announced). What is late, short or missing is derived by the
pure functions of `rules.py`, never stored; what the rule was when the meeting was planned (the due dates,
the minimum length) is kept on the meeting, so a later change of settings does not rewrite last year.
"""

import os
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Exists, F, OuterRef, Q

from neuguong.core.models import SoftDeleteModel, SoftDeleteQuerySet, TimeStampedModel
from neuguong.core.text import fold, search_key
from neuguong.people.attendance import AttendanceMethod, AttendanceStatus


class MeetingKind(models.TextChoices):
    REGULAR = "regular", "Sinh hoạt thường kỳ"
    THEMATIC = "thematic", "Sinh hoạt chuyên đề"
    COMBINED = "combined", "Thường kỳ kết hợp chuyên đề"
    EXTRAORDINARY = "extraordinary", "Sinh hoạt bất thường"


# The kinds that are the month's regular meeting (one per chi bộ per month).
MONTHLY_KINDS = (MeetingKind.REGULAR.value, MeetingKind.COMBINED.value)


class MeetingState(models.TextChoices):
    PLANNED = "planned", "Dự kiến"
    ANNOUNCED = "announced", "Đã thông báo"
    HELD = "held", "Đã họp"
    APPROVED = "approved", "Đã duyệt biên bản"
    POSTPONED = "postponed", "Hoãn"
    CANCELLED = "cancelled", "Hủy"


# A postponed or cancelled meeting no longer holds its month: the month's regular meeting is another one.
LIVE_STATES = (
    MeetingState.PLANNED.value,
    MeetingState.ANNOUNCED.value,
    MeetingState.HELD.value,
    MeetingState.APPROVED.value,
)
HELD_STATES = (MeetingState.HELD.value, MeetingState.APPROVED.value)
UPCOMING_STATES = (MeetingState.PLANNED.value, MeetingState.ANNOUNCED.value)


class MeetingQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Meetings of the chi bộ in the user's readable subtrees, plus those the user is invited to."""
        from neuguong.access.scope import scope_for

        scope = scope_for(user)
        q = scope.read_q("organization__path")
        if scope.person_id and not scope.is_global:
            q |= Q(Exists(Invitee.objects.filter(meeting=OuterRef("pk"), person_id=scope.person_id)))
        return self.filter(q)

    def writable_by(self, user):
        from neuguong.access.scope import scope_for

        return self.filter(scope_for(user).write_q("organization__path"))

    def search(self, query: str):
        key = search_key(query)
        return self.filter(topic_folded__contains=key) if key else self


class Meeting(TimeStampedModel):
    """One meeting of a chi bộ."""

    organization = models.ForeignKey(
        "organizations.Organization", verbose_name="chi bộ", on_delete=models.PROTECT, related_name="meetings"
    )
    kind = models.CharField("loại sinh hoạt", max_length=16, choices=MeetingKind.choices)
    state = models.CharField(
        "trạng thái", max_length=16, choices=MeetingState.choices, default=MeetingState.PLANNED
    )
    # The month this meeting is the regular meeting of: the month it starts in, except for a meeting that
    # replaces a postponed one, which keeps the postponed month (a postponement into the next month).
    for_month = models.DateField("sinh hoạt của tháng")
    starts_at = models.DateTimeField("thời gian bắt đầu")
    expected_minutes = models.PositiveSmallIntegerField("thời lượng dự kiến (phút)")
    place = models.CharField("địa điểm", max_length=255, blank=True)
    online_link = models.URLField("đường dẫn họp trực tuyến", blank=True)
    topic = models.CharField("nội dung, chủ đề", max_length=500)
    topic_folded = models.CharField(max_length=500, editable=False, default="")
    preparer = models.ForeignKey(
        "people.Person",
        verbose_name="người chuẩn bị nội dung, dự thảo nghị quyết",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    chair = models.ForeignKey(
        "people.Person",
        verbose_name="chủ trì",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorder = models.ForeignKey(
        "people.Person",
        verbose_name="thư ký (ghi biên bản)",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The rule in force when the meeting was planned (settings, rules.py).
    schedule_due_on = models.DateField("hạn thông báo lịch")
    documents_due_at = models.DateTimeField("hạn gửi tài liệu")
    min_minutes = models.PositiveSmallIntegerField("thời lượng tối thiểu (phút)", help_text="0: được miễn.")
    announced_at = models.DateTimeField("thời điểm thông báo", null=True, blank=True)
    announced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField("bắt đầu thực tế", null=True, blank=True)
    ended_at = models.DateTimeField("kết thúc", null=True, blank=True)
    held_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    halt_reason = models.CharField("lý do hoãn/hủy", max_length=500, blank=True)
    halted_at = models.DateTimeField("thời điểm hoãn/hủy", null=True, blank=True)
    halted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    replaces = models.OneToOneField(
        "self",
        verbose_name="họp thay cho buổi đã hoãn",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replacement",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = MeetingQuerySet.as_manager()

    audit_hidden_fields = ("topic_folded", "schedule_due_on", "documents_due_at", "min_minutes")
    # Keys the meeting's events write that are not its fields (meetings/events.py).
    audit_field_labels = {
        "invitees": "Số người được mời",
        "invitees_added": "Bổ sung người được mời",
        "replacement": "Họp lại vào lúc",
        "agenda": "Nội dung sinh hoạt",
        "agenda_notes": "Ý kiến, kết luận",
        "document": "Tài liệu",
        "available_at": "Gửi đảng viên lúc",
        "reply": "Trả lời thông báo",
        "attendance": "Điểm danh",
        "record": "Văn bản",
        "record_body": "Nội dung",
        "record_closing": "Kết luận",
        "record_number": "Số, ký hiệu",
        "record_votes_for": "Tán thành",
        "record_votes_against": "Không tán thành",
        "record_votes_abstain": "Không biểu quyết",
        "superseded": "Thay bản",
        "resolution_item": "Nhiệm vụ theo nghị quyết",
        "responsible_person": "Người thực hiện",
        "deadline": "Thời hạn",
        "score": "Điểm tự chấm",
    }

    class Meta:
        verbose_name = "buổi sinh hoạt chi bộ"
        verbose_name_plural = "buổi sinh hoạt chi bộ"
        ordering = ["-starts_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "for_month"],
                condition=Q(kind__in=MONTHLY_KINDS) & Q(state__in=LIVE_STATES),
                name="meeting_one_regular_per_month",
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True)
                | Q(started_at__isnull=True)
                | Q(ended_at__gt=F("started_at")),
                name="meeting_ends_after_start",
            ),
            models.CheckConstraint(
                condition=~Q(state__in=["postponed", "cancelled"]) | ~Q(halt_reason=""),
                name="meeting_halt_has_reason",
            ),
            models.CheckConstraint(condition=~Q(place="") | ~Q(online_link=""), name="meeting_place_or_link"),
            models.CheckConstraint(condition=Q(expected_minutes__gte=1), name="meeting_expected_minutes"),
        ]
        indexes = [
            models.Index(fields=["organization", "starts_at"], name="meeting_org_start_idx"),
            models.Index(fields=["organization", "for_month"], name="meeting_org_month_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        self.topic_folded = fold(self.topic)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("meetings:detail", args=[self.pk])

    @property
    def title(self) -> str:
        """'Sinh hoạt thường kỳ tháng 3/2026' — what a member calls it."""
        month = f"tháng {self.for_month.month}/{self.for_month.year}"
        return f"{self.get_kind_display()} {month}"

    @property
    def org_path(self) -> str:
        return self.organization.path

    @property
    def is_monthly(self) -> bool:
        return self.kind in MONTHLY_KINDS

    @property
    def is_held(self) -> bool:
        return self.state in HELD_STATES


class Invitee(models.Model):
    """A member invited to a meeting (the members on the meeting date, `people.attendance.members_on`),
    their reply to the announcement, and their attendance (the shared attendance rule)."""

    class Reply(models.TextChoices):
        NONE = "", "Chưa trả lời"
        ATTENDING = "attending", "Sẽ dự họp"
        EXCUSED = "excused", "Xin vắng"

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="invitees")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="meeting_invitations")
    # Start of the membership covering the meeting date: a later joiner is not absent.
    joined_on = models.DateField("sinh hoạt tại chi bộ từ", null=True, blank=True)
    invited_at = models.DateTimeField(auto_now_add=True)
    reply = models.CharField("trả lời", max_length=16, choices=Reply.choices, blank=True, default="")
    reply_reason = models.CharField("lý do xin vắng", max_length=255, blank=True)
    replied_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(
        "điểm danh", max_length=16, choices=AttendanceStatus.choices, blank=True, default=""
    )
    reason = models.CharField("lý do vắng", max_length=255, blank=True)
    method = models.CharField(max_length=16, choices=AttendanceMethod.choices, blank=True, default="")
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    marked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "người được mời dự sinh hoạt"
        ordering = ["person__name_folded", "id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "person"], name="meeting_invitee_unique"),
            models.CheckConstraint(
                condition=~Q(status="excused") | ~Q(reason=""), name="meeting_excused_has_reason"
            ),
            models.CheckConstraint(
                condition=~Q(reply="excused") | ~Q(reply_reason=""), name="meeting_reply_excused_has_reason"
            ),
        ]
        indexes = [models.Index(fields=["person", "meeting"], name="meeting_invitee_person_idx")]

    def __str__(self) -> str:
        return str(self.person)

    @property
    def org_path(self) -> str:
        return self.meeting.organization.path


class AgendaKind(models.TextChoices):
    INFORMATION = "information", "Thông tin, phổ biến"
    DISCUSSION = "discussion", "Thảo luận"
    DECISION = "decision", "Quyết định"
    VOTE = "vote", "Biểu quyết"
    CANDIDATE = "candidate", "Xem xét kết nạp, công nhận đảng viên chính thức"
    SCORING = "scoring", "Tự chấm điểm buổi sinh hoạt"


# Items whose result is a vote: counts only (for, against, abstain), never who voted what.
VOTE_KINDS = (AgendaKind.VOTE.value, AgendaKind.CANDIDATE.value, AgendaKind.DECISION.value)
VOTE_REQUIRED_KINDS = (AgendaKind.VOTE.value, AgendaKind.CANDIDATE.value)


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="agenda_items")
    position = models.PositiveSmallIntegerField("thứ tự")
    kind = models.CharField("loại nội dung", max_length=16, choices=AgendaKind.choices)
    title = models.CharField("nội dung", max_length=500)
    presenter = models.ForeignKey(
        "people.Person",
        verbose_name="người trình bày",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    notes = models.TextField("ý kiến, kết luận", blank=True)
    votes_for = models.PositiveSmallIntegerField("tán thành", null=True, blank=True)
    votes_against = models.PositiveSmallIntegerField("không tán thành", null=True, blank=True)
    votes_abstain = models.PositiveSmallIntegerField("không biểu quyết", null=True, blank=True)

    class Meta:
        verbose_name = "nội dung sinh hoạt"
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def org_path(self) -> str:
        return self.meeting.organization.path

    @property
    def has_votes(self) -> bool:
        return self.votes_for is not None


def _document_upload_to(instance, filename: str) -> str:
    # Nothing of the user's file name reaches the storage path but its (checked) extension.
    extension = os.path.splitext(filename or "")[1].lower()[:8]
    return f"meetings/{uuid.uuid4().hex}{extension}"


class MeetingDocument(SoftDeleteModel):
    """A document of the meeting: a registered document or an uploaded file, with the time it was made
    available to members. Withdrawn (soft-deleted), never erased."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="documents")
    title = models.CharField("tên tài liệu", max_length=255)
    document = models.ForeignKey(
        "documents.Document",
        verbose_name="văn bản trong sổ",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="meeting_uses",
    )
    file = models.FileField("tệp", upload_to=_document_upload_to, blank=True, max_length=255)
    original_name = models.CharField("tên tệp", max_length=255, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField(null=True, blank=True)
    available_at = models.DateTimeField("gửi đảng viên lúc", null=True, blank=True)
    # Null only for rows written by the demo data before any account exists.
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    objects = SoftDeleteQuerySet.as_manager()

    class Meta:
        verbose_name = "tài liệu sinh hoạt"
        ordering = ["added_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(document__isnull=False) & Q(file="")) | (Q(document__isnull=True) & ~Q(file="")),
                name="meeting_document_register_or_file",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def org_path(self) -> str:
        return self.meeting.organization.path


class RecordKind(models.TextChoices):
    MINUTES = "minutes", "Biên bản"
    RESOLUTION = "resolution", "Nghị quyết"


class RecordState(models.TextChoices):
    DRAFT = "draft", "Dự thảo"
    APPROVED = "approved", "Đã duyệt"
    SUPERSEDED = "superseded", "Đã được đính chính"


class MeetingRecord(models.Model):
    """One version of the meeting's minutes (biên bản, BB) or resolution (nghị quyết chi bộ, NQ).

    Edited as a draft, approved, then immutable: a correction is a new version (with its reason) that,
    once approved, supersedes the previous one, which stays readable. `facts` keeps what the meeting
    record said when the version was approved (attendance, agenda, votes, resolution items), so the
    approved document never changes afterwards."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="records")
    kind = models.CharField("loại", max_length=16, choices=RecordKind.choices)
    version = models.PositiveSmallIntegerField("lần")
    state = models.CharField(
        "trạng thái", max_length=16, choices=RecordState.choices, default=RecordState.DRAFT
    )
    number = models.CharField("số, ký hiệu", max_length=64, blank=True)
    body = models.TextField("nội dung", blank=True)
    closing = models.TextField("kết luận", blank=True)
    votes_for = models.PositiveSmallIntegerField("tán thành", null=True, blank=True)
    votes_against = models.PositiveSmallIntegerField("không tán thành", null=True, blank=True)
    votes_abstain = models.PositiveSmallIntegerField("không biểu quyết", null=True, blank=True)
    correction_reason = models.CharField("lý do đính chính", max_length=500, blank=True)
    facts = models.JSONField(default=dict, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)

    audit_hidden_fields = ("facts",)

    class Meta:
        verbose_name = "biên bản, nghị quyết"
        ordering = ["kind", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "kind", "version"], name="meeting_record_version"),
            models.UniqueConstraint(
                fields=["meeting", "kind"], condition=Q(state="draft"), name="meeting_record_one_draft"
            ),
            models.UniqueConstraint(
                fields=["meeting", "kind"], condition=Q(state="approved"), name="meeting_record_one_approved"
            ),
            models.CheckConstraint(
                condition=Q(version=1) | ~Q(correction_reason=""), name="meeting_record_correction_reason"
            ),
            models.CheckConstraint(
                condition=Q(state="draft") | Q(approved_at__isnull=False), name="meeting_record_approved_at"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.meeting.title} (lần {self.version})"

    @property
    def org_path(self) -> str:
        return self.meeting.organization.path


class ResolutionItem(models.Model):
    """A task the resolution hands out: rõ việc, rõ người, rõ thời gian. Tracked as a commitment whose
    source is this item (commitments: source_kind "meeting", source = the item)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="resolution_items")
    position = models.PositiveSmallIntegerField("thứ tự")
    title = models.CharField("nội dung công việc", max_length=500)
    responsible_person = models.ForeignKey(
        "people.Person", verbose_name="người thực hiện", on_delete=models.PROTECT, related_name="+"
    )
    deadline = models.DateField("thời hạn")
    expected_result = models.CharField("kết quả dự kiến", max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "nhiệm vụ trong nghị quyết chi bộ"
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("meetings:detail", args=[self.meeting_id]) + f"#nq-{self.pk}"

    @property
    def org_path(self) -> str:
        return self.meeting.organization.path


class MeetingScore(models.Model):
    """The meeting's self-scoring against the committee's criteria (when it uses one)."""

    meeting = models.OneToOneField(Meeting, on_delete=models.PROTECT, related_name="score")
    points = models.JSONField("điểm từng tiêu chí", default=list)  # [{"title", "max", "points"}]
    total = models.PositiveSmallIntegerField("tổng điểm")
    maximum = models.PositiveSmallIntegerField("điểm tối đa")
    scored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    scored_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "tự chấm điểm buổi sinh hoạt"
        constraints = [models.CheckConstraint(condition=Q(total__lte=F("maximum")), name="meeting_score_max")]

    def __str__(self) -> str:
        return f"{self.total}/{self.maximum}"

    @property
    def org_path(self) -> str:
        return self.meeting.organization.path


class MeetingSettings(models.Model):
    """A committee's meeting rules for its subtree (the nearest settings up the tree apply; none: the
    defaults of `rules.DEFAULTS`). Configurable because the public rules differ between places and years."""

    organization = models.OneToOneField(
        "organizations.Organization", on_delete=models.PROTECT, related_name="meeting_settings"
    )
    schedule_due_day = models.PositiveSmallIntegerField(
        "hạn nhập lịch: ngày của tháng trước", default=20, help_text="Ví dụ 20: lịch tháng 3 nhập trước 20/2."
    )
    documents_lead_days = models.PositiveSmallIntegerField(
        "gửi tài liệu trước (ngày)", default=1, help_text="Hướng dẫn 42-HD/BTCTW: ít nhất 1 ngày."
    )
    min_minutes_regular = models.PositiveSmallIntegerField("thời lượng tối thiểu (phút)", default=90)
    min_minutes_combined = models.PositiveSmallIntegerField(
        "thời lượng tối thiểu khi kết hợp chuyên đề (phút)", default=120
    )
    small_branch_members = models.PositiveSmallIntegerField(
        "miễn thời lượng tối thiểu cho chi bộ dưới (đảng viên)",
        default=0,
        help_text="0: không miễn. Ví dụ 5: chi bộ dưới 5 đảng viên không bị tính là sinh hoạt ngắn.",
    )
    thematic_per_year = models.PositiveSmallIntegerField("số buổi chuyên đề mỗi năm", default=4)
    scoring_criteria = models.JSONField(
        "tiêu chí tự chấm điểm", default=list, blank=True
    )  # [{"title", "max"}]
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "quy định sinh hoạt chi bộ"
        constraints = [
            models.CheckConstraint(
                condition=Q(schedule_due_day__gte=1) & Q(schedule_due_day__lte=28),
                name="meeting_settings_due_day",
            ),
            models.CheckConstraint(
                condition=Q(documents_lead_days__lte=30), name="meeting_settings_lead_days"
            ),
            models.CheckConstraint(condition=Q(thematic_per_year__lte=12), name="meeting_settings_thematic"),
        ]

    def __str__(self) -> str:
        return f"Quy định sinh hoạt — {self.organization}"

    @property
    def org_path(self) -> str:
        return self.organization.path


class CalendarToken(models.Model):
    """The secret of a member's private calendar feed (their meetings in any calendar app). Only its
    hash is stored; a new one revokes the old."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_tokens"
    )
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    audit_hidden_fields = ("key_hash",)

    class Meta:
        verbose_name = "lịch riêng (iCal)"
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=Q(revoked_at__isnull=True), name="meeting_calendar_one_live_token"
            )
        ]

    def __str__(self) -> str:
        return f"Lịch riêng của {self.user}"
