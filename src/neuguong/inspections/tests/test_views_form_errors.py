"""Every inspection form: a business rule the service refuses is shown next to its field, in the service's
own Vietnamese words (the exact constant), with the input kept; nothing answers 500 on bad input."""

import datetime as dt

import pytest
from django.urls import reverse

from neuguong.core.dates import local_today
from neuguong.inspections import forms, selectors, services
from neuguong.inspections.models import InspectionState, Program, StepKind

from .factories import advance, make_inspection, make_program, pdf

pytestmark = pytest.mark.django_db
TODAY = local_today()


def _field_error(response, field: str | None, message: str) -> None:
    """The form came back (200) with exactly `message` on `field` (None: above the form)."""
    assert response.status_code == 200
    form = response.context["form"]
    errors = form.non_field_errors() if field is None else form.errors.get(field)
    assert list(errors) == [message], form.errors
    if field is not None:
        assert "is-invalid" in form.fields[field].widget.attrs["class"]
    assert message in response.content.decode()


@pytest.fixture
def staff(tree, login):
    return login(tree.staff)


def test_program_exists_is_shown_next_to_the_year(tree, staff):
    make_program(tree)
    data = {"organization": "DUK", "body": "commission", "year": TODAY.year, "title": "Chương trình thứ hai"}
    response = staff.post(reverse("inspections:program_create"), data)
    _field_error(response, "year", services.MSG_PROGRAM_EXISTS)
    assert response.context["form"]["title"].value() == "Chương trình thứ hai"
    assert Program.objects.count() == 1


def _item(tree, **changes) -> dict:
    data = {
        "kind": "duty_inspection",
        "title": "Kiểm tra nêu gương",
        "planned_start": dt.date(TODAY.year, 1, 1).isoformat(),
        "planned_end": dt.date(TODAY.year, 12, 31).isoformat(),
        "subject_organizations": "A",
    }
    return data | changes


def test_an_item_ending_before_it_starts_is_refused_on_the_end_date(tree, staff):
    program = make_program(tree)
    response = staff.post(
        reverse("inspections:create", args=[program.pk]),
        _item(tree, planned_end=dt.date(TODAY.year - 1, 12, 31).isoformat()),
    )
    _field_error(response, "planned_end", services.MSG_PERIOD_ORDER)
    assert not program.inspections.exists()


def test_an_edit_outside_the_programs_year_is_refused_on_the_start_date(tree, staff):
    inspection = make_inspection(tree)
    response = staff.post(
        reverse("inspections:edit", args=[inspection.pk]),
        _item(
            tree,
            planned_start=dt.date(TODAY.year + 1, 1, 1).isoformat(),
            planned_end=dt.date(TODAY.year + 1, 2, 1).isoformat(),
            leader=inspection.leader.pk,
        ),
    )
    _field_error(response, "planned_start", services.MSG_PERIOD_YEAR)


def test_a_step_dated_tomorrow_or_without_its_document_is_refused_on_that_field(tree, staff):
    inspection = make_inspection(tree)
    url = reverse("inspections:action", args=[inspection.pk, "decide"])
    tomorrow = (TODAY + dt.timedelta(days=1)).isoformat()
    _field_error(
        staff.post(url, {"happened_on": tomorrow, "file": pdf()}), "happened_on", services.MSG_DATE_FUTURE
    )
    response = staff.post(url, {"happened_on": TODAY.isoformat(), "number": "07-QĐ/ĐUK"})
    _field_error(response, "file", services.MSG_DOCUMENT_REQUIRED)
    assert response.context["form"]["number"].value() == "07-QĐ/ĐUK"
    inspection.refresh_from_db()
    assert inspection.state == InspectionState.PLANNED and not inspection.steps.exists()


@pytest.fixture
def examining(tree):
    inspection = make_inspection(tree)
    return advance(tree, inspection, InspectionState.EXAMINING)


def test_an_empty_working_note_is_refused_on_the_note(tree, staff, examining):
    response = staff.post(
        reverse("inspections:working_note", args=[examining.pk]),
        {"happened_on": TODAY.isoformat(), "note": ""},
    )
    _field_error(response, "note", services.MSG_NOTE_REQUIRED)


@pytest.mark.parametrize("forged", ["outside", "999999", "abc", "9" * 40])
def test_a_finding_returning_a_commitment_outside_the_committee_is_refused_on_that_field(
    tree, staff, examining, forged
):
    from neuguong.commitments.tests.factories import CommitmentFactory
    from neuguong.core.tests.factories import OrganizationFactory, PersonFactory

    if forged == "outside":  # another tree than the committee's (DUK)
        elsewhere = PersonFactory(organization=OrganizationFactory(code="KHAC", name="Đảng bộ khác"))
        forged = CommitmentFactory(organization=elsewhere.organization, responsible_person=elsewhere).pk
    response = staff.post(
        reverse("inspections:finding_add", args=[examining.pk]),
        {"text": "Báo cáo không có cơ sở", "returned_commitment": forged},
    )
    _field_error(response, "returned_commitment", selectors.MSG_COMMITMENT_NOT_FOUND)
    assert not examining.findings.exists()


def test_a_finding_returns_the_commitment_picked_by_title(tree, staff, examining):
    from neuguong.commitments import services as commitment_services
    from neuguong.commitments.status import commitment_status

    commitment = commitment_services.commitment_create(
        actor=tree.staff,
        organization=tree.org_a,
        title="Xây dựng kế hoạch nêu gương",
        deadline=TODAY + dt.timedelta(days=10),
        lead_unit=tree.org_a,
    )
    commitment_services.commitment_complete(actor=tree.staff, commitment=commitment, completed_on=TODAY)
    picked = staff.get(reverse("core:picker", args=["commitment"]), {"q": "ke hoach neu guong"})
    assert [o.value for o in picked.context["options"]] == [str(commitment.pk)]
    response = staff.post(
        reverse("inspections:finding_add", args=[examining.pk]),
        {"text": "Báo cáo không có cơ sở", "returned_commitment": commitment.pk},
    )
    assert response.status_code in (302, 303)
    assert examining.findings.get().returned_commitment == commitment
    commitment.refresh_from_db()
    assert commitment_status(commitment, TODAY) == "returned"


def test_a_breach_by_someone_not_under_the_subjects_is_refused_on_the_person(tree, staff, examining):
    response = staff.post(
        reverse("inspections:breach_add", args=[examining.pk]),
        {"person": tree.person_b.pk, "description": "Vi phạm"},
    )
    _field_error(response, "person", services.MSG_BREACH_PERSON)


def test_a_recommendation_due_yesterday_is_refused_on_the_deadline(tree, staff, examining):
    response = staff.post(
        reverse("inspections:recommendation_add", args=[examining.pk]),
        {"text": "Khắc phục", "deadline": (TODAY - dt.timedelta(days=1)).isoformat(), "lead_unit": "A"},
    )
    _field_error(response, "deadline", services.MSG_DEADLINE_PAST)


def test_carrying_over_before_the_conclusion_is_refused_above_the_form(tree, staff, examining):
    recommendation = services.recommendation_add(
        actor=tree.staff, inspection=examining, text="Khắc phục", deadline=TODAY, lead_unit=tree.org_a
    )
    response = staff.post(
        reverse("inspections:recommendation_carry_over", args=[examining.pk, recommendation.pk]),
        {"reason": "Sang năm sau"},
    )
    _field_error(response, None, services.MSG_CARRY_STATE)


def test_a_team_whose_leader_is_also_a_member_is_refused_on_the_members(tree, staff, examining):
    leader = examining.leader.pk
    response = staff.post(
        reverse("inspections:team", args=[examining.pk]), {"leader": leader, "team_members": leader}
    )
    _field_error(response, "team_members", services.MSG_LEADER_IN_TEAM)


@pytest.mark.parametrize("forged", ["999999", "abc", "9" * 40])
def test_linking_a_record_out_of_sight_is_refused_on_its_picker_and_twice_above_the_form(tree, staff, forged):
    from neuguong.commitments.tests.factories import CommitmentFactory

    inspection = make_inspection(tree)
    url = reverse("inspections:content_link", args=[inspection.pk])
    _field_error(staff.post(url, {"commitment": forged}), "commitment", selectors.MSG_RECORD_NOT_FOUND)
    _field_error(staff.post(url, {"commitment": "", "document": ""}), None, forms.MSG_ONE_RECORD)
    commitment = CommitmentFactory(organization=tree.org_a, responsible_person=tree.person_a)
    assert staff.post(url, {"commitment": commitment.pk}).status_code == 302
    _field_error(staff.post(url, {"commitment": commitment.pk}), None, services.MSG_CONTENT_LINK_EXISTS)


def test_a_file_for_a_cancelled_inspection_is_refused_on_the_file(tree, staff):
    inspection = make_inspection(tree)
    advance(tree, inspection, InspectionState.DECIDED)
    services.inspection_transition(
        actor=tree.staff,
        inspection=inspection,
        action="cancel",
        happened_on=TODAY,
        note="Không còn cần thiết",
    )
    decision = inspection.steps.get(kind=StepKind.DECISION)
    response = staff.post(
        reverse("inspections:document_add", args=[inspection.pk, decision.pk]), {"file": pdf("muon.pdf")}
    )
    _field_error(response, "file", services.MSG_DOCUMENT_CLOSED)
    # Outside a form (deleting a file), the same rule comes back as a message on the page one came from.
    document = decision.documents.get()
    detail = reverse("inspections:detail", args=[inspection.pk])
    response = staff.post(
        reverse("inspections:document_delete", args=[inspection.pk, document.pk]),
        HTTP_REFERER=f"http://testserver{detail}",
    )
    assert response.status_code == 303 and response["Location"] == f"http://testserver{detail}"
    assert services.MSG_DOCUMENT_CLOSED in staff.get(detail).content.decode()
    document.refresh_from_db()
    assert not document.is_deleted


BAD_IDS = ["0", "99999999999999999999", "2147483648"]


def test_bad_ids_and_bad_input_answer_404_or_the_form_never_500(tree, staff, examining):
    recommendation = services.recommendation_add(
        actor=tree.staff, inspection=examining, text="Khắc phục", deadline=TODAY, lead_unit=tree.org_a
    )
    step = examining.steps.first()
    for bad in BAD_IDS:
        for url in (
            f"/kiem-tra/{bad}/",
            f"/kiem-tra/{bad}/sua/",
            f"/kiem-tra/chuong-trinh/{bad}/",
            f"/kiem-tra/{examining.pk}/kien-nghi/{bad}/chuyen-tiep/",
            f"/kiem-tra/{examining.pk}/buoc-{bad}/tep/",
            f"/kiem-tra/{examining.pk}/tep/{bad}/",
        ):
            assert staff.get(url).status_code == 404, url
            assert staff.post(url, {}).status_code == 404, url
    garbage = {"happened_on": "31/02/2026", "deadline": "x" * 5000, "text": "\x00" * 10}
    garbage |= {"returned_commitment": "9" * 40, "commitment": "-1", "document": "\x00", "annual_target": "x"}
    for url in (
        reverse("inspections:finding_add", args=[examining.pk]),
        reverse("inspections:recommendation_add", args=[examining.pk]),
        reverse("inspections:working_note", args=[examining.pk]),
        reverse("inspections:content_link", args=[examining.pk]),
        reverse("inspections:recommendation_carry_over", args=[examining.pk, recommendation.pk]),
        reverse("inspections:document_add", args=[examining.pk, step.pk]),
        reverse("inspections:action", args=[examining.pk, "submit_draft"]),
    ):
        assert staff.post(url, garbage).status_code == 200, url
    for query in (
        {"year": "abc"},
        {"year": "99999"},
        {"org": "x" * 500},
        {"sort": "'; drop"},
        {"page": "-1"},
    ):
        assert staff.get(reverse("inspections:list"), query).status_code in (200, 404), query
        assert staff.get(reverse("inspections:coverage"), query).status_code in (200, 404), query
