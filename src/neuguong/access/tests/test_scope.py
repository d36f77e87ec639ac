import pytest

from neuguong.access.scope import scope_for
from neuguong.organizations.models import Organization
from neuguong.people.models import Person


def names(qs):
    return sorted(p.full_name for p in qs)


@pytest.mark.parametrize(
    ("user_attr", "expected"),
    [
        ("staff", ["Nguyễn Nam Đình", "Nguyễn Văn An", "Nguyễn Văn Bình"]),
        ("secretary_a", ["Nguyễn Nam Đình", "Nguyễn Văn An"]),
        ("inspector_a", ["Nguyễn Nam Đình", "Nguyễn Văn An"]),
        ("secretary_b", ["Nguyễn Văn Bình"]),
        ("member_a", ["Nguyễn Nam Đình"]),
        ("outsider", []),
    ],
)
def test_people_visible_follow_the_tree(tree, user_attr, expected):
    assert names(Person.objects.visible_to(getattr(tree, user_attr))) == expected


def test_anonymous_user_sees_nothing(tree):
    from django.contrib.auth.models import AnonymousUser

    assert not Person.objects.visible_to(AnonymousUser()).exists()
    assert not Organization.objects.visible_to(AnonymousUser()).exists()


def test_superuser_sees_everything(tree):
    tree.outsider.is_superuser = True
    tree.outsider.save()
    assert Person.objects.visible_to(tree.outsider).count() == 3


def test_inspector_reads_but_cannot_write(tree):
    scope = scope_for(tree.inspector_a)
    assert scope.can_read_path(tree.branch_a.path)
    assert not scope.can_write_path(tree.branch_a.path)
    assert not scope.can_see_sensitive(tree.branch_a.path)


def test_organisations_visible_to_a_secretary_are_her_subtree(tree):
    codes = sorted(Organization.objects.visible_to(tree.secretary_a).values_list("code", flat=True))
    assert codes == ["A", "A1"]


def test_a_path_prefix_does_not_leak_to_a_sibling_with_a_longer_id(tree):
    """'/1/2/' must not cover '/1/23/': paths end with a slash so prefixes stop at node boundaries."""
    scope = scope_for(tree.secretary_a)
    sibling_path = tree.org_a.path.rstrip("/") + "9/"
    assert not scope.can_read_path(sibling_path)


def test_root_staff_linked_to_a_person_still_sees_everyone(tree):
    """A scope covering the root ORed with 'my own record' must not shrink to the own record."""
    tree.person_b.user = tree.staff
    tree.person_b.save()
    assert Person.objects.visible_to(tree.staff).count() == 3
