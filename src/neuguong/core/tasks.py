"""Background work of the shared pieces (run by `manage.py db_worker`, enqueued by `run_scheduler`)."""

import datetime as dt

from django.tasks import task
from django.utils import timezone

# A resent POST arrives within seconds; a day is ample.
IDEMPOTENCY_KEY_DAYS = 1


@task
def purge_idempotency_keys() -> dict:
    from .models import IdempotencyKey

    cutoff = timezone.now() - dt.timedelta(days=IDEMPOTENCY_KEY_DAYS)
    deleted, _ = IdempotencyKey.objects.filter(created_at__lt=cutoff).delete()
    return {"deleted": deleted}
