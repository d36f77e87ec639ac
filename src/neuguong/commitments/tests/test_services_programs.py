import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from neuguong.audit.models import AuditEvent
from neuguong.commitments import services
from neuguong.commitments.events import CommitmentEvent
from neuguong.commitments.models import DEFAULT_PLEDGE_ITEMS, Commitment, Pledge, SourceKind
from neuguong.commitments.tests.factories import CommitmentFactory
from neuguong.core.errors import BusinessError, OutOfScope

TODAY = dt.date(2026, 1, 15)


def test_exemplary_program_item_becomes_a_commitment_due_at_the_end_of_its_quarter(tree):
    program = services.work_program_create(
        actor=tree.secretary_a, organization=tree.org_a, year=2026, title=""
    )
    assert program.title == "Chương trình công tác năm 2026"
    item = services.work_program_item_add(
        actor=tree.secretary_a,
        program=program,
        title="Bí thư nêu gương đối thoại với đảng viên",
        quarter=2,
        is_exemplary=True,
        responsible_person=tree.person_a,
        today=TODAY,
    )
    commitment = Commitment.objects.get()
    assert commitment.source == item
    assert commitment.source_kind == SourceKind.WORK_PROGRAM
    assert commitment.category == "exemplary"
    assert commitment.deadline == dt.date(2026, 6, 30)


def test_ordinary_program_item_is_not_a_commitment(tree):
    program = services.work_program_create(
        actor=tree.secretary_a, organization=tree.org_a, year=2026, title="CT"
    )
    services.work_program_item_add(actor=tree.secretary_a, program=program, title="Sinh hoạt chi bộ", month=2)
    assert not Commitment.objects.exists()


def test_program_item_needs_exactly_one_month_or_quarter(tree):
    program = services.work_program_create(
        actor=tree.secretary_a, organization=tree.org_a, year=2026, title="CT"
    )
    for bad in ({"month": 2, "quarter": 1}, {}, {"month": 13}, {"quarter": 5}):
        with pytest.raises(BusinessError) as exc:
            services.work_program_item_add(actor=tree.secretary_a, program=program, title="x", **bad)
        assert exc.value.message == services.MSG_ITEM_PERIOD


def test_one_program_per_organisation_and_year(tree):
    services.work_program_create(actor=tree.secretary_a, organization=tree.org_a, year=2026, title="CT")
    with pytest.raises(BusinessError) as exc:
        services.work_program_create(actor=tree.secretary_a, organization=tree.org_a, year=2026, title="CT")
    assert exc.value.message == services.MSG_PROGRAM_EXISTS.format(year=2026)


def test_member_registers_her_pledge_from_the_organisations_edited_template(tree):
    assert services.pledge_template_for(tree.branch_a, 2026) == DEFAULT_PLEDGE_ITEMS
    services.pledge_template_save(
        actor=tree.secretary_a,
        organization=tree.org_a,
        year=2026,
        items=["Nêu gương học tập", " ", "Không vi phạm"],
    )
    items = services.pledge_template_for(tree.branch_a, 2026)
    assert items == ["Nêu gương học tập", "Không vi phạm"]
    pledge = services.pledge_register(
        actor=tree.member_a, person=tree.person_a, year=2026, items=items, today=TODAY
    ).pledge
    assert not pledge.is_proxy_entry
    assert pledge.template.organization == tree.org_a
    commitments = Commitment.objects.filter(source_kind=SourceKind.PLEDGE)
    assert commitments.count() == 2
    assert {c.deadline for c in commitments} == {dt.date(2026, 12, 31)}
    assert {c.responsible_person_id for c in commitments} == {tree.person_a.pk}


def test_secretary_enters_a_pledge_for_a_member_as_a_proxy_entry(tree):
    pledge = services.pledge_register(
        actor=tree.secretary_a, person=tree.person_a2, year=2026, items=["Hoàn thành nhiệm vụ"], today=TODAY
    ).pledge
    assert pledge.is_proxy_entry and pledge.template is None


def test_registering_the_pledge_again_updates_it_without_duplicating_a_commitment(tree):
    first = services.pledge_register(
        actor=tree.member_a, person=tree.person_a, year=2026, items=["Nêu gương", "Học tập"], today=TODAY
    )
    # The member already had this one (assigned by the chi bộ): it is not created a second time.
    CommitmentFactory(responsible_person=tree.person_a, title="Không vi phạm", deadline=dt.date(2026, 6, 30))
    again = services.pledge_register(
        actor=tree.member_a,
        person=tree.person_a,
        year=2026,
        items=["nêu gương ", "Học tập", "Không vi phạm", "Rèn luyện sức khỏe", "Rèn luyện sức khỏe"],
        today=TODAY,
    )
    assert first.created and not again.created and again.pledge.pk == first.pledge.pk
    assert again.added == ["Rèn luyện sức khỏe"]
    assert again.kept == ["nêu gương", "Học tập", "Không vi phạm"]
    assert Pledge.objects.count() == 1
    titles = sorted(
        Commitment.objects.filter(responsible_person=tree.person_a).values_list("title", flat=True)
    )
    assert titles == ["Học tập", "Không vi phạm", "Nêu gương", "Rèn luyện sức khỏe"]
    assert AuditEvent.objects.filter(action=CommitmentEvent.PLEDGE_UPDATED).count() == 1


def test_the_database_refuses_a_second_copy_of_a_pledge_item(tree):
    pledge = services.pledge_register(
        actor=tree.member_a, person=tree.person_a, year=2026, items=["Nêu gương"], today=TODAY
    ).pledge
    copy = Commitment.objects.filter(source_kind=SourceKind.PLEDGE).get()
    copy.pk = None
    with pytest.raises(IntegrityError), transaction.atomic():
        copy.save()
    assert pledge.commitments_titles() == ["Nêu gương"]


def test_member_cannot_register_a_pledge_for_someone_else(tree):
    with pytest.raises(OutOfScope):
        services.pledge_register(
            actor=tree.member_a, person=tree.person_a2, year=2026, items=["x"], today=TODAY
        )


@pytest.mark.parametrize("exemplary", [False, True])
def test_a_program_item_refuses_a_person_or_unit_of_another_subtree_and_writes_nothing(tree, exemplary):
    from neuguong.commitments.models import WorkProgramItem

    program = services.work_program_create(
        actor=tree.secretary_a, organization=tree.org_a, year=2026, title=""
    )
    for values, field, message in (
        ({"responsible_person": tree.person_b}, "responsible_person", services.MSG_PERSON_OUTSIDE),
        ({"lead_unit": tree.org_b}, "lead_unit", services.MSG_UNIT_OUTSIDE),
    ):
        with pytest.raises(BusinessError) as refused:
            services.work_program_item_add(
                actor=tree.secretary_a,
                program=program,
                title="Đối thoại với đảng viên",
                quarter=2,
                is_exemplary=exemplary,
                today=TODAY,
                **values,
            )
        assert (refused.value.message, refused.value.field) == (message, field)
    assert not WorkProgramItem.objects.exists() and not Commitment.objects.exists()
