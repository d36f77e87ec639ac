"""Opening a period: the audience (members active on the end date, probationary and exempt marked, those
who moved marked and reviewed where the rule set says; the organisations below), the deadlines, and every
refusal with its message."""

import datetime as dt

import pytest

from neuguong.core.errors import BusinessError, OutOfScope
from neuguong.core.tests.factories import OrganizationFactory, PersonFactory
from neuguong.evaluation import services
from neuguong.evaluation.models import Period, Review, ReviewState, SubjectKind
from neuguong.organizations.models import OrgKind
from neuguong.people.models import Membership, PersonStatus, Position, PositionTitle

from .factories import YEAR, open_period, rule_sets


@pytest.mark.django_db
def test_the_shipped_rule_sets_are_published_with_criteria_for_each_kind_of_subject(tree):
    r124, r366 = rule_sets()
    assert r124.is_published and r366.is_published
    assert set(r366.parts.values_list("subject_kind", flat=True)) == set(SubjectKind.values)
    assert services.rule_set_problems(r366) == []
    assert services.rule_set_problems(r124) == []
    assert r366.rules().points_levels[0].min_points == 90


@pytest.mark.django_db
def test_a_committee_period_lists_its_members_and_its_branches(tree):
    Position.objects.create(
        person=tree.person_a2,
        title=PositionTitle.SECRETARY,
        organization=tree.branch_a,
        started_on=dt.date(2024, 1, 1),
    )
    probationary = PersonFactory(
        organization=tree.branch_a,
        status=PersonStatus.PROBATIONARY,
        admitted_on=dt.date(2025, 3, 1),
        official_on=None,
    )
    exempt = PersonFactory(organization=tree.branch_a, status=PersonStatus.EXEMPT)
    PersonFactory(organization=tree.branch_a, status=PersonStatus.DECEASED)
    PersonFactory(
        organization=tree.branch_a, admitted_on=dt.date(2026, 1, 5), official_on=None
    )  # joined after
    period = open_period(tree)
    members = {r.person_id: r for r in period.reviews.filter(person__isnull=False)}
    assert set(members) == {tree.person_a.pk, tree.person_a2.pk, probationary.pk, exempt.pk}
    assert members[probationary.pk].is_probationary and members[exempt.pk].is_exempt
    assert members[tree.person_a2.pk].subject_kind == SubjectKind.LEADER
    assert members[tree.person_a.pk].subject_kind == SubjectKind.MEMBER
    assert members[tree.person_a.pk].quota_group == tree.org_a.name
    organisations = list(period.reviews.filter(organization__isnull=False))
    assert [r.organization for r in organisations] == [tree.branch_a]
    assert period.self_assessment_due == dt.date(YEAR, 12, 5)
    assert period.civil_servant_rating_due == dt.date(YEAR, 12, 14)
    assert all(r.state == ReviewState.NOT_STARTED for r in period.reviews.all())


@pytest.mark.django_db
def test_a_member_who_moved_in_the_period_is_reviewed_at_the_new_chi_bo_with_the_old_one_marked(tree):
    mover = PersonFactory(organization=tree.branch_a)
    Membership.objects.filter(person=mover).update(ended_on=dt.date(YEAR, 8, 31))
    old = OrganizationFactory(name="Chi bộ Phòng Kế hoạch", kind=OrgKind.BRANCH, parent=tree.org_a)
    Membership.objects.filter(person=mover).update(organization=old)
    Membership.objects.create(person=mover, organization=tree.branch_a, started_on=dt.date(YEAR, 8, 31))
    period = open_period(tree, includes_organizations=False)
    review = period.reviews.get(person=mover)
    assert review.home_organization == tree.branch_a
    assert review.transferred_from == old


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "message", "field"),
    [
        (
            {"year": 2024},
            services.MSG_RULE_SET_YEAR.format(code="366", year_from=2025, year=2024),
            "rule_set",
        ),
        (
            {"civil_servant_rating_due": dt.date(YEAR, 12, 15)},
            services.MSG_CIVIL_SERVANT_DUE.format(year=YEAR),
            "civil_servant_rating_due",
        ),
        ({"meeting_due": dt.date(YEAR, 12, 1)}, services.MSG_DEADLINE_ORDER, "meeting_due"),
        (
            {"includes_members": False, "includes_organizations": False},
            "Chọn ít nhất một loại đối tượng: đảng viên hoặc tổ chức đảng trực thuộc.",
            "includes_members",
        ),
    ],
)
def test_bad_periods_are_refused_with_nothing_written(tree, changes, message, field):
    with pytest.raises(BusinessError) as error:
        open_period(tree, **changes)
    assert error.value.message == message
    assert error.value.field == field
    assert not Period.objects.exists() and not Review.objects.exists()


@pytest.mark.django_db
def test_a_subordinate_branch_cannot_open_a_period_and_outsiders_cannot_open_one(tree):
    with pytest.raises(BusinessError) as error:
        open_period(tree, organization=tree.branch_a)
    assert error.value.message == services.MSG_ORG_CANNOT_DECIDE.format(
        name=tree.branch_a.name, kind="chi bộ trực thuộc"
    )
    with pytest.raises(OutOfScope):
        open_period(tree, organization=tree.org_a, actor=tree.secretary_b)


@pytest.mark.django_db
def test_the_same_period_twice_is_refused(tree):
    first = open_period(tree)
    with pytest.raises(BusinessError) as error:
        open_period(tree)
    assert error.value.message == services.MSG_PERIOD_EXISTS.format(
        organization=tree.org_a.name, name=first.name
    )
    assert Period.objects.count() == 1


@pytest.mark.django_db
def test_an_unpublished_rule_set_cannot_be_used(tree):
    _, r366 = rule_sets()
    draft = services.rule_set_copy(actor=tree.staff, source=r366, organization=tree.root, year_from=2026)
    with pytest.raises(BusinessError) as error:
        services.period_open(actor=tree.staff, organization=tree.org_a, rule_set=draft, year=2026)
    assert error.value.message == services.MSG_RULE_SET_NOT_PUBLISHED


@pytest.mark.django_db
def test_the_audience_is_refreshed_without_losing_anyone_reviewed(tree):
    period = open_period(tree, includes_organizations=False, today=dt.date(YEAR, 6, 1))
    newcomer = PersonFactory(organization=tree.branch_a, admitted_on=dt.date(YEAR, 7, 1), official_on=None)
    tree.person_a2.status = PersonStatus.TRANSFERRED_OUT
    tree.person_a2.save()
    added, left = services.period_refresh_audience(
        actor=tree.secretary_a, period=period, today=dt.date(YEAR, 12, 1)
    )
    assert (added, left) == (1, 1)
    assert period.reviews.get(person=newcomer).state == ReviewState.NOT_STARTED
    assert period.reviews.get(person=tree.person_a2).state == ReviewState.LEFT
