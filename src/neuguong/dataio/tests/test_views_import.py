import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from neuguong.audit.models import AuditEvent
from neuguong.dataio.events import DataioEvent
from neuguong.dataio.models import ImportRun, ImportStatus
from neuguong.people.models import Person

from .helpers import PEOPLE_HEADERS, csv_bytes, person_row

pytestmark = pytest.mark.django_db


def upload(client, data: bytes, name="ds.csv", **extra):
    return client.post("/du-lieu/nhap/", {"file": SimpleUploadedFile(name, data), **extra})


GOOD = csv_bytes(
    [PEOPLE_HEADERS, person_row(full_name="Trần Văn Mới", organization="A1", card_number="12340001")]
)


@pytest.mark.parametrize(
    ("user", "index", "upload_status"),
    [
        ("staff", 200, 302),
        ("secretary_a", 200, 302),
        ("inspector_a", 200, 404),
        ("member_a", 404, 404),
        ("outsider", 404, 404),
    ],
)
def test_import_pages_by_role(tree, login, user, index, upload_status):
    client = login(getattr(tree, user))
    assert client.get("/du-lieu/").status_code == index
    assert upload(client, GOOD).status_code == upload_status


def test_upload_mapping_preview_confirm_writes_and_audits(tree, login):
    client = login(tree.secretary_a)
    response = upload(client, GOOD)
    run = ImportRun.objects.get()
    assert response["Location"] == f"/du-lieu/nhap/{run.pk}/"
    page = client.get(f"/du-lieu/nhap/{run.pk}/")
    assert "Bước 2: ghép cột" in page.content.decode()
    client.post(
        f"/du-lieu/nhap/{run.pk}/ghep-cot/",
        {"h:hovaten": "full_name", "h:matochuc": "organization", "h:sothedangvien": "card_number"},
    )
    run.refresh_from_db()
    assert run.status == ImportStatus.VALID
    assert run.report["created"] == 1
    assert not Person.objects.filter(card_number="12340001").exists()  # preview writes nothing
    page = client.get(f"/du-lieu/nhap/{run.pk}/").content.decode()
    assert "Xác nhận nhập" in page and "Trần Văn Mới" in page
    client.post(f"/du-lieu/nhap/{run.pk}/xac-nhan/")
    run.refresh_from_db()
    assert run.status == ImportStatus.DONE
    person = Person.objects.get(card_number="12340001")
    assert AuditEvent.objects.filter(
        action=DataioEvent.IMPORTED, actor=tree.secretary_a, target_id=str(person.pk)
    ).exists()
    assert AuditEvent.objects.filter(action=DataioEvent.IMPORT_APPLIED, target_id=str(run.pk)).exists()
    # confirming twice does not import twice
    client.post(f"/du-lieu/nhap/{run.pk}/xac-nhan/")
    assert Person.objects.filter(full_name="Trần Văn Mới").count() == 1


def test_mapping_an_unknown_header(tree, login):
    client = login(tree.staff)
    data = csv_bytes([["Tên người", "Mã tổ chức"], ["Lê Thị Mai", "B"]])
    upload(client, data)
    run = ImportRun.objects.get()
    client.post(
        f"/du-lieu/nhap/{run.pk}/ghep-cot/", {"h:tennguoi": "full_name", "h:matochuc": "organization"}
    )
    run.refresh_from_db()
    assert run.status == ImportStatus.VALID, run.report
    client.post(f"/du-lieu/nhap/{run.pk}/xac-nhan/")
    assert Person.objects.filter(full_name="Lê Thị Mai", organization=tree.org_b).exists()


def test_invalid_file_shows_every_problem_and_cannot_be_confirmed(tree, login):
    client = login(tree.secretary_a)
    upload(client, csv_bytes([PEOPLE_HEADERS, person_row(full_name="X", organization="B")]))
    run = ImportRun.objects.get()
    client.post(f"/du-lieu/nhap/{run.pk}/ghep-cot/", {})
    run.refresh_from_db()
    assert run.status == ImportStatus.INVALID
    page = client.get(f"/du-lieu/nhap/{run.pk}/").content.decode()
    assert (
        "dòng 2, cột «Mã tổ chức»: mã tổ chức «B» không tồn tại hoặc không thuộc phạm vi bạn được nhập."
        in page
    )
    client.post(f"/du-lieu/nhap/{run.pk}/xac-nhan/")
    assert not Person.objects.filter(full_name="X").exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "Tệp rỗng"),
        (b"\x89PNG\r\n\x1a\n" + bytes(100), "Tệp không phải bảng tính"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "được đặt mật khẩu"),
    ],
)
def test_bad_uploads_get_a_vietnamese_message_not_a_500(tree, login, data, message):
    response = upload(login(tree.staff), data, name="x.xlsx")
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ImportRun.objects.exists()


def test_another_users_import_is_404(tree, login):
    upload(login(tree.secretary_a), GOOD)
    run = ImportRun.objects.get()
    client = login(tree.staff)
    assert client.get(f"/du-lieu/nhap/{run.pk}/").status_code == 404
    assert client.post(f"/du-lieu/nhap/{run.pk}/xac-nhan/").status_code == 404
    assert client.get(f"/du-lieu/nhap/{run.pk}/tien-do/").status_code == 404


def test_progress_partial_reloads_when_done(tree, login):
    client = login(tree.staff)
    upload(client, GOOD)
    run = ImportRun.objects.get()
    ImportRun.objects.filter(pk=run.pk).update(status=ImportStatus.VALIDATING, processed_rows=4000)
    response = client.get(f"/du-lieu/nhap/{run.pk}/tien-do/", HTTP_HX_REQUEST="true")
    assert "đã đọc 4000 dòng" in response.content.decode()
    assert "HX-Refresh" not in response
    ImportRun.objects.filter(pk=run.pk).update(status=ImportStatus.VALID)
    assert client.get(f"/du-lieu/nhap/{run.pk}/tien-do/", HTTP_HX_REQUEST="true")["HX-Refresh"] == "true"


def test_people_list_shows_the_export_button(tree, login):
    page = login(tree.staff).get("/dang-vien/", {"status": "official"}).content.decode()
    assert 'href="/du-lieu/xuat/dang-vien.xlsx?status=official"' in page
