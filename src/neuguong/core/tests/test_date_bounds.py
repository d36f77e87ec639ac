"""Dates people enter are bounded in one place, core/dates.py (issue 19, point 6): 01/01/1930 … today + 10
years; a completion between the commitment's creation (or start) and today, Vietnam date."""

import datetime as dt

import pytest

from neuguong.access.services import api_token_create
from neuguong.commitments import services as commitments
from neuguong.core.dates import (
    EARLIEST_DATE,
    MSG_DATE_RANGE,
    check_date,
    format_vn,
    latest_date,
    local_today,
)
from neuguong.core.errors import BusinessError
from neuguong.documents.services import document_register
from neuguong.people.services import MSG_BIRTH_IN_FUTURE, person_update
from neuguong.reports.periods import custom_period

TODAY = local_today()


def range_message(label: str) -> str:
    return MSG_DATE_RANGE.format(label=label, earliest="01/01/1930", latest=format_vn(latest_date()))


def refused(call) -> BusinessError:
    with pytest.raises(BusinessError) as caught:
        call()
    return caught.value


def test_the_bounds_are_1930_to_ten_years_ahead():
    assert dt.date(1930, 1, 1) == EARLIEST_DATE
    assert latest_date(dt.date(2026, 12, 1)) == dt.date(2036, 12, 1)
    assert latest_date(dt.date(2028, 2, 29)) == dt.date(2038, 2, 28)
    assert check_date(dt.date(1930, 1, 1), field="d", label="Ngày") == dt.date(1930, 1, 1)
    error = refused(lambda: check_date(dt.date(1929, 12, 31), field="d", label="Ngày"))
    assert (error.message, error.field) == (range_message("Ngày"), "d")
    refused(lambda: check_date(latest_date() + dt.timedelta(days=1), field="d", label="Ngày"))


@pytest.fixture
def own(tree):
    """A commitment of member_a, created today, due in a week."""
    return commitments.commitment_create(
        actor=tree.secretary_a,
        organization=tree.org_a,
        title="Viết bài thu hoạch",
        deadline=TODAY + dt.timedelta(days=7),
        responsible_person=tree.person_a,
    )


def test_a_member_cannot_complete_their_commitment_on_2000_01_01(tree, own):
    error = refused(
        lambda: commitments.commitment_complete(
            actor=tree.member_a, commitment=own, completed_on=dt.date(2000, 1, 1)
        )
    )
    assert error.message == commitments.MSG_COMPLETED_RANGE.format(
        earliest=format_vn(TODAY), since="ngày giao nhiệm vụ", today=format_vn(TODAY)
    )
    assert error.field == "completed_on"
    commitments.commitment_complete(actor=tree.member_a, commitment=own, completed_on=TODAY)


def test_staff_cannot_backdate_an_overdue_commitment_to_1900(tree):
    overdue = commitments.commitment_create(
        actor=tree.staff,
        organization=tree.org_a,
        title="Nộp báo cáo",
        deadline=TODAY - dt.timedelta(days=30),
        responsible_person=tree.person_a,
        reason="Ghi bù nhiệm vụ đã giao trên giấy",
    )
    error = refused(
        lambda: commitments.commitment_complete(
            actor=tree.staff, commitment=overdue, completed_on=dt.date(1900, 1, 1)
        )
    )
    assert error.field == "completed_on"


def test_a_commitment_recorded_after_the_fact_may_be_completed_from_its_start(tree):
    duty = commitments.commitment_create(
        actor=tree.staff,
        organization=tree.org_a,
        title="Báo cáo quý",
        start_on=TODAY - dt.timedelta(days=90),
        deadline=TODAY - dt.timedelta(days=10),
        responsible_person=tree.person_a,
        reason="Kỳ báo cáo đã qua",
    )
    error = refused(
        lambda: commitments.commitment_complete(
            actor=tree.staff, commitment=duty, completed_on=TODAY - dt.timedelta(days=91)
        )
    )
    assert error.message == commitments.MSG_COMPLETED_RANGE.format(
        earliest=format_vn(duty.start_on), since="ngày bắt đầu nhiệm vụ", today=format_vn(TODAY)
    )
    commitments.commitment_complete(
        actor=tree.staff, commitment=duty, completed_on=TODAY - dt.timedelta(days=20)
    )


def test_the_api_answers_a_backdated_completion_with_400_and_the_message(tree, own, client):
    token = api_token_create(user=tree.member_a)
    response = client.post(
        f"/api/v1/commitments/{own.pk}/complete",
        {"completed_on": "2000-01-01"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 400
    assert response.json()["field"] == "completed_on"


@pytest.mark.parametrize("deadline", [dt.date(1900, 1, 1), None])
def test_deadlines_outside_the_bounds_are_refused(tree, deadline):
    deadline = deadline or latest_date() + dt.timedelta(days=1)
    error = refused(
        lambda: commitments.commitment_create(
            actor=tree.staff,
            organization=tree.org_a,
            title="X",
            deadline=deadline,
            responsible_person=tree.person_a,
            reason="Ghi bù",
        )
    )
    assert (error.message, error.field) == (range_message("Thời hạn"), "deadline")


def test_a_progress_report_dated_before_1930_is_refused(tree, own):
    error = refused(
        lambda: commitments.progress_report_submit(
            actor=tree.member_a, commitment=own, percent=10, text="Đã làm", reported_on=dt.date(1929, 5, 1)
        )
    )
    assert error.field == "reported_on"


def test_an_extension_to_the_next_century_is_refused(tree, own):
    error = refused(
        lambda: commitments.extension_request(
            actor=tree.member_a, commitment=own, requested_deadline=dt.date(2199, 1, 1), reason="Bận"
        )
    )
    assert (error.message, error.field) == (range_message("Thời hạn đề nghị"), "requested_deadline")


def test_a_document_issued_in_1900_is_refused(tree):
    error = refused(
        lambda: document_register(
            actor=tree.staff,
            organization=tree.root,
            doc_type="resolution",
            issued_on=dt.date(1900, 1, 1),
            summary="Về công tác cán bộ",
        )
    )
    assert (error.message, error.field) == (range_message("Ngày ban hành"), "issued_on")


def test_a_report_period_outside_the_bounds_is_refused():
    error = refused(lambda: custom_period(dt.date(1900, 1, 1), dt.date(1900, 12, 31)))
    assert error.field == "start"


def test_admission_before_1930_and_birth_before_1900_are_refused(tree):
    error = refused(
        lambda: person_update(actor=tree.staff, person=tree.person_a, admitted_on=dt.date(1920, 1, 1))
    )
    assert error.field == "admitted_on"
    error = refused(
        lambda: person_update(actor=tree.staff, person=tree.person_a, date_of_birth=dt.date(1899, 1, 1))
    )
    assert error.message == MSG_BIRTH_IN_FUTURE
    person_update(actor=tree.staff, person=tree.person_a, date_of_birth=dt.date(1925, 1, 1))  # alive at 100
