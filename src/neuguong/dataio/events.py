"""The audit events of data in and out: imports (one event per record written, and one for the run),
removal of kept import files, accounts made in bulk. Declared once with their Vietnamese labels; one
function per business event."""

from django.contrib.contenttypes.models import ContentType
from django.db import models

from neuguong.audit.events import register
from neuguong.audit.models import AuditEvent
from neuguong.audit.services import audit_event, audit_record


@register
class DataioEvent(models.TextChoices):
    IMPORTED = "dataio.imported", "Nhập từ tệp"
    IMPORT_APPLIED = "dataio.import_applied", "Ghi dữ liệu nhập từ tệp"
    IMPORT_FILE_REMOVED = "dataio.import_file_removed", "Xóa tệp đã nhập (hết thời hạn lưu)"
    ACCOUNT_CREATED = "dataio.account_created", "Cấp tài khoản đăng nhập"


def record_imported(
    *, actor, target, org_path: str, changes: dict, source_name: str, target_type: ContentType | None = None
) -> AuditEvent:
    """One record created or changed by an import, as an unsaved event: the importer writes them in bulk."""
    return audit_event(
        actor=actor,
        action=DataioEvent.IMPORTED,
        target=target,
        target_type=target_type,
        org_path=org_path,
        changes=changes,
        note=f"Nhập từ tệp {source_name}",
    )


def import_applied(*, actor, run, org_path: str, report) -> AuditEvent:
    """The import as one event in the actor's history (each record written has its own event)."""
    return audit_record(
        actor=actor,
        action=DataioEvent.IMPORT_APPLIED,
        target=run,
        org_path=org_path,
        note=f"Nhập từ tệp {run.original_name}",
        changes={
            "people": {"old": None, "new": f"tạo {report.created}, cập nhật {report.updated}"},
            "organizations": {
                "old": None,
                "new": f"tạo {report.orgs_created}, cập nhật {report.orgs_updated}",
            },
        },
    )


def import_file_removed(*, run, org_path: str, stored_name: str, note: str) -> AuditEvent:
    """A finished import's kept file deleted by the retention rule (by the system, not a person)."""
    return audit_record(
        actor=None,
        action=DataioEvent.IMPORT_FILE_REMOVED,
        target=run,
        org_path=org_path,
        note=note,
        changes={"file": {"old": stored_name, "new": None}},
    )


def account_created(*, actor, person, username: str) -> AuditEvent:
    return audit_record(
        actor=actor,
        action=DataioEvent.ACCOUNT_CREATED,
        target=person,
        changes={"user": {"old": None, "new": username}},
        note="Cấp tài khoản hàng loạt",
    )
