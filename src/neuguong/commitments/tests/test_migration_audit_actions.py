"""The data migrations that give stored audit rows their typed actions (forwards and back)."""

import datetime as dt
import re
from importlib import import_module
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType

from neuguong.audit.events import is_declared
from neuguong.audit.models import AuditEvent
from neuguong.audit.selectors import history_for
from neuguong.commitments import services
from neuguong.core.dates import local_today


def _migration(label: str):
    return import_module(f"neuguong.{label}")


def _run(operation_module, *, backwards: bool = False) -> None:
    operations = operation_module.Migration.operations
    for operation in reversed(operations) if backwards else operations:
        code = operation.reverse_code if backwards else operation.code
        code(apps, None)


def _legacy(target, action: str, changes: dict | None = None) -> AuditEvent:
    return AuditEvent.objects.create(
        action=action,
        target_type=ContentType.objects.get_for_model(type(target)),
        target_id=str(target.pk),
        target_repr=str(target),
        changes=changes or {},
    )


@pytest.fixture
def commitment(tree):
    commitment = services.commitment_create(
        actor=tree.secretary_a,
        organization=tree.org_a,
        title="Việc",
        deadline=local_today() + dt.timedelta(days=5),
        responsible_person=tree.person_a,
    )
    AuditEvent.objects.all().delete()
    return commitment


def test_commitment_actions_are_renamed_and_a_request_names_its_requested_date(tree, commitment):
    old, new = commitment.deadline, commitment.deadline + dt.timedelta(days=20)
    services.extension_request(
        actor=tree.member_a, commitment=commitment, requested_deadline=new, reason="Chờ"
    )
    AuditEvent.objects.all().delete()
    request = _legacy(
        commitment, "extension_request", {"deadline": {"old": old.isoformat(), "new": new.isoformat()}}
    )
    grant = _legacy(
        commitment, "extension_grant", {"deadline": {"old": old.isoformat(), "new": new.isoformat()}}
    )
    halted = _legacy(commitment, "halt_suspended")
    on_person = _legacy(tree.person_a, "create")  # another app's model: left to that app's migration
    migration = _migration("commitments.migrations.0006_typed_audit_actions")

    _run(migration)
    for event in (request, grant, halted, on_person):
        event.refresh_from_db()
    assert (request.action, grant.action, halted.action) == (
        "commitments.extension_requested",
        "commitments.extension_granted",
        "commitments.suspended",
    )
    assert on_person.action == "create"
    assert request.changes == {"requested_deadline": {"old": None, "new": new.isoformat()}}
    assert grant.changes == {"deadline": {"old": old.isoformat(), "new": new.isoformat()}}
    labels = [row["action_label"] for row in history_for(commitment)]
    assert set(labels) == {"Đề nghị gia hạn", "Đồng ý gia hạn", "Tạm dừng thực hiện"}

    _run(migration, backwards=True)
    request.refresh_from_db()
    halted.refresh_from_db()
    assert (request.action, halted.action) == ("extension_request", "halt_suspended")
    assert request.changes == {"deadline": {"old": old.isoformat(), "new": new.isoformat()}}


def test_every_new_code_of_the_migrations_is_declared():
    for label in (
        "commitments.migrations.0006_typed_audit_actions",
        "documents.migrations.0002_typed_audit_actions",
        "organizations.migrations.0004_typed_audit_actions",
        "people.migrations.0004_typed_audit_actions",
        "access.migrations.0003_typed_audit_actions",
    ):
        source = Path(_migration(label).__file__).read_text(encoding="utf-8")
        for code in re.findall(r'"((?:commitments|documents|organizations|people|access)\.[a-z_]+)"', source):
            assert is_declared(code), (label, code)


def test_people_organisation_document_and_access_actions_are_renamed_and_back(tree):
    from neuguong.access.services import role_grant

    assignment = role_grant(actor=tree.staff, username="moi", role="secretary", organization=tree.org_b)[1]
    AuditEvent.objects.all().delete()
    person = _legacy(tree.person_a, "update", {"phone": {"old": "1", "new": "2"}})
    org = _legacy(tree.org_b, "dissolve")
    moved = _legacy(tree.org_b, "transfer_all", {"people": {"old": 3, "new": "A"}})
    grant = _legacy(assignment, "role_grant", {"role": {"old": None, "new": "secretary@B"}})
    migrations = [
        _migration("people.migrations.0004_typed_audit_actions"),
        _migration("organizations.migrations.0004_typed_audit_actions"),
        _migration("access.migrations.0003_typed_audit_actions"),
    ]
    for migration in migrations:
        _run(migration)
    for event in (person, org, moved, grant):
        event.refresh_from_db()
    assert (person.action, org.action, moved.action, grant.action) == (
        "people.updated",
        "organizations.dissolved",
        "people.all_transferred",
        "access.role_granted",
    )
    assert moved.changes == {
        "people_moved": {"old": None, "new": 3},
        "moved_to": {"old": None, "new": tree.org_a.name},
    }
    assert grant.changes == {
        "role": {"old": None, "new": "secretary"},
        "organization": {"old": None, "new": tree.org_b.pk},
        "user": {"old": None, "new": assignment.user_id},
    }
    [row] = [r for r in history_for(tree.org_b) if r["event"].pk == moved.pk]
    assert {c["field"]: c["new"] for c in row["changes"]} == {
        "Số đảng viên chuyển sinh hoạt": "3",
        "Chuyển đến": tree.org_a.name,
    }
    [granted] = history_for(assignment)
    assert {c["field"]: c["new"] for c in granted["changes"]} == {
        "Vai trò": "Bí thư / cấp ủy",
        "Phạm vi": tree.org_b.name,
        "Tài khoản": "moi",
    }

    for migration in reversed(migrations):
        _run(migration, backwards=True)
    for event in (person, org, moved, grant):
        event.refresh_from_db()
    assert (person.action, org.action, moved.action, grant.action) == (
        "update",
        "dissolve",
        "transfer_all",
        "role_grant",
    )
    assert moved.changes == {"people": {"old": 3, "new": "A"}}
    assert grant.changes == {"role": {"old": None, "new": "secretary@B"}}
