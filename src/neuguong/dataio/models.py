from django.conf import settings
from django.db import models

from neuguong.core.models import TimeStampedModel


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", "Đã tải lên"
    VALIDATING = "validating", "Đang kiểm tra"
    VALID = "valid", "Hợp lệ, chờ xác nhận"
    INVALID = "invalid", "Có lỗi"
    APPLYING = "applying", "Đang ghi"
    DONE = "done", "Đã nhập"
    FAILED = "failed", "Không nhập được"


# A run in one of these states will not read its file again (an INVALID run can be re-mapped, but only
# while its file is kept); uploaded, validating, valid (awaiting confirmation) and applying runs still need it.
FINISHED_STATUSES = (ImportStatus.DONE, ImportStatus.INVALID, ImportStatus.FAILED)


class ImportRunQuerySet(models.QuerySet):
    def visible_to(self, user):
        """An import is its uploader's own work: nobody else sees the uploaded file or its preview."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(actor=user)


class ImportRun(TimeStampedModel):
    """One uploaded file on its way through mapping → preview → confirm; the audit target of the import."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="tổ chức mặc định",
    )
    file = models.FileField(upload_to="dataio/imports/%Y/%m/", blank=True)
    original_name = models.CharField("tên tệp", max_length=255, blank=True)
    tables = models.JSONField(default=list, blank=True)
    mapping = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=16, choices=ImportStatus.choices, default=ImportStatus.UPLOADED)
    processed_rows = models.PositiveIntegerField(default=0)
    total_rows = models.PositiveIntegerField(default=0)
    report = models.JSONField(default=dict, blank=True)
    message = models.CharField(max_length=500, blank=True)
    file_removed_at = models.DateTimeField("tệp đã xóa lúc", null=True, blank=True)

    # What its audit events record besides its columns (the history reads these labels).
    audit_field_labels = {"people": "đảng viên", "organizations": "tổ chức", "file": "tệp đã lưu"}

    objects = ImportRunQuerySet.as_manager()

    class Meta:
        verbose_name = "lần nhập dữ liệu"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Nhập tệp {self.original_name}"

    @property
    def org_path(self) -> str:
        return self.organization.path if self.organization else ""

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED_STATUSES

    @property
    def is_busy(self) -> bool:
        return self.status in (ImportStatus.VALIDATING, ImportStatus.APPLYING)


class UsernameScheme(models.TextChoices):
    CARD = "card", "Số thẻ đảng viên (ví dụ 11110001)"
    NAME_YEAR = "name_year", "Họ tên không dấu + năm sinh (ví dụ nguyenvanan1980)"
    ORG_CARD = "org_card", "Mã tổ chức + số thẻ (ví dụ cs00001.11110001)"


class AccountBatch(TimeStampedModel):
    """Login accounts created in bulk for an organisation's members.

    The one-time passwords are kept here only until the secretary has printed them and clears the batch
    (they must be changed at first login anyway); afterwards only the counts remain.
    """

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organization = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="+")
    scheme = models.CharField("cách đặt tên đăng nhập", max_length=16, choices=UsernameScheme.choices)
    status = models.CharField(max_length=16, choices=ImportStatus.choices, default=ImportStatus.APPLYING)
    rows = models.JSONField(default=list, blank=True)
    skipped = models.JSONField(default=list, blank=True)
    created_count = models.PositiveIntegerField(default=0)
    cleared_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "đợt cấp tài khoản"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Cấp tài khoản — {self.organization}"

    @property
    def passwords_kept_until(self):
        """When the daily job forgets the one-time passwords if nobody downloaded the file."""
        import datetime as dt

        from django.conf import settings as django_settings

        return self.created_at + dt.timedelta(days=django_settings.ACCOUNT_PASSWORD_DAYS)

    @property
    def org_path(self) -> str:
        return self.organization.path
