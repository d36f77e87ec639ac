"""Notifications (thông báo): what a user is told, in the app and by e-mail, and how they want to be told.

- `Notification`: one message to one user about one object (generic target, its link), written by
  `services.notify` inside the transaction of the change it reports, so a rolled-back change tells nobody.
- `EmailDelivery`: the outbox row of the e-mail of one notification (one per notification: sent once).
- `Digest`: the outbox row of one user's daily digest e-mail (one per user and day).
- `Preference`: per user and kind, in-app only, e-mail, or the daily digest (`Delivery`).
- `OutboxRow` / `OutboxStatus`: the sending state every outbox row of the project carries (the reminders of
  commitments and study too); `outbox.send_outbox` sends any of them.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Delivery(models.TextChoices):
    IN_APP = "in_app", "Chỉ trong ứng dụng"
    EMAIL = "email", "Trong ứng dụng và thư điện tử ngay"
    DIGEST = "digest", "Trong ứng dụng và thư tổng hợp mỗi ngày"


class Notification(models.Model):
    """One message to one user (its title names the person and the object it is about)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField("loại", max_length=64)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="người thực hiện",
    )
    title = models.CharField("tiêu đề", max_length=255)
    text = models.TextField("nội dung", blank=True)
    url = models.CharField("đường dẫn", max_length=500, blank=True)
    target_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    target_id = models.PositiveBigIntegerField(null=True, blank=True)
    target = GenericForeignKey("target_type", "target_id")
    # The object's name when the notification was written (the API names it without loading it).
    target_repr = models.CharField("đối tượng", max_length=255, blank=True)
    # How the recipient wanted this kind delivered when it was written (the digest reads it).
    delivery = models.CharField(max_length=16, choices=Delivery.choices, default=Delivery.IN_APP)
    created_at = models.DateTimeField("thời điểm", default=timezone.now)
    read_at = models.DateTimeField("đã đọc lúc", null=True, blank=True)

    class Meta:
        verbose_name = "thông báo"
        ordering = ["-created_at", "-id"]
        indexes = [
            # The list, newest first.
            models.Index(fields=["recipient", "-created_at", "-id"], name="notice_list_idx"),
            # The unread count in the menu, on every page: a tiny partial index.
            models.Index(fields=["recipient"], condition=Q(read_at__isnull=True), name="notice_unread_idx"),
            # The digest planner: the day's notifications to be sent in a digest.
            models.Index(fields=["created_at"], condition=Q(delivery="digest"), name="notice_digest_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class Preference(models.Model):
    """How one user wants one kind of notification delivered (absent: the kind's default)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=64)
    delivery = models.CharField("cách nhận", max_length=16, choices=Delivery.choices)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "cách nhận thông báo"
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notification_preference_once"),
            models.CheckConstraint(
                condition=Q(delivery__in=Delivery.values), name="notification_preference_delivery"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.get_delivery_display()}"


class OutboxStatus(models.TextChoices):
    READY = "ready", "Chờ gửi"
    SENDING = "sending", "Đang gửi"
    SENT = "sent", "Đã gửi"
    FAILED = "failed", "Lỗi"
    CANCELLED = "cancelled", "Đã hủy"


class OutboxRow(models.Model):
    """What every outbox row carries for `outbox.send_outbox`: its sending state (the row's own fields,
    `due_on` among them, say what it is about)."""

    status = models.CharField(max_length=16, choices=OutboxStatus.choices, default=OutboxStatus.READY)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True


class EmailDelivery(OutboxRow):
    """Outbox row: the e-mail of one notification. One per notification, so it is sent at most once."""

    # Due as soon as written (no due date): the sender runs right after the commit.
    notification = models.OneToOneField(Notification, on_delete=models.CASCADE, related_name="email")

    class Meta:
        verbose_name = "thư thông báo"
        ordering = ["id"]
        indexes = [models.Index(fields=["status"], name="email_delivery_status_idx")]


class Digest(OutboxRow):
    """Outbox row: one user's digest of one day's notifications (those they asked to get in a digest)."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField("ngày tổng hợp")
    due_on = models.DateField("ngày gửi")

    class Meta:
        verbose_name = "thư tổng hợp"
        ordering = ["due_on", "id"]
        constraints = [models.UniqueConstraint(fields=["recipient", "day"], name="digest_once_a_day")]
        indexes = [models.Index(fields=["status", "due_on"], name="digest_status_idx")]
