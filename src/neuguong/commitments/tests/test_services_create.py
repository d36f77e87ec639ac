import datetime as dt

import pytest

from neuguong.audit.models import AuditEvent
from neuguong.commitments import services
from neuguong.commitments.events import CommitmentEvent
from neuguong.commitments.models import Commitment, CommitmentCategory, Reminder, SourceKind
from neuguong.commitments.selectors import heads_of_agencies
from neuguong.core.errors import BusinessError, OutOfScope
from neuguong.core.tests.factories import PersonFactory
from neuguong.notifications.models import OutboxStatus
from neuguong.organizations.models import Agency

TODAY = dt.date(2026, 3, 10)


def create(tree, **kw):
    values = {
        "actor": tree.secretary_a,
        "organization": tree.org_a,
        "title": "Xây dựng kế hoạch học tập",
        "deadline": dt.date(2026, 4, 30),
        "responsible_person": tree.person_a,
        "today": TODAY,
    }
    return services.commitment_create(**(values | kw))


def test_secretary_puts_a_commitment_on_her_board_with_audit(tree):
    commitment = create(tree, category="exemplary", source_kind="document", source_note="Mục II.3")
    assert commitment.original_deadline == commitment.deadline == dt.date(2026, 4, 30)
    assert commitment.category == CommitmentCategory.EXEMPLARY
    assert AuditEvent.objects.for_object(commitment).filter(action=CommitmentEvent.CREATED).exists()


def test_secretary_cannot_create_on_another_organisations_board(tree):
    with pytest.raises(OutOfScope):
        create(tree, actor=tree.secretary_b)
    with pytest.raises(OutOfScope):
        create(tree, actor=tree.member_a, organization=tree.branch_a)
    assert not Commitment.objects.exists()


def test_deadline_before_start_is_refused(tree):
    with pytest.raises(BusinessError) as exc:
        create(tree, start_on=dt.date(2026, 5, 1))
    assert exc.value.message == services.MSG_DEADLINE_BEFORE_START


def test_past_deadline_needs_a_reason(tree):
    with pytest.raises(BusinessError) as exc:
        create(tree, deadline=dt.date(2026, 3, 9))
    assert exc.value.message == services.MSG_DEADLINE_PAST
    commitment = create(
        tree, deadline=dt.date(2026, 3, 9), reason="Nhập bổ sung nhiệm vụ đã giao tại hội nghị"
    )
    assert commitment.created_reason.startswith("Nhập bổ sung")


def test_deadline_today_is_not_past(tree):
    assert create(tree, deadline=TODAY).deadline == TODAY


def test_responsible_person_from_outside_the_board_is_refused(tree):
    with pytest.raises(BusinessError) as exc:
        create(tree, responsible_person=tree.person_b)
    assert exc.value.message == services.MSG_PERSON_OUTSIDE


def test_someone_must_be_responsible(tree):
    with pytest.raises(BusinessError) as exc:
        create(tree, responsible_person=None)
    assert exc.value.message == services.MSG_NOBODY_RESPONSIBLE
    assert create(tree, responsible_person=None, lead_unit=tree.branch_a).lead_unit == tree.branch_a


def test_empty_title_is_refused(tree):
    with pytest.raises(BusinessError) as exc:
        create(tree, title="   ")
    assert exc.value.message == services.MSG_TITLE_REQUIRED


def test_source_object_is_linked(tree):
    commitment = create(tree, source_kind=SourceKind.OTHER, source_object=tree.branch_a)
    assert commitment.source == tree.branch_a


def test_secretary_assigns_one_item_to_every_head_of_agency_in_her_subtree(tree):
    head1 = PersonFactory(full_name="Trần Thủ Trưởng", organization=tree.org_a)
    head2 = PersonFactory(full_name="Lê Giám Đốc", organization=tree.branch_a)
    outside = PersonFactory(full_name="Phạm Ngoài", organization=tree.org_b)
    Agency.objects.create(code="CQ1", name="Sở Tài chính", organization=tree.org_a, head=head1)
    Agency.objects.create(code="CQ2", name="Phòng Ngân sách", organization=tree.branch_a, head=head2)
    Agency.objects.create(code="CQ3", name="Sở Tư pháp", organization=tree.org_b, head=outside)
    heads = heads_of_agencies(user=tree.secretary_a, organization=tree.org_a)
    assert {p.pk for p in heads} == {head1.pk, head2.pk}
    made = services.commitment_assign_many(
        actor=tree.secretary_a,
        organization=tree.org_a,
        people=heads,
        title="Nêu gương thực hiện Quy định 08-QĐi/TW",
        deadline=dt.date(2026, 12, 31),
        category="exemplary",
        today=TODAY,
    )
    assert len(made) == 2
    assert len({c.batch for c in made}) == 1
    assert {c.responsible_person_id for c in made} == {head1.pk, head2.pk}


def test_assign_many_is_all_or_nothing(tree):
    with pytest.raises(BusinessError):
        services.commitment_assign_many(
            actor=tree.secretary_a,
            organization=tree.org_a,
            people=[tree.person_a, tree.person_b],
            title="Việc",
            deadline=dt.date(2026, 12, 31),
            today=TODAY,
        )
    assert not Commitment.objects.exists()


def test_monthly_recurring_commitment_generates_one_occurrence_per_month(tree):
    series = services.commitment_create_recurring(
        actor=tree.secretary_a,
        organization=tree.org_a,
        title="Báo cáo tình hình tư tưởng",
        recurrence="monthly",
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2026, 6, 30),
        responsible_person=tree.person_a,
        today=TODAY,
    )
    deadlines = list(series.occurrences.order_by("deadline").values_list("deadline", flat=True))
    assert deadlines == [
        dt.date(2026, 1, 31),
        dt.date(2026, 2, 28),
        dt.date(2026, 3, 31),
        dt.date(2026, 4, 30),
        dt.date(2026, 5, 31),
        dt.date(2026, 6, 30),
    ]
    assert series.occurrences.first().title == "Báo cáo tình hình tư tưởng (tháng 01/2026)"


def test_quarterly_recurring_commitment_ends_at_quarter_ends_and_a_partial_last_period(tree):
    series = services.commitment_create_recurring(
        actor=tree.secretary_a,
        organization=tree.org_a,
        title="Sơ kết quý",
        recurrence="quarterly",
        starts_on=dt.date(2026, 2, 15),
        ends_on=dt.date(2026, 11, 15),
        lead_unit=tree.org_a,
        today=TODAY,
    )
    assert list(series.occurrences.order_by("deadline").values_list("deadline", flat=True)) == [
        dt.date(2026, 3, 31),
        dt.date(2026, 6, 30),
        dt.date(2026, 9, 30),
        dt.date(2026, 11, 15),
    ]


def test_reassigning_cancels_pending_reminders(tree):
    commitment = create(tree)
    reminder = Reminder.objects.create(
        recipient=tree.member_a,
        commitment=commitment,
        kind="before",
        due_on=TODAY,
        deadline=commitment.deadline,
    )
    services.commitment_update(
        actor=tree.secretary_a, commitment=commitment, responsible_person=tree.person_a2
    )
    reminder.refresh_from_db()
    assert reminder.status == OutboxStatus.CANCELLED
    commitment.refresh_from_db()
    assert commitment.responsible_person == tree.person_a2


def test_a_bulk_assignment_counts_in_the_tallies_and_the_history_like_single_ones(tree):
    """Written a batch per statement: the tallies' triggers count them as a rebuild would, and each
    commitment has its creation event, read by the secretary of the subtree."""
    from django.db.models import Sum

    from neuguong.commitments import tally
    from neuguong.commitments.models import OrgTally

    tally.rebuild(TODAY)
    people = [PersonFactory(organization=tree.branch_a) for _ in range(5)]
    made = services.commitment_assign_many(
        actor=tree.secretary_a,
        organization=tree.org_a,
        people=people,
        title="  Học tập   Nghị quyết ",
        deadline=dt.date(2026, 12, 31),
        co_units=[tree.branch_a],
        reason="Kế hoạch năm",
        today=TODAY,
    )
    assert [c.title for c in Commitment.objects.filter(batch=made[0].batch)] == ["Học tập Nghị quyết"] * 5
    assert Commitment.objects.search("hoc tap").count() == 5
    assert all(list(c.co_units.all()) == [tree.branch_a] for c in made)

    def counts():
        return sorted(
            OrgTally.objects.values_list("organization_id", "period", "status").annotate(n=Sum("n"))
        )

    by_triggers = counts()
    tally.rebuild(TODAY)
    assert counts() == by_triggers
    events = AuditEvent.objects.filter(org_path__startswith=tree.org_a.path, action="commitments.created")
    assert events.count() == 5
    assert {e.target_id for e in events} == {str(c.pk) for c in made}
    assert all(e.note == "Kế hoạch năm" and e.changes["title"]["new"] == "Học tập Nghị quyết" for e in events)
    assert all(e.changes["co_units"]["new"] == tree.branch_a.name for e in events)


def test_a_head_of_agency_who_once_left_another_post_is_still_a_head(tree):
    """A current head-of-agency post counts whatever the person's earlier posts: one who was deputy
    somewhere until 2024 and is head since is a head; one whose head post ended is not."""
    from neuguong.core.dates import local_today
    from neuguong.people.models import Position, PositionTitle

    today = local_today()
    head = PersonFactory(full_name="Đỗ Thủ Trưởng", organization=tree.org_a)
    Position.objects.create(
        person=head,
        title=PositionTitle.DEPUTY_HEAD_OF_AGENCY,
        organization=tree.org_b,
        started_on=dt.date(2019, 1, 1),
        ended_on=dt.date(2024, 1, 1),
    )
    Position.objects.create(
        person=head,
        title=PositionTitle.HEAD_OF_AGENCY,
        organization=tree.org_a,
        started_on=dt.date(2024, 1, 2),
    )
    former = PersonFactory(full_name="Vũ Nguyên Thủ Trưởng", organization=tree.org_a)
    Position.objects.create(
        person=former,
        title=PositionTitle.HEAD_OF_AGENCY,
        organization=tree.org_a,
        started_on=dt.date(2019, 1, 1),
        ended_on=today - dt.timedelta(days=1),
    )
    heads = heads_of_agencies(user=tree.staff, organization=tree.root)
    assert head.pk in {p.pk for p in heads}
    assert former.pk not in {p.pk for p in heads}
