from django.db import models
from django.utils.text import capfirst

from .models import AuditEvent
from .services import ACTION_LABELS


def history_for(obj: models.Model, *, limit: int = 200) -> list[dict]:
    """The 'Lịch sử thay đổi' of a record, newest first, with field labels resolved for display."""
    labels = {f.name: str(f.verbose_name) for f in obj._meta.get_fields() if hasattr(f, "verbose_name")}
    rows = []
    for event in AuditEvent.objects.for_object(obj)[:limit]:
        rows.append(
            {
                "event": event,
                "action_label": ACTION_LABELS.get(event.action, event.action),
                "changes": [
                    {
                        "field": capfirst(labels.get(name, name)),
                        "old": change.get("old"),
                        "new": change.get("new"),
                    }
                    for name, change in event.changes.items()
                ],
            }
        )
    return rows
