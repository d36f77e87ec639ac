"""The status tallies agree with the one status rule, whatever writes the commitments.

The expected counts are computed in Python with `commitment_status` (the pure rule) over every commitment
and every organisation on its path; the tallies are read back from the database. Hypothesis generates the
commitments, the changes made to them (save, `QuerySet.update`, delete), the days and the moves.
"""

import datetime as dt
from collections import Counter

import pytest
from django.db import transaction
from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from neuguong.commitments import tally
from neuguong.commitments.models import (
    Commitment,
    LeadUnitTally,
    OrgTally,
    PlanItemTally,
    PlanTally,
    StatusTally,
    TallyState,
)
from neuguong.commitments.status import PENDING_STATUSES, commitment_status
from neuguong.organizations.models import Organization

from .factories import CommitmentFactory

DAY = dt.date(2026, 6, 15)

commitment_facts = st.fixed_dictionaries(
    {
        "org": st.integers(0, 3),
        "deadline": st.integers(-60, 60),
        "extended_by": st.sampled_from([0, 0, 5, 40]),
        "completed": st.one_of(st.none(), st.integers(-20, 20)),
        "halt": st.sampled_from(["", "", "", "cancelled", "suspended"]),
        "extension_pending": st.booleans(),
        "is_returned": st.booleans(),
        "completion_pending": st.booleans(),
        "category": st.sampled_from(["exemplary", "political", "other"]),
        "source_kind": st.sampled_from(["pledge", "document"]),
        "lead": st.sampled_from([None, 0, 3]),
        "plan_item": st.sampled_from([None, None, 0, 1]),
    }
)


def expected(today: dt.date) -> tuple[Counter, Counter, Counter, Counter, Counter]:
    by_status: Counter = Counter()
    by_lead: Counter = Counter()
    by_org: Counter = Counter()
    by_item: Counter = Counter()
    by_plan: Counter = Counter()
    for c in Commitment.objects.select_related("organization", "plan_item"):
        code = commitment_status(c, today)
        past = code in PENDING_STATUSES and c.deadline < today
        month = c.deadline.year * 100 + c.deadline.month
        for ancestor in c.organization.ancestor_ids:
            by_status[(ancestor, month, c.category, c.source_kind, code, past)] += 1
            by_lead[(ancestor, month, c.lead_unit_id or 0, code, past)] += 1
            for period in (0, c.deadline.year * 100, month):
                by_org[(ancestor, period, code, past)] += 1
            if c.plan_item_id:
                by_item[(ancestor, c.plan_item_id, month, c.category, code, past)] += 1
                for period in (0, c.deadline.year * 100, month):
                    by_plan[(ancestor, c.plan_item.plan_id, period, code, past)] += 1
    return by_status, by_lead, by_org, by_item, by_plan


def stored() -> tuple[Counter, Counter, Counter, Counter, Counter]:
    def read(model, columns):
        rows = model.objects.values(*columns).annotate(total=Sum("n")).exclude(total=0).order_by()
        return Counter({tuple(row[c] for c in columns): row["total"] for row in rows})

    return (
        read(StatusTally, ["organization_id", "month", "category", "source_kind", "status", "past"]),
        read(LeadUnitTally, ["organization_id", "month", "lead_unit_key", "status", "past"]),
        read(OrgTally, ["organization_id", "period", "status", "past"]),
        read(PlanItemTally, ["organization_id", "plan_item_key", "month", "category", "status", "past"]),
        read(PlanTally, ["organization_id", "plan_key", "period", "status", "past"]),
    )


def plan_items(tree) -> list:
    """Two items of a plan, written straight to their tables (this app never imports the plans module:
    its models are reached through the relation)."""
    from neuguong.documents.models import Document

    item_model = Commitment._meta.get_field("plan_item").related_model
    plan_model = item_model._meta.get_field("plan").related_model
    document = Document.objects.create(
        organization=tree.root,
        doc_type="plan",
        number=165,
        issuer="ĐUK",
        term_key="t",
        issued_on=DAY,
        summary="KH",
    )
    plan = plan_model.objects.create(
        document=document,
        title="Kế hoạch",
        organization=tree.root,
        applies_to=tree.root,
        owner=tree.root,
        starts_on=DAY,
        ends_on=DAY,
    )
    return [
        item_model.objects.create(plan=plan, title=f"Mục {i}", lead_unit=tree.root, deadline=DAY)
        for i in (1, 2)
    ]


def make(tree, facts: dict, items: list | None = None) -> Commitment:
    orgs = [tree.root, tree.org_a, tree.branch_a, tree.org_b]
    people = {0: tree.person_b, 1: tree.person_a, 2: tree.person_a, 3: tree.person_b}
    original = DAY + dt.timedelta(days=facts["deadline"])
    deadline = original + dt.timedelta(days=facts["extended_by"])
    completed = facts["completed"]
    return CommitmentFactory(
        organization=orgs[facts["org"]],
        responsible_person=people[facts["org"]],
        lead_unit=None if facts["lead"] is None else orgs[facts["lead"]],
        deadline=deadline,
        original_deadline=original,
        completed_on=None if completed is None else deadline + dt.timedelta(days=completed),
        halt=facts["halt"],
        halt_reason="Lý do" if facts["halt"] else "",
        halted_by=tree.staff if facts["halt"] else None,
        extension_pending=facts["extension_pending"],
        is_returned=facts["is_returned"],
        completion_pending=facts["completion_pending"] and completed is not None,
        category=facts["category"],
        source_kind=facts["source_kind"],
        plan_item=None if facts["plan_item"] is None or not items else items[facts["plan_item"]],
    )


class Rollback(Exception):
    pass


def test_migration_installs_the_triggers_and_builds_the_state(tree):
    tally.rebuild(DAY)
    CommitmentFactory(responsible_person=tree.person_a, deadline=DAY)
    rows = StatusTally.objects.filter(organization=tree.root).aggregate(total=Sum("n"))
    assert rows["total"] == 1


@pytest.mark.django_db
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    initial=st.lists(commitment_facts, max_size=12),
    changes=st.lists(
        st.tuples(
            st.sampled_from(["save", "update", "delete", "complete"]), st.integers(0, 20), commitment_facts
        ),
        max_size=6,
    ),
    later=st.integers(-30, 90),
)
def test_tallies_follow_every_write_and_every_day(tree, initial, changes, later):
    try:
        with transaction.atomic():
            tally.rebuild(DAY)
            items = plan_items(tree)
            made = [make(tree, facts, items) for facts in initial]
            # bulk_create goes through the same triggers
            Commitment.objects.bulk_create(
                [
                    Commitment(
                        title="Hàng loạt",
                        organization=tree.org_b,
                        responsible_person=tree.person_b,
                        deadline=DAY,
                        original_deadline=DAY,
                    )
                ]
            )
            assert stored() == expected(DAY)
            for action, index, facts in changes:
                if not made:
                    break
                target = made[index % len(made)]
                if action == "save":
                    target.deadline = max(
                        target.original_deadline, DAY + dt.timedelta(days=facts["deadline"])
                    )
                    target.category = facts["category"]
                    target.organization = tree.org_a
                    target.plan_item = None if facts["plan_item"] is None else items[facts["plan_item"]]
                    target.save()
                elif action == "update":
                    Commitment.objects.filter(pk=target.pk).update(
                        is_returned=facts["is_returned"], extension_pending=facts["extension_pending"]
                    )
                    # A completion awaiting confirmation is confirmed, or a completed one reopened for it.
                    Commitment.objects.filter(pk=target.pk, completed_on__isnull=False).update(
                        completion_pending=facts["completion_pending"]
                    )
                elif action == "complete":
                    Commitment.objects.filter(organization=target.organization).update(completed_on=DAY)
                else:
                    Commitment.objects.filter(pk=target.pk).delete()
                    made.remove(target)
            assert stored() == expected(DAY)
            tally.compact()
            assert stored() == expected(DAY)
            day = DAY + dt.timedelta(days=later)
            tally.advance(day)
            assert stored() == expected(day)
            tally.advance(DAY)
            assert stored() == expected(DAY)
            raise Rollback
    except Rollback:
        pass


def test_rebuild_matches_the_rule(tree):
    items = plan_items(tree)
    for facts in [
        {
            "org": 2,
            "deadline": -3,
            "extended_by": 0,
            "completed": None,
            "halt": "",
            "extension_pending": False,
            "is_returned": True,
            "completion_pending": False,
            "category": "other",
            "source_kind": "pledge",
            "lead": 1,
            "plan_item": 0,
        },
        {
            "org": 1,
            "deadline": 10,
            "extended_by": 5,
            "completed": 6,
            "halt": "",
            "extension_pending": False,
            "is_returned": False,
            "completion_pending": False,
            "category": "political",
            "source_kind": "document",
            "lead": None,
            "plan_item": 1,
        },
        {  # completed, awaiting confirmation past its deadline
            "org": 2,
            "deadline": -3,
            "extended_by": 0,
            "completed": -1,
            "halt": "",
            "extension_pending": False,
            "is_returned": False,
            "completion_pending": True,
            "category": "exemplary",
            "source_kind": "pledge",
            "lead": None,
            "plan_item": 0,
        },
    ]:
        make(tree, facts, items)
    tally.rebuild(DAY)
    assert stored() == expected(DAY)
    tally.rebuild(DAY + dt.timedelta(days=20))
    assert stored() == expected(DAY + dt.timedelta(days=20))


def test_moving_an_organisation_moves_its_counts(tree):
    from neuguong.organizations.services import organization_move

    tally.rebuild(DAY)
    item = plan_items(tree)[0]
    for offset in (-5, 0, 5):
        CommitmentFactory(
            responsible_person=tree.person_a, deadline=DAY + dt.timedelta(days=offset), plan_item=item
        )
    organization_move(actor=tree.staff, organization=tree.branch_a, new_parent=tree.org_b, decided_on=DAY)
    assert stored() == expected(DAY)
    assert Organization.objects.get(pk=tree.branch_a.pk).path.startswith(tree.org_b.path)


def test_a_state_without_a_day_writes_nothing_and_is_not_read(tree):

    TallyState.objects.filter(pk=1).update(as_of=None)
    StatusTally.objects.all().delete()
    CommitmentFactory(responsible_person=tree.person_a, deadline=DAY)
    assert not StatusTally.objects.exists()
    assert tally.tally_ready(DAY) is False


def test_tallies_are_not_read_for_another_on_time_rule(tree, settings):
    tally.rebuild(DAY)
    assert tally.tally_ready(DAY) is True
    settings.COMMITMENT_ON_TIME_AGAINST_ORIGINAL = True
    assert tally.tally_ready(DAY) is False


def test_month_range_only_for_whole_months():
    assert tally.month_range(dt.date(2026, 1, 1), dt.date(2026, 12, 31)) == (202601, 202612)
    assert tally.month_range(dt.date(2026, 4, 1), dt.date(2026, 6, 30)) == (202604, 202606)
    assert tally.month_range(dt.date(2026, 2, 1), dt.date(2026, 2, 28)) == (202602, 202602)
    assert tally.month_range(dt.date(2026, 1, 2), dt.date(2026, 12, 31)) is None
    assert tally.month_range(dt.date(2026, 1, 1), dt.date(2026, 12, 30)) is None


def test_board_counts_and_summary_from_tallies_equal_live_counts(tree):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from neuguong.access.scope import scope_for
    from neuguong.commitments.selectors import (
        board_status_counts,
        commitment_list,
        status_counts,
        subtree_summary,
    )
    from neuguong.core.tests.factories import PersonFactory

    # secretary_a is also a member of B: her own commitments there are on her board too.
    own = PersonFactory(organization=tree.org_b, user=tree.secretary_a)
    CommitmentFactory(responsible_person=own, deadline=DAY - dt.timedelta(days=3), category="political")
    for i in range(24):
        make(
            tree,
            {
                "org": i % 4,
                "deadline": (i * 17) % 90 - 45,
                "extended_by": (0, 5, 40)[i % 3],
                "completed": None if i % 3 else (i % 7) - 3,
                "halt": ("", "", "", "", "cancelled", "suspended")[i % 6],
                "extension_pending": i % 5 == 0,
                "is_returned": i % 7 == 0,
                "completion_pending": i % 2 == 0,
                "category": ("exemplary", "political", "other")[i % 3],
                "source_kind": ("pledge", "document")[i % 2],
                "lead": (None, 0, 3)[i % 3],
                "plan_item": None,
            },
        )
    CommitmentFactory(responsible_person=tree.person_b, deadline=dt.date(2025, 12, 31))
    tally.rebuild(DAY)
    filter_sets = [
        {},
        {"category": "political"},
        {"source_kind": "pledge"},
        {"year": 2026},
        {"year": 2025, "category": "other"},
        {"organization": tree.org_a},
        {"organization": tree.branch_a, "year": 2026},
    ]
    users = [tree.staff, tree.secretary_a, tree.secretary_b, tree.inspector_a]
    for user in users:
        for filters in filter_sets:
            organization = filters.get("organization")
            if organization is not None and not scope_for(user).can_read_path(organization.path):
                continue
            with CaptureQueriesContext(connection) as queries:
                fast = board_status_counts(user=user, today=DAY, **filters)
            assert "commitments_statustally" in str(queries.captured_queries)
            live = status_counts(commitment_list(user=user, today=DAY, **filters), DAY)
            assert fast == live, (user.username, filters)
        for organization in (tree.root, tree.org_a, tree.branch_a, tree.org_b):
            if not scope_for(user).can_read_path(organization.path):
                continue
            total, rows = subtree_summary(user=user, organization=organization, today=DAY)
            live_total = status_counts(commitment_list(user=user, today=DAY, organization=organization), DAY)
            assert total.counts == live_total
            for row in rows:
                assert row.counts == status_counts(
                    commitment_list(user=user, today=DAY, organization=row.organization), DAY
                )


def test_period_keys_use_whole_years_where_they_can():
    assert tally.period_keys((202601, 202612)) == [202600]
    assert tally.period_keys((202501, 202612)) == [202500, 202600]
    assert tally.period_keys((202511, 202703)) == [202511, 202512, 202600, 202701, 202702, 202703]
    assert tally.period_keys((202604, 202606)) == [202604, 202605, 202606]


def test_migrate_rebuilds_tallies_of_another_layout(tree):
    CommitmentFactory(responsible_person=tree.person_a, deadline=DAY)
    TallyState.objects.filter(pk=1).update(version=0)
    StatusTally.objects.all().delete()
    tally.ensure_installed()
    assert TallyState.objects.get(pk=1).version == tally.TALLY_VERSION
    assert StatusTally.objects.filter(organization=tree.root).aggregate(total=Sum("n"))["total"] == 1


def test_check_command_finds_a_drift_and_rebuild_repairs_it(tree):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    tally.rebuild(DAY)
    CommitmentFactory(responsible_person=tree.person_a, deadline=DAY + dt.timedelta(days=3))
    call_command("tally_rebuild", "--check")  # consistent: no error
    OrgTally.objects.create(organization=tree.org_a, period=0, status="open_on_time", n=5)
    with pytest.raises(CommandError, match="chỗ lệch"):
        call_command("tally_rebuild", "--check")
    call_command("tally_rebuild")
    call_command("tally_rebuild", "--check")
    item = plan_items(tree)[0]
    CommitmentFactory(responsible_person=tree.person_a, deadline=DAY, plan_item=item)
    call_command("tally_rebuild", "--check")
    PlanItemTally.objects.create(
        organization=tree.root, plan_item_key=item.pk, month=202606, category="other", status="done_late", n=1
    )
    with pytest.raises(CommandError, match="1 chỗ lệch"):
        call_command("tally_rebuild", "--check")
    call_command("tally_rebuild")
    call_command("tally_rebuild", "--check")


def test_the_scheduled_job_redates_the_tallies_after_midnight(tree, monkeypatch):
    from neuguong.commitments.tasks import refresh_status_tallies

    tally.rebuild(DAY)
    for offset in (-1, 0, 1, 2):
        CommitmentFactory(responsible_person=tree.person_a, deadline=DAY + dt.timedelta(days=offset))
    monkeypatch.setattr("neuguong.core.dates.local_today", lambda: DAY + dt.timedelta(days=2))
    result = refresh_status_tallies.enqueue()
    assert result.return_value == {"advanced": True}
    assert TallyState.objects.get(pk=1).as_of == DAY + dt.timedelta(days=2)
    assert stored() == expected(DAY + dt.timedelta(days=2))
    assert tally.tally_ready(DAY + dt.timedelta(days=2))


def test_compaction_folds_only_keys_with_several_rows(tree):
    from django.db.models import Max

    tally.rebuild(DAY)
    c = CommitmentFactory(
        responsible_person=tree.person_a, deadline=DAY + dt.timedelta(days=3), plan_item=plan_items(tree)[0]
    )
    Commitment.objects.filter(pk=c.pk).update(completed_on=DAY)
    Commitment.objects.filter(pk=c.pk).update(completed_on=None)
    tally.compact()
    assert stored() == expected(DAY)
    assert StatusTally.objects.filter(organization=tree.root).count() == 1  # +1 −1 +1 folded, zeros gone
    tally_models = (StatusTally, LeadUnitTally, OrgTally, PlanItemTally, PlanTally)
    newest = [model.objects.aggregate(m=Max("id"))["m"] for model in tally_models]
    tally.compact()  # nothing left to fold: no row is rewritten
    assert [model.objects.aggregate(m=Max("id"))["m"] for model in tally_models] == newest
    assert stored() == expected(DAY)
