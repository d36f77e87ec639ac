"""Retention of uploaded import files: a finished run's file is removed after IMPORT_FILE_RETENTION_DAYS.

The run record stays (who imported which file, when, with which result); it is flagged with
`file_removed_at`, its `file` is cleared, and the removal is one audit event on the run.
"""

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from . import events
from .models import FINISHED_STATUSES, ImportRun

log = logging.getLogger(__name__)

DEFAULT_RETENTION_DAYS = 90
NOTE_REMOVED = "Xóa tệp đã tải lên sau {days} ngày lưu giữ; hồ sơ lần nhập được giữ lại."
NOTE_ALREADY_MISSING = (
    "Tệp đã tải lên không còn trong kho lưu trữ; đánh dấu đã xóa, hồ sơ lần nhập được giữ lại."
)


@dataclass
class PurgeResult:
    cutoff: datetime
    removed: list[int] = field(default_factory=list)  # run ids whose file was deleted
    missing: list[int] = field(default_factory=list)  # run ids whose file was already gone
    failed: list[int] = field(default_factory=list)  # run ids whose file the storage refused to delete

    @property
    def count(self) -> int:
        return len(self.removed) + len(self.missing)


def _org_path(run: ImportRun) -> str:
    """Scope the removal like the import event itself (services.import_run_record)."""
    from .services import _common_path

    if run.org_path or run.actor is None:
        return run.org_path
    return _common_path(run.actor)


def retention_days() -> int:
    return int(getattr(settings, "IMPORT_FILE_RETENTION_DAYS", DEFAULT_RETENTION_DAYS))


def expired_runs(*, now: datetime | None = None, days: int | None = None):
    """Finished runs created before the cutoff that still hold a file."""
    cutoff = (now or timezone.now()) - timedelta(days=retention_days() if days is None else days)
    qs = (
        ImportRun.objects.filter(
            status__in=FINISHED_STATUSES, created_at__lt=cutoff, file_removed_at__isnull=True
        )
        .exclude(file="")
        .select_related("organization", "actor")
        .order_by("created_at", "pk")
    )
    return qs, cutoff


def purge_import_files(
    *, now: datetime | None = None, days: int | None = None, dry_run: bool = False
) -> PurgeResult:
    """Delete expired import files from storage; keep and flag each run; audit each removal.

    The file is deleted first, then the run is flagged in a transaction with its audit event; the flag
    update is conditional, so two concurrent purges audit a run once. A file already gone from storage is
    not an error: the run is flagged with a note saying so.
    """
    now = now or timezone.now()
    days = retention_days() if days is None else days
    runs, cutoff = expired_runs(now=now, days=days)
    result = PurgeResult(cutoff=cutoff)
    for run in runs.iterator(chunk_size=500):
        storage, name = run.file.storage, run.file.name
        try:
            present = storage.exists(name)
        except Exception:
            log.exception("import %s: cannot check stored file %s", run.pk, name)
            result.failed.append(run.pk)
            continue
        if dry_run:
            (result.removed if present else result.missing).append(run.pk)
            continue
        if present:
            try:
                storage.delete(name)
            except FileNotFoundError:
                present = False
            except Exception:
                log.exception("import %s: cannot delete stored file %s", run.pk, name)
                result.failed.append(run.pk)
                continue
        with transaction.atomic():
            flagged = ImportRun.objects.filter(pk=run.pk, file_removed_at__isnull=True).update(
                file="", file_removed_at=now
            )
            if not flagged:
                continue
            events.import_file_removed(
                run=run,
                org_path=_org_path(run),
                stored_name=name,
                note=(NOTE_REMOVED.format(days=days) if present else NOTE_ALREADY_MISSING),
            )
        (result.removed if present else result.missing).append(run.pk)
    return result
