"""commitment_assign: the assignment form's one service (one, several people, every head, recurring)."""

import datetime as dt

import pytest

from neuguong.commitments import services
from neuguong.commitments.models import Commitment, CommitmentSeries
from neuguong.core.errors import BusinessError, OutOfScope
from neuguong.core.tests.factories import PersonFactory
from neuguong.organizations.models import Agency

TODAY = dt.date(2026, 3, 10)


def assign(tree, **kw):
    values = {
        "actor": tree.secretary_a,
        "organization": tree.org_a,
        "title": "Nêu gương thực hiện Quy định 08-QĐi/TW",
        "deadline": dt.date(2026, 6, 30),
        "category": "exemplary",
        "today": TODAY,
    }
    return services.commitment_assign(**(values | kw))


def test_one_person_gets_one_commitment(tree):
    assignment = assign(tree, people=[tree.person_a], lead_unit=tree.branch_a)
    [commitment] = assignment.commitments
    assert (commitment.responsible_person, commitment.lead_unit) == (tree.person_a, tree.branch_a)
    assert commitment.batch == "" and commitment.series is None
    assert assignment.people == [tree.person_a] and assignment.series == []


def test_a_lead_unit_alone_gets_one_commitment(tree):
    [commitment] = assign(tree, lead_unit=tree.branch_a).commitments
    assert commitment.responsible_person is None and commitment.lead_unit == tree.branch_a


def test_several_people_get_one_commitment_each_in_one_batch(tree):
    assignment = assign(tree, people=[tree.person_a, tree.person_a2, tree.person_a], co_units=[tree.branch_a])
    assert {c.responsible_person_id for c in assignment.commitments} == {tree.person_a.pk, tree.person_a2.pk}
    assert len({c.batch for c in assignment.commitments}) == 1
    assert all(list(c.co_units.all()) == [tree.branch_a] for c in assignment.commitments)


def test_every_head_of_agency_in_the_subtree_is_added_to_the_chosen_people(tree):
    head = PersonFactory(full_name="Trần Thủ Trưởng", organization=tree.org_a)
    Agency.objects.create(code="CQ1", name="Sở Tài chính", organization=tree.org_a, head=head)
    Agency.objects.create(
        code="CQ3", name="Sở Tư pháp", organization=tree.org_b, head=PersonFactory(organization=tree.org_b)
    )
    assignment = assign(tree, people=[tree.person_a], all_heads=True)
    assert {c.responsible_person_id for c in assignment.commitments} == {tree.person_a.pk, head.pk}


def test_asking_for_every_head_where_there_is_none_says_so_next_to_the_checkbox(tree):
    with pytest.raises(BusinessError) as exc:
        assign(tree, all_heads=True, lead_unit=tree.branch_a)
    assert (exc.value.message, exc.value.field) == (services.MSG_NO_HEADS, "all_heads")
    assert not Commitment.objects.exists()


def test_recurring_makes_a_series_per_person_with_one_occurrence_per_period(tree):
    assignment = assign(
        tree,
        people=[tree.person_a, tree.person_a2],
        recurrence="monthly",
        start_on=dt.date(2026, 1, 1),
        deadline=dt.date(2026, 3, 31),
    )
    assert len(assignment.series) == 2 and CommitmentSeries.objects.count() == 2
    assert len(assignment.commitments) == 6
    assert sorted({c.deadline for c in assignment.commitments}) == [
        dt.date(2026, 1, 31),
        dt.date(2026, 2, 28),
        dt.date(2026, 3, 31),
    ]


def test_recurring_without_anyone_chosen_is_one_series_for_the_lead_unit(tree):
    assignment = assign(tree, lead_unit=tree.branch_a, recurrence="quarterly", start_on=dt.date(2026, 1, 1))
    assert len(assignment.series) == 1
    assert {c.lead_unit_id for c in assignment.commitments} == {tree.branch_a.pk}


def test_a_recurring_period_that_runs_backwards_is_refused_on_the_deadline(tree):
    with pytest.raises(BusinessError) as exc:
        assign(tree, people=[tree.person_a], recurrence="monthly", start_on=dt.date(2026, 7, 1))
    assert (exc.value.message, exc.value.field) == (services.MSG_PERIOD, "deadline")
    assert not CommitmentSeries.objects.exists()


def test_assignment_is_all_or_nothing(tree):
    with pytest.raises(BusinessError) as exc:
        assign(tree, people=[tree.person_a, tree.person_b])
    assert exc.value.message == services.MSG_PERSON_OUTSIDE
    with pytest.raises(BusinessError):
        assign(
            tree,
            people=[tree.person_a, tree.person_b],
            recurrence="monthly",
            start_on=dt.date(2026, 1, 1),
        )
    assert not Commitment.objects.exists() and not CommitmentSeries.objects.exists()


def test_assigning_outside_ones_subtree_is_out_of_scope(tree):
    with pytest.raises(OutOfScope):
        assign(tree, actor=tree.secretary_b, people=[tree.person_a])
    with pytest.raises(OutOfScope):
        assign(tree, actor=tree.inspector_a, people=[tree.person_a])
    assert not Commitment.objects.exists()
