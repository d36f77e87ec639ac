"""A kind declared for the notifications module's own tests (its relevance reads a flag the test sets)."""

from django.db import models

from neuguong.notifications.kinds import register, still_relevant
from neuguong.notifications.models import Delivery

MOOT: set[int] = set()  # notification target ids the tests declare moot


@register(defaults={"tests.digest_by_default": Delivery.DIGEST})
class SampleNotice(models.TextChoices):
    PING = "tests.ping", "Thông báo thử"
    DIGEST_BY_DEFAULT = "tests.digest_by_default", "Thông báo thử (mặc định gộp vào thư tổng hợp)"


@still_relevant(SampleNotice.PING, SampleNotice.DIGEST_BY_DEFAULT)
def _not_moot(notification) -> bool:
    return notification.target_id not in MOOT
