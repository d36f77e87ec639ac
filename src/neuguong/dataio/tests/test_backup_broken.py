"""A broken or tampered backup ends in a Vietnamese error and leaves the database as it was (issue 19.13:
a truncated manifest and a tampered foreign key ended in raw tracebacks)."""

import hashlib
import json

import pytest
from django.core.management import CommandError, call_command

from neuguong.dataio import backup
from neuguong.people.models import Person


def _restore_error(directory) -> str:
    call_command("flush", interactive=False, verbosity=0)
    with pytest.raises(CommandError) as caught:
        call_command("restore", str(directory))
    assert backup.database_rows() == {}  # nothing half-written
    return str(caught.value)


def _rewrite(directory, relative: str, edit) -> None:
    """Change a data file and put its new checksum in the manifest (a tamperer who knows the format)."""
    path = directory / relative
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    manifest_path = directory / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    for entry in manifest["models"]:
        if entry["file"] == relative:
            entry["sha256"] = hashlib.sha256(path.read_bytes()).hexdigest()
    manifest_path.write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")


@pytest.mark.django_db(transaction=True)
def test_a_truncated_manifest_is_a_vietnamese_error(tree, tmp_path):
    call_command("backup", str(tmp_path / "b"))
    manifest = tmp_path / "b" / "manifest.json"
    manifest.write_bytes(manifest.read_bytes()[:200])
    assert _restore_error(tmp_path / "b") == backup.MSG_MANIFEST_BROKEN.format(path=tmp_path / "b")


@pytest.mark.django_db(transaction=True)
def test_a_manifest_without_its_lists_is_a_vietnamese_error(tree, tmp_path):
    call_command("backup", str(tmp_path / "b"))
    (tmp_path / "b" / "manifest.json").write_text(json.dumps({"format": backup.FORMAT_VERSION}))
    assert _restore_error(tmp_path / "b") == backup.MSG_MANIFEST_BROKEN.format(path=tmp_path / "b")


@pytest.mark.django_db(transaction=True)
def test_a_tampered_foreign_key_is_a_vietnamese_error_and_nothing_is_restored(tree, tmp_path):
    call_command("backup", str(tmp_path / "b"))
    relative = "data/people.person.jsonl"

    def point_elsewhere(text: str) -> str:
        lines = []
        for line in text.splitlines():
            row = json.loads(line)
            row["fields"]["organization"] = 987654
            lines.append(json.dumps(row, ensure_ascii=False))
        return "\n".join(lines) + "\n"

    _rewrite(tmp_path / "b", relative, point_elsewhere)
    message = _restore_error(tmp_path / "b")
    assert message.startswith(backup.MSG_BROKEN_REFERENCE.format(label="people.person", detail="")[:40])
    assert not Person.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_data_line_that_is_not_json_is_a_vietnamese_error(tree, tmp_path):
    call_command("backup", str(tmp_path / "b"))
    _rewrite(tmp_path / "b", "data/people.person.jsonl", lambda text: text[: len(text) // 2])
    message = _restore_error(tmp_path / "b")
    assert message.startswith(backup.MSG_BROKEN_DATA.format(file="data/people.person.jsonl", detail="")[:40])


@pytest.mark.django_db(transaction=True)
def test_a_manifest_pointing_outside_the_backup_is_refused(tree, tmp_path):
    call_command("backup", str(tmp_path / "b"))
    path = tmp_path / "b" / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    manifest["files"].append({"name": "../../etc/passwd", "size": 1, "sha256": "0" * 64})
    path.write_text(json.dumps(manifest), encoding="utf-8")
    assert _restore_error(tmp_path / "b") == backup.MSG_MANIFEST_BROKEN.format(path=tmp_path / "b")
