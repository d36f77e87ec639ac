"""Commitments (and study campaigns) serve plan items: the link is checked by the plans module's hook, and
the plan's document becomes the source of a commitment that has no other."""

import datetime as dt

import pytest

from neuguong.commitments.models import SourceKind
from neuguong.commitments.services import (
    commitment_assign,
    commitment_create,
    commitment_link_plan_item,
)
from neuguong.core.errors import BusinessError
from neuguong.organizations.models import Agency
from neuguong.plans import services

from .factories import TODAY, make_item, make_plan

pytestmark = pytest.mark.django_db

DEADLINE = dt.date(2026, 9, 30)


def test_a_commitment_of_an_item_takes_the_plans_document_as_its_source(tree):
    plan = make_plan(tree)
    item = make_item(tree, plan, number="II.3")
    commitment = commitment_create(
        actor=tree.staff,
        organization=tree.root,
        title="Người đứng đầu đối thoại với cán bộ",
        deadline=DEADLINE,
        responsible_person=tree.person_a,
        source_note="gõ tay: KH 165, mục II.3",
        plan_item=item,
        today=TODAY,
    )
    assert commitment.plan_item == item
    assert commitment.source_kind == SourceKind.DOCUMENT and commitment.source == plan.document
    assert commitment.source_note == f"{plan.document.number_text}, Mục II.3. {item.title}"


def test_another_source_is_kept_and_the_item_named_too(tree):
    from neuguong.commitments.models import Pledge

    plan = make_plan(tree)
    item = make_item(tree, plan)
    pledge = Pledge.objects.create(
        person=tree.person_a,
        organization=tree.branch_a,
        year=2026,
        registered_on=TODAY,
        entered_by=tree.staff,
    )
    commitment = commitment_create(
        actor=tree.staff,
        organization=tree.branch_a,
        title="Cam kết",
        deadline=DEADLINE,
        responsible_person=tree.person_a,
        source_kind=SourceKind.PLEDGE,
        source_object=pledge,
        source_note="Bản cam kết năm 2026",
        plan_item=item,
        today=TODAY,
    )
    assert commitment.source == pledge and commitment.source_note == "Bản cam kết năm 2026"
    assert commitment.plan_item == item


def test_an_item_of_a_plan_that_does_not_apply_to_the_organisation_is_refused(tree):
    plan = make_plan(tree, applies_to=tree.org_a)
    item = plan.items.get()
    with pytest.raises(BusinessError) as error:
        commitment_create(
            actor=tree.staff,
            organization=tree.org_b,
            title="Việc",
            deadline=DEADLINE,
            responsible_person=tree.person_b,
            plan_item=item,
            today=TODAY,
        )
    assert error.value.message == services.MSG_LINK_NOT_APPLICABLE.format(
        item=item.label, plan=plan.reference, org=tree.org_b.name
    )
    assert error.value.field == "plan_item"
    assert not item.commitments.exists()


def test_a_plan_not_in_force_takes_no_new_work(tree):
    drafting = make_plan(tree, in_force=False)
    item = make_item(tree, drafting)
    with pytest.raises(BusinessError) as error:
        commitment_create(
            actor=tree.staff,
            organization=tree.root,
            title="Việc",
            deadline=DEADLINE,
            responsible_person=tree.person_a,
            plan_item=item,
            today=TODAY,
        )
    assert error.value.message == services.MSG_LINK_NOT_IN_FORCE.format(plan=drafting.reference)
    finished = make_plan(tree)
    services.plan_finish(actor=tree.staff, plan=finished, closed_on=TODAY, note="Xong", today=TODAY)
    with pytest.raises(BusinessError) as error:
        commitment_create(
            actor=tree.staff,
            organization=tree.root,
            title="Việc",
            deadline=DEADLINE,
            responsible_person=tree.person_a,
            plan_item=finished.items.get(),
            today=TODAY,
        )
    assert error.value.message == services.MSG_LINK_CLOSED.format(plan=finished.reference)


def test_an_item_is_assigned_to_every_head_of_agency_at_once(tree):
    Agency.objects.create(code="CQA", name="Sở Tài chính", organization=tree.org_a, head=tree.person_a)
    Agency.objects.create(code="CQB", name="Sở Tư pháp", organization=tree.org_b, head=tree.person_b)
    plan = make_plan(tree)
    item = make_item(tree, plan)
    assignment = commitment_assign(
        actor=tree.staff,
        organization=tree.root,
        title=item.title,
        deadline=item.deadline,
        all_heads=True,
        plan_item=item,
        today=TODAY,
    )
    assert {c.responsible_person for c in assignment.commitments} == {tree.person_a, tree.person_b}
    assert all(c.plan_item == item and c.source == plan.document for c in assignment.commitments)
    assert len({c.batch for c in assignment.commitments}) == 1


def test_an_existing_free_text_commitment_is_linked_and_keeps_its_text(tree):
    from neuguong.audit.selectors import history_for
    from neuguong.commitments.tests.factories import CommitmentFactory

    plan = make_plan(tree)
    item = make_item(tree, plan)
    commitment = CommitmentFactory(responsible_person=tree.person_a, source_note="Theo KH 165, mục 1")
    commitment_link_plan_item(actor=tree.staff, commitment=commitment, plan_item=item)
    commitment.refresh_from_db()
    assert commitment.plan_item == item and commitment.source == plan.document
    assert commitment.source_note == "Theo KH 165, mục 1"
    changes = {c["field"]: c["new"] for c in history_for(commitment)[0]["changes"]}
    assert changes["Văn bản nguồn"] == plan.reference
    assert changes["Mục kế hoạch"] == str(item)


def test_a_secretary_cannot_link_a_commitment_of_the_bloc(tree):
    from neuguong.commitments.tests.factories import CommitmentFactory
    from neuguong.core.errors import OutOfScope

    plan = make_plan(tree)
    commitment = CommitmentFactory(responsible_person=tree.person_b, organization=tree.root)
    with pytest.raises(OutOfScope):
        commitment_link_plan_item(actor=tree.secretary_a, commitment=commitment, plan_item=plan.items.get())


def test_a_study_campaign_names_the_item_it_carries_out(tree):
    from neuguong.study.models import Campaign
    from neuguong.study.services import campaign_link_plan_item

    plan = make_plan(tree, applies_to=tree.org_a)
    item = make_item(tree, plan)
    inside = Campaign.objects.create(
        title="Học NQ", level="grassroots", organizer=tree.org_a, audience_root=tree.org_a
    )
    outside = Campaign.objects.create(
        title="Học NQ B", level="grassroots", organizer=tree.org_b, audience_root=tree.org_b
    )
    campaign_link_plan_item(actor=tree.staff, campaign=inside, plan_item=item)
    inside.refresh_from_db()
    assert inside.plan_item == item
    with pytest.raises(BusinessError) as error:
        campaign_link_plan_item(actor=tree.staff, campaign=outside, plan_item=item)
    assert error.value.field == "plan_item"
