"""Audit events of the notifications module."""

from django.db import models

from neuguong.audit.events import register


@register
class NotificationEvent(models.TextChoices):
    PREFERENCES_CHANGED = "notifications.preferences_changed", "Đổi cách nhận thông báo"
