"""A plan's progress counts what each user would list, by the one status rule, from the tallies or live.

Expected counts are computed in Python with `commitment_status` (the pure rule) over the commitments each
user sees (`Commitment.objects.visible_to`); the figures come from `plan_progress` (the page's, the
report's and the API's selector), read from the status tallies, and counted live on another day."""

import datetime as dt
from collections import Counter

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from neuguong.commitments import tally
from neuguong.commitments.models import Commitment, TallyState
from neuguong.commitments.status import DONE_LATE, DONE_ON_TIME, OPEN_OVERDUE, commitment_status
from neuguong.commitments.tests.factories import CommitmentFactory
from neuguong.plans.progress import PENDING_STATUSES, Counts
from neuguong.plans.selectors import plan_progress

from .factories import TODAY, make_item, make_plan

pytestmark = pytest.mark.django_db

facts = st.fixed_dictionaries(
    {
        "org": st.integers(0, 3),
        "item": st.integers(0, 2),
        "deadline": st.integers(-200, 120),
        "completed": st.one_of(st.none(), st.integers(-30, 30)),
        "halt": st.sampled_from(["", "", "", "cancelled", "suspended"]),
        "extension_pending": st.booleans(),
        "is_returned": st.booleans(),
        "category": st.sampled_from(["exemplary", "other"]),
    }
)


def _make(tree, items, f):
    orgs = [tree.root, tree.org_a, tree.branch_a, tree.org_b]
    people = {0: tree.person_b, 1: tree.person_a, 2: tree.person_a, 3: tree.person_b}
    deadline = TODAY + dt.timedelta(days=f["deadline"])
    return CommitmentFactory(
        organization=orgs[f["org"]],
        responsible_person=people[f["org"]],
        deadline=deadline,
        completed_on=None if f["completed"] is None else deadline + dt.timedelta(days=f["completed"]),
        halt=f["halt"],
        halt_reason="Lý do" if f["halt"] else "",
        halted_by=tree.staff if f["halt"] else None,
        extension_pending=f["extension_pending"],
        is_returned=f["is_returned"],
        category=f["category"],
        plan_item=items[f["item"]],
    )


def expected(user, items, today, start=None, end=None) -> dict[int, Counter]:
    by_item: dict[int, Counter] = {item.pk: Counter() for item in items}
    qs = Commitment.objects.visible_to(user).filter(plan_item__in=items)
    for c in qs:
        if (start and c.deadline < start) or (end and c.deadline > end):
            continue
        by_item[c.plan_item_id][commitment_status(c, today)] += 1
    return by_item


def counted(progress) -> dict[int, Counter]:
    return {row.item.pk: Counter({k: v for k, v in row.own.counts.items() if v}) for row in progress.rows}


def _by_child(progress) -> dict[str, Counter]:
    return {
        row.label: Counter({k: v for k, v in row.counts.counts.items() if v}) for row in progress.by_child
    }


def _expected_by_child(user, base, items, today, start, end) -> dict[str, Counter]:
    """Each active child's subtree, and the commitments on `base` itself, by the pure rule."""
    children = list(base.children.filter(dissolved_on__isnull=True))
    rows: dict[str, Counter] = {}
    for c in Commitment.objects.visible_to(user).filter(plan_item__in=items).select_related("organization"):
        if (start and c.deadline < start) or (end and c.deadline > end):
            continue
        if not c.organization.path.startswith(base.path):
            continue
        child = next((ch for ch in children if c.organization.path.startswith(ch.path)), None)
        label = child.name if child else f"{base.name} (trực tiếp)"
        rows.setdefault(label, Counter())[commitment_status(c, today)] += 1
    return rows


class Rollback(Exception):
    pass


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(made=st.lists(facts, max_size=14), year=st.sampled_from([None, 2026, 2025]))
def test_progress_equals_the_rule_for_every_user_from_tallies_and_live(tree, made, year):
    cache.clear()  # rows by subtree are cached on table ids, which SQLite hands out again after a rollback
    try:
        with transaction.atomic():
            plan = make_plan(tree)
            items = [plan.items.get(), make_item(tree, plan), make_item(tree, plan)]
            items[2].parent = items[1]
            items[2].save()
            for f in made:
                _make(tree, items, f)
            tally.rebuild(TODAY)
            start, end = (dt.date(year, 1, 1), dt.date(year, 12, 31)) if year else (None, None)
            for user in (tree.staff, tree.secretary_a, tree.secretary_b, tree.member_a, tree.inspector_a):
                want = expected(user, items, TODAY, start, end)
                fast = plan_progress(user=user, plan=plan, today=TODAY, start=start, end=end)
                assert fast.from_tallies
                got = counted(fast)
                for item_id, counts in got.items():
                    assert counts == want[item_id], (user.username, item_id)
                assert sum(fast.totals.counts.values()) == sum(sum(c.values()) for c in want.values())
                if fast.base is not None:
                    assert _by_child(fast) == _expected_by_child(user, fast.base, items, TODAY, start, end)
                # Another day is counted live, by the same rule.
                other = TODAY + dt.timedelta(days=40)
                live = plan_progress(user=user, plan=plan, today=other, start=start, end=end)
                assert not live.from_tallies
                want_later = expected(user, items, other, start, end)
                for item_id, counts in counted(live).items():
                    assert counts == want_later[item_id], (user.username, item_id, "live")
            raise Rollback
    except Rollback:
        pass


def test_on_time_rate_is_the_one_of_section_13():
    counts = Counts()
    counts.add(DONE_ON_TIME, 6)
    counts.add(DONE_LATE, 2)
    counts.add(OPEN_OVERDUE, 1)
    counts.add(PENDING_STATUSES[0], 1, past=True)  # returned, deadline passed: overdue
    counts.add(PENDING_STATUSES[0], 5, past=False)  # returned, still in time: in neither part
    counts.add("open_on_time", 7)
    counts.add("cancelled", 3)
    assert counts.overdue == 2
    assert counts.on_time_rate == round(100 * 6 / (6 + 2 + 2), 1)
    assert counts.on_time_share_of_done == 75.0
    assert counts.live == 22 and counts.completion_rate == round(100 * 8 / 22, 1)


def test_items_roll_up_and_weights_make_the_plan_progress(tree):
    plan = make_plan(tree)
    first = plan.items.get()
    second = make_item(tree, plan)
    sub_a = make_item(tree, plan, parent=second, weight=3)
    sub_b = make_item(tree, plan, parent=second)
    for item, done, total in ((first, 1, 2), (sub_a, 1, 1), (sub_b, 0, 2)):
        for i in range(total):
            CommitmentFactory(
                responsible_person=tree.person_a,
                organization=tree.root,
                plan_item=item,
                deadline=dt.date(2026, 5, 31),
                completed_on=dt.date(2026, 5, 30) if i < done else None,
            )
    tally.rebuild(TODAY)
    progress = plan_progress(user=tree.staff, plan=plan, today=TODAY)
    rows = {row.item.pk: row for row in progress.rows}
    assert rows[second.pk].total.total == 3  # its sub-items' commitments, each counted once
    # Weighted (3 and 1): (3 × 100 + 1 × 0) / 4.
    assert rows[second.pk].progress == 75.0
    assert rows[first.pk].progress == 50.0
    # No top-level weight: the plan's progress is the share of its commitments done.
    assert not progress.weighted and progress.progress == round(100 * 2 / 5, 1)
    first.weight = 1
    first.save()
    second.weight = 3
    second.save()
    progress = plan_progress(user=tree.staff, plan=plan, today=TODAY)
    assert progress.weighted and progress.progress == round((1 * 50 + 3 * 75) / 4, 1)


def test_a_secretary_sees_her_part_of_the_blocs_plan(tree):
    plan = make_plan(tree)
    hers = make_item(tree, plan, lead_unit=tree.org_a)
    other = make_item(tree, plan, lead_unit=tree.org_b)
    CommitmentFactory(responsible_person=tree.person_a, organization=tree.branch_a, plan_item=other)
    CommitmentFactory(responsible_person=tree.person_b, organization=tree.org_b, plan_item=other)
    CommitmentFactory(responsible_person=tree.person_b, organization=tree.org_b, plan_item=other)
    tally.rebuild(TODAY)
    progress = plan_progress(user=tree.secretary_a, plan=plan, today=TODAY)
    assert not progress.full and progress.base == tree.org_a
    shown = {row.item.pk for row in progress.rows}
    assert hers.pk in shown and other.pk in shown  # led by her unit; has her commitments
    assert plan.items.get(number="1").pk not in shown  # neither
    assert progress.totals.total == 1
    assert [row.label for row in progress.by_child] == [tree.branch_a.name]
    staff = plan_progress(user=tree.staff, plan=plan, today=TODAY)
    assert staff.full and staff.totals.total == 3


def test_the_progress_reads_a_few_queries_whatever_the_number_of_commitments(
    tree, django_assert_max_num_queries
):
    plan = make_plan(tree)
    item = plan.items.get()
    for i in range(30):
        CommitmentFactory(
            responsible_person=tree.person_a, plan_item=item, deadline=dt.date(2026, 1 + i % 12, 10)
        )
    tally.rebuild(TODAY)
    TallyState.objects.filter(pk=1).update(as_of=TODAY)
    with django_assert_max_num_queries(13):  # 12, and the key of the rows by subtree
        progress = plan_progress(user=tree.staff, plan=plan, today=TODAY)
        assert progress.totals.total == 30
        assert progress.heads == []


def test_rows_by_subtree_are_kept_until_a_commitment_of_the_plan_or_the_tree_changes(tree):
    """Read from the tallies, the rows by subtree come from the cache until something they show may
    have changed: a commitment of the plan below the breakdown's organisation, a child's name."""
    from neuguong.organizations.services import organization_update

    plan = make_plan(tree)
    item = plan.items.get()
    CommitmentFactory(responsible_person=tree.person_a, plan_item=item, deadline=TODAY + dt.timedelta(days=9))
    CommitmentFactory(responsible_person=tree.person_b, plan_item=item, deadline=TODAY + dt.timedelta(days=9))
    CommitmentFactory(responsible_person=tree.person_b, deadline=TODAY)  # not the plan's
    tally.rebuild(TODAY)
    first = _by_child(plan_progress(user=tree.staff, plan=plan, today=TODAY))
    assert first == _expected_by_child(tree.staff, tree.root, [item], TODAY, None, None)

    with CaptureQueriesContext(connection) as queries:
        again = _by_child(plan_progress(user=tree.staff, plan=plan, today=TODAY))
    assert again == first
    assert not [q for q in queries.captured_queries if "SUM(" in q["sql"] and "plantally" in q["sql"]]

    CommitmentFactory(responsible_person=tree.person_b, deadline=TODAY)  # not the plan's: same rows
    assert _by_child(plan_progress(user=tree.staff, plan=plan, today=TODAY)) == first
    CommitmentFactory(responsible_person=tree.person_a, plan_item=item, deadline=TODAY - dt.timedelta(days=3))
    after_write = _by_child(plan_progress(user=tree.staff, plan=plan, today=TODAY))
    assert after_write == _expected_by_child(tree.staff, tree.root, [item], TODAY, None, None)
    assert after_write[tree.org_a.name][OPEN_OVERDUE] == 1

    old_name = tree.org_b.name
    organization_update(actor=tree.staff, organization=tree.org_b, name="Đảng bộ Sở mới", decided_on=TODAY)
    renamed = _by_child(plan_progress(user=tree.staff, plan=plan, today=TODAY))
    assert "Đảng bộ Sở mới" in renamed and old_name not in renamed
