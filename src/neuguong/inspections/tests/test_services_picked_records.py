"""The services accept only what the forms offer: a team leader or member from outside the committee's tree
(`selectors.team_choices`), or a commitment outside the committee's subtree, posted by hand, is refused like a
missing record, next to its field, and nothing is written."""

import pytest
from django.urls import reverse

from neuguong.audit.models import AuditEvent
from neuguong.commitments.tests.factories import CommitmentFactory
from neuguong.core.errors import BusinessError
from neuguong.core.tests.factories import OrganizationFactory, PersonFactory
from neuguong.inspections import selectors, services
from neuguong.inspections.models import Finding, Inspection, InspectionState

from .factories import advance, make_inspection, make_program

pytestmark = pytest.mark.django_db


@pytest.fixture
def stranger():
    """A person in another tree than the committee's (DUK): no picker of the bloc offers them."""
    return PersonFactory(
        full_name="Lê Thị Người Ngoài", organization=OrganizationFactory(code="KHAC", name="Đảng bộ khác")
    )


def test_the_team_form_and_the_service_share_one_rule(tree, stranger):
    from neuguong.inspections.forms import TeamForm

    chosen = set(selectors.team_choices(committee=tree.org_a))
    assert {tree.person_a, tree.person_b} <= chosen and stranger not in chosen  # the tree above, not another
    assert set(TeamForm(committee=tree.org_a).fields["team_members"].queryset) == chosen


@pytest.mark.parametrize("role", ["leader", "team_members"])
def test_an_item_with_a_team_member_out_of_sight_is_refused_and_not_created(tree, stranger, role):
    program = make_program(tree)
    team = {"leader": stranger} if role == "leader" else {"team": [stranger]}
    with pytest.raises(BusinessError) as refused:
        make_inspection(tree, program=program, **team)
    assert (refused.value.message, refused.value.field) == (services.MSG_TEAM_PERSON_NOT_FOUND, role)
    assert not Inspection.objects.exists()


def test_changing_the_team_refuses_someone_out_of_sight_and_writes_nothing(tree, stranger):
    inspection = make_inspection(tree)
    leader = inspection.leader
    events_before = AuditEvent.objects.count()
    with pytest.raises(BusinessError) as refused:
        services.inspection_set_team(
            actor=tree.staff, inspection=inspection, leader=leader, team_members=[tree.person_a, stranger]
        )
    assert (refused.value.message, refused.value.field) == (
        services.MSG_TEAM_PERSON_NOT_FOUND,
        "team_members",
    )
    assert not inspection.team_members.exists()
    assert AuditEvent.objects.count() == events_before


def test_someone_already_on_the_team_may_stay_when_the_team_changes(tree, stranger):
    inspection = make_inspection(tree)
    inspection.team_members.add(stranger)  # named before, by someone who sees further
    services.inspection_set_team(
        actor=tree.staff,
        inspection=inspection,
        leader=inspection.leader,
        team_members=[stranger, tree.person_a],
    )
    assert set(inspection.team_members.all()) == {stranger, tree.person_a}


def test_the_team_page_says_the_refusal_next_to_the_members(tree, login, stranger):
    inspection = make_inspection(tree)
    response = login(tree.staff).post(
        reverse("inspections:team", args=[inspection.pk]),
        {"leader": inspection.leader.pk, "team_members": [tree.person_a.pk, stranger.pk]},
    )
    assert response.status_code == 200
    assert list(response.context["form"].errors["team_members"]) == [services.MSG_TEAM_PERSON_NOT_FOUND]
    assert not inspection.team_members.exists()


def test_a_finding_cannot_return_a_commitment_outside_the_committee(tree):
    program = make_program(tree, organization=tree.org_a)
    inspection = advance(
        tree, make_inspection(tree, program=program, subjects=[tree.branch_a]), InspectionState.EXAMINING
    )
    # The staff member may return org B's commitment, but this committee (org A) does not track it.
    foreign = CommitmentFactory(organization=tree.org_b, responsible_person=tree.person_b)
    with pytest.raises(BusinessError) as refused:
        services.finding_add(
            actor=tree.staff,
            inspection=inspection,
            text="Báo cáo không có cơ sở",
            returned_commitment=foreign,
        )
    assert (refused.value.message, refused.value.field) == (
        selectors.MSG_COMMITMENT_NOT_FOUND,
        "returned_commitment",
    )
    assert not Finding.objects.exists()
    foreign.refresh_from_db()
    assert not foreign.is_returned
