"""User text is stored as text in every XLSX export, never as a live formula (issue 19, point 3)."""

import datetime as dt
import io
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from neuguong.commitments.tests.factories import CommitmentFactory
from neuguong.core.dates import local_today
from neuguong.core.xlsx_cells import MAX_CELL_TEXT, SafeSheet, cell_value, write
from neuguong.dataio.accounts import account_batch_run, account_batch_start
from neuguong.docengine.xlsx import AnnexSheet, Column, build_workbook
from neuguong.inspections.exports import coverage_workbook, inspections_workbook
from neuguong.study import reports as study_reports
from neuguong.study import services as study_services
from neuguong.study.tests.factories import make_campaign
from neuguong.targets.exports import overdue_workbook, rollup_workbook

INJECTION = '=HYPERLINK("http://evil.example/","Bấm vào đây")'


def text_cells(data: bytes, needle: str = "HYPERLINK") -> list:
    workbook = load_workbook(io.BytesIO(data))
    return [
        cell
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str) and needle in cell.value
    ]


def assert_stored_as_text(data: bytes, text: str = INJECTION) -> None:
    cells = text_cells(data)
    assert cells, "the user's text is in the file"
    assert [c.coordinate for c in cells if c.data_type != "s"] == []
    assert any(c.value == text for c in cells), [c.value for c in cells]


# ----------------------------------------------------------------------------------------- the writer


@pytest.mark.parametrize("write_only", [True, False])
def test_cell_value_keeps_formula_like_text_and_error_codes_as_text(write_only):
    workbook = Workbook(write_only=write_only)
    sheet = SafeSheet(workbook.create_sheet("x") if write_only else workbook.active)
    sheet.append([INJECTION, "#N/A", "+84 912", "-", "@me", "a\x01b", 7, dt.date(2026, 5, 17), None])
    buffer = io.BytesIO()
    workbook.save(buffer)
    row = next(load_workbook(io.BytesIO(buffer.getvalue())).active.iter_rows())
    assert [c.value for c in row[:8]] == [
        INJECTION,
        "#N/A",
        "+84 912",
        "-",
        "@me",
        "ab",
        7,
        dt.datetime(2026, 5, 17),
    ]
    assert [c.data_type for c in row[:6]] == ["s"] * 6
    assert row[0].quotePrefix and not row[5].quotePrefix
    assert row[7].number_format == "DD/MM/YYYY"


def test_write_keeps_text_as_text_and_long_text_fits_a_cell():
    workbook = Workbook()
    write(workbook.active, 1, 1, INJECTION)
    write(workbook.active, 2, 1, "x" * (MAX_CELL_TEXT + 10))
    workbook.active.cell(row=3, column=1, value="=SUM(1,2)")  # a formula we mean
    buffer = io.BytesIO()
    workbook.save(buffer)
    sheet = load_workbook(io.BytesIO(buffer.getvalue())).active
    assert (sheet["A1"].value, sheet["A1"].data_type) == (INJECTION, "s")
    assert len(sheet["A2"].value) == MAX_CELL_TEXT
    assert sheet["A3"].data_type == "f"


def test_plain_values_are_passed_through_untouched():
    sheet = Workbook(write_only=True).create_sheet()
    assert cell_value(sheet, "Nguyễn Văn An") == "Nguyễn Văn An"
    assert cell_value(sheet, 12) == 12 and cell_value(sheet, None) is None


# ------------------------------------------------------------------------------------ every export


def test_people_export(tree, login):
    tree.person_a.full_name = INJECTION
    tree.person_a.save()
    response = login(tree.staff).get(reverse("dataio:export_people"))
    assert_stored_as_text(b"".join(response.streaming_content))


def test_organisations_export(tree, login):
    tree.org_b.name = INJECTION
    tree.org_b.save()
    response = login(tree.staff).get(reverse("dataio:export_organizations"))
    assert_stored_as_text(b"".join(response.streaming_content))


def test_data_quality_export(tree, login):
    tree.org_b.name = INJECTION
    tree.org_b.save()
    response = login(tree.staff).get(reverse("dataio:quality_xlsx"))
    assert_stored_as_text(b"".join(response.streaming_content))


def test_account_batch_export(tree, login):
    tree.person_b.full_name = INJECTION
    tree.person_b.save()
    batch = account_batch_start(actor=tree.staff, organization=tree.org_b, scheme="card")
    account_batch_run(batch=batch)
    response = login(tree.staff).post(reverse("dataio:account_batch_xlsx", args=[batch.pk]))
    assert_stored_as_text(b"".join(response.streaming_content))


def test_commitments_board_export(tree, login):
    CommitmentFactory(responsible_person=tree.person_a, title=INJECTION)
    response = login(tree.staff).get(reverse("commitments:board_export"))
    assert_stored_as_text(response.content)


def test_report_annex_pl1(tree, login):
    tree.org_a.name = INJECTION
    tree.org_a.save()
    CommitmentFactory(responsible_person=tree.person_a, deadline=local_today())
    year = local_today().year
    url = reverse("reports:download", kwargs={"kind": "commitments", "code": "DUK", "fmt": "xlsx"})
    response = login(tree.staff).get(f"{url}?start={year}-01-01&end={year}-12-31")
    data = response.content if hasattr(response, "content") else b"".join(response.streaming_content)
    assert_stored_as_text(data)
    assert any(c.data_type == "f" for c in text_cells(data, needle="SUM("))  # totals stay formulas


def test_annex_engine_writes_headings_data_and_notes_as_text_but_its_own_formulas_as_formulas():
    sheet = AnnexSheet(
        title="PL1",
        heading=[INJECTION],
        columns=[
            Column("Tổ chức"),
            Column("Số", kind="int", total=True),
            Column("Tỷ lệ", kind="percent", formula="=IF({total}=0,0,B{row}/{total})"),
        ],
        rows=[[INJECTION, 3, None]],
        note=INJECTION,
    )
    data = build_workbook([sheet])
    assert len(text_cells(data)) == 3
    assert_stored_as_text(data)
    assert {c.data_type for c in text_cells(data, needle="IF(")} == {"f"}


def test_study_annex_and_campaign_list(tree, login):
    campaign = make_campaign(tree.staff, tree.root, title=INJECTION)
    study_services.invitees_generate(actor=tree.staff, campaign=campaign)
    tree.person_a.full_name = INJECTION
    tree.person_a.save()
    assert_stored_as_text(study_reports.campaign_annex_xlsx(user=tree.staff, campaign=campaign))
    response = login(tree.staff).get(reverse("study:campaign_list_xlsx"))
    assert_stored_as_text(response.content)


def test_targets_exports():
    agency = SimpleNamespace(name=INJECTION)
    cell = SimpleNamespace(
        value=Decimal("3.5"), status_label="Đạt", label="Quý I", deadline=dt.date(2026, 4, 5)
    )
    rollup = {
        "periods": [cell],
        "rows": [{"target": SimpleNamespace(agency=agency, target_value=4), "cells": [cell]}],
    }
    indicator = SimpleNamespace(code="CT1", name="Chỉ tiêu", unit="%")
    assert_stored_as_text(rollup_workbook(indicator, 2026, rollup))
    target = SimpleNamespace(agency=agency, indicator=SimpleNamespace(name=INJECTION))
    assert_stored_as_text(overdue_workbook([{"target": target, "cell": cell, "days_late": 3}]))


def test_inspections_exports():
    org = SimpleNamespace(name=INJECTION, code="A")
    person = SimpleNamespace(full_name=INJECTION)
    report = {
        "term": None,
        "year": 2026,
        "organizations": [{"organization": org, "forms_this_year": 0, "this_term": False, "last_year": None}],
        "heads": [
            {
                "position": SimpleNamespace(person=person, organization=org),
                "forms_this_year": 1,
                "this_term": True,
                "last_year": 2026,
            }
        ],
        "overdue": [],
    }
    assert_stored_as_text(coverage_workbook(report))
    inspection = SimpleNamespace(
        title=INJECTION,
        get_kind_display=lambda: "Kiểm tra",
        program=SimpleNamespace(organization=org, year=2026),
        subjects=SimpleNamespace(all=lambda: [SimpleNamespace(organization_id=1, organization=org)]),
        planned_start=dt.date(2026, 3, 1),
        planned_end=dt.date(2026, 3, 31),
        get_state_display=lambda: "Kế hoạch",
    )
    assert_stored_as_text(inspections_workbook([inspection]))
