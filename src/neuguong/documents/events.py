"""The audit events of the document register: declared once with Vietnamese labels, one function per
business event (services call them inside their transaction)."""

from django.db import models

from neuguong.audit.events import register
from neuguong.audit.models import AuditEvent
from neuguong.audit.services import audit_record, snapshot


@register
class DocumentEvent(models.TextChoices):
    REGISTERED = "documents.registered", "Vào sổ văn bản"


# What the history of a newly registered document says; the stored file is described by its original
# name (a FieldFile is not part of a snapshot).
REGISTERED_FIELDS = ("number_text", "doc_type", "issued_on", "summary", "signer", "recipients", "file_name")


def document_registered(*, actor, document) -> AuditEvent:
    values = snapshot(document, list(REGISTERED_FIELDS))
    return audit_record(
        actor=actor,
        action=DocumentEvent.REGISTERED,
        target=document,
        changes={
            name: {"old": None, "new": value} for name, value in values.items() if value not in (None, "")
        },
    )
