import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q

from neuguong.core.models import TimeStampedModel
from neuguong.core.text import fold, normalize_text, search_key, without_nul


class Sex(models.TextChoices):
    MALE = "M", "Nam"
    FEMALE = "F", "Nữ"


class PersonStatus(models.TextChoices):
    OFFICIAL = "official", "Chính thức"
    PROBATIONARY = "probationary", "Dự bị"
    EXEMPT = "exempt", "Miễn sinh hoạt"
    TRANSFERRED_OUT = "transferred_out", "Chuyển đi"
    DECEASED = "deceased", "Từ trần"
    REMOVED = "removed", "Xóa tên/Khai trừ"
    NON_MEMBER = "non_member", "Không phải đảng viên"


ACTIVE_MEMBER_STATUSES = (PersonStatus.OFFICIAL, PersonStatus.PROBATIONARY, PersonStatus.EXEMPT)


class TheoryLevel(models.TextChoices):
    NONE = "none", "Chưa qua đào tạo"
    PRIMARY = "primary", "Sơ cấp"
    INTERMEDIATE = "intermediate", "Trung cấp"
    ADVANCED = "advanced", "Cao cấp"


THEORY_RANK = {
    TheoryLevel.NONE: 0,
    TheoryLevel.PRIMARY: 1,
    TheoryLevel.INTERMEDIATE: 2,
    TheoryLevel.ADVANCED: 3,
}


class CredentialKind(models.TextChoices):
    NONE = "", "—"
    DIPLOMA = "diploma", "Bằng tốt nghiệp"
    CERTIFICATE = "certificate", "Giấy chứng nhận"
    BACHELOR = "bachelor", "Cử nhân chính trị (tương đương cao cấp)"


class PositionTitle(models.TextChoices):
    SECRETARY = "secretary", "Bí thư"
    DEPUTY_SECRETARY = "deputy_secretary", "Phó Bí thư"
    COMMITTEE_MEMBER = "committee_member", "Cấp ủy viên"
    STANDING_MEMBER = "standing_member", "Ủy viên Ban Thường vụ"
    INSPECTION_MEMBER = "inspection_member", "Ủy viên Ủy ban Kiểm tra"
    HEAD_OF_AGENCY = "head_of_agency", "Thủ trưởng cơ quan"
    DEPUTY_HEAD_OF_AGENCY = "deputy_head_of_agency", "Phó Thủ trưởng cơ quan"


class PersonQuerySet(models.QuerySet):
    def visible_to(self, user):
        """People this user may see: those in their readable subtrees, plus themselves."""
        from neuguong.access.scope import scope_for

        scope = scope_for(user)
        q = scope.read_q("organization__path")
        if scope.person_id:
            q |= Q(pk=scope.person_id)
        return self.filter(q)

    def search(self, query: str):
        key = search_key(query)
        if not key:
            return self
        return self.filter(Q(name_folded__contains=key) | Q(card_number=without_nul(query).strip()[:32]))

    def active_members(self):
        return self.filter(status__in=ACTIVE_MEMBER_STATUSES)


class Person(TimeStampedModel):
    """A Party member, or a non-member head of an agency (status `non_member`)."""

    full_name = models.CharField("họ và tên", max_length=128)
    name_folded = models.CharField(max_length=128, editable=False, db_index=True)
    date_of_birth = models.DateField("ngày sinh", null=True, blank=True)
    sex = models.CharField("giới tính", max_length=1, choices=Sex.choices, blank=True)
    admitted_on = models.DateField("ngày vào Đảng", null=True, blank=True)
    official_on = models.DateField("ngày chính thức", null=True, blank=True)
    card_number = models.CharField("số thẻ đảng viên", max_length=32, blank=True, default="")
    citizen_id = models.CharField("số CCCD", max_length=16, blank=True, default="")
    phone = models.CharField("điện thoại", max_length=20, blank=True)
    email = models.EmailField("thư điện tử", blank=True)
    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name="tổ chức đảng",
        on_delete=models.PROTECT,
        related_name="people",
    )
    agency = models.ForeignKey(
        "organizations.Agency",
        verbose_name="cơ quan, đơn vị",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="staff",
    )
    job_title = models.CharField("chức vụ chính quyền", max_length=128, blank=True)
    theory_level = models.CharField(
        "trình độ LLCT", max_length=16, choices=TheoryLevel.choices, default=TheoryLevel.NONE
    )
    theory_credential = models.CharField(
        "văn bằng LLCT", max_length=16, choices=CredentialKind.choices, blank=True, default=""
    )
    status = models.CharField(
        "trạng thái", max_length=16, choices=PersonStatus.choices, default=PersonStatus.OFFICIAL
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
        verbose_name="tài khoản",
    )

    objects = PersonQuerySet.as_manager()

    # The history (audit.selectors) shows the CCCD masked, as the page does; "position" is the key the
    # position events write (people/events.py).
    audit_masked_fields = ("citizen_id",)
    audit_field_labels = {"position": "Chức vụ"}

    class Meta:
        verbose_name = "đảng viên"
        verbose_name_plural = "đảng viên"
        ordering = ["name_folded", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["card_number"], condition=~Q(card_number=""), name="person_unique_card_number"
            ),
            models.CheckConstraint(
                condition=Q(official_on__isnull=True)
                | Q(admitted_on__isnull=True)
                | Q(official_on__gte=models.F("admitted_on")),
                name="person_official_after_admission",
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "name_folded"], name="person_org_name_idx"),
            models.Index(fields=["name_folded", "id"], name="person_name_id_idx"),
        ]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args, **kwargs):
        self.full_name = normalize_text(self.full_name)
        self.name_folded = fold(self.full_name)
        super().save(*args, **kwargs)

    @property
    def masked_citizen_id(self) -> str:
        """CCCD is sensitive: shown as ********1234 unless a permitted role reveals it (logged)."""
        if not self.citizen_id:
            return ""
        return "*" * max(len(self.citizen_id) - 4, 0) + self.citizen_id[-4:]

    @property
    def org_path(self) -> str:
        return self.organization.path

    @property
    def is_party_member(self) -> bool:
        return self.status != PersonStatus.NON_MEMBER

    def age_on(self, day: dt.date) -> int | None:
        if not self.date_of_birth:
            return None
        born = self.date_of_birth
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


class Position(models.Model):
    """A post held for a period (bí thư, thủ trưởng cơ quan, ...)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="positions")
    title = models.CharField("chức vụ", max_length=32, choices=PositionTitle.choices)
    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name="tại tổ chức",
        on_delete=models.PROTECT,
        related_name="positions",
    )
    started_on = models.DateField("từ ngày")
    ended_on = models.DateField("đến ngày", null=True, blank=True)

    class Meta:
        verbose_name = "chức vụ"
        ordering = ["-started_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="position_end_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_title_display()} — {self.organization}"

    def is_current(self, day: dt.date) -> bool:
        return self.started_on <= day and (self.ended_on is None or self.ended_on >= day)


class Membership(models.Model):
    """Which organisation a person belonged to and when: transfers keep their history here."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="memberships")
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="memberships"
    )
    started_on = models.DateField("từ ngày")
    ended_on = models.DateField("đến ngày", null=True, blank=True)
    note = models.CharField("ghi chú", max_length=255, blank=True)

    class Meta:
        verbose_name = "quá trình sinh hoạt"
        ordering = ["-started_on", "-id"]

    def __str__(self) -> str:
        return f"{self.person} @ {self.organization}"
