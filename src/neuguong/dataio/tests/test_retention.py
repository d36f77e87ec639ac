from datetime import datetime, timedelta
from unittest import mock

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.utils import timezone

from neuguong.audit.models import AuditEvent
from neuguong.core import scheduler
from neuguong.dataio import retention, tasks
from neuguong.dataio.events import DataioEvent
from neuguong.dataio.models import ImportRun, ImportStatus

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(datetime(2026, 6, 1, 8, 0))


def make_run(tree, *, age_days: float, status=ImportStatus.DONE, org=None, content=b"a,b\n") -> ImportRun:
    run = ImportRun(actor=tree.staff, organization=org, original_name="ds.csv", status=status)
    run.file.save("import.csv", ContentFile(content), save=False)
    run.save()
    ImportRun.objects.filter(pk=run.pk).update(created_at=NOW - timedelta(days=age_days))
    run.refresh_from_db()
    return run


@pytest.fixture
def runs(tree, settings):
    settings.IMPORT_FILE_RETENTION_DAYS = 90
    return {
        "old_done": make_run(tree, age_days=91, org=tree.org_a),
        "old_invalid": make_run(tree, age_days=200, status=ImportStatus.INVALID),
        "old_failed": make_run(tree, age_days=120, status=ImportStatus.FAILED, org=tree.org_b),
        "recent_done": make_run(tree, age_days=89, org=tree.org_a),
        "old_valid": make_run(tree, age_days=300, status=ImportStatus.VALID),  # awaiting confirmation
        "old_applying": make_run(tree, age_days=300, status=ImportStatus.APPLYING),
        "old_uploaded": make_run(tree, age_days=300, status=ImportStatus.UPLOADED),
        "old_validating": make_run(tree, age_days=300, status=ImportStatus.VALIDATING),
    }


def test_old_finished_files_are_removed_and_the_runs_kept(runs):
    names = {key: run.file.name for key, run in runs.items()}
    result = retention.purge_import_files(now=NOW)
    old = ("old_done", "old_invalid", "old_failed")
    assert sorted(result.removed) == sorted(runs[k].pk for k in old)
    assert result.missing == [] and result.failed == []
    for key, run in runs.items():
        run.refresh_from_db()
        if key in old:
            assert not default_storage.exists(names[key])
            assert run.file.name == "" and run.file_removed_at == NOW
            # The record is the evidence: who, when, which file, which result.
            assert run.original_name == "ds.csv" and run.actor_id and run.status == runs[key].status
        else:
            assert default_storage.exists(names[key]), key
            assert run.file.name == names[key] and run.file_removed_at is None
    assert ImportRun.objects.count() == len(runs)


def test_each_removal_is_audited_once_and_scoped_like_the_import(runs, tree):
    name = runs["old_done"].file.name
    retention.purge_import_files(now=NOW)
    retention.purge_import_files(now=NOW + timedelta(days=1))  # nothing left to do, nothing audited twice
    events = AuditEvent.objects.filter(action=DataioEvent.IMPORT_FILE_REMOVED)
    assert events.count() == 3
    event = events.get(target_id=str(runs["old_done"].pk))
    assert event.actor is None
    assert event.org_path == tree.org_a.path
    assert event.changes == {"file": {"old": name, "new": None}}
    assert event.note == retention.NOTE_REMOVED.format(days=90)
    assert events.get(target_id=str(runs["old_failed"].pk)).org_path == tree.org_b.path


def test_the_retention_setting_decides_the_cutoff(runs, settings):
    settings.IMPORT_FILE_RETENTION_DAYS = 100
    result = retention.purge_import_files(now=NOW)
    assert sorted(result.removed) == sorted([runs["old_invalid"].pk, runs["old_failed"].pk])
    assert result.cutoff == NOW - timedelta(days=100)


def test_the_clock_moves_recent_runs_past_the_cutoff(runs):
    retention.purge_import_files(now=NOW)
    recent = runs["recent_done"]
    assert retention.purge_import_files(now=NOW + timedelta(hours=23)).count == 0
    assert retention.purge_import_files(now=NOW + timedelta(days=2)).removed == [recent.pk]


def test_a_file_already_missing_does_not_crash_and_is_flagged(runs):
    run = runs["old_done"]
    default_storage.delete(run.file.name)
    result = retention.purge_import_files(now=NOW)
    assert result.missing == [run.pk]
    run.refresh_from_db()
    assert run.file_removed_at == NOW and run.file.name == ""
    event = AuditEvent.objects.get(action=DataioEvent.IMPORT_FILE_REMOVED, target_id=str(run.pk))
    assert event.note == retention.NOTE_ALREADY_MISSING


def test_a_storage_error_skips_that_run_and_continues(runs):
    storage = runs["old_done"].file.storage
    real_delete = storage.delete
    broken = runs["old_done"].file.name

    def delete(name):
        if name == broken:
            raise OSError("disk says no")
        real_delete(name)

    with mock.patch.object(storage, "delete", side_effect=delete):
        result = retention.purge_import_files(now=NOW)
    assert result.failed == [runs["old_done"].pk]
    assert len(result.removed) == 2
    runs["old_done"].refresh_from_db()
    assert runs["old_done"].file_removed_at is None and runs["old_done"].file.name == broken
    assert not AuditEvent.objects.filter(
        action=DataioEvent.IMPORT_FILE_REMOVED, target_id=str(runs["old_done"].pk)
    ).exists()


def test_dry_run_changes_nothing(runs):
    result = retention.purge_import_files(now=NOW, dry_run=True)
    assert len(result.removed) == 3
    assert ImportRun.objects.filter(file_removed_at__isnull=False).count() == 0
    assert all(default_storage.exists(r.file.name) for r in runs.values())
    assert not AuditEvent.objects.filter(action=DataioEvent.IMPORT_FILE_REMOVED).exists()


def test_command_dry_run_then_real(runs, capsys):
    with mock.patch("django.utils.timezone.now", return_value=NOW):
        call_command("purge_import_files", "--dry-run")
        out = capsys.readouterr().out
        assert out.startswith("Sẽ xóa tệp của 3 lần nhập (lưu giữ 90 ngày")
        assert ImportRun.objects.filter(file_removed_at__isnull=False).count() == 0
        call_command("purge_import_files", "--days", "100")
        assert capsys.readouterr().out.startswith("Đã xóa tệp của 2 lần nhập (lưu giữ 100 ngày")
        assert ImportRun.objects.filter(file_removed_at__isnull=False).count() == 2
        with pytest.raises(CommandError):
            call_command("purge_import_files", "--days", "-1")


def test_removed_run_pages_are_gone_but_the_record_stays(runs, tree, login):
    client = login(tree.staff)
    run = runs["old_invalid"]
    assert client.get(f"/du-lieu/nhap/{run.pk}/").status_code == 200
    retention.purge_import_files(now=NOW)
    assert client.get(f"/du-lieu/nhap/{run.pk}/").status_code == 404
    assert ImportRun.objects.filter(pk=run.pk, file_removed_at=NOW).exists()


def test_daily_task_is_scheduled_and_runs(runs):
    job = next(j for j in scheduler.SCHEDULED_JOBS if j.name == "dataio.purge_import_files")
    assert job.every_seconds == 86400
    with mock.patch("django.utils.timezone.now", return_value=NOW):
        result = tasks.purge_import_files.enqueue()
    assert result.return_value == {"removed": 3, "missing": 0, "failed": 0}
