import pytest
from django.core.management import CommandError, call_command

from neuguong.audit.models import AuditEvent
from neuguong.dataio.events import DataioEvent
from neuguong.dataio.models import ImportRun
from neuguong.people.models import Person

from .helpers import PEOPLE_HEADERS, csv_bytes, person_row

pytestmark = pytest.mark.django_db


def test_cli_dry_run_then_import(tree, tmp_path, capsys):
    path = tmp_path / "ds.csv"
    path.write_bytes(
        csv_bytes([PEOPLE_HEADERS, person_row(full_name="Mai Văn Cường", card_number="31310001")])
    )
    call_command("import_members", str(path), "--org", "A1", "--dry-run")
    assert "Sẽ tạo 1" in capsys.readouterr().out
    assert not Person.objects.filter(card_number="31310001").exists()
    call_command("import_members", str(path), "--org", "A1")
    assert Person.objects.get(card_number="31310001").organization == tree.branch_a
    run = ImportRun.objects.get()
    assert AuditEvent.objects.filter(action=DataioEvent.IMPORT_APPLIED, target_id=str(run.pk)).exists()


def test_cli_prints_one_line_per_problem_and_exits_non_zero(tree, tmp_path, capsys):
    path = tmp_path / "ds.csv"
    path.write_bytes(
        csv_bytes(
            [
                PEOPLE_HEADERS,
                person_row(full_name="A", organization="A1", date_of_birth="32/01/1990"),
                person_row(full_name="", organization="ZZ"),
            ]
        )
    )
    with pytest.raises(CommandError) as caught:
        call_command("import_members", str(path))
    assert str(caught.value) == "Tệp có 3 lỗi; chưa có dữ liệu nào được ghi."
    assert capsys.readouterr().err.splitlines() == [
        "dòng 2, cột «Ngày sinh»: «32/01/1990» không phải ngày hợp lệ (ghi dd/mm/yyyy, ví dụ 17/05/1980).",
        "dòng 3, cột «Họ và tên»: thiếu giá trị bắt buộc.",
        "dòng 3, cột «Mã tổ chức»: mã tổ chức «ZZ» không tồn tại hoặc không thuộc phạm vi bạn được nhập.",
    ]
    assert not Person.objects.filter(full_name="A").exists()


def test_cli_as_a_secretary_is_limited_to_her_scope(tree, tmp_path):
    path = tmp_path / "ds.csv"
    path.write_bytes(csv_bytes([PEOPLE_HEADERS, person_row(full_name="B", organization="B")]))
    with pytest.raises(CommandError):
        call_command("import_members", str(path), "--as", "secretary_a")
    with pytest.raises(CommandError) as caught:
        call_command("import_members", str(path), "--org", "B", "--as", "secretary_a")
    assert "không tồn tại hoặc không thuộc phạm vi" in str(caught.value)


def test_cli_bad_file(tree, tmp_path):
    path = tmp_path / "x.xlsx"
    path.write_bytes(b"not a spreadsheet \x00\x01")
    with pytest.raises(CommandError) as caught:
        call_command("import_members", str(path))
    assert str(caught.value).startswith("Tệp không phải bảng tính")
