"""Data in and out, page by page: out of scope is a 404 on GET and POST (another user's import or account
batch, an organisation outside the subtree); a refused file is named next to the file field in the
reader's own words; imports, file removal and accounts write declared events that read as names."""

import importlib

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile

from neuguong.audit.events import is_declared, label_for
from neuguong.audit.models import AuditEvent
from neuguong.audit.selectors import history_for
from neuguong.dataio import readers, services
from neuguong.dataio.accounts import account_batch_start
from neuguong.dataio.events import DataioEvent
from neuguong.dataio.models import AccountBatch, ImportRun, ImportStatus
from neuguong.people.models import Person

from .helpers import PEOPLE_HEADERS, csv_bytes, person_row

pytestmark = pytest.mark.django_db

GOOD = csv_bytes(
    [PEOPLE_HEADERS, person_row(full_name="Trần Văn Mới", organization="A1", card_number="12340001")]
)
MAPPING = {"h:hovaten": "full_name", "h:matochuc": "organization", "h:sothedangvien": "card_number"}


def _upload(client, data: bytes = GOOD, name: str = "ds.csv", **extra):
    return client.post("/du-lieu/nhap/", {"file": SimpleUploadedFile(name, data), **extra})


@pytest.fixture
def secretary_run(tree, login):
    """An import of secretary A's, uploaded and mapped (valid, waiting for confirmation)."""
    client = login(tree.secretary_a)
    _upload(client)
    run = ImportRun.objects.get()
    client.post(f"/du-lieu/nhap/{run.pk}/ghep-cot/", MAPPING)
    run.refresh_from_db()
    assert run.status == ImportStatus.VALID
    return run


RUN_PAGES = [
    ("GET", "/du-lieu/nhap/{pk}/"),
    ("GET", "/du-lieu/nhap/{pk}/tien-do/"),
    ("POST", "/du-lieu/nhap/{pk}/ghep-cot/"),
    ("POST", "/du-lieu/nhap/{pk}/ghep-lai/"),
    ("POST", "/du-lieu/nhap/{pk}/xac-nhan/"),
]


@pytest.mark.parametrize("name", ["staff", "secretary_b", "inspector_a", "member_a", "outsider"])
def test_another_users_import_is_404_on_every_step(tree, login, secretary_run, name):
    client = login(getattr(tree, name))
    for method, url in RUN_PAGES:
        url = url.format(pk=secretary_run.pk)
        response = client.post(url, MAPPING) if method == "POST" else client.get(url)
        assert response.status_code == 404, (method, url)
    secretary_run.refresh_from_db()
    assert secretary_run.status == ImportStatus.VALID and secretary_run.mapping
    assert not Person.objects.filter(card_number="12340001").exists()


@pytest.mark.parametrize("name", ["secretary_a", "secretary_b", "inspector_a", "outsider"])
def test_another_users_account_batch_is_404_and_its_passwords_stay(tree, login, name):
    batch = account_batch_start(actor=tree.staff, organization=tree.org_b, scheme="card")
    batch.rows = [["Nguyễn Văn Bình", "Chi bộ Sở Tư pháp", "22220001", "MatKhau"]]
    batch.save()
    client = login(getattr(tree, name))
    assert client.get(f"/du-lieu/tai-khoan/dot/{batch.pk}/").status_code == 404
    assert client.post(f"/du-lieu/tai-khoan/dot/{batch.pk}/xlsx/").status_code == 404
    assert client.post(f"/du-lieu/tai-khoan/dot/{batch.pk}/xoa/").status_code == 404
    batch.refresh_from_db()
    assert batch.rows[0][3] == "MatKhau" and batch.cleared_at is None


@pytest.mark.parametrize(
    ("name", "code", "status"),
    [("staff", "B", 200), ("secretary_a", "A1", 200), ("secretary_a", "B", 404), ("secretary_a", "DUK", 404)],
)
def test_exports_and_quality_follow_the_tree(tree, login, name, code, status):
    client = login(getattr(tree, name))
    for url in (
        "/du-lieu/xuat/dang-vien.xlsx",
        "/du-lieu/xuat/to-chuc.xlsx",
        "/du-lieu/chat-luong/",
        "/du-lieu/chat-luong/xlsx/",
        "/du-lieu/chat-luong/no_card/",
    ):
        assert client.get(url, {"org": code}).status_code == status, url


def test_a_default_organisation_outside_the_writers_subtree_is_refused_like_a_missing_one(tree, login):
    client = login(tree.secretary_a)
    response = _upload(client, organization="B")
    assert response.status_code == 400
    assert response.context["form"].errors == {
        "organization": ["Không tìm thấy tổ chức có mã «B» trong phạm vi của bạn."]
    }
    assert not ImportRun.objects.exists()
    # A secretary who also reads elsewhere is offered only where they may write.
    assert [o.code for o in response.context["form"].fields["organization"].queryset.order_by("code")] == [
        "A",
        "A1",
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", readers.MSG_EMPTY),
        (b"\x89PNG\r\n\x1a\n" + bytes(100), readers.MSG_NOT_SPREADSHEET),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), readers.MSG_PROTECTED),
    ],
)
def test_a_file_the_reader_refuses_is_named_next_to_the_file_field(tree, login, data, message):
    response = _upload(login(tree.staff), data, name="x.xlsx")
    assert response.status_code == 400
    assert response.context["form"].errors == {"file": [message]}
    assert "is-invalid" in response.context["form"].fields["file"].widget.attrs["class"]


def test_a_file_too_large_is_named_next_to_the_file_field(tree, login, monkeypatch):
    monkeypatch.setattr(services, "IMPORT_MAX_BYTES", 1024 * 1024)
    response = _upload(login(tree.staff), b"a" * (1024 * 1024 + 1))
    assert response.context["form"].errors == {"file": [services.MSG_TOO_LARGE.format(mb=1)]}


def test_confirming_an_import_that_is_not_ready_says_so_on_the_page(tree, login, secretary_run):
    client = login(tree.secretary_a)
    page = f"/du-lieu/nhap/{secretary_run.pk}/"
    ImportRun.objects.filter(pk=secretary_run.pk).update(status=ImportStatus.INVALID)
    response = client.post(f"{page}xac-nhan/", HTTP_REFERER=f"http://testserver{page}")
    assert response.status_code == 303 and response["Location"] == f"http://testserver{page}"
    assert services.MSG_NOT_READY in client.get(page).content.decode()
    assert not Person.objects.filter(card_number="12340001").exists()


def test_a_run_being_written_cannot_be_mapped_again(tree, secretary_run):
    from neuguong.core.errors import BusinessError

    ImportRun.objects.filter(pk=secretary_run.pk).update(status=ImportStatus.APPLYING)
    with pytest.raises(BusinessError) as exc:
        services.import_remap(actor=tree.secretary_a, run=secretary_run)
    assert exc.value.message == services.MSG_BUSY
    ImportRun.objects.filter(pk=secretary_run.pk).update(status=ImportStatus.INVALID)
    assert services.import_remap(actor=tree.secretary_a, run=secretary_run).status == ImportStatus.UPLOADED


# --- typed events --------------------------------------------------------------------------------------


def test_an_import_through_the_pages_writes_only_declared_events(tree, login, secretary_run):
    client = login(tree.secretary_a)
    client.post(f"/du-lieu/nhap/{secretary_run.pk}/xac-nhan/")
    secretary_run.refresh_from_db()
    assert secretary_run.status == ImportStatus.DONE, secretary_run.message
    person = Person.objects.get(card_number="12340001")
    [created] = AuditEvent.objects.filter(target_id=str(person.pk), action=DataioEvent.IMPORTED)
    assert created.note == "Nhập từ tệp ds.csv" and created.actor == tree.secretary_a
    [row] = history_for(person)
    assert row["action_label"] == "Nhập từ tệp"
    shown = {c["field"]: c["new"] for c in row["changes"]}
    assert shown["Họ và tên"] == "Trần Văn Mới" and shown["Tổ chức đảng"] == "Chi bộ Phòng Ngân sách"
    assert AuditEvent.objects.filter(
        action=DataioEvent.IMPORT_APPLIED, target_id=str(secretary_run.pk)
    ).exists()
    for code in AuditEvent.objects.values_list("action", flat=True):
        assert is_declared(code) and code.startswith("dataio."), code


def test_a_member_moved_by_an_import_is_recorded_by_organisation_not_by_code(tree):
    from neuguong.dataio.importer import import_file

    from .helpers import opener

    rows = [PEOPLE_HEADERS, person_row(full_name="Nguyễn Nam Đình", organization="B", card_number="11110001")]
    import_file(path_or_opener=opener(csv_bytes(rows)), actor=tree.staff)
    event = AuditEvent.objects.get(target_id=str(tree.person_a.pk), action=DataioEvent.IMPORTED)
    assert event.changes["organization"] == {"old": tree.branch_a.pk, "new": tree.org_b.pk}
    [row] = history_for(tree.person_a)
    assert {"field": "Tổ chức đảng", "old": "Chi bộ Phòng Ngân sách", "new": "Chi bộ Sở Tư pháp"} in row[
        "changes"
    ]


def test_bulk_accounts_write_a_declared_event_per_person(tree):
    from neuguong.dataio.accounts import account_batch_run

    batch = account_batch_run(
        batch=account_batch_start(actor=tree.staff, organization=tree.org_b, scheme="card")
    )
    assert batch.created_count == 1
    event = AuditEvent.objects.get(action=DataioEvent.ACCOUNT_CREATED)
    assert event.target_id == str(tree.person_b.pk) and event.changes == {
        "user": {"old": None, "new": "22220001"}
    }
    assert label_for(event.action) == "Cấp tài khoản đăng nhập"
    assert AccountBatch.objects.get().rows[0][2] == "22220001"


migration = importlib.import_module("neuguong.dataio.migrations.0003_typed_audit_actions")


def test_stored_actions_and_organisation_codes_are_migrated_and_back_again(tree):
    from django.apps import apps

    from neuguong.organizations.models import Organization

    run = ImportRun.objects.create(actor=tree.staff, original_name="cu.xlsx", status=ImportStatus.DONE)

    def event(target, action, changes=None):
        return AuditEvent.objects.create(
            action=action,
            target_type=ContentType.objects.get_for_model(type(target)),
            target_id=str(target.pk),
            target_repr=str(target),
            changes=changes or {},
        )

    old = [
        event(
            tree.person_a,
            "import",
            {"organization": {"old": "A1", "new": "B"}, "job_title": {"old": "", "new": "x"}},
        ),
        event(
            tree.org_a, "import", {"parent": {"old": None, "new": "DUK"}, "name": {"old": None, "new": "A"}}
        ),
        event(run, "import"),
        event(run, "import_file_removed", {"file": {"old": "dataio/x.xlsx", "new": None}}),
        event(tree.person_b, "account_create", {"user": {"old": None, "new": "22220001"}}),
        event(tree.person_b, "import", {"organization": {"old": "GONE", "new": "B"}}),
    ]
    others = [event(tree.org_b, "create"), event(Organization.objects.get(code="A1"), "move")]
    before = list(AuditEvent.objects.order_by("pk").values_list("action", "changes"))
    migration.forward(apps, None)
    after = {e.pk: e for e in AuditEvent.objects.all()}
    assert [after[e.pk].action for e in old] == [
        "dataio.imported",
        "dataio.imported",
        "dataio.import_applied",
        "dataio.import_file_removed",
        "dataio.account_created",
        "dataio.imported",
    ]
    assert after[old[0].pk].changes["organization"] == {"old": tree.branch_a.pk, "new": tree.org_b.pk}
    assert after[old[1].pk].changes["parent"] == {"old": None, "new": tree.root.pk}
    assert after[old[5].pk].changes["organization"] == {"old": "GONE", "new": tree.org_b.pk}
    assert [after[e.pk].action for e in others] == ["create", "move"]
    migration.backward(apps, None)
    assert list(AuditEvent.objects.order_by("pk").values_list("action", "changes")) == before
