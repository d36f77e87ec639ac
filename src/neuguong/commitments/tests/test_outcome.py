"""A completed commitment records its result against what was required (vượt / đạt / không đạt): the
year-end review counts the share that exceeded requirements. Pages, API and history carry it; a returned
completion clears it."""

import datetime as dt

import pytest

from neuguong.access.services import api_token_create
from neuguong.audit.selectors import history_for
from neuguong.commitments import services
from neuguong.commitments.models import Commitment, Outcome
from neuguong.core.dates import local_today
from neuguong.core.errors import BusinessError

TODAY = local_today()


@pytest.fixture
def commitment(tree):
    return services.commitment_create(
        actor=tree.secretary_a,
        organization=tree.org_a,
        title="Xây dựng chuyên đề nêu gương",
        deadline=TODAY + dt.timedelta(days=3),
        responsible_person=tree.person_a,
    )


@pytest.mark.django_db
def test_completion_records_the_outcome_and_the_history_reads_it(tree, commitment):
    services.commitment_complete(
        actor=tree.member_a, commitment=commitment, completed_on=TODAY, outcome=Outcome.EXCEEDED
    )
    commitment.refresh_from_db()
    assert commitment.outcome == Outcome.EXCEEDED
    changes = [c for entry in history_for(commitment) for c in entry["changes"]]
    assert any(c["field"] == "Kết quả so với yêu cầu" and c["new"] == "Vượt yêu cầu" for c in changes), (
        changes
    )


@pytest.mark.django_db
def test_an_unknown_outcome_is_refused_and_nothing_is_written(tree, commitment):
    with pytest.raises(BusinessError) as error:
        services.commitment_complete(
            actor=tree.member_a, commitment=commitment, completed_on=TODAY, outcome="x"
        )
    assert error.value.message == services.MSG_OUTCOME
    assert error.value.field == "outcome"
    commitment.refresh_from_db()
    assert commitment.completed_on is None and commitment.outcome == ""


@pytest.mark.django_db
def test_a_returned_completion_loses_its_outcome(tree, commitment):
    services.commitment_complete(
        actor=tree.member_a, commitment=commitment, completed_on=TODAY, outcome=Outcome.MET
    )
    services.commitment_return(actor=tree.secretary_a, commitment=commitment, note="Chưa có sản phẩm")
    commitment.refresh_from_db()
    assert commitment.completed_on is None and commitment.outcome == ""


@pytest.mark.django_db
def test_the_completion_form_and_the_api_take_the_outcome(tree, commitment, login, client):
    response = login(tree.member_a).post(
        f"/cam-ket/{commitment.pk}/hoan-thanh/",
        {"completed_on": TODAY.isoformat(), "outcome": "not_met", "note": ""},
    )
    assert response.status_code in (302, 303)
    assert Commitment.objects.get(pk=commitment.pk).outcome == Outcome.NOT_MET
    other = services.commitment_create(
        actor=tree.secretary_a,
        organization=tree.org_a,
        title="Nhiệm vụ thứ hai",
        deadline=TODAY + dt.timedelta(days=3),
        responsible_person=tree.person_a,
    )
    token = api_token_create(user=tree.member_a)
    token = token[1] if isinstance(token, tuple) else token
    response = client.post(
        f"/api/v1/commitments/{other.pk}/complete",
        {"completed_on": TODAY.isoformat(), "outcome": "exceeded"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 200, response.content
    assert response.json()["outcome"] == "exceeded"
