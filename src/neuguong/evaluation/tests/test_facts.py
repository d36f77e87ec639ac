"""The year's facts beside a review, read from the modules that own them: commitments counted by the one
status rule (section 13's on-time rate), outcomes, the pledge kept or broken, concluded inspections and
breaches only, study, an organisation's own tasks and its units; a fixed number of queries for a list."""

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType

from neuguong.commitments import status as commitment_rules
from neuguong.commitments.models import Pledge
from neuguong.core.tests.factories import PersonFactory
from neuguong.evaluation import facts
from neuguong.evaluation.models import Discipline

from .factories import YEAR, commitment, open_period

AS_OF = dt.date(YEAR, 12, 15)


@pytest.fixture
def period(tree):
    return open_period(tree)


def _facts(period, person):
    return facts.people_facts(period, [person.pk], today=AS_OF)[person.pk]


@pytest.mark.django_db
def test_the_on_time_rate_follows_the_one_status_rule(tree, period):
    person = tree.person_a
    commitment(
        person, deadline=dt.date(YEAR, 3, 1), completed_on=dt.date(YEAR, 3, 1)
    )  # on the deadline: on time
    commitment(person, deadline=dt.date(YEAR, 4, 1), completed_on=dt.date(YEAR, 4, 2))  # late
    commitment(person, deadline=dt.date(YEAR, 5, 1), is_returned=True)  # returned, past its deadline: overdue
    commitment(person, deadline=dt.date(YEAR, 12, 31))  # not yet due: in neither part
    commitment(
        person, deadline=dt.date(YEAR, 6, 1), halt="suspended", halt_reason="Chờ", halted_by=tree.staff
    )
    commitment(
        person, deadline=dt.date(YEAR - 1, 12, 31), completed_on=dt.date(YEAR - 1, 12, 1)
    )  # other year
    tasks = _facts(period, person)["tasks"]
    assert (
        tasks["on_time"],
        tasks["late"],
        tasks["overdue"],
        tasks["returned"],
        tasks["open"],
        tasks["left_out"],
    ) == (
        1,
        1,
        1,
        1,
        1,
        1,
    )
    assert tasks["counted"] == 3 and tasks["on_time_rate"] == "33.33"
    labels = {item["status_label"] for item in tasks["items"]}
    assert commitment_rules.STATUS_LABELS[commitment_rules.RETURNED] in labels


@pytest.mark.django_db
def test_exceeded_counts_completed_commitments_whose_outcome_exceeded(tree, period):
    person = tree.person_a
    commitment(person, deadline=dt.date(YEAR, 3, 1), completed_on=dt.date(YEAR, 2, 1), outcome="exceeded")
    commitment(person, deadline=dt.date(YEAR, 3, 2), completed_on=dt.date(YEAR, 2, 1), outcome="not_met")
    commitment(person, deadline=dt.date(YEAR, 3, 3), completed_on=dt.date(YEAR, 2, 1), outcome="met")
    tasks = _facts(period, person)["tasks"]
    assert (tasks["exceeded"], tasks["met"], tasks["not_met"]) == (1, 1, 1)
    assert tasks["exceeded_rate"] == "33.33"


@pytest.mark.django_db
def test_the_pledge_items_kept_and_broken(tree, period):
    person = tree.person_a
    pledge = Pledge.objects.create(
        person=person,
        organization=person.organization,
        year=YEAR,
        registered_on=dt.date(YEAR, 1, 10),
        entered_by=tree.staff,
    )
    source = {
        "source_type": ContentType.objects.get_for_model(Pledge),
        "source_id": pledge.pk,
        "source_kind": "pledge",
    }
    # Each item of a pledge once (one commitment per item title: commitment_pledge_item_once).
    commitment(
        person, title="Mục 1", deadline=dt.date(YEAR, 6, 30), completed_on=dt.date(YEAR, 6, 1), **source
    )
    commitment(
        person,
        title="Mục 2",
        deadline=dt.date(YEAR, 6, 30),
        completed_on=dt.date(YEAR, 6, 1),
        outcome="not_met",
        **source,
    )
    commitment(person, title="Mục 3", deadline=dt.date(YEAR, 7, 30), **source)  # overdue: broken
    commitment(person, title="Mục 4", deadline=dt.date(YEAR, 12, 31), **source)  # not yet due
    pledge_facts = _facts(period, person)["pledge"]
    assert pledge_facts["registered"]
    assert (pledge_facts["kept"], pledge_facts["broken"], pledge_facts["pending"]) == (1, 2, 1)


@pytest.mark.django_db
def test_only_concluded_breaches_count_and_disciplines_of_the_period(tree, period):
    from neuguong.inspections.models import Breach, InspectionState
    from neuguong.inspections.tests.factories import make_inspection, make_program

    program = make_program(tree)
    draft = make_inspection(tree, program=program, people=[tree.person_a])
    Breach.objects.create(
        inspection=draft, person=tree.person_a, description="Chưa kết luận", created_by=tree.staff
    )
    concluded = make_inspection(tree, program=program, people=[tree.person_a])
    concluded.state = InspectionState.CONCLUDED
    concluded.decided_on, concluded.concluded_on = dt.date(YEAR, 3, 1), dt.date(YEAR, 4, 1)
    concluded.save()
    Breach.objects.create(
        inspection=concluded, person=tree.person_a, description="Đã kết luận", created_by=tree.staff
    )
    Discipline.objects.create(
        person=tree.person_a,
        form="reprimand",
        decided_on=dt.date(YEAR - 1, 12, 1),
        decision_number="1",
        reason="năm trước",
        created_by=tree.staff,
    )
    Discipline.objects.create(
        person=tree.person_a,
        form="warning",
        decided_on=dt.date(YEAR, 5, 1),
        decision_number="2",
        reason="trong năm",
        self_remedied=True,
        created_by=tree.staff,
    )
    person_facts = _facts(period, tree.person_a)
    assert [b["description"] for b in person_facts["breaches"]] == ["Đã kết luận"]
    assert [i["id"] for i in person_facts["inspections"]] == [concluded.pk]
    assert [d["number"] for d in person_facts["disciplines"]] == ["2"]
    subject = facts.subject_facts(person_facts)
    assert subject.breaches == 1 and subject.disciplines == 0 and subject.disciplines_self_remedied == 1


@pytest.mark.django_db
def test_study_attendance_reflections_and_plans(tree, period):
    from neuguong.study.models import (
        Attendance,
        AttendanceMethod,
        AttendanceStatus,
        Campaign,
        Invitee,
        Reflection,
        Session,
    )

    campaign = Campaign.objects.create(
        title="Nghị quyết Đại hội XIV",
        level="central",
        organizer=tree.org_a,
        audience_root=tree.org_a,
        created_by=tree.staff,
    )
    session = Session.objects.create(
        campaign=campaign, title="Buổi 1", held_on=dt.date(YEAR, 3, 1), place="Hội trường"
    )
    invitee = Invitee.objects.create(campaign=campaign, person=tree.person_a, organization=tree.branch_a)
    Attendance.objects.create(
        session=session,
        invitee=invitee,
        status=AttendanceStatus.PRESENT,
        method=AttendanceMethod.SECRETARY,
        marked_by=tree.staff,
    )
    Reflection.objects.create(invitee=invitee, status="graded", grade="good", entered_by=tree.staff)
    study = _facts(period, tree.person_a)["study"]
    assert (study["campaigns"], study["attended"], study["reflections_graded"]) == (1, 1, 1)
    assert study["grades"] == {"good": 1}


@pytest.mark.django_db
def test_a_list_of_people_costs_a_fixed_number_of_queries(tree, period, django_assert_max_num_queries):
    people = [tree.person_a, tree.person_a2, *(PersonFactory(organization=tree.branch_a) for _ in range(8))]
    for person in people:
        commitment(person, deadline=dt.date(YEAR, 3, 1), completed_on=dt.date(YEAR, 3, 1))
    with django_assert_max_num_queries(14):
        result = facts.people_facts(period, [p.pk for p in people], today=AS_OF)
    assert all(result[p.pk]["tasks"]["on_time"] == 1 for p in people)


@pytest.mark.django_db
def test_an_organisation_s_facts_are_its_own_tasks_and_its_units(tree):
    period = open_period(
        tree, organization=tree.root, actor=tree.staff, includes_members=False, includes_organizations=True
    )
    commitment(
        tree.person_a,
        deadline=dt.date(YEAR, 3, 1),
        completed_on=dt.date(YEAR, 3, 5),
        organization=tree.org_a,
        responsible_person=None,
        lead_unit=tree.org_a,
    )
    commitment(
        tree.person_a, deadline=dt.date(YEAR, 3, 1), completed_on=dt.date(YEAR, 3, 1)
    )  # a member's own: not the unit's
    Discipline.objects.create(
        organization=tree.branch_a,
        form="reprimand",
        decided_on=dt.date(YEAR, 2, 1),
        decision_number="9",
        reason="x",
        created_by=tree.staff,
    )
    org_facts = facts.organization_facts(period, [tree.org_a.pk], today=AS_OF)[tree.org_a.pk]
    assert (org_facts["tasks"]["late"], org_facts["tasks"]["on_time"]) == (1, 0)
    assert org_facts["units"]["disciplined"] == 1
    review = period.reviews.get(organization=tree.org_a)
    assert review.quota_group == "Đảng bộ cơ sở"
