"""Finishing or replacing a plan: the closing record lists the commitments still open."""

import datetime as dt

import pytest

from neuguong.commitments.services import commitment_assign, commitment_complete
from neuguong.core.errors import BusinessError
from neuguong.core.tests.factories import created_on
from neuguong.plans import services
from neuguong.plans.models import PlanClosingOpen, PlanState

from .factories import START, TODAY, make_item, make_plan

pytestmark = pytest.mark.django_db


def _assign(tree, item, people, deadline):
    """Assigned at the plan's start (a completion is refused before the day a commitment was assigned)."""
    made = commitment_assign(
        actor=tree.staff,
        organization=tree.root,
        title=item.title,
        deadline=deadline,
        people=people,
        plan_item=item,
        reason="Nhập lại",
        today=TODAY,
    ).commitments
    return [created_on(commitment, START) for commitment in made]


def test_finishing_with_open_commitments_lists_them_in_the_record(tree):
    plan = make_plan(tree)
    item = plan.items.get()
    done, overdue = _assign(tree, item, [tree.person_a, tree.person_b], dt.date(2026, 5, 31))
    (upcoming,) = _assign(tree, item, [tree.person_a2], dt.date(2026, 9, 30))
    commitment_complete(actor=tree.staff, commitment=done, completed_on=dt.date(2026, 5, 30), today=TODAY)
    closing = services.plan_finish(
        actor=tree.staff, plan=plan, closed_on=TODAY, note="Kết thúc sớm do có kế hoạch mới", today=TODAY
    )
    plan.refresh_from_db()
    assert plan.state == PlanState.FINISHED and plan.closed_on == TODAY
    assert closing.counts == {"done_on_time": 1, "open_overdue": 1, "open_on_time": 1}
    assert closing.open_count == 2
    listed = dict(PlanClosingOpen.objects.filter(closing=closing).values_list("commitment_id", "status"))
    assert listed == {overdue.pk: "open_overdue", upcoming.pk: "open_on_time"}
    # They stay on their boards, still serving the item.
    overdue.refresh_from_db()
    assert overdue.plan_item_id == item.pk


def test_closing_needs_an_assessment_and_a_day_in_range(tree):
    plan = make_plan(tree)
    with pytest.raises(BusinessError) as error:
        services.plan_finish(actor=tree.staff, plan=plan, closed_on=TODAY, note="  ", today=TODAY)
    assert error.value.message == services.MSG_CLOSE_NOTE
    for day in (START - dt.timedelta(days=1), TODAY + dt.timedelta(days=1)):
        with pytest.raises(BusinessError) as error:
            services.plan_finish(actor=tree.staff, plan=plan, closed_on=day, note="Xong", today=TODAY)
        assert error.value.message == services.MSG_CLOSE_DATE.format(start="01/01/2026")
    plan.refresh_from_db()
    assert plan.state == PlanState.IN_FORCE


def test_a_plan_is_replaced_by_another_open_plan(tree):
    old = make_plan(tree)
    new = make_plan(tree)
    with pytest.raises(BusinessError) as error:
        services.plan_replace(
            actor=tree.staff, plan=old, replaced_by=None, closed_on=TODAY, note="Thay", today=TODAY
        )
    assert error.value.message == services.MSG_REPLACED_BY
    with pytest.raises(BusinessError) as error:
        services.plan_replace(
            actor=tree.staff, plan=old, replaced_by=old, closed_on=TODAY, note="Thay", today=TODAY
        )
    assert error.value.message == services.MSG_REPLACED_BY_SELF
    closing = services.plan_replace(
        actor=tree.staff,
        plan=old,
        replaced_by=new,
        closed_on=TODAY,
        note="Thay bằng kế hoạch mới",
        today=TODAY,
    )
    old.refresh_from_db()
    assert old.state == PlanState.REPLACED and old.replaced_by == new and closing.replaced_by == new
    with pytest.raises(BusinessError) as error:
        services.plan_replace(
            actor=tree.staff, plan=make_plan(tree), replaced_by=old, closed_on=TODAY, note="X", today=TODAY
        )
    assert error.value.message == services.MSG_REPLACED_BY_CLOSED


def test_the_closing_is_read_in_the_history(tree):
    from neuguong.audit.selectors import history_for

    plan = make_plan(tree)
    make_item(tree, plan)
    services.plan_finish(actor=tree.staff, plan=plan, closed_on=TODAY, note="Hoàn thành", today=TODAY)
    labels = [row["action_label"] for row in history_for(plan)]
    assert labels[:2] == ["Kết thúc thực hiện", "Bắt đầu thực hiện"]
    assert labels[-1] == "Mở theo dõi thực hiện văn bản"


def test_a_plan_cannot_be_replaced_by_a_plan_out_of_the_actors_sight(tree):
    from neuguong.plans.models import Plan, PlanClosing

    old = make_plan(tree, organization=tree.org_a)
    foreign = make_plan(
        tree, organization=tree.org_b
    )  # issued by org B for org B: org A's secretary never sees it
    assert not Plan.objects.visible_to(tree.secretary_a).filter(pk=foreign.pk).exists()
    with pytest.raises(BusinessError) as error:
        services.plan_replace(
            actor=tree.secretary_a, plan=old, replaced_by=foreign, closed_on=TODAY, note="Thay", today=TODAY
        )
    assert (error.value.message, error.value.field) == (services.MSG_REPLACED_BY_UNKNOWN, "replaced_by")
    old.refresh_from_db()
    assert old.state == PlanState.IN_FORCE and old.replaced_by is None
    assert not PlanClosing.objects.exists()
    mine = make_plan(tree, organization=tree.org_a)
    services.plan_replace(
        actor=tree.secretary_a, plan=old, replaced_by=mine, closed_on=TODAY, note="Thay", today=TODAY
    )
