"""Bad files give a clear Vietnamese message, write nothing, and never raise anything else."""

import io
import os
import random
import string
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from neuguong.audit.models import AuditEvent
from neuguong.dataio import readers
from neuguong.dataio.importer import ImportInvalid, import_file
from neuguong.dataio.readers import ImportFileError
from neuguong.organizations.models import Organization
from neuguong.people.models import Membership, Person

from .helpers import PEOPLE_HEADERS, csv_bytes, opener, person_row, xlsx_bytes

pytestmark = pytest.mark.django_db


def counts():
    return (
        Person.objects.count(),
        Membership.objects.count(),
        AuditEvent.objects.count(),
        Organization.objects.count(),
    )


def file_error(data: bytes, user) -> str:
    before = counts()
    with pytest.raises(ImportFileError) as caught:
        import_file(path_or_opener=opener(data), actor=user)
    assert counts() == before
    return caught.value.message


def test_empty_file(tree):
    assert file_error(b"", tree.staff) == readers.MSG_EMPTY
    assert file_error(b"\xef\xbb\xbf\r\n  \r\n", tree.staff) == readers.MSG_EMPTY


def test_header_only_file_has_no_rows(tree):
    with pytest.raises(ImportInvalid) as caught:
        import_file(path_or_opener=opener(csv_bytes([PEOPLE_HEADERS])), actor=tree.staff)
    assert caught.value.problems == ["Tệp chỉ có dòng tiêu đề, không có dòng dữ liệu nào."]


def test_not_a_spreadsheet(tree):
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200)
    assert file_error(png, tree.staff) == readers.MSG_NOT_SPREADSHEET


def test_fifty_megabytes_of_garbage(tree):
    data = random.Random(7).randbytes(50 * 1024 * 1024)
    assert file_error(data, tree.staff) == readers.MSG_NOT_SPREADSHEET


def test_garbage_without_nul_bytes_is_not_a_spreadsheet(tree):
    data = bytes(b for b in random.Random(3).randbytes(200_000) if b not in (0,))
    assert file_error(data, tree.staff) == readers.MSG_NOT_SPREADSHEET


def test_zip_that_is_not_a_workbook(tree):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "xin chào")
    assert file_error(out.getvalue(), tree.staff) == readers.MSG_BROKEN_XLSX


def test_truncated_workbook(tree):
    data = xlsx_bytes({"Đảng viên": [PEOPLE_HEADERS, person_row(full_name="A", organization="A1")]})
    assert file_error(data[: len(data) // 2], tree.staff) == readers.MSG_BROKEN_XLSX


def test_password_protected_workbook(tree):
    # An encrypted OOXML workbook is an OLE compound file holding an "EncryptedPackage" stream.
    data = readers.CFB_MAGIC + bytes(504) + "EncryptedPackage".encode("utf-16-le") + os.urandom(4096)
    assert file_error(data, tree.staff) == readers.MSG_PROTECTED


def test_merged_header_cells(tree):
    rows = [PEOPLE_HEADERS, person_row(full_name="Lê Văn A", organization="A1")]
    data = xlsx_bytes({"Đảng viên": rows}, merge="B1:C1")
    assert file_error(data, tree.staff) == readers.MSG_MERGED_HEADER.format(ref="B1:C1")


def test_blank_header_cell_between_headers(tree):
    rows = [["Họ và tên", None, "Mã tổ chức"], ["Lê Văn A", "x", "A1"]]
    assert file_error(xlsx_bytes({"Đảng viên": rows}), tree.staff) == readers.MSG_BLANK_HEADER.format(
        row=1, letter="B"
    )


def test_formulas_instead_of_values_are_reported_per_cell(tree):
    rows = [
        PEOPLE_HEADERS,
        person_row(full_name="Lê Văn A", organization="A1", date_of_birth="=DATE(1980,1,1)"),
    ]
    before = counts()
    with pytest.raises(ImportInvalid) as caught:
        import_file(path_or_opener=opener(xlsx_bytes({"Đảng viên": rows})), actor=tree.staff)
    assert caught.value.problems == [
        "dòng 2, cột «Ngày sinh»: ô chứa công thức (=DATE(1980,1,1)); hãy chuyển công thức thành giá trị "
        "(Dán đặc biệt → Giá trị)."
    ]
    assert counts() == before


def test_unrecognised_headers(tree):
    with pytest.raises(ImportInvalid) as caught:
        import_file(path_or_opener=opener(csv_bytes([["a", "b"], ["1", "2"]])), actor=tree.staff)
    assert caught.value.problems[0].startswith("Không nhận ra dòng tiêu đề")


def test_csv_with_invalid_utf8_late_in_file(tree):
    good = csv_bytes(
        [PEOPLE_HEADERS] + [person_row(full_name=f"Người {i}", organization="A1") for i in range(20_000)]
    )
    data = good + "Lê,".encode() + b"\xff\xfe\n"
    before = counts()
    with pytest.raises(ImportFileError) as caught:
        import_file(path_or_opener=opener(data), actor=tree.staff)
    assert caught.value.message.startswith("Tệp CSV có ký tự không đọc được ở dòng")
    assert counts() == before


cells = st.one_of(
    st.none(),
    st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=30),
    st.sampled_from(
        ["A1", "B", "A", "ZZZ", "01/01/1980", "31/02/2000", "2000-13-01", "Nam", "Nữ", "x", "=1+1"]
    ),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(alphabet=string.digits, min_size=1, max_size=40),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(cells, min_size=0, max_size=len(PEOPLE_HEADERS) + 2), min_size=0, max_size=8))
def test_malformed_rows_raise_only_import_errors_and_never_write_partially(tree, rows):
    before = counts()
    data = xlsx_bytes({"Đảng viên": [PEOPLE_HEADERS, *rows]})
    try:
        report = import_file(path_or_opener=opener(data), actor=tree.secretary_a)
    except (ImportInvalid, ImportFileError):
        assert counts() == before
        return
    # A fully valid file: every row was written, nothing else.
    assert Person.objects.count() == before[0] + report.created


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=3000))
def test_arbitrary_bytes_raise_only_import_errors(tree, data):
    before = counts()
    try:
        import_file(path_or_opener=opener(data), actor=tree.staff)
    except (ImportInvalid, ImportFileError):
        pass
    else:  # pragma: no cover — random bytes that happen to be a valid import are fine too
        return
    assert counts() == before


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rows=st.lists(
        st.lists(
            st.one_of(st.text(max_size=20), st.sampled_from(["A1", "B", "01/02/1990", "Nữ", "Dự bị", ""])),
            max_size=len(PEOPLE_HEADERS) + 1,
        ),
        max_size=6,
    ),
    encoding=st.sampled_from(["utf-8", "utf-8-sig"]),
    delimiter=st.sampled_from([",", ";"]),
)
def test_malformed_csv_rows_raise_only_import_errors_and_never_write_partially(
    tree, rows, encoding, delimiter
):
    before = counts()
    try:
        data = csv_bytes([PEOPLE_HEADERS, *rows], encoding=encoding, delimiter=delimiter)
    except UnicodeEncodeError:
        return  # lone surrogates cannot even be written to a file
    try:
        report = import_file(path_or_opener=opener(data), actor=tree.secretary_a)
    except (ImportInvalid, ImportFileError):
        assert counts() == before
        return
    assert Person.objects.count() == before[0] + report.created
