import hashlib

from django.conf import settings
from django.db import models


class Role(models.TextChoices):
    STAFF = "staff", "Cán bộ cơ quan Đảng ủy"
    SECRETARY = "secretary", "Bí thư / cấp ủy"
    INSPECTOR = "inspector", "Kiểm tra, giám sát"
    MEMBER = "member", "Đảng viên"


class RoleAssignment(models.Model):
    """A role held by a user over one organisation's subtree."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_assignments"
    )
    role = models.CharField("vai trò", max_length=16, choices=Role.choices)
    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="role_assignments",
        verbose_name="phạm vi",
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    granted_at = models.DateTimeField(auto_now_add=True)

    audit_field_labels = {"user": "Tài khoản"}  # the history of a grant (access/events.py)

    class Meta:
        verbose_name = "phân quyền"
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "organization"], name="role_assignment_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.organization}"


class AccountState(models.Model):
    """Per-account flags the auth user model does not carry."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="account_state"
    )
    must_change_password = models.BooleanField(default=False)


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """Bearer token for the API; only its hash is stored. It ends at `expires_at` (API_TOKEN_DAYS after it
    was made) or when revoked: by its owner, by `revoke_api_token`, or by a change of the owner's password."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField("tên gợi nhớ", max_length=64, blank=True)
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField("mã (đầu)", max_length=8)
    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)
    expires_at = models.DateTimeField("hết hạn lúc")
    last_used_at = models.DateTimeField("dùng lần cuối", null=True, blank=True)
    revoked_at = models.DateTimeField("thu hồi lúc", null=True, blank=True)

    class Meta:
        verbose_name = "mã truy cập API"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    def is_active(self, now) -> bool:
        return self.revoked_at is None and self.expires_at > now
