import datetime as dt

import pytest

from neuguong.audit.models import AuditEvent
from neuguong.core.dates import format_vn, local_today
from neuguong.dataio import importer as im
from neuguong.dataio.events import DataioEvent
from neuguong.dataio.importer import ImportInvalid, import_file
from neuguong.dataio.models import ImportRun
from neuguong.people.models import Membership, Person, PersonStatus, Sex, TheoryLevel

from .helpers import PEOPLE_HEADERS, csv_bytes, opener, person_row, xlsx_bytes

pytestmark = pytest.mark.django_db


def run(data: bytes, user, **kwargs):
    return import_file(path_or_opener=opener(data), actor=user, source_name="test.csv", **kwargs)


def problems_of(data: bytes, user, **kwargs) -> list[str]:
    with pytest.raises(ImportInvalid) as caught:
        run(data, user, **kwargs)
    return caught.value.problems


ROW_AN = person_row(
    full_name="Trần Thị Hoa",
    date_of_birth="17/05/1980",
    sex="Nữ",
    card_number="55550001",
    admitted_on="3/3/2005",
    official_on="2006-03-03",
    organization="A1",
    job_title="Chuyên viên",
    theory_level="Trung cấp",
    status="Chính thức",
)


def test_csv_utf8_creates_people_with_membership_and_import_audit(tree):
    report = run(csv_bytes([PEOPLE_HEADERS, ROW_AN]), tree.secretary_a)
    assert (report.created, report.updated, report.unchanged) == (1, 0, 0)
    person = Person.objects.get(card_number="55550001")
    assert person.full_name == "Trần Thị Hoa"
    assert person.name_folded == "tran thi hoa"
    assert person.sex == Sex.FEMALE
    assert person.date_of_birth == dt.date(1980, 5, 17)
    assert person.admitted_on == dt.date(2005, 3, 3)
    assert person.official_on == dt.date(2006, 3, 3)
    assert person.organization == tree.branch_a
    assert person.theory_level == TheoryLevel.INTERMEDIATE
    assert Membership.objects.filter(person=person, organization=tree.branch_a).exists()
    event = AuditEvent.objects.get(target_id=str(person.pk), action=DataioEvent.IMPORTED)
    assert event.actor == tree.secretary_a
    assert event.org_path == tree.branch_a.path


def test_headers_match_without_diacritics_case_or_spacing(tree):
    headers = ["ho va ten", "NGAY  SINH", "mã tổ chức", "so the dang vien"]
    run(csv_bytes([headers, ["Lê Văn Tám", "01/01/1970", "A1", "55550009"]]), tree.staff)
    assert Person.objects.get(card_number="55550009").date_of_birth == dt.date(1970, 1, 1)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1258"])
def test_csv_encodings_store_nfc_names(tree, encoding):
    data = csv_bytes([PEOPLE_HEADERS, ROW_AN], encoding=encoding)
    if encoding == "cp1258":
        assert "ễ".encode() not in data  # really CP1258 bytes with combining tones
    run(data, tree.staff)
    assert Person.objects.get(card_number="55550001").full_name == "Trần Thị Hoa"


def test_semicolon_separated_csv_is_read(tree):
    run(csv_bytes([PEOPLE_HEADERS, ROW_AN], delimiter=";"), tree.staff)
    assert Person.objects.filter(card_number="55550001").exists()


def test_names_with_stray_spaces_and_nfd_are_normalised(tree):
    import unicodedata

    row = person_row(
        full_name="  " + unicodedata.normalize("NFD", "Đặng   Thị  Nga") + " ", organization="A1"
    )
    run(csv_bytes([PEOPLE_HEADERS, row]), tree.staff)
    assert Person.objects.filter(full_name="Đặng Thị Nga").count() == 1


def test_every_problem_is_reported_by_row_and_column_and_nothing_is_written(tree):
    rows = [
        PEOPLE_HEADERS,
        person_row(full_name="", organization="A1"),
        person_row(full_name="Người Một", date_of_birth="31/02/1980", organization="A1"),
        person_row(
            full_name="Người Hai", admitted_on="01/01/2010", official_on="01/01/2009", organization="A1"
        ),
        person_row(full_name="Người Ba", organization="KHONGCO"),
        person_row(full_name="Người Bốn", card_number="77770001", organization="A1"),
        person_row(full_name="Người Năm", card_number="77770001", organization="A1"),
        person_row(full_name="Người Sáu", card_number="22220001", organization="A1"),
        person_row(full_name="Người Bảy", sex="Khác", status="Đang đi học", organization="A1"),
        person_row(full_name="Người Tám", date_of_birth="hôm qua", organization="A1"),
    ]
    before = (Person.objects.count(), AuditEvent.objects.count(), Membership.objects.count())
    problems = problems_of(csv_bytes(rows), tree.secretary_a)
    assert problems == [
        "dòng 2, cột «Họ và tên»: " + im.MSG_REQUIRED,
        "dòng 3, cột «Ngày sinh»: " + im.MSG_DATE_INVALID.format(value="31/02/1980"),
        "dòng 4, cột «Ngày chính thức»: " + im.MSG_OFFICIAL_BEFORE_ADMISSION,
        "dòng 5, cột «Mã tổ chức»: " + im.MSG_UNKNOWN_ORG.format(code="KHONGCO"),
        "dòng 7, cột «Số thẻ đảng viên»: " + im.MSG_CARD_DUPLICATE_IN_FILE.format(card="77770001", other=6),
        "dòng 8, cột «Số thẻ đảng viên»: " + im.MSG_CARD_TAKEN.format(card="22220001"),
        "dòng 9, cột «Giới tính»: " + im.MSG_CHOICE.format(value="Khác", choices="Nam, Nữ"),
        "dòng 9, cột «Trạng thái»: "
        + im.MSG_CHOICE.format(
            value="Đang đi học",
            choices="Chính thức, Dự bị, Miễn sinh hoạt, Chuyển đi, Từ trần, Xóa tên/Khai trừ, Không phải đảng viên",
        ),
        "dòng 10, cột «Ngày sinh»: " + im.MSG_DATE_INVALID.format(value="hôm qua"),
    ]
    assert (Person.objects.count(), AuditEvent.objects.count(), Membership.objects.count()) == before


def test_dates_in_future_or_before_1900_are_refused(tree):
    problems = problems_of(
        csv_bytes([PEOPLE_HEADERS, person_row(full_name="X", date_of_birth="01/01/1899", organization="A1")]),
        tree.staff,
    )
    assert problems == [
        "dòng 2, cột «Ngày sinh»: "
        + im.MSG_DATE_RANGE.format(value="01/01/1899", earliest="01/01/1900", latest=format_vn(local_today()))
    ]


def test_secretary_gets_the_same_error_for_out_of_scope_and_unknown_codes(tree):
    rows = [
        PEOPLE_HEADERS,
        person_row(full_name="Người Ngoài", organization="B"),
        person_row(full_name="Người Lạ", organization="ZZZ"),
    ]
    problems = problems_of(csv_bytes(rows), tree.secretary_a)
    assert problems == [
        "dòng 2, cột «Mã tổ chức»: " + im.MSG_UNKNOWN_ORG.format(code="B"),
        "dòng 3, cột «Mã tổ chức»: " + im.MSG_UNKNOWN_ORG.format(code="ZZZ"),
    ]


def test_inspector_and_outsider_can_import_nowhere(tree):
    for user in (tree.inspector_a, tree.outsider, tree.member_a):
        problems = problems_of(csv_bytes([PEOPLE_HEADERS, ROW_AN]), user)
        assert problems == ["dòng 2, cột «Mã tổ chức»: " + im.MSG_UNKNOWN_ORG.format(code="A1")]


def test_reimport_updates_by_card_then_by_name_and_birth_date(tree):
    tree.person_a2.date_of_birth = dt.date(1980, 5, 17)
    tree.person_a2.card_number = ""
    tree.person_a2.save()
    rows = [
        PEOPLE_HEADERS,
        person_row(
            full_name="Nguyễn Nam Đình", card_number="11110001", organization="A1", job_title="Trưởng phòng"
        ),
        person_row(
            full_name="nguyễn văn an", date_of_birth="17/05/1980", organization="A1", card_number="11119999"
        ),
        person_row(full_name="Nguyễn Văn Bình", card_number="22220001", organization="B"),
    ]
    report = run(csv_bytes(rows), tree.staff)
    assert (report.created, report.updated, report.unchanged, report.matched_by_name) == (0, 2, 1, 1)
    tree.person_a.refresh_from_db()
    tree.person_a2.refresh_from_db()
    assert tree.person_a.job_title == "Trưởng phòng"
    assert tree.person_a2.card_number == "11119999"
    assert Person.objects.count() == 3
    event = AuditEvent.objects.get(target_id=str(tree.person_a.pk), action=DataioEvent.IMPORTED)
    assert event.changes == {"job_title": {"old": "", "new": "Trưởng phòng"}}
    second = run(csv_bytes(rows), tree.staff)
    assert (second.created, second.updated, second.unchanged) == (0, 0, 3)


def test_ambiguous_name_and_birth_date_match_is_an_error(tree):
    for person in (tree.person_a, tree.person_a2):
        person.full_name, person.card_number = "Nguyễn Văn An", ""
        person.save()
    problems = problems_of(
        csv_bytes(
            [
                PEOPLE_HEADERS,
                person_row(full_name="Nguyễn Văn An", date_of_birth="17/05/1980", organization="A1"),
            ]
        ),
        tree.staff,
    )
    assert problems == ["dòng 2, cột «Họ và tên»: " + im.MSG_AMBIGUOUS.format(count=2)]


def test_empty_cells_never_erase_stored_values(tree):
    run(
        csv_bytes(
            [
                PEOPLE_HEADERS,
                person_row(full_name="Nguyễn Nam Đình", card_number="11110001", organization="A1"),
            ]
        ),
        tree.staff,
    )
    tree.person_a.refresh_from_db()
    assert tree.person_a.date_of_birth == dt.date(1980, 5, 17)
    assert tree.person_a.citizen_id


def test_moving_a_person_to_another_org_keeps_membership_history(tree):
    run(
        csv_bytes(
            [
                PEOPLE_HEADERS,
                person_row(full_name="Nguyễn Văn Bình", card_number="22220001", organization="A"),
            ]
        ),
        tree.staff,
    )
    tree.person_b.refresh_from_db()
    assert tree.person_b.organization == tree.org_a
    history = [(m.organization.code, m.ended_on is None) for m in tree.person_b.memberships.order_by("id")]
    assert history == [("B", False), ("A", True)]


def test_default_org_fills_rows_without_code(tree):
    headers = ["Họ và tên", "Số thẻ đảng viên"]
    run(csv_bytes([headers, ["Phan Văn Dũng", "66660001"]]), tree.secretary_a, default_org=tree.branch_a)
    assert Person.objects.get(card_number="66660001").organization == tree.branch_a


def test_status_defaults_from_dates(tree):
    rows = [
        PEOPLE_HEADERS,
        person_row(full_name="Dự Bị", admitted_on="01/01/2025", organization="A1", card_number="1"),
        person_row(
            full_name="Chính Thức",
            admitted_on="01/01/2020",
            official_on="01/01/2021",
            organization="A1",
            card_number="2",
        ),
    ]
    run(csv_bytes(rows), tree.staff)
    assert Person.objects.get(card_number="1").status == PersonStatus.PROBATIONARY
    assert Person.objects.get(card_number="2").status == PersonStatus.OFFICIAL


def test_dry_run_writes_nothing(tree):
    report = run(csv_bytes([PEOPLE_HEADERS, ROW_AN]), tree.staff, dry_run=True)
    assert report.created == 1
    assert not Person.objects.filter(card_number="55550001").exists()


def test_xlsx_with_real_excel_dates_and_numeric_card(tree):
    row = person_row(
        full_name="Hồ Thị Lan", date_of_birth=dt.datetime(1985, 2, 1), organization="A1", card_number=55551234
    )
    run(xlsx_bytes({"Đảng viên": [PEOPLE_HEADERS, row]}), tree.staff)
    person = Person.objects.get(card_number="55551234")
    assert person.date_of_birth == dt.date(1985, 2, 1)


def test_workbook_imports_organisations_before_people(tree):
    orgs = [
        ["Mã tổ chức", "Tên tổ chức", "Loại tổ chức", "Mã tổ chức cấp trên", "Có chi ủy"],
        ["A2", "Chi bộ Phòng Tổng hợp", "Chi bộ trực thuộc", "A", "Có"],
        ["A2-1", "Chi bộ con", "Chi bộ trực thuộc", "A2", ""],
    ]
    people = [
        PEOPLE_HEADERS,
        person_row(full_name="Võ Văn Kiệt", organization="A2-1", card_number="88880001"),
    ]
    report = run(xlsx_bytes({"Tổ chức": orgs, "Đảng viên": people}), tree.staff)
    assert (report.orgs_created, report.created) == (2, 1)
    from neuguong.organizations.models import Organization

    child = Organization.objects.get(code="A2-1")
    assert child.path.startswith(tree.org_a.path) and child.depth == 3
    assert Person.objects.get(card_number="88880001").organization == child
    assert AuditEvent.objects.filter(action=DataioEvent.IMPORTED, target_id=str(child.pk)).exists()


def test_secretary_cannot_create_organisations(tree):
    orgs = [
        ["Mã tổ chức", "Tên tổ chức", "Loại tổ chức", "Mã tổ chức cấp trên"],
        ["A9", "Chi bộ mới", "Chi bộ trực thuộc", "A"],
    ]
    problems = problems_of(xlsx_bytes({"Tổ chức": orgs}), tree.secretary_a)
    assert problems == ["dòng 2, cột «Mã tổ chức cấp trên»: " + im.MSG_UNKNOWN_ORG.format(code="A")]


def test_cli_summary_run_is_audited(tree):
    from neuguong.dataio.services import import_run_record

    report = run(
        csv_bytes([PEOPLE_HEADERS, ROW_AN]),
        tree.secretary_a,
        finalize=lambda r: import_run_record(
            actor=tree.secretary_a, source_name="x.csv", organization=None, report=r
        ),
    )
    run_row = ImportRun.objects.get()
    assert run_row.report["created"] == report.created == 1
    assert AuditEvent.objects.filter(
        action=DataioEvent.IMPORT_APPLIED, target_id=str(run_row.pk), actor=tree.secretary_a
    ).exists()


ORG_HEADERS = ["Mã tổ chức", "Tên tổ chức", "Loại tổ chức", "Mã tổ chức cấp trên"]


def test_secretary_may_reimport_her_organisations_unchanged_but_not_rename_them(tree):
    rows = [ORG_HEADERS, ["A1", "Chi bộ Phòng Ngân sách", "Chi bộ trực thuộc", "A"]]
    report = run(xlsx_bytes({"Tổ chức": rows}), tree.secretary_a)
    assert (report.orgs_created, report.orgs_updated, report.orgs_unchanged) == (0, 0, 1)
    rows[1][1] = "Tên mới"
    problems = problems_of(xlsx_bytes({"Tổ chức": rows}), tree.secretary_a)
    assert problems == ["dòng 2, cột «Mã tổ chức»: " + im.MSG_NO_STRUCTURE_RIGHT]
    problems = problems_of(xlsx_bytes({"Tổ chức": [ORG_HEADERS, ["B", "X", "", ""]]}), tree.secretary_a)
    assert problems == ["dòng 2, cột «Mã tổ chức»: " + im.MSG_ORG_CODE_TAKEN.format(code="B")]


def test_organisation_rows_cannot_move_or_dissolve(tree):
    problems = problems_of(
        xlsx_bytes({"Tổ chức": [ORG_HEADERS, ["A1", "Chi bộ Phòng Ngân sách", "", "B"]]}), tree.staff
    )
    assert problems == ["dòng 2, cột «Mã tổ chức cấp trên»: " + im.MSG_PARENT_CHANGE]
