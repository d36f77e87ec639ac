"""The data-quality report and a batch's accounts are office files (core/office_sheet.py): title rows, a
frozen boxed header with an STT, real dates shown dd/mm/yyyy; the accounts file is never cached."""

import datetime as dt
import io

import openpyxl
import pytest

from neuguong.core.dates import local_today
from neuguong.core.office_sheet import FIRST_DATA_ROW, HEADER_ROW
from neuguong.core.tests.factories import PersonFactory
from neuguong.dataio import quality
from neuguong.dataio.accounts import account_batch_run, account_batch_start

pytestmark = pytest.mark.django_db


def _workbook(response) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def _header(sheet) -> list:
    return [c.value for c in sheet[HEADER_ROW]]


def test_the_quality_report_is_an_office_file_with_dates_as_dates(tree, login):
    PersonFactory(
        full_name="Trần Thị Chưa Thẻ",
        organization=tree.branch_a,
        card_number="",
        date_of_birth=dt.date(1980, 5, 17),
    )
    workbook = _workbook(login(tree.staff).get("/du-lieu/chat-luong/xlsx/"))
    summary = workbook["Tổng hợp"]
    assert summary["A1"].value == "BÁO CÁO CHẤT LƯỢNG DỮ LIỆU"
    assert summary["A3"].value == f"Ngày lập: {local_today():%d/%m/%Y}"
    assert _header(summary) == ["STT", "Tổ chức", "Mã", *[c.label for c in quality.CHECKS]]
    assert summary.freeze_panes == f"B{FIRST_DATA_ROW}"
    last = [c.value for c in summary[summary.max_row]]
    assert last[:3] == [None, "Tổng cộng", None] and last[3] == 1  # one person without a card
    assert summary.cell(summary.max_row, 2).font.b
    index = [c.key for c in quality.CHECKS].index("no_card") + 1
    detail = next(ws for ws in workbook.worksheets if ws.title.startswith(f"{index}."))
    assert _header(detail)[:4] == ["STT", "Họ và tên", "Ngày sinh", "Số thẻ đảng viên"]
    assert detail.freeze_panes == f"B{FIRST_DATA_ROW}"
    row = detail[FIRST_DATA_ROW]
    assert (row[0].value, row[1].value) == (1, "Trần Thị Chưa Thẻ")
    assert row[2].value == dt.datetime(1980, 5, 17) and row[2].number_format == "DD/MM/YYYY"


def test_the_accounts_file_is_an_office_file_never_cached_and_passwords_only_once(tree, login):
    batch = account_batch_run(
        batch=account_batch_start(actor=tree.staff, organization=tree.org_b, scheme="card")
    )
    password = batch.rows[0][3]
    client = login(tree.staff)
    response = client.post(f"/du-lieu/tai-khoan/dot/{batch.pk}/xlsx/")
    assert response["Cache-Control"] == "private, no-store"
    sheet = _workbook(response)["Tài khoản"]
    assert sheet["A1"].value == "DANH SÁCH TÀI KHOẢN ĐĂNG NHẬP"
    assert sheet["A2"].value == "Đơn vị: Chi bộ Sở Tư pháp"
    assert sheet["A3"].value == f"Ngày lập: {local_today():%d/%m/%Y}"
    assert _header(sheet) == ["STT", "Họ và tên", "Tổ chức", "Tên đăng nhập", "Mật khẩu lần đầu"]
    assert sheet.freeze_panes == f"B{FIRST_DATA_ROW}"
    assert [c.value for c in sheet[FIRST_DATA_ROW]] == [
        1,
        "Nguyễn Văn Bình",
        "Chi bộ Sở Tư pháp",
        "22220001",
        password,
    ]
    assert sheet.cell(FIRST_DATA_ROW, 4).number_format == "General"  # a username of digits stays text
    again = _workbook(client.post(f"/du-lieu/tai-khoan/dot/{batch.pk}/xlsx/"))["Tài khoản"]
    assert [c.value for c in again[FIRST_DATA_ROW]][1:4] == [
        "Nguyễn Văn Bình",
        "Chi bộ Sở Tư pháp",
        "22220001",
    ]
    assert again.cell(FIRST_DATA_ROW, 5).value in (None, "")
