import pytest

from neuguong.access.models import Role
from neuguong.core.tests.factories import OrganizationFactory, UserFactory, grant
from neuguong.notifications.recipients import reviewer_q, reviewers_of
from neuguong.organizations.models import Organization

pytestmark = pytest.mark.django_db


def test_the_reviewers_are_the_writers_of_the_nearest_organisation_that_has_any(tree):
    # branch_a has no secretary account: its committee's (org_a) secretary reviews; root only for B's.
    assert reviewers_of(tree.branch_a) == [tree.secretary_a.pk]
    assert reviewers_of(tree.org_a) == [tree.secretary_a.pk]
    assert reviewers_of(tree.org_b) == [tree.secretary_b.pk]
    assert reviewers_of(tree.root) == [tree.staff.pk]
    branch_secretary = UserFactory(username="bithu_chi_bo")
    grant(branch_secretary, Role.SECRETARY, tree.branch_a)
    assert reviewers_of(tree.branch_a) == [branch_secretary.pk]
    # Inspectors and members read but do not decide; an inactive account is nobody.
    branch_secretary.is_active = False
    branch_secretary.save()
    assert reviewers_of(tree.branch_a) == [tree.secretary_a.pk]


def test_reviewer_q_picks_exactly_the_organisations_whose_reviewer_the_user_is(tree):
    """The queue (reviewer_q) and the notifications (reviewers_of) name the same people, for every
    organisation of a tree with writers at several levels, co-secretaries and a second role."""
    deep = OrganizationFactory(code="A11", name="Tổ đảng", parent=tree.branch_a)
    co_secretary = UserFactory(username="pho_bi_thu_a")
    grant(co_secretary, Role.SECRETARY, tree.org_a)
    branch_secretary = UserFactory(username="bithu_chi_bo")
    grant(branch_secretary, Role.SECRETARY, tree.branch_a)
    grant(tree.staff, Role.SECRETARY, tree.org_b)  # a second role, lower down
    users = [tree.staff, tree.secretary_a, co_secretary, branch_secretary, tree.secretary_b, tree.member_a]
    for user in users:
        picked = set(Organization.objects.filter(reviewer_q(user, "parent")).values_list("pk", flat=True))
        expected = {
            org.pk for org in Organization.objects.exclude(parent=None) if user.pk in reviewers_of(org.parent)
        }
        assert picked == expected, user.username
    assert reviewers_of(deep) == [branch_secretary.pk]
    assert sorted(reviewers_of(tree.org_a)) == sorted([tree.secretary_a.pk, co_secretary.pk])
    assert reviewers_of(tree.org_b) == sorted([tree.secretary_b.pk, tree.staff.pk])
