import datetime as dt

import pytest
from django.http import Http404

from neuguong.commitments.status import commitment_status
from neuguong.commitments.tests.factories import CommitmentFactory
from neuguong.organizations.models import Agency
from neuguong.reports.periods import Period, half_period, quarter_period, year_period
from neuguong.reports.selectors import most_overdue, report_figures, report_organization

TODAY = dt.date(2026, 7, 15)
YEAR = year_period(2026)


def _make(person, **kwargs):
    return CommitmentFactory(responsible_person=person, **kwargs)


@pytest.fixture(autouse=True, params=["live", "tally"])
def counting(request, db):
    """Every test here runs twice: figures counted live, and read from the status tallies (built as of
    TODAY; the triggers keep them as the tests add commitments)."""
    from neuguong.commitments import tally

    if request.param == "tally":
        tally.rebuild(TODAY)
    else:
        tally.rebuild(TODAY + dt.timedelta(days=1000))  # another day: never read for TODAY
    return request.param


@pytest.fixture
def data(tree):
    """branch_a (under A): 2 done on time, 1 done late, 1 open overdue, 1 open on time;
    org_b: 1 overdue returned, 1 cancelled; one of 2025 (outside the period)."""
    a, b = tree.person_a, tree.person_b
    made = [
        _make(a, deadline=dt.date(2026, 3, 1), completed_on=dt.date(2026, 3, 1), category="exemplary"),
        _make(a, deadline=dt.date(2026, 3, 1), completed_on=dt.date(2026, 2, 1), category="exemplary"),
        _make(a, deadline=dt.date(2026, 3, 1), completed_on=dt.date(2026, 3, 2), category="political"),
        _make(a, deadline=dt.date(2026, 7, 14), category="exemplary"),
        _make(a, deadline=dt.date(2026, 7, 15), category="professional"),
        _make(b, deadline=dt.date(2026, 5, 1), is_returned=True, lead_unit=tree.org_b),
        _make(b, deadline=dt.date(2026, 9, 1), halt="cancelled", halt_reason="x", halted_by=tree.staff),
        _make(a, deadline=dt.date(2025, 12, 31)),
    ]
    return made


def test_totals_match_the_status_function_row_by_row(tree, data):
    figures = report_figures(user=tree.staff, organization=tree.root, period=YEAR, today=TODAY)
    expected: dict[str, int] = {}
    for c in data:
        if YEAR.start <= c.deadline <= YEAR.end:
            code = commitment_status(c, TODAY)
            expected[code] = expected.get(code, 0) + 1
    assert {k: v for k, v in figures.totals.counts.items() if v} == expected
    assert figures.totals.total == 7
    # The one on-time rate: 2 on time ÷ (2 on time + 1 late + 1 open overdue + 1 returned past its deadline).
    assert figures.totals.done == 3 and figures.totals.on_time_rate == pytest.approx(40.0)
    assert figures.totals.on_time_share_of_done == pytest.approx(66.7)
    assert figures.totals.live == 6 and figures.totals.completion_rate == 50.0


def test_per_child_rows_sum_to_the_totals(tree, data):
    figures = report_figures(user=tree.staff, organization=tree.root, period=YEAR, today=TODAY)
    rows = {row.key: row.counts for row in figures.by_child}
    assert rows["A"].total == 5 and rows["B"].total == 2
    assert sum(r.counts.total for r in figures.by_child) == figures.totals.total


def test_government_statuses_count_a_returned_overdue_task_as_overdue(tree, data):
    figures = report_figures(user=tree.staff, organization=tree.org_b, period=YEAR, today=TODAY)
    gov = figures.totals.gov()
    assert gov == {"open_on_time": 0, "open_overdue": 1, "done_on_time": 0, "done_late": 0}
    unit = next(row for row in figures.by_lead_unit if row.key == str(tree.org_b.pk))
    assert unit.label == tree.org_b.name and unit.counts.gov()["open_overdue"] == 1


def test_month_rows_follow_the_deadline_month(tree, data):
    figures = report_figures(user=tree.staff, organization=tree.root, period=YEAR, today=TODAY)
    assert [(row.key, row.counts.total) for row in figures.by_month] == [
        ("2026-03", 3),
        ("2026-05", 1),
        ("2026-07", 2),
        ("2026-09", 1),
    ]


def test_heads_of_agencies_with_overdue_commitments_are_listed(tree, data):
    Agency.objects.create(code="CQA", name="Sở Tài chính", organization=tree.org_a, head=tree.person_a)
    figures = report_figures(user=tree.staff, organization=tree.root, period=YEAR, today=TODAY)
    assert [(h.name, h.overdue) for h in figures.heads_overdue] == [("Nguyễn Nam Đình", 1)]


def test_secretary_sees_only_their_subtree_and_cannot_report_on_another(tree, data):
    figures = report_figures(user=tree.secretary_a, organization=tree.org_a, period=YEAR, today=TODAY)
    assert figures.totals.total == 5
    with pytest.raises(Http404):
        report_figures(user=tree.secretary_a, organization=tree.org_b, period=YEAR, today=TODAY)
    with pytest.raises(Http404):
        report_organization(user=tree.secretary_a, code="B")
    with pytest.raises(Http404):
        report_organization(user=tree.member_a, code="A1")
    with pytest.raises(Http404):
        report_organization(user=tree.staff, code="NOPE")


def test_scope_with_no_data_gives_empty_figures(tree):
    figures = report_figures(user=tree.staff, organization=tree.root, period=YEAR, today=TODAY)
    assert figures.is_empty and figures.totals.on_time_rate is None and figures.by_month == []


def test_most_overdue_lists_the_oldest_deadline_first(tree, data):
    rows = most_overdue(user=tree.staff, organization=tree.root, period=YEAR, today=TODAY)
    assert [c.deadline for c in rows] == [dt.date(2026, 7, 14)]


def test_figures_take_a_bounded_number_of_queries(tree, data, django_assert_max_num_queries):
    with django_assert_max_num_queries(10):
        report_figures(user=tree.staff, organization=tree.root, period=YEAR, today=TODAY)


def test_cached_figures_are_one_snapshot_for_every_consumer(
    tree, data, settings, django_assert_max_num_queries
):
    from django.core.cache import cache

    cache.clear()
    settings.REPORTS_FIGURES_CACHE_SECONDS = 60
    first = report_figures(user=tree.staff, organization=tree.root, period=YEAR, today=TODAY)
    CommitmentFactory(responsible_person=tree.person_a, deadline=dt.date(2026, 8, 1))
    with django_assert_max_num_queries(3):  # scope only: no aggregate
        second = report_figures(user=tree.staff, organization=tree.root, period=YEAR, today=TODAY)
    assert second.as_dict() == first.as_dict()
    other_scope = report_figures(user=tree.secretary_a, organization=tree.org_a, period=YEAR, today=TODAY)
    assert other_scope.totals.total == 6  # a different scope is its own snapshot, computed now
    cache.clear()


@pytest.mark.parametrize(
    "period",
    [
        YEAR,
        half_period(2026, 1),
        quarter_period(2026, 3),
        Period(dt.date(2026, 3, 1), dt.date(2026, 7, 31), "tháng 3–7"),
    ],
    ids=["year", "half", "quarter", "months"],
)
def test_tallies_and_live_counting_give_the_same_figures(tree, data, period):
    """Including commitments on the root itself and on a child dissolved since."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from neuguong.commitments import tally
    from neuguong.core.tests.factories import OrganizationFactory, PersonFactory
    from neuguong.organizations.models import Organization
    from neuguong.reports.selectors import _compute_figures

    gone = OrganizationFactory(code="GONE", name="Chi bộ đã giải thể", parent=tree.root)
    _make(PersonFactory(organization=gone), deadline=dt.date(2026, 3, 9))
    Organization.objects.filter(pk=gone.pk).update(dissolved_on=dt.date(2026, 6, 1))
    _make(tree.person_b, organization=tree.root, deadline=dt.date(2026, 4, 2), lead_unit=tree.org_a)
    tally.rebuild(TODAY)
    for organization in (tree.root, tree.org_a, tree.branch_a, tree.org_b):
        kwargs = {"user": tree.staff, "organization": organization, "period": period, "today": TODAY}
        with CaptureQueriesContext(connection) as counted_live:
            live = _compute_figures(**kwargs, use_tally=False).as_dict()
        with CaptureQueriesContext(connection) as read_stored:
            stored = _compute_figures(**kwargs).as_dict()
        assert "commitments_statustally" not in str(counted_live.captured_queries)
        assert "commitments_statustally" in str(read_stored.captured_queries)
        live.pop("computed_at"), stored.pop("computed_at")
        assert stored == live


def test_figures_read_from_tallies_are_kept_until_a_commitment_or_the_tree_changes(
    tree, data, counting, django_assert_max_num_queries
):
    first = report_figures(user=tree.staff, organization=tree.root, period=YEAR, today=TODAY)
    if counting == "live":
        assert first.cache_key == ""  # counted live: nothing kept
        return
    assert first.cache_key
    # scope (roles, person), tally state, generation: no aggregate
    with django_assert_max_num_queries(4):
        again = report_figures(user=tree.staff, organization=tree.root, period=YEAR, today=TODAY)
    assert again.as_dict() == first.as_dict()

    _make(tree.person_a, deadline=dt.date(2026, 8, 1))
    after_write = report_figures(user=tree.staff, organization=tree.root, period=YEAR, today=TODAY)
    assert after_write.totals.total == first.totals.total + 1

    from neuguong.organizations.services import organization_update

    organization_update(actor=tree.staff, organization=tree.org_a, name="Đảng bộ đổi tên", decided_on=TODAY)
    renamed = report_figures(user=tree.staff, organization=tree.root, period=YEAR, today=TODAY)
    assert "Đảng bộ đổi tên" in [row.label for row in renamed.by_child]


def test_a_cached_copy_lists_heads_from_the_current_posts(tree, data, counting):
    report_figures(user=tree.staff, organization=tree.root, period=YEAR, today=TODAY)
    Agency.objects.create(code="CQA", name="Sở Tài chính", organization=tree.org_a, head=tree.person_a)
    cached = report_figures(user=tree.staff, organization=tree.root, period=YEAR, today=TODAY)
    assert [(h.name, h.overdue) for h in cached.heads_overdue] == [("Nguyễn Nam Đình", 1)]


def test_a_pickled_copy_answers_the_same_figures(tree, data):
    import pickle

    Agency.objects.create(code="CQA", name="Sở Tài chính", organization=tree.org_a, head=tree.person_a)
    figures = report_figures(user=tree.staff, organization=tree.root, period=YEAR, today=TODAY)
    copy = pickle.loads(pickle.dumps(figures))
    assert copy.as_dict() == figures.as_dict()
    assert copy.by_child[0].counts.gov() == figures.by_child[0].counts.gov()


def test_recent_figures_expire_and_stay_few(monkeypatch):
    from neuguong.reports import selectors

    recent = selectors._RecentFigures()
    clock = [1000.0]
    monkeypatch.setattr(selectors.time, "monotonic", lambda: clock[0])
    marker = object()
    recent.put("a", marker)
    assert recent.get("a") is marker
    clock[0] += selectors.GENERATION_CACHE_SECONDS + 1
    assert recent.get("a") is None
    for i in range(recent.size + 5):
        recent.put(str(i), marker)
    assert recent.get("0") is None and recent.get(str(recent.size + 4)) is marker


def test_a_write_elsewhere_keeps_an_organisations_cached_figures(
    tree, data, counting, django_assert_max_num_queries
):
    if counting == "live":
        return
    first = report_figures(user=tree.staff, organization=tree.org_a, period=YEAR, today=TODAY)
    _make(tree.person_b, deadline=dt.date(2026, 8, 1))  # in B: A's figures cannot change
    with django_assert_max_num_queries(4):  # scope, tally state, generation: no aggregate
        same = report_figures(user=tree.staff, organization=tree.org_a, period=YEAR, today=TODAY)
    assert same.cache_key == first.cache_key
    mine = data[0]  # in A1, under A: a change of lead unit alone moves only the lead-unit counts
    mine.lead_unit = tree.org_a
    mine.save()
    changed = report_figures(user=tree.staff, organization=tree.org_a, period=YEAR, today=TODAY)
    assert changed.cache_key != first.cache_key
    assert {row.label for row in changed.by_lead_unit} >= {tree.org_a.name}


@pytest.mark.parametrize("period", [YEAR, half_period(2026, 1)], ids=["year", "half"])
def test_with_many_children_the_figures_hold_a_page_and_the_reports_read_every_child(
    tree, data, period, monkeypatch
):
    """The national root has 52,000 children: above CHILDREN_IN_FIGURES the figures keep the first
    page; every child's row is still read, a page at a time, and equals what is counted live."""
    from neuguong.commitments import tally
    from neuguong.core.tests.factories import OrganizationFactory, PersonFactory
    from neuguong.organizations.models import Organization
    from neuguong.reports import selectors

    gone = OrganizationFactory(code="GONE", name="Chi bộ đã giải thể", parent=tree.root)
    _make(PersonFactory(organization=gone), deadline=dt.date(2026, 3, 9))
    Organization.objects.filter(pk=gone.pk).update(dissolved_on=dt.date(2026, 6, 1))
    _make(tree.person_b, organization=tree.root, deadline=dt.date(2026, 4, 2))
    tally.rebuild(TODAY)
    kwargs = {"user": tree.staff, "organization": tree.root, "period": period, "today": TODAY}
    live = selectors._compute_figures(**kwargs, use_tally=False)
    monkeypatch.setattr(selectors, "CHILDREN_IN_FIGURES", 1)
    monkeypatch.setattr(selectors, "CHILD_PAGE", 1)
    paged = selectors._compute_figures(**kwargs, use_tally=True)
    assert paged.children_total == 2 and not paged.children_complete
    assert [row.key for row in paged.by_child] == [
        "DUK",
        "B",
        "",
    ]  # itself, the first child by name, dissolved
    assert paged.children_beyond(10) == 1 and live.children_beyond(10) == 0
    expected, got = live.as_dict(), paged.as_dict()  # as_dict lists every child (read page by page)
    expected.pop("computed_at"), got.pop("computed_at")
    assert got == expected
    assert [row.as_dict() for row in paged.all_child_rows()] == [row.as_dict() for row in live.by_child]


def test_with_many_children_a_write_reuses_the_children_list_until_the_tree_changes(
    tree, data, counting, monkeypatch
):
    """Above CHILDREN_IN_FIGURES, the first view after a write to a commitment does not count the
    children again nor look for the dissolved ones (kept under the tree's generation); a change to the
    tree (a new child, a dissolution, a rename) is seen at once."""
    if counting == "live":
        return
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from neuguong.core.tests.factories import OrganizationFactory
    from neuguong.organizations.models import Organization
    from neuguong.reports import selectors

    monkeypatch.setattr(selectors, "CHILDREN_IN_FIGURES", 1)
    monkeypatch.setattr(selectors, "CHILD_PAGE", 1)
    first = report_figures(user=tree.staff, organization=tree.root, period=YEAR, today=TODAY)
    assert first.children_total == 2

    _make(tree.person_a, deadline=dt.date(2026, 8, 1))
    with CaptureQueriesContext(connection) as queries:
        after_write = report_figures(user=tree.staff, organization=tree.root, period=YEAR, today=TODAY)
    assert after_write.cache_key != first.cache_key
    assert after_write.totals.total == first.totals.total + 1
    org_table = Organization._meta.db_table
    children_queries = [
        q["sql"] for q in queries.captured_queries if f'"{org_table}"."parent_id"' in q["sql"]
    ]
    assert not children_queries

    new = OrganizationFactory(code="AAA", name="Chi bộ A mới", parent=tree.root)
    grown = report_figures(user=tree.staff, organization=tree.root, period=YEAR, today=TODAY)
    assert grown.children_total == 3
    assert [row.label for row in grown.by_child if row.key == "AAA"] == ["Chi bộ A mới"]

    from neuguong.organizations.services import organization_update

    organization_update(actor=tree.staff, organization=new, name="Chi bộ Ánh Dương", decided_on=TODAY)
    renamed = report_figures(user=tree.staff, organization=tree.root, period=YEAR, today=TODAY)
    assert [row.label for row in renamed.by_child if row.key == "AAA"] == ["Chi bộ Ánh Dương"]

    from neuguong.organizations.services import organization_dissolve

    organization_dissolve(actor=tree.staff, organization=new, decided_on=TODAY)
    gone = report_figures(user=tree.staff, organization=tree.root, period=YEAR, today=TODAY)
    assert gone.children_total == 2
    assert "AAA" not in [row.key for row in gone.all_child_rows()]
    assert gone.totals.total == after_write.totals.total
