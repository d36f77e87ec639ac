import datetime as dt

import pytest

from neuguong.core.errors import BusinessError, OutOfScope
from neuguong.organizations import services
from neuguong.organizations.models import DecisionKind, Organization, OrgKind
from neuguong.people.models import Membership

DAY = dt.date(2025, 2, 15)


def test_staff_creates_a_branch_with_a_path_under_its_parent(tree):
    branch = services.organization_create(
        actor=tree.staff,
        code="A2",
        name="  Chi bộ  Phòng Kế hoạch ",
        kind=OrgKind.BRANCH,
        parent=tree.org_a,
        decided_on=DAY,
        decision_number="15-QĐ/ĐUK",
    )
    assert branch.name == "Chi bộ Phòng Kế hoạch"
    assert branch.path == f"{tree.org_a.path}{branch.pk}/"
    assert branch.depth == 2
    assert branch.decisions.get().kind == DecisionKind.CREATE


def test_secretary_cannot_change_structure(tree):
    with pytest.raises(OutOfScope):
        services.organization_create(
            actor=tree.secretary_a,
            code="A9",
            name="X",
            kind=OrgKind.BRANCH,
            parent=tree.org_a,
            decided_on=DAY,
        )


def test_duplicate_code_is_refused_with_a_vietnamese_message(tree):
    with pytest.raises(BusinessError) as error:
        services.organization_create(
            actor=tree.staff, code="a1", name="X", kind=OrgKind.BRANCH, parent=tree.org_a, decided_on=DAY
        )
    assert error.value.message == services.MSG_CODE_TAKEN.format(code="a1")


def test_moving_an_organisation_rewrites_its_whole_subtree(tree):
    services.organization_move(
        actor=tree.staff, organization=tree.org_a, new_parent=tree.org_b, decided_on=DAY
    )
    tree.branch_a.refresh_from_db()
    tree.org_a.refresh_from_db()
    assert tree.org_a.parent == tree.org_b
    assert tree.org_a.path == f"{tree.org_b.path}{tree.org_a.pk}/"
    assert tree.branch_a.path == f"{tree.org_a.path}{tree.branch_a.pk}/"
    assert tree.branch_a.depth == 3
    assert Organization.objects.subtree_of(tree.org_b).count() == 3


def test_cannot_move_an_organisation_under_its_own_descendant(tree):
    with pytest.raises(BusinessError) as error:
        services.organization_move(
            actor=tree.staff, organization=tree.org_a, new_parent=tree.branch_a, decided_on=DAY
        )
    assert error.value.message == services.MSG_MOVE_INTO_SELF


def test_merge_moves_members_and_keeps_the_source_and_its_history(tree):
    services.organization_merge(
        actor=tree.staff, source=tree.org_b, target=tree.org_a, decided_on=DAY, decision_number="20-QĐ/ĐUK"
    )
    tree.org_b.refresh_from_db()
    tree.person_b.refresh_from_db()
    assert not tree.org_b.is_active
    assert tree.org_b.merged_into == tree.org_a
    assert tree.person_b.organization == tree.org_a
    history = list(Membership.objects.filter(person=tree.person_b).order_by("started_on"))
    assert [(m.organization_id, m.ended_on) for m in history] == [(tree.org_b.pk, DAY), (tree.org_a.pk, None)]
    assert tree.org_b.decisions.filter(kind=DecisionKind.MERGE).exists()


def test_dissolving_a_non_empty_organisation_is_refused(tree):
    with pytest.raises(BusinessError) as error:
        services.organization_dissolve(actor=tree.staff, organization=tree.org_b, decided_on=DAY)
    assert error.value.message == services.MSG_DISSOLVE_NOT_EMPTY.format(
        name=tree.org_b.name, children=0, people=1
    )


def test_dissolved_organisation_keeps_its_records_and_accepts_no_new_children(tree):
    empty = services.organization_create(
        actor=tree.staff,
        code="E1",
        name="Chi bộ trống",
        kind=OrgKind.BRANCH,
        parent=tree.org_a,
        decided_on=DAY,
    )
    services.organization_dissolve(actor=tree.staff, organization=empty, decided_on=DAY)
    empty.refresh_from_db()
    assert empty.dissolved_on == DAY
    with pytest.raises(BusinessError):
        services.organization_create(
            actor=tree.staff, code="E2", name="Con", kind=OrgKind.BRANCH, parent=empty, decided_on=DAY
        )
