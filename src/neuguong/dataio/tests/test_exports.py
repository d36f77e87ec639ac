import io

import openpyxl
import pytest

from neuguong.dataio.columns import (
    ORG_COLUMNS,
    ORGANIZATION_FIELDS_NOT_IN_TEMPLATE,
    PEOPLE_COLUMNS,
    PERSON_FIELDS_NOT_IN_TEMPLATE,
)
from neuguong.dataio.importer import import_file
from neuguong.organizations.models import Organization
from neuguong.people.models import Person

from .helpers import opener

pytestmark = pytest.mark.django_db


def test_every_person_field_is_in_the_template_or_explicitly_excluded():
    covered = {c.field for c in PEOPLE_COLUMNS}
    fields = {f.name for f in Person._meta.concrete_fields}
    missing = fields - covered - set(PERSON_FIELDS_NOT_IN_TEMPLATE)
    assert not missing, f"Person fields missing from the import template: {sorted(missing)}"
    assert not (covered & set(PERSON_FIELDS_NOT_IN_TEMPLATE))


def test_every_organization_field_is_in_the_template_or_explicitly_excluded():
    covered = {c.field for c in ORG_COLUMNS}
    fields = {f.name for f in Organization._meta.concrete_fields}
    assert not (fields - covered - set(ORGANIZATION_FIELDS_NOT_IN_TEMPLATE))


def _sheet(response, title):
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    return [list(r) for r in workbook[title].iter_rows(values_only=True)]


def test_people_export_edit_import_round_trips(tree, login):
    client = login(tree.staff)
    response = client.get("/du-lieu/xuat/dang-vien.xlsx", {"org": "A"})
    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    sheet = workbook["Đảng viên"]
    headers = [c.value for c in sheet[1]]
    assert headers == [c.header for c in PEOPLE_COLUMNS]
    assert sheet.max_row == 3  # person_a, person_a2 (branch A1 under A)
    # an untouched export re-imports as "unchanged"
    report = import_file(path_or_opener=opener(data), actor=tree.staff)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 2)
    # edit one cell, add one row
    job = headers.index("Chức vụ") + 1
    sheet.cell(row=2, column=job, value="Phó Trưởng phòng")
    new_row = [c.value for c in sheet[2]]
    new_row[headers.index("Họ và tên")] = "Người Mới"
    new_row[headers.index("Số thẻ đảng viên")] = "99990001"
    new_row[headers.index("Số CCCD")] = None
    sheet.append(new_row)
    out = io.BytesIO()
    workbook.save(out)
    report = import_file(path_or_opener=opener(out.getvalue()), actor=tree.staff)
    assert (report.created, report.updated, report.unchanged) == (1, 1, 1)
    edited = Person.objects.get(
        card_number=sheet.cell(row=2, column=headers.index("Số thẻ đảng viên") + 1).value
    )
    assert edited.job_title == "Phó Trưởng phòng"
    new = Person.objects.get(card_number="99990001")
    original = Person.objects.get(pk=edited.pk)
    for name in (
        "date_of_birth",
        "sex",
        "admitted_on",
        "official_on",
        "organization_id",
        "theory_level",
        "status",
    ):
        assert getattr(new, name) == getattr(original, name)


def test_export_hides_citizen_id_unless_asked_and_allowed(tree, login):
    from neuguong.audit.models import SensitiveAccess

    rows = _sheet(login(tree.staff).get("/du-lieu/xuat/dang-vien.xlsx"), "Đảng viên")
    column = rows[0].index("Số CCCD")
    assert all(r[column] in (None, "") for r in rows[1:])
    rows = _sheet(login(tree.staff).get("/du-lieu/xuat/dang-vien.xlsx", {"cccd": "1"}), "Đảng viên")
    assert all(r[column] for r in rows[1:])
    assert SensitiveAccess.objects.filter(user=tree.staff).count() == 3
    rows = _sheet(login(tree.inspector_a).get("/du-lieu/xuat/dang-vien.xlsx", {"cccd": "1"}), "Đảng viên")
    assert all(r[column] in (None, "") for r in rows[1:])


def test_organization_export_round_trips(tree, login):
    response = login(tree.staff).get("/du-lieu/xuat/to-chuc.xlsx")
    data = b"".join(response.streaming_content)
    rows = _sheet_bytes(data, "Tổ chức")
    assert rows[0] == [c.header for c in ORG_COLUMNS]
    assert [r[0] for r in rows[1:]] == ["DUK", "A", "A1", "B"]
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    workbook["Tổ chức"].delete_rows(2)  # the root cannot be imported
    workbook["Tổ chức"].cell(row=3, column=2, value="Chi bộ Phòng Ngân sách và Kho bạc")
    out = io.BytesIO()
    workbook.save(out)
    report = import_file(path_or_opener=opener(out.getvalue()), actor=tree.staff)
    assert (report.orgs_created, report.orgs_updated, report.orgs_unchanged) == (0, 1, 2)
    tree.branch_a.refresh_from_db()
    assert tree.branch_a.name == "Chi bộ Phòng Ngân sách và Kho bạc"
    assert tree.branch_a.decisions.filter(kind="rename").exists()


def _sheet_bytes(data, title):
    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    return [list(r) for r in workbook[title].iter_rows(values_only=True)]


def test_template_download_is_importable_and_documents_every_column(tree, login):
    response = login(tree.secretary_a).get("/du-lieu/mau-nhap.xlsx")
    data = b"".join(response.streaming_content)
    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    assert workbook.sheetnames == ["Hướng dẫn", "Tổ chức", "Đảng viên"]
    guide = " ".join(str(v) for r in workbook["Hướng dẫn"].iter_rows(values_only=True) for v in r if v)
    for column in PEOPLE_COLUMNS + ORG_COLUMNS:
        assert column.header in guide


@pytest.mark.parametrize(
    ("user", "status"),
    [("staff", 200), ("secretary_a", 200), ("inspector_a", 200), ("member_a", 404), ("outsider", 404)],
)
def test_export_access_by_role(tree, login, user, status):
    client = login(getattr(tree, user))
    assert client.get("/du-lieu/xuat/dang-vien.xlsx").status_code == status
    assert client.get("/du-lieu/xuat/to-chuc.xlsx").status_code == status


def test_secretary_exports_only_her_subtree_and_out_of_scope_filter_is_404(tree, login):
    client = login(tree.secretary_a)
    rows = _sheet(client.get("/du-lieu/xuat/dang-vien.xlsx"), "Đảng viên")
    assert sorted(r[0] for r in rows[1:]) == ["Nguyễn Nam Đình", "Nguyễn Văn An"]
    assert client.get("/du-lieu/xuat/dang-vien.xlsx", {"org": "B"}).status_code == 404
    assert client.get("/du-lieu/xuat/to-chuc.xlsx", {"org": "B"}).status_code == 404


def test_export_queries_do_not_grow_with_rows(tree, login, django_assert_max_num_queries):
    from neuguong.core.tests.factories import PersonFactory

    for _ in range(40):
        PersonFactory(organization=tree.branch_a)
    client = login(tree.staff)
    with django_assert_max_num_queries(12):
        response = client.get("/du-lieu/xuat/dang-vien.xlsx")
        b"".join(response.streaming_content)
