"""Imports are bounded before parsing: rows and the uncompressed size of every XLSX part (issue 19.5).

The files are generated here (dataio/tests/bombs.py): a 0.4 MB XLSX holding one 419 MB shared string, and a
0.13 MB XLSX of 2 million rows. Both used to be parsed (1 GB of memory; 84 s of CPU); now they are refused
from the archive directory and a byte-counting pass, before openpyxl opens them.
"""

import io
import tracemalloc

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from neuguong.core import xlsx_guard
from neuguong.dataio.models import ImportRun
from neuguong.dataio.readers import ImportFileError, open_tables

from .bombs import far_row, many_rows, shared_string_bomb

MB = 1024 * 1024


@pytest.fixture(scope="module")
def string_bomb() -> bytes:
    return shared_string_bomb(419 * MB)


@pytest.fixture
def openpyxl_must_not_parse(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("openpyxl was asked to parse a file the bounds refuse")

    monkeypatch.setattr("openpyxl.load_workbook", refuse)


def _refusal(data: bytes) -> str:
    with pytest.raises(ImportFileError) as caught:
        open_tables(io.BytesIO(data))
    return caught.value.message


def test_a_huge_shared_string_is_refused_before_parsing_in_bounded_memory(
    string_bomb, openpyxl_must_not_parse
):
    assert len(string_bomb) < MB
    tracemalloc.start()
    try:
        message = _refusal(string_bomb)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert message == xlsx_guard.MSG_PART_TOO_LARGE.format(part="xl/sharedStrings.xml", size="419", limit=64)
    assert peak < 16 * MB


def test_two_million_rows_are_refused_before_parsing(openpyxl_must_not_parse):
    data = many_rows(2_000_000)
    assert len(data) < MB
    assert _refusal(data) == "Tệp có hơn 500.000 dòng, vượt giới hạn cho một lần nhập. " + (
        "Hãy chia thành nhiều tệp nhỏ hơn (hoặc xóa các dòng trống ở cuối trang tính) rồi nhập lần lượt."
    )


def test_one_row_numbered_a_million_counts_as_a_million_rows(openpyxl_must_not_parse):
    assert _refusal(far_row(1_000_000)) == xlsx_guard.too_many_rows_message()


def test_a_cell_longer_than_excel_allows_is_refused(openpyxl_must_not_parse):
    assert _refusal(shared_string_bomb(2 * MB)) == xlsx_guard.MSG_CELL_TOO_LONG


def test_the_row_limit_is_well_above_a_province_and_configurable(settings):
    assert settings.IMPORT_MAX_ROWS >= 2 * 200_000
    settings.IMPORT_MAX_ROWS = 5
    assert len(open_tables(io.BytesIO(many_rows(5)))) == 1
    assert _refusal(many_rows(6)) == "Tệp có hơn 5 dòng, vượt giới hạn cho một lần nhập. " + (
        "Hãy chia thành nhiều tệp nhỏ hơn (hoặc xóa các dòng trống ở cuối trang tính) rồi nhập lần lượt."
    )


def test_the_part_limits_are_configurable(settings):
    settings.IMPORT_MAX_SHEET_MB = 1
    message = _refusal(many_rows(100_000))  # a 2.6 MB sheet
    assert message == xlsx_guard.MSG_PART_TOO_LARGE.format(part="xl/worksheets/sheet1.xml", size="2", limit=1)


def test_a_csv_with_too_many_lines_is_refused(settings):
    settings.IMPORT_MAX_ROWS = 10
    data = ("Họ và tên,Ngày sinh\n" + "Nguyễn Văn An,17/05/1980\n" * 10).encode()
    assert _refusal(data) == xlsx_guard.too_many_rows_message()
    assert open_tables(io.BytesIO(data[: data.rindex(b"Nguy")]))  # 10 lines pass


def test_rows_beyond_the_limit_are_refused_while_reading_too(settings, monkeypatch):
    # Rows numbered out of order slip past the byte count (it reads the last row number of each chunk);
    # the reader still stops at the limit.
    monkeypatch.setattr(xlsx_guard, "check_xlsx", lambda stream: 0)
    settings.IMPORT_MAX_ROWS = 2
    table = open_tables(io.BytesIO(many_rows(5)))[0]
    with pytest.raises(ImportFileError) as caught:
        list(table.rows)
    assert caught.value.message == xlsx_guard.too_many_rows_message()


def test_the_web_upload_refuses_the_bomb_with_the_vietnamese_message(tree, login, string_bomb):
    upload = SimpleUploadedFile("dang-vien.xlsx", string_bomb)
    response = login(tree.staff).post(reverse("dataio:import_upload"), {"file": upload})
    assert response.status_code == 400
    assert "quá lớn khi giải nén (419 MB, tối đa 64 MB)" in response.content.decode()
    assert not ImportRun.objects.exists()


def test_the_question_and_scoring_set_imports_refuse_the_bomb_too(tree, string_bomb):
    from neuguong.core.errors import BusinessError
    from neuguong.study.importer import read_xlsx_rows
    from neuguong.targets.importers import read_rows

    with pytest.raises(BusinessError, match="quá lớn khi giải nén"):
        read_xlsx_rows(string_bomb)
    with pytest.raises(BusinessError, match="quá lớn khi giải nén"):
        read_rows(io.BytesIO(string_bomb))


def test_the_upload_knows_about_how_many_rows_the_checking_step_will_read(tree, login):
    upload = SimpleUploadedFile("dang-vien.xlsx", many_rows(1_200))
    login(tree.staff).post(reverse("dataio:import_upload"), {"file": upload})
    run = ImportRun.objects.get()
    assert run.total_rows == 1_199  # the header row is not a data row
