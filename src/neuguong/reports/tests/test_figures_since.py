"""Figures after a write: the base read from the tallies plus the rows appended since (`_figures_since`)
give exactly what counting live gives, after any sequence of writes, folds and rebuilds; the base is
read from the shared cache by any app server and stops being used after GENERATION_CACHE_SECONDS."""

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from neuguong.commitments import tally
from neuguong.commitments.models import Commitment
from neuguong.commitments.tests.factories import CommitmentFactory
from neuguong.core.tests.factories import OrganizationFactory, PersonFactory
from neuguong.organizations.models import Organization
from neuguong.reports import selectors
from neuguong.reports.periods import Period, year_period

TODAY = dt.date(2026, 7, 15)
PERIODS = [year_period(2026), Period(dt.date(2026, 3, 1), dt.date(2026, 8, 31), "tháng 3–8")]


@pytest.fixture
def world(tree):
    """The tree, a child of the root dissolved since (with commitments), commitments on the root itself,
    tallies built as of TODAY, no cached figures."""
    from django.core.cache import cache

    gone = OrganizationFactory(code="GONE", name="Chi bộ đã giải thể", parent=tree.root)
    gone_person = PersonFactory(organization=gone)
    CommitmentFactory(responsible_person=gone_person, deadline=dt.date(2026, 3, 9))
    Organization.objects.filter(pk=gone.pk).update(dissolved_on=dt.date(2026, 6, 1))
    CommitmentFactory(responsible_person=tree.person_b, organization=tree.root, deadline=dt.date(2026, 4, 2))
    CommitmentFactory(responsible_person=tree.person_a, deadline=dt.date(2026, 5, 2), lead_unit=tree.org_b)
    tally.rebuild(TODAY)
    cache.clear()
    selectors.forget_recent_figures()
    tree.gone_person = gone_person
    return tree


def _figures(tree, organization, period):
    return selectors.report_figures(user=tree.staff, organization=organization, period=period, today=TODAY)


def _live(tree, organization, period) -> dict:
    found = selectors._compute_figures(
        user=tree.staff, organization=organization, period=period, today=TODAY, use_tally=False
    ).as_dict()
    found.pop("computed_at")
    return found


def _same_as_live(tree, organization, period) -> None:
    got = _figures(tree, organization, period).as_dict()
    got.pop("computed_at")
    assert got == _live(tree, organization, period)


@pytest.fixture
def full_reads(monkeypatch):
    """How many times the figures were read whole from the tallies."""
    calls = []
    original = selectors._compute_figures

    def counted(**kwargs):
        if kwargs.get("use_tally"):
            calls.append(kwargs["organization"].code)
        return original(**kwargs)

    monkeypatch.setattr(selectors, "_compute_figures", counted)
    return calls


DEADLINES = st.dates(min_value=dt.date(2025, 12, 1), max_value=dt.date(2026, 10, 31))
WRITE = st.one_of(
    st.tuples(
        st.just("add"),
        st.sampled_from(["a", "b", "root", "gone"]),
        DEADLINES,
        st.sampled_from(["exemplary", "political", "professional"]),
        st.sampled_from([None, "org_a", "org_b"]),
        st.booleans(),
    ),
    st.tuples(st.just("complete"), st.integers(0, 50), DEADLINES),
    st.tuples(st.just("reopen"), st.integers(0, 50)),
    st.tuples(st.just("move deadline"), st.integers(0, 50), DEADLINES),
    st.tuples(st.just("lead unit"), st.integers(0, 50), st.sampled_from([None, "org_a", "org_b"])),
    st.tuples(st.just("return"), st.integers(0, 50)),
    st.tuples(st.just("delete"), st.integers(0, 50)),
)


def _apply(tree, write) -> None:
    kind = write[0]
    if kind == "add":
        _, where, deadline, category, unit, done = write
        person = {"a": tree.person_a, "b": tree.person_b, "root": tree.person_b, "gone": tree.gone_person}[
            where
        ]
        extra = {"organization": tree.root} if where == "root" else {}
        CommitmentFactory(
            responsible_person=person,
            deadline=deadline,
            category=category,
            lead_unit=getattr(tree, unit) if unit else None,
            completed_on=deadline if done else None,
            **extra,
        )
        return
    ids = list(Commitment.objects.order_by("pk").values_list("pk", flat=True))
    if not ids:
        return
    target = Commitment.objects.filter(pk=ids[write[1] % len(ids)])
    if kind == "complete":
        target.update(completed_on=write[2])
    elif kind == "reopen":
        target.update(completed_on=None, is_returned=False)
    elif kind == "move deadline":  # re-planned: the original deadline moves with it
        target.update(deadline=write[2], original_deadline=write[2])
    elif kind == "lead unit":
        target.update(lead_unit=getattr(tree, write[2]) if write[2] else None)
    elif kind == "return":
        target.update(is_returned=True, completed_on=None)
    else:
        target.delete()


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(writes=st.lists(WRITE, min_size=1, max_size=6), period=st.sampled_from(PERIODS))
def test_figures_after_writes_are_the_base_plus_the_rows_since_and_equal_live_counts(
    world, full_reads, writes, period
):
    from django.core.cache import cache

    cache.clear()
    selectors.forget_recent_figures()
    full_reads.clear()
    for organization in (world.root, world.org_a):
        _same_as_live(world, organization, period)
    assert full_reads == ["DUK", "A"]  # the bases
    for write in writes:
        _apply(world, write)
        for organization in (world.root, world.org_a):
            _same_as_live(world, organization, period)
    assert full_reads == ["DUK", "A"], "every later view added the rows since to its base"


def test_a_fold_or_a_rebuild_since_the_base_reads_the_figures_whole(world, full_reads):
    """Folding removes rows the base counted and appends their sums: adding those would count them twice,
    and rows that cancel out can vanish (here: one commitment added, then deleted, then folded)."""
    period = PERIODS[0]
    _same_as_live(world, world.root, period)
    added = CommitmentFactory(responsible_person=world.person_a, deadline=dt.date(2026, 2, 3))
    _same_as_live(world, world.root, period)
    added.delete()
    _same_as_live(world, world.root, period)
    assert full_reads == ["DUK"]
    tally.compact()
    CommitmentFactory(responsible_person=world.person_b, deadline=dt.date(2026, 2, 4))
    _same_as_live(world, world.root, period)
    assert full_reads == ["DUK", "DUK"]
    tally.rebuild(TODAY)
    CommitmentFactory(responsible_person=world.person_b, deadline=dt.date(2026, 2, 5))
    _same_as_live(world, world.root, period)
    assert full_reads == ["DUK", "DUK", "DUK"]


def test_another_app_server_adds_to_the_shared_base(world, full_reads):
    period = PERIODS[0]
    _same_as_live(world, world.root, period)
    selectors.forget_recent_figures()  # another process: only the shared cache is common
    CommitmentFactory(responsible_person=world.person_a, deadline=dt.date(2026, 9, 3), lead_unit=world.org_a)
    _same_as_live(world, world.root, period)
    assert full_reads == ["DUK"]


def test_a_base_is_used_for_a_bounded_time(world, full_reads, monkeypatch):
    """A write that took its tally id before another's but committed after the base was read is not in
    the base and never past its marks: the base is read again after GENERATION_CACHE_SECONDS."""
    period = PERIODS[0]
    _same_as_live(world, world.root, period)
    clock = [selectors.time.time() + selectors.GENERATION_CACHE_SECONDS + 1]
    monkeypatch.setattr(selectors.time, "time", lambda: clock[0])
    CommitmentFactory(responsible_person=world.person_a, deadline=dt.date(2026, 9, 3))
    _same_as_live(world, world.root, period)
    assert full_reads == ["DUK", "DUK"]


def test_with_many_children_the_rows_since_reach_the_first_page_the_dissolved_and_the_root(
    world, full_reads, monkeypatch
):
    monkeypatch.setattr(selectors, "CHILDREN_IN_FIGURES", 1)
    monkeypatch.setattr(selectors, "CHILD_PAGE", 1)
    period = PERIODS[0]
    _same_as_live(world, world.root, period)
    first = _figures(world, world.root, period)
    assert first.children_total == 2 and [row.key for row in first.by_child] == ["DUK", "B", ""]
    CommitmentFactory(responsible_person=world.person_a, deadline=dt.date(2026, 9, 3))  # A, not on the page
    CommitmentFactory(responsible_person=world.person_b, deadline=dt.date(2026, 9, 4))  # B, on it
    CommitmentFactory(responsible_person=world.gone_person, deadline=dt.date(2026, 9, 5))  # dissolved
    CommitmentFactory(
        responsible_person=world.person_b, organization=world.root, deadline=dt.date(2026, 9, 6)
    )
    _same_as_live(world, world.root, period)
    assert full_reads == ["DUK"]


def test_the_rows_since_are_a_few_small_queries(world, django_assert_max_num_queries):
    period = PERIODS[0]
    _figures(world, world.root, period)
    CommitmentFactory(responsible_person=world.person_a, deadline=dt.date(2026, 9, 3), lead_unit=world.org_b)
    # scope (2), tally state, generation, the rows since (one statement)
    with django_assert_max_num_queries(5):
        _figures(world, world.root, period)
