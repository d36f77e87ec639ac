"""Who sees an inspection, and at what level, across roles and subtrees."""

import pytest

from neuguong.core.tests.factories import PersonFactory, Role, UserFactory, grant
from neuguong.inspections.access import access_level
from neuguong.inspections.models import Inspection, InspectionState, Level, Program
from neuguong.people.models import PositionTitle

from .factories import account_for, advance, make_inspection, seat

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(tree):
    """Extra actors around the root committee's inspection of org A."""
    commission = PersonFactory(full_name="Lê Thị Ủy Viên", organization=tree.root)
    standing = PersonFactory(full_name="Phạm Văn Thường Vụ", organization=tree.root)
    other_standing = PersonFactory(full_name="Hồ Văn Khác", organization=tree.org_b)
    team_member = PersonFactory(full_name="Đỗ Thị Thành Viên", organization=tree.org_b)
    seat(commission, PositionTitle.INSPECTION_MEMBER, tree.root)
    seat(standing, PositionTitle.STANDING_MEMBER, tree.root)
    seat(other_standing, PositionTitle.STANDING_MEMBER, tree.org_b)
    root_secretary = UserFactory(username="secretary_root")
    grant(root_secretary, Role.SECRETARY, tree.root)
    return {
        "commission": account_for(commission, "uy_vien_ubkt"),
        "standing": account_for(standing, "thuong_vu"),
        "other_standing": account_for(other_standing, "thuong_vu_b"),
        "team_member": account_for(team_member, "thanh_vien"),
        "team_member_person": team_member,
        "root_secretary": root_secretary,
    }


def _user(tree, people, name):
    if hasattr(tree, name):
        return getattr(tree, name)
    return people[name]


EXPECTED_BEFORE_NOTICE = {
    "staff": Level.INSIDER,
    "commission": Level.INSIDER,
    "standing": Level.INSIDER,
    "team_member": Level.INSIDER,
    "root_secretary": Level.OVERSEER,
    "secretary_a": None,
    "inspector_a": None,
    "member_a": None,
    "secretary_b": None,
    "other_standing": None,
    "outsider": None,
}


@pytest.mark.parametrize(("name", "expected"), EXPECTED_BEFORE_NOTICE.items())
def test_level_before_the_subject_is_notified(tree, people, name, expected):
    inspection = make_inspection(tree, team=[people["team_member_person"]])
    advance(tree, inspection, InspectionState.PLAN_ISSUED)
    user = _user(tree, people, name)
    assert access_level(user, inspection) == expected
    visible = Inspection.objects.visible_to(user).filter(pk=inspection.pk).exists()
    assert visible is (expected is not None)


EXPECTED_AFTER_NOTICE = {
    **EXPECTED_BEFORE_NOTICE,
    "secretary_a": Level.SUBJECT,
    "inspector_a": Level.SUBJECT,
}


@pytest.mark.parametrize(("name", "expected"), EXPECTED_AFTER_NOTICE.items())
def test_level_once_the_subject_is_notified(tree, people, name, expected):
    inspection = make_inspection(tree, team=[people["team_member_person"]])
    advance(tree, inspection, InspectionState.NOTIFIED)
    user = _user(tree, people, name)
    assert access_level(user, inspection) == expected
    visible = Inspection.objects.visible_to(user).filter(pk=inspection.pk).exists()
    assert visible is (expected is not None)


def test_a_member_who_is_the_subject_sees_it_at_subject_level_once_notified(tree):
    inspection = make_inspection(tree, subjects=[], people=[tree.person_a])
    advance(tree, inspection, InspectionState.PLAN_ISSUED)
    assert access_level(tree.member_a, inspection) is None
    advance(tree, inspection, InspectionState.NOTIFIED)
    assert access_level(tree.member_a, inspection) == Level.SUBJECT
    # The branch's readers stand for the member too (they may upload on the member's behalf).
    assert access_level(tree.secretary_a, inspection) == Level.SUBJECT
    assert access_level(tree.secretary_b, inspection) is None


def test_a_seat_that_has_ended_gives_no_inside_view(tree):
    former = PersonFactory(organization=tree.root)
    position = seat(former, PositionTitle.INSPECTION_MEMBER, tree.root)
    position.ended_on = position.started_on
    position.save()
    user = account_for(former, "cuu_uy_vien")
    inspection = make_inspection(tree)
    assert access_level(user, inspection) is None


def test_a_lower_committee_program_is_inside_for_its_own_seats_only(tree, people):
    """Org A's own program inspecting its branch: A's commission member is inside, root's is not."""
    from .factories import make_program

    a_member = PersonFactory(organization=tree.org_a)
    seat(a_member, PositionTitle.INSPECTION_MEMBER, tree.org_a)
    a_user = account_for(a_member, "ubkt_a")
    program = make_program(tree, actor=a_user, organization=tree.org_a)
    inspection = make_inspection(tree, program=program, subjects=[tree.branch_a], actor=a_user)
    assert access_level(a_user, inspection) == Level.INSIDER
    assert access_level(people["commission"], inspection) is None  # root's seat, no read role
    assert access_level(tree.staff, inspection) == Level.INSIDER  # staff above: inside
    assert access_level(tree.secretary_a, inspection) == Level.OVERSEER
    assert access_level(tree.secretary_b, inspection) is None


def test_programs_are_visible_to_readers_insiders_and_those_with_a_visible_item(tree, people):
    inspection = make_inspection(tree, team=[people["team_member_person"]])
    program_id = inspection.program_id
    for user in (tree.staff, people["commission"], people["root_secretary"], people["team_member"]):
        assert Program.objects.visible_to(user).filter(pk=program_id).exists()
    for user in (tree.secretary_a, tree.secretary_b, tree.member_a, tree.outsider):
        assert not Program.objects.visible_to(user).filter(pk=program_id).exists()
    advance(tree, inspection, InspectionState.NOTIFIED)
    assert Program.objects.visible_to(tree.secretary_a).filter(pk=program_id).exists()
