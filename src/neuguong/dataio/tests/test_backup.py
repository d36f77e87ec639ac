import json

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command

from neuguong.audit.models import AuditEvent
from neuguong.dataio import backup
from neuguong.dataio.models import ImportRun
from neuguong.organizations.models import Organization
from neuguong.people.models import Person


def _seed(tree):
    from neuguong.core.tests.factories import PersonFactory
    from neuguong.people.services import person_update

    for i in range(30):
        PersonFactory(organization=tree.branch_a if i % 2 else tree.org_b)
    person_update(actor=tree.staff, person=tree.person_a, job_title="Trưởng phòng")
    run = ImportRun.objects.create(actor=tree.staff, original_name="ds.xlsx")
    run.file.save("ds.xlsx", ContentFile(b"PK\x03\x04 not really"), save=True)
    from neuguong.commitments.tests.factories import CommitmentFactory

    CommitmentFactory(responsible_person=tree.person_a)
    return run


def _sample(model):
    rows = list(model._base_manager.order_by("pk").values()[:5]) + list(
        model._base_manager.order_by("-pk").values()[:5]
    )
    # Content types are not backed up: references to them travel by natural key and get the restored
    # database's ids, which differ whenever an earlier test flushed and recreated them.
    from django.contrib.contenttypes.models import ContentType

    for field in model._meta.concrete_fields:
        if field.is_relation and field.related_model is ContentType:
            for row in rows:
                if row[field.attname] is not None:
                    row[field.attname] = ContentType.objects.get_for_id(row[field.attname]).natural_key()
    return rows


@pytest.mark.django_db(transaction=True)
def test_backup_then_restore_into_an_empty_database_round_trips_every_table(tree, tmp_path):
    run = _seed(tree)
    call_command("backup", str(tmp_path / "b"))
    manifest = json.loads((tmp_path / "b" / "manifest.json").read_text())
    counts = {m._meta.label_lower: m._base_manager.count() for m in backup.backup_models()}
    samples = {m._meta.label_lower: _sample(m) for m in backup.backup_models()}
    assert {e["model"]: e["count"] for e in manifest["models"]} == counts
    assert counts["people.person"] == Person.objects.count() > 30
    assert [f["name"] for f in manifest["files"]] == [run.file.name]
    assert manifest["versions"]["django"]

    call_command("flush", interactive=False, verbosity=0)
    default_storage.delete(run.file.name)
    assert backup.database_rows() == {}

    call_command("restore", str(tmp_path / "b"))
    assert {m._meta.label_lower: m._base_manager.count() for m in backup.backup_models()} == counts
    assert {m._meta.label_lower: _sample(m) for m in backup.backup_models()} == samples
    assert default_storage.open(run.file.name).read() == b"PK\x03\x04 not really"
    event = AuditEvent.objects.filter(target_id=str(tree.person_a.pk)).first()
    assert event.target_type.model_class() is Person
    # derived data is not in the backup; it is rebuilt from the restored records
    assert "commitments.orgtally" not in counts
    from django.db.models import Sum

    from neuguong.commitments.models import OrgTally

    assert OrgTally.objects.filter(organization_id=tree.root.pk, period=0).aggregate(n=Sum("n"))["n"] == 1
    # sequences continue after the restored ids
    org = Organization.objects.create(code="NEW", name="Mới", kind="branch", parent_id=tree.root.pk)
    assert org.pk > tree.org_b.pk


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_non_empty_database_unless_forced(tree, tmp_path):
    _seed(tree)
    call_command("backup", str(tmp_path / "b"))
    person_b_pk = tree.person_b.pk
    tree.person_b.delete()
    with pytest.raises(CommandError) as caught:
        call_command("restore", str(tmp_path / "b"))
    assert str(caught.value).startswith("Cơ sở dữ liệu đích đã có dữ liệu")
    assert not Person.objects.filter(pk=person_b_pk).exists()
    call_command("restore", str(tmp_path / "b"), "--force")
    assert Person.objects.filter(pk=person_b_pk).exists()


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_tampered_backup_before_touching_anything(tree, tmp_path):
    call_command("backup", str(tmp_path / "b"))
    path = tmp_path / "b" / "data" / "people.person.jsonl"
    path.write_text(path.read_text().replace("Nguyễn Nam Đình", "Kẻ Giả Mạo"))
    call_command("flush", interactive=False, verbosity=0)
    with pytest.raises(CommandError) as caught:
        call_command("restore", str(tmp_path / "b"))
    assert str(caught.value) == backup.MSG_CHECKSUM.format(name="data/people.person.jsonl")
    assert backup.database_rows() == {}


def test_backup_refuses_a_non_empty_directory(tmp_path, db):
    (tmp_path / "x").write_text("x")
    with pytest.raises(CommandError) as caught:
        call_command("backup", str(tmp_path))
    assert str(caught.value) == backup.MSG_DIR_NOT_EMPTY.format(path=tmp_path)
