"""Writes of the data-in/out module: imports through the web page (upload → mapping → preview → confirm)."""

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import connection

from neuguong.access.scope import scope_for
from neuguong.core.errors import BusinessError, OutOfScope
from neuguong.organizations.models import Organization

from . import events
from .importer import Importer, ImportInvalid, Report
from .models import ImportRun, ImportStatus
from .readers import ImportFileError, open_tables

if TYPE_CHECKING:
    from django.contrib.auth.models import User

log = logging.getLogger(__name__)

MSG_TOO_LARGE = "Tệp lớn quá {mb} MB. Hãy chia nhỏ tệp hoặc dùng lệnh import_members trên máy chủ."
MSG_NO_RIGHT = "Bạn không có quyền nhập dữ liệu."
MSG_NOT_READY = "Lần nhập này chưa sẵn sàng để ghi (cần kiểm tra xong và không có lỗi)."
MSG_UNEXPECTED = "Không xử lý được tệp do lỗi không lường trước. Chưa có dữ liệu nào được ghi."
MSG_BUSY = "Lần nhập này đang được xử lý hoặc đã ghi xong: không ghép cột lại được."
IMPORT_MAX_BYTES = getattr(settings, "IMPORT_MAX_BYTES", 100 * 1024 * 1024)


def may_import(actor: "User") -> bool:
    """Whoever may write somewhere in the tree may import (each row is then checked against the scope)."""
    scope = scope_for(actor)
    return scope.is_global or bool(scope.write_paths)


def _require_importer(actor: "User") -> None:
    if not may_import(actor):
        raise OutOfScope(MSG_NO_RIGHT)


def import_upload(
    *, actor: "User", uploaded: UploadedFile, organization: Organization | None = None
) -> ImportRun:
    """Keep an uploaded file for the next steps after checking it is a readable spreadsheet."""
    _require_importer(actor)
    if organization is not None and not scope_for(actor).can_write_path(organization.path):
        raise OutOfScope(MSG_NO_RIGHT)
    if (uploaded.size or 0) > IMPORT_MAX_BYTES:
        raise BusinessError(MSG_TOO_LARGE.format(mb=IMPORT_MAX_BYTES // (1024 * 1024)), field="file")
    try:
        opened = open_tables(uploaded)  # bounded: rows and XLSX part sizes (core/xlsx_guard.py)
    except ImportFileError as exc:
        # What is wrong with the file is said next to the file field.
        raise BusinessError(exc.message, field="file") from exc
    tables = [
        {"name": t.name, "headers": [str(h) for h in t.headers], "header_row": t.header_row} for t in opened
    ]
    uploaded.seek(0)
    suffix = ".xlsx" if tables[0]["name"] != "CSV" else ".csv"
    run = ImportRun(
        actor=actor, organization=organization, original_name=Path(uploaded.name or "").name[:255]
    )
    run.tables = tables
    # About how many data rows the checking step will read (its progress bar); the exact count replaces it.
    run.total_rows = max(0, opened[0].file_rows - sum(t.header_row for t in opened))
    run.file.save(f"import{suffix}", uploaded, save=False)
    run.save()
    return run


def import_set_mapping(*, actor: "User", run: ImportRun, mapping: dict[str, str]) -> ImportRun:
    if run.actor_id != getattr(actor, "pk", None):
        raise OutOfScope(MSG_NO_RIGHT)
    run.mapping = mapping
    run.status = ImportStatus.VALIDATING
    run.processed_rows = 0
    run.report = {}
    run.message = ""
    run.save(update_fields=["mapping", "status", "processed_rows", "report", "message", "updated_at"])
    return run


def _importer(run: ImportRun) -> Importer:
    def progress(rows: int) -> None:
        # Inside the write transaction an update would stay invisible to the page until commit anyway.
        if not connection.in_atomic_block:
            ImportRun.objects.filter(pk=run.pk).update(processed_rows=rows)

    return Importer(
        open_stream=lambda: run.file.storage.open(run.file.name or "", "rb"),  # "": no file, fails to open
        actor=run.actor,
        default_org=run.organization,
        mapping=run.mapping,
        source_name=run.original_name,
        progress=progress,
    )


def _finish(run: ImportRun, status: str, *, report: dict | None = None, message: str = "") -> None:
    ImportRun.objects.filter(pk=run.pk).update(status=status, report=report or {}, message=message[:500])


def import_validate(*, run: ImportRun) -> None:
    """Check the whole file and store the preview (counts, samples, problems); never writes people."""
    try:
        report = _importer(run).validate()
    except ImportInvalid as exc:
        _finish(run, ImportStatus.INVALID, report={"problems": exc.problems, "problem_count": exc.total})
        return
    except ImportFileError as exc:
        _finish(run, ImportStatus.INVALID, report={"problems": [exc.message], "problem_count": 1})
        return
    except Exception:
        log.exception("import %s: validation failed", run.pk)
        _finish(run, ImportStatus.FAILED, message=MSG_UNEXPECTED)
        return
    status = ImportStatus.INVALID if report.problem_count else ImportStatus.VALID
    ImportRun.objects.filter(pk=run.pk).update(
        status=status, report=report.as_dict(), total_rows=report.rows, processed_rows=report.rows
    )


def import_remap(*, actor: "User", run: ImportRun) -> ImportRun:
    """Back to the mapping step (the columns are matched again; nothing was written)."""
    if run.actor_id != getattr(actor, "pk", None):
        raise OutOfScope(MSG_NO_RIGHT)
    updated = (
        ImportRun.objects.filter(pk=run.pk)
        .exclude(status__in=(ImportStatus.VALIDATING, ImportStatus.APPLYING, ImportStatus.DONE))
        .update(status=ImportStatus.UPLOADED, report={})
    )
    if not updated:
        raise BusinessError(MSG_BUSY)
    run.refresh_from_db()
    return run


def import_confirm(*, actor: "User", run: ImportRun) -> ImportRun:
    if run.actor_id != getattr(actor, "pk", None):
        raise OutOfScope(MSG_NO_RIGHT)
    updated = ImportRun.objects.filter(pk=run.pk, status=ImportStatus.VALID).update(
        status=ImportStatus.APPLYING, processed_rows=0
    )
    if not updated:
        raise BusinessError(MSG_NOT_READY)
    run.refresh_from_db()
    return run


def import_apply(*, run: ImportRun) -> None:
    """Write the file in one transaction, with the summary event on the run in the same transaction."""
    try:
        report = _importer(run).apply(
            finalize=lambda report: import_run_record(
                actor=run.actor,
                source_name=run.original_name,
                organization=run.organization,
                report=report,
                run=run,
            )
        )
    except ImportInvalid as exc:
        _finish(run, ImportStatus.INVALID, report={"problems": exc.problems, "problem_count": exc.total})
        return
    except ImportFileError as exc:
        _finish(run, ImportStatus.INVALID, report={"problems": [exc.message], "problem_count": 1})
        return
    except Exception:
        log.exception("import %s: apply failed", run.pk)
        _finish(run, ImportStatus.FAILED, message=MSG_UNEXPECTED)
        return
    ImportRun.objects.filter(pk=run.pk).update(
        status=ImportStatus.DONE, report=report.as_dict(), processed_rows=report.rows, total_rows=report.rows
    )


def import_run_record(
    *,
    actor: "User | None",
    source_name: str,
    organization: Organization | None,
    report: Report,
    run: ImportRun | None = None,
) -> ImportRun:
    """The import as one event in the actor's history (each changed record has its own event)."""
    if run is None:
        run = ImportRun.objects.create(
            actor=actor if getattr(actor, "pk", None) else None,
            organization=organization,
            original_name=Path(source_name).name[:255],
            status=ImportStatus.DONE,
            total_rows=report.rows,
            processed_rows=report.rows,
            report={k: v for k, v in report.as_dict().items() if k not in ("samples", "problems")},
        )
    org_path = organization.path if organization else _common_path(actor)
    events.import_applied(actor=actor, run=run, org_path=org_path, report=report)
    return run


def _common_path(actor: "User | None") -> str:
    paths = scope_for(actor).write_paths
    return paths[0] if len(paths) == 1 else ""
