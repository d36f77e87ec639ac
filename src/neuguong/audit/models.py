from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models


class AuditEventQuerySet(models.QuerySet):
    def for_object(self, obj):
        return self.filter(
            target_type=ContentType.objects.get_for_model(type(obj)), target_id=str(obj.pk)
        ).select_related("actor")


class AuditEvent(models.Model):
    """One change to one record: who, when, what (old and new values). Append-only."""

    at = models.DateTimeField("thời điểm", auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="người thực hiện",
    )
    action = models.CharField("thao tác", max_length=64)
    target_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    target_id = models.CharField(max_length=64)
    target_repr = models.CharField(max_length=255)
    org_path = models.CharField(max_length=255, blank=True, db_index=True)
    changes = models.JSONField(default=dict, blank=True)
    on_behalf_of = models.CharField("nhập thay cho", max_length=128, blank=True)
    note = models.CharField("ghi chú", max_length=500, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = "sự kiện thay đổi"
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"], name="audit_target_idx")]

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} {self.action} {self.target_repr}"


class SensitiveAccess(models.Model):
    """Every reveal of a sensitive value (CCCD) is logged: who saw whose, and when."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="sensitive_accesses")
    field_name = models.CharField(max_length=32)
    purpose = models.CharField(max_length=255, blank=True)

    class Meta:
        verbose_name = "lần xem dữ liệu nhạy cảm"
        ordering = ["-at"]
