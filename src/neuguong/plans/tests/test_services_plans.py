"""Opening a document for follow-up, hanging items, the states and their bad inputs."""

import datetime as dt

import pytest

from neuguong.core.errors import BusinessError, OutOfScope
from neuguong.plans import services
from neuguong.plans.models import Plan, PlanState

from .factories import END, START, TODAY, document, make_item, make_plan

pytestmark = pytest.mark.django_db


def test_a_plan_opens_a_registered_document_in_drafting(tree):
    doc = document(tree.root, number=165)
    plan = services.plan_create(
        actor=tree.staff,
        document=doc,
        title="",
        organization=tree.root,
        starts_on=START,
        ends_on=END,
        today=TODAY,
    )
    assert plan.state == PlanState.DRAFTING
    assert plan.title == doc.summary
    assert plan.applies_to == tree.root and plan.owner == tree.root
    assert plan.reference == f"Kế hoạch số 165-KH/ĐUK ngày {doc.issued_on:%d/%m/%Y}"


def test_a_plan_without_a_registered_document_is_refused(tree):
    with pytest.raises(BusinessError) as error:
        services.plan_create(
            actor=tree.staff, document=None, title="X", organization=tree.root, starts_on=START, ends_on=END
        )
    assert error.value.message == services.MSG_NO_DOCUMENT
    assert error.value.field == "document"
    assert not Plan.objects.exists()


def test_a_document_of_another_type_or_already_followed_is_refused(tree):
    report = document(tree.root, doc_type="report")
    with pytest.raises(BusinessError) as error:
        make_plan(tree, document=report)
    assert error.value.message == services.MSG_DOCUMENT_TYPE.format(
        number=report.number_text, label="báo cáo"
    )
    plan = make_plan(tree)
    with pytest.raises(BusinessError) as error:
        make_plan(tree, document=plan.document)
    assert error.value.message == services.MSG_DOCUMENT_HAS_PLAN.format(number=plan.document.number_text)


def test_a_secretary_cannot_open_a_plan_of_the_bloc(tree):
    with pytest.raises(OutOfScope):
        services.plan_create(
            actor=tree.secretary_a,
            document=document(tree.root),
            title="X",
            organization=tree.root,
            starts_on=START,
            ends_on=END,
        )


def test_period_and_scope_are_checked(tree):
    with pytest.raises(BusinessError) as error:
        make_plan(tree, starts_on=END, ends_on=START, in_force=False)
    assert error.value.message == services.MSG_PERIOD
    with pytest.raises(BusinessError) as error:
        make_plan(tree, starts_on=dt.date(1900, 1, 1), in_force=False)
    assert error.value.field == "starts_on"
    with pytest.raises(BusinessError) as error:
        make_plan(tree, organization=tree.org_a, applies_to=tree.org_b, in_force=False)
    assert error.value.message == services.MSG_APPLIES_OUTSIDE.format(org=tree.org_a.name)
    assert not Plan.objects.exists()


def test_items_nest_and_are_numbered(tree):
    plan = make_plan(tree, in_force=False)
    first = make_item(tree, plan, number="II")
    sub = make_item(tree, plan, parent=first)
    sub2 = make_item(tree, plan, parent=first)
    top = make_item(tree, plan)
    assert (sub.number, sub2.number, top.number) == ("II.1", "II.2", "2")


def test_an_item_deadline_outside_the_period_needs_a_reason(tree):
    plan = make_plan(tree, in_force=False)
    with pytest.raises(BusinessError) as error:
        make_item(tree, plan, deadline=dt.date(2027, 3, 31))
    assert error.value.message == services.MSG_ITEM_DEADLINE_OUTSIDE.format(
        deadline="31/03/2027", start="01/01/2026", end="31/12/2026"
    )
    assert error.value.field == "deadline_reason"
    item = make_item(tree, plan, deadline=dt.date(2027, 3, 31), deadline_reason="Chờ tổng kết năm")
    assert item.deadline_reason == "Chờ tổng kết năm"


def test_an_item_lead_unit_outside_the_plan_is_refused(tree):
    plan = make_plan(tree, organization=tree.root, applies_to=tree.org_a, in_force=False)
    with pytest.raises(BusinessError) as error:
        make_item(tree, plan, lead_unit=tree.org_b)
    assert error.value.message == services.MSG_UNIT_OUTSIDE.format(org=tree.org_a.name)


def test_a_cycle_of_parent_plans_is_refused(tree):
    resolution = make_plan(tree, document=document(tree.root, doc_type="resolution"))
    program = make_plan(tree, document=document(tree.root, doc_type="program"), parent=resolution)
    with pytest.raises(BusinessError) as error:
        services.plan_update(actor=tree.staff, plan=resolution, parent=program, today=TODAY)
    assert error.value.message == services.MSG_PARENT_CYCLE.format(parent=program.reference)
    with pytest.raises(BusinessError) as error:
        services.plan_update(actor=tree.staff, plan=resolution, parent=resolution, today=TODAY)
    assert error.value.message == services.MSG_PARENT_SELF
    resolution.refresh_from_db()
    assert resolution.parent_id is None


def test_put_in_force_needs_items(tree):
    plan = make_plan(tree, in_force=False)
    with pytest.raises(BusinessError) as error:
        services.plan_put_in_force(actor=tree.staff, plan=plan, today=TODAY)
    assert error.value.message == services.MSG_NO_ITEMS
    make_item(tree, plan)
    plan = services.plan_put_in_force(actor=tree.staff, plan=plan, on=START, today=TODAY)
    assert plan.state == PlanState.IN_FORCE and plan.in_force_on == START
