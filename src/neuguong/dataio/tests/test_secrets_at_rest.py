"""First-login passwords and backups do not lie around readable (issue 19, point 11)."""

import datetime as dt
import io
import os
import stat

import openpyxl
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.utils import timezone

from neuguong.core.office_sheet import FIRST_DATA_ROW
from neuguong.dataio.accounts import account_batch_run, account_batch_start, account_passwords_forget
from neuguong.dataio.models import ImportRun

URL = "/du-lieu/tai-khoan/dot/{}/xlsx/"


@pytest.fixture
def batch(tree):
    made = account_batch_start(actor=tree.staff, organization=tree.org_b, scheme="card")
    return account_batch_run(batch=made)


def _passwords(data: bytes) -> list:
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    return [row[4] for row in sheet.iter_rows(min_row=FIRST_DATA_ROW, values_only=True)]


def test_the_passwords_are_kept_until_the_file_is_downloaded_once(tree, login, batch):
    password = batch.rows[0][3]
    assert password
    client = login(tree.staff)
    first = b"".join(client.post(URL.format(batch.pk)).streaming_content)
    assert _passwords(first) == [password]
    batch.refresh_from_db()
    assert batch.cleared_at is not None and batch.rows[0][3] == ""
    second = b"".join(client.post(URL.format(batch.pk)).streaming_content)
    assert _passwords(second) == [None]  # the usernames stay; the passwords are gone
    assert password not in client.get(f"/du-lieu/tai-khoan/dot/{batch.pk}/").content.decode()


def test_a_plain_get_of_the_file_changes_nothing(tree, login, batch):
    assert login(tree.staff).get(URL.format(batch.pk)).status_code == 405
    batch.refresh_from_db()
    assert batch.cleared_at is None and batch.rows[0][3]


def test_passwords_not_downloaded_are_forgotten_after_seven_days(tree, batch, settings):
    assert settings.ACCOUNT_PASSWORD_DAYS == 7
    assert account_passwords_forget(now=timezone.now() + dt.timedelta(days=6)) == 0
    assert account_passwords_forget(now=timezone.now() + dt.timedelta(days=7, minutes=1)) == 1
    batch.refresh_from_db()
    assert batch.cleared_at is not None and batch.rows[0][3] == ""


def test_forgetting_passwords_is_a_daily_scheduled_job():
    from neuguong.core.scheduler import SCHEDULED_JOBS

    assert any(job.name == "dataio.forget_account_passwords" for job in SCHEDULED_JOBS)


def _modes(root):
    for dirpath, dirnames, filenames in os.walk(root):
        yield dirpath, stat.S_IMODE(os.stat(dirpath).st_mode)
        for name in filenames:
            path = os.path.join(dirpath, name)
            yield path, stat.S_IMODE(os.stat(path).st_mode)


@pytest.mark.django_db(transaction=True)
def test_backups_are_readable_by_their_owner_only(tree, tmp_path):
    run = ImportRun.objects.create(actor=tree.staff, original_name="ds.xlsx")
    run.file.save("ds.xlsx", ContentFile(b"PK\x03\x04 not really"), save=True)
    old = os.umask(0o022)
    try:
        call_command("backup", str(tmp_path / "b"), stdout=io.StringIO(), stderr=io.StringIO())
    finally:
        os.umask(old)
    wrong = [(path, oct(mode)) for path, mode in _modes(tmp_path / "b") if mode not in (0o700, 0o600)]
    assert wrong == []
    assert stat.S_IMODE(os.stat(tmp_path / "b" / "manifest.json").st_mode) == 0o600


@pytest.mark.django_db(transaction=True)
def test_backup_warns_and_fails_when_referenced_files_are_missing(tree, tmp_path):
    run = ImportRun.objects.create(actor=tree.staff, original_name="ds.xlsx")
    run.file.save("ds.xlsx", ContentFile(b"PK\x03\x04 not really"), save=True)
    default_storage.delete(run.file.name)
    err = io.StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("backup", str(tmp_path / "b"), stdout=io.StringIO(), stderr=err)
    assert "thiếu 1 tệp" in str(caught.value)
    assert run.file.name in err.getvalue()
    assert (tmp_path / "b" / "manifest.json").is_file()  # what could be saved is saved
