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


def test_plan_create_from_document_hangs_nested_items_in_one_go(tree):
    doc = document(tree.root, doc_type="resolution")
    plan = services.plan_create_from_document(
        actor=tree.staff,
        document=doc,
        title="Nghị quyết về cải cách hành chính",
        organization=tree.root,
        starts_on=START,
        ends_on=END,
        items=[
            {
                "title": "Mục tiêu",
                "children": [{"title": "Chỉ tiêu 1"}, {"title": "Chỉ tiêu 2", "lead_unit": tree.org_a}],
            },
            {"number": "III", "title": "Giải pháp", "deadline": dt.date(2026, 6, 30)},
        ],
        today=TODAY,
    )
    items = {item.number: item for item in plan.items.all()}
    assert set(items) == {"1", "1.1", "1.2", "III"}
    assert items["1.2"].parent == items["1"] and items["1.2"].lead_unit == tree.org_a
    assert items["1.1"].lead_unit == plan.owner and items["1.1"].deadline == END


def test_plan_create_from_document_writes_nothing_when_an_item_is_bad(tree):
    with pytest.raises(BusinessError) as error:
        services.plan_create_from_document(
            actor=tree.staff,
            document=document(tree.root),
            title="X",
            organization=tree.root,
            starts_on=START,
            ends_on=END,
            items=[{"title": "Được"}, {"title": ""}],
            today=TODAY,
        )
    assert error.value.message == services.MSG_ITEM_TITLE
    # (the service is one transaction: the test's atomic block shows what the caller's would)


def test_item_weight_number_and_parent_are_checked(tree):
    plan = make_plan(tree, in_force=False)
    first = make_item(tree, plan, number="II.3")
    with pytest.raises(BusinessError) as error:
        make_item(tree, plan, number="II.3")
    assert error.value.message == services.MSG_NUMBER_TAKEN.format(number="II.3")
    with pytest.raises(BusinessError) as error:
        make_item(tree, plan, weight=0)
    assert error.value.message == services.MSG_WEIGHT
    with pytest.raises(BusinessError) as error:
        make_item(tree, plan, number="II.3<script>")
    assert error.value.message == services.MSG_NUMBER_FORMAT
    other = make_plan(tree, in_force=False)
    with pytest.raises(BusinessError) as error:
        make_item(tree, plan, parent=make_item(tree, other))
    assert error.value.message == services.MSG_ITEM_PARENT
    child = make_item(tree, plan, parent=first)
    with pytest.raises(BusinessError) as error:
        services.plan_item_update(actor=tree.staff, item=first, parent=child, today=TODAY)
    assert error.value.message == services.MSG_ITEM_PARENT_CYCLE
    level = child
    for _ in range(2):
        level = make_item(tree, plan, parent=level)
    with pytest.raises(BusinessError) as error:
        make_item(tree, plan, parent=level)
    assert error.value.message == services.MSG_ITEM_TOO_DEEP.format(levels=services.MAX_DEPTH)


def test_an_item_update_is_read_in_the_history(tree):
    from neuguong.audit.selectors import history_for

    plan = make_plan(tree, in_force=False)
    item = make_item(tree, plan, number="1")
    services.plan_item_update(
        actor=tree.staff, item=item, title="Nội dung mới", co_units=[tree.org_a], weight=3, today=TODAY
    )
    rows = history_for(item)
    assert [row["action_label"] for row in rows] == ["Sửa mục của kế hoạch", "Thêm mục của kế hoạch"]
    changes = {c["field"]: (c["old"], c["new"]) for c in rows[0]["changes"]}
    assert changes["Nội dung"] == ("Người đứng đầu nêu gương về đạo đức, lối sống", "Nội dung mới")
    assert changes["Đơn vị phối hợp"] == (None, tree.org_a.name)
    assert changes["Trọng số"] == (None, "3")


def test_only_a_drafting_plan_loses_an_item_without_work(tree):
    plan = make_plan(tree, in_force=False)
    item = make_item(tree, plan)
    keep = make_item(tree, plan)
    make_item(tree, plan, parent=keep)
    with pytest.raises(BusinessError) as error:
        services.plan_item_remove(actor=tree.staff, item=keep)
    assert error.value.message == services.MSG_ITEM_HAS_WORK
    services.plan_item_remove(actor=tree.staff, item=item)
    assert not plan.items.filter(pk=item.pk).exists()
    services.plan_put_in_force(actor=tree.staff, plan=plan, on=START, today=TODAY)
    with pytest.raises(BusinessError) as error:
        services.plan_item_remove(actor=tree.staff, item=keep)
    assert error.value.message == services.MSG_ITEM_REMOVE_STATE


def test_changing_the_period_keeps_items_inside_it(tree):
    plan = make_plan(tree, in_force=False)
    make_item(tree, plan, number="1", deadline=dt.date(2026, 11, 30))
    with pytest.raises(BusinessError) as error:
        services.plan_update(actor=tree.staff, plan=plan, ends_on=dt.date(2026, 10, 31), today=TODAY)
    assert error.value.message == services.MSG_PERIOD_EXCLUDES_ITEM.format(
        number="1", deadline="30/11/2026", start="01/01/2026", end="31/10/2026"
    )


def test_a_closed_plan_takes_no_change(tree):
    plan = make_plan(tree)
    services.plan_finish(actor=tree.staff, plan=plan, closed_on=TODAY, note="Đã hoàn thành", today=TODAY)
    for call in (
        lambda: services.plan_update(actor=tree.staff, plan=plan, title="Khác", today=TODAY),
        lambda: make_item(tree, plan),
    ):
        with pytest.raises(BusinessError) as error:
            call()
        assert error.value.message == services.MSG_CLOSED
    with pytest.raises(BusinessError) as error:
        services.plan_finish(actor=tree.staff, plan=plan, closed_on=TODAY, note="Lại", today=TODAY)
    assert error.value.message == services.MSG_NOT_IN_FORCE
