"""Recommendations become commitments; closing waits for them; findings return commitment reports;
coverage and its export."""

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from neuguong.commitments import services as commitment_services
from neuguong.commitments.status import OPEN_ON_TIME, RETURNED
from neuguong.core.dates import local_today
from neuguong.core.errors import BusinessError
from neuguong.core.office_sheet import FIRST_DATA_ROW
from neuguong.core.tests.factories import PersonFactory
from neuguong.inspections import exports, services
from neuguong.inspections.followup import (
    CARRIED_OVER,
    MSG_TRACK_NO_RIGHT,
    commitment_for,
    recommendation_progress,
)
from neuguong.inspections.models import InspectionState
from neuguong.inspections.selectors import coverage
from neuguong.organizations.models import Term
from neuguong.people.models import Position, PositionTitle

from .factories import account_for, advance, make_inspection, make_program, seat

pytestmark = pytest.mark.django_db


def _with_recommendations(tree, *, count=2):
    inspection = make_inspection(tree)
    advance(tree, inspection, InspectionState.EXAMINING)
    deadline = local_today() + dt.timedelta(days=30)
    recs = [
        services.recommendation_add(
            actor=tree.staff,
            inspection=inspection,
            text="Bổ sung kế hoạch nêu gương",
            deadline=deadline,
            lead_unit=tree.org_a,
        ),
        services.recommendation_add(
            actor=tree.staff,
            inspection=inspection,
            text="Đ/c Đình khắc phục hạn chế",
            deadline=deadline,
            responsible_person=tree.person_a,
        ),
    ][:count]
    return inspection, recs


def _close(tree, inspection):
    return services.inspection_transition(
        actor=tree.staff, inspection=inspection, action="close", happened_on=local_today()
    )


def test_issuing_the_conclusion_puts_each_recommendation_on_the_commitments_board(tree):
    inspection, (unit_rec, person_rec) = _with_recommendations(tree)
    assert commitment_for(unit_rec) is None
    advance(tree, inspection, InspectionState.CONCLUDED)
    unit_commitment = commitment_for(unit_rec)
    person_commitment = commitment_for(person_rec)
    assert unit_commitment.source_kind == "inspection"
    assert unit_commitment.organization == tree.org_a and unit_commitment.lead_unit == tree.org_a
    assert unit_commitment.deadline == unit_rec.deadline
    assert person_commitment.organization == tree.branch_a
    assert person_commitment.responsible_person == tree.person_a
    rows = recommendation_progress([unit_rec, person_rec], today=local_today())
    assert [row["status"] for row in rows] == [OPEN_ON_TIME, OPEN_ON_TIME]


def test_closing_with_open_recommendations_is_refused_then_allowed_once_done_or_carried_over(tree):
    inspection, (unit_rec, person_rec) = _with_recommendations(tree)
    advance(tree, inspection, InspectionState.NOTICE_ISSUED)
    with pytest.raises(BusinessError) as exc:
        _close(tree, inspection)
    assert exc.value.message == services.MSG_OPEN_RECOMMENDATIONS.format(count=2)
    commitment_services.commitment_complete(
        actor=tree.staff, commitment=commitment_for(unit_rec), completed_on=local_today()
    )
    with pytest.raises(BusinessError) as exc:
        _close(tree, inspection)
    assert exc.value.message == services.MSG_OPEN_RECOMMENDATIONS.format(count=1)
    with pytest.raises(BusinessError) as exc:
        services.recommendation_carry_over(actor=tree.staff, recommendation=person_rec, reason="  ")
    assert exc.value.message == services.MSG_CARRY_REASON
    services.recommendation_carry_over(
        actor=tree.staff, recommendation=person_rec, reason="Chuyển sang chương trình năm sau"
    )
    rows = recommendation_progress([person_rec], today=local_today())
    assert rows[0]["status"] == CARRIED_OVER and rows[0]["settled"]
    _close(tree, inspection)
    inspection.refresh_from_db()
    assert inspection.state == InspectionState.CLOSED


def test_a_commission_member_without_a_write_role_cannot_issue_a_conclusion_with_recommendations(tree):
    member = PersonFactory(organization=tree.root)
    seat(member, PositionTitle.INSPECTION_MEMBER, tree.root)
    user = account_for(member, "ubkt_only")
    inspection, _recs = _with_recommendations(tree, count=1)
    advance(tree, inspection, InspectionState.DRAFT_CONCLUSION)
    with pytest.raises(BusinessError) as exc:
        services.inspection_transition(
            actor=user, inspection=inspection, action="conclude", happened_on=local_today()
        )
    assert exc.value.message == MSG_TRACK_NO_RIGHT.format(org=tree.org_a.name)
    inspection.refresh_from_db()
    assert inspection.state == InspectionState.DRAFT_CONCLUSION


def test_a_finding_returns_an_unsupported_commitment_report(tree):
    commitment = commitment_services.commitment_create(
        actor=tree.staff,
        organization=tree.org_a,
        title="Xây dựng kế hoạch nêu gương",
        deadline=local_today() + dt.timedelta(days=10),
        lead_unit=tree.org_a,
    )
    commitment_services.commitment_complete(
        actor=tree.staff, commitment=commitment, completed_on=local_today()
    )
    inspection = make_inspection(tree)
    advance(tree, inspection, InspectionState.EXAMINING)
    finding = services.finding_add(
        actor=tree.staff,
        inspection=inspection,
        text="Báo cáo hoàn thành không có cơ sở: chưa ban hành kế hoạch",
        returned_commitment=commitment,
    )
    commitment.refresh_from_db()
    from neuguong.commitments.status import commitment_status

    assert commitment_status(commitment, local_today()) == RETURNED
    assert finding.returned_commitment == commitment


def test_coverage_shows_who_was_inspected_this_year_and_term_and_who_never(tree):
    Term.objects.create(organization=tree.root, name="2025–2030", start_year=2025, end_year=2030)
    head_a = PersonFactory(full_name="Thủ Trưởng A", organization=tree.branch_a)
    head_b = PersonFactory(full_name="Thủ Trưởng B", organization=tree.org_b)
    for person, org in ((head_a, tree.org_a), (head_b, tree.org_b)):
        Position.objects.create(
            person=person,
            title=PositionTitle.HEAD_OF_AGENCY,
            organization=org,
            started_on=dt.date(2024, 1, 1),
        )
    program = make_program(tree)
    inspection = make_inspection(tree, program=program, people=[head_a])
    planned_only = make_inspection(tree, program=program, subjects=[tree.org_b])
    assert planned_only.state == InspectionState.PLANNED  # planned but not decided: does not count
    advance(tree, inspection, InspectionState.DECIDED)
    year = local_today().year
    report = coverage(committee=tree.root, year=year)
    by_org = {row["organization"].code: row for row in report["organizations"]}
    assert by_org["A"]["this_year"] and by_org["A"]["this_term"] == (2025 <= year <= 2030)
    assert not by_org["B"]["ever"]
    assert [r["organization"].code for r in report["never_organizations"]] == ["B"]
    by_head = {row["position"].person.full_name: row for row in report["heads"]}
    assert by_head["Thủ Trưởng A"]["this_year"] and not by_head["Thủ Trưởng B"]["ever"]
    assert report["term"].name == "2025–2030"

    workbook = load_workbook(io.BytesIO(exports.coverage_workbook(report)))
    rows = list(workbook["To chuc"].iter_rows(min_row=FIRST_DATA_ROW, values_only=True))
    assert sorted((r[2], r[3]) for r in rows) == [("A", "Kiểm tra"), ("B", "Chưa")]
    heads = {
        r[1]: r[3] for r in workbook["Nguoi dung dau"].iter_rows(min_row=FIRST_DATA_ROW, values_only=True)
    }
    assert heads == {"Thủ Trưởng A": "Kiểm tra", "Thủ Trưởng B": "Chưa"}


def test_coverage_lists_overdue_recommendations_by_organisation(tree):
    inspection, (unit_rec, _person_rec) = _with_recommendations(tree)
    advance(tree, inspection, InspectionState.CONCLUDED)
    later = local_today() + dt.timedelta(days=31)
    report = coverage(committee=tree.root, year=later.year, today=later)
    assert {group["organization"].code: len(group["items"]) for group in report["overdue"]} == {
        "A": 1,
        "A1": 1,
    }
    commitment_services.commitment_complete(
        actor=tree.staff, commitment=commitment_for(unit_rec), completed_on=local_today()
    )
    report = coverage(committee=tree.root, year=later.year, today=later)
    assert {group["organization"].code for group in report["overdue"]} == {"A1"}
    workbook = load_workbook(io.BytesIO(exports.coverage_workbook(report)))
    overdue = list(workbook["Kien nghi qua han"].iter_rows(min_row=FIRST_DATA_ROW, values_only=True))
    assert len(overdue) == 1 and overdue[0][1] == tree.branch_a.name


def test_coverage_tells_inspection_from_supervision(tree):
    from neuguong.inspections.models import InspectionKind

    program = make_program(tree)
    inspection = make_inspection(tree, program=program)
    supervision = make_inspection(tree, program=program)
    supervision.kind = InspectionKind.THEMATIC_SUPERVISION
    supervision.save()
    advance(tree, inspection, InspectionState.DECIDED)
    report = coverage(committee=tree.root, year=local_today().year)
    assert {r["organization"].code: r["forms_this_year"] for r in report["organizations"]} == {
        "A": "Kiểm tra",
        "B": "",
    }
    advance(tree, supervision, InspectionState.DECIDED)
    report = coverage(committee=tree.root, year=local_today().year)
    assert {r["organization"].code: r["forms_this_year"] for r in report["organizations"]} == {
        "A": "Kiểm tra, Giám sát",
        "B": "",
    }
