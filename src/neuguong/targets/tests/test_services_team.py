"""The appraisal team takes only accounts the account picker offers the organiser (`account_choices`): an
account out of the organiser's reach, posted by hand, is refused like a missing one and nothing is written."""

import datetime as dt

import pytest
from django.urls import reverse

from neuguong.audit.models import AuditEvent
from neuguong.core.errors import BusinessError
from neuguong.core.tests.factories import UserFactory
from neuguong.people.pickers import search_accounts
from neuguong.people.selectors import account_choices
from neuguong.targets import services
from neuguong.targets.models import ScoringCycle

from .factories import agencies_for, open_cycle, published_set

pytestmark = pytest.mark.django_db


@pytest.fixture
def agencies(tree):
    return agencies_for(tree)


def _create(tree, actor, team, agencies):
    return services.cycle_create(
        actor=actor,
        organization=tree.org_a,
        scoring_set=published_set(tree),
        name="Chấm điểm CCHC của Đảng bộ Sở Tài chính",
        year=2026,
        self_deadline=dt.date(2026, 12, 15),
        team=team,
        agencies=[agencies[0]],
    )


def test_the_picker_and_the_service_share_one_rule(tree):
    chosen = set(account_choices(user=tree.secretary_a))
    assert tree.secretary_a in chosen and tree.inspector_a in chosen and tree.member_a in chosen
    assert tree.secretary_b not in chosen and tree.staff not in chosen and tree.outsider not in chosen
    # The picker offers from the same accounts: Nguyễn Nam Đình's (member_a) to org A's secretary, not B's.
    assert [o.value for o in search_accounts(tree.secretary_a, "nguyen nam", {})] == [str(tree.member_a.pk)]
    assert search_accounts(tree.secretary_b, "nguyen nam", {}) == []
    assert tree.member_a not in set(account_choices(user=tree.secretary_b))


def test_a_secretary_cannot_seat_an_account_of_another_subtree_when_opening_a_cycle(tree, agencies):
    for forged in (tree.secretary_b, tree.outsider, UserFactory(username="elsewhere")):
        with pytest.raises(BusinessError) as refused:
            _create(tree, tree.secretary_a, [tree.secretary_a, forged], agencies)
        assert refused.value.message == services.MSG_UNKNOWN_ACCOUNTS
        assert refused.value.field == "team"
    assert not ScoringCycle.objects.filter(organization=tree.org_a).exists()
    cycle = _create(tree, tree.secretary_a, [tree.secretary_a, tree.inspector_a], agencies)
    assert set(cycle.team.all()) == {tree.secretary_a, tree.inspector_a}


def test_an_inactive_account_is_refused_even_inside_the_subtree(tree, agencies):
    tree.inspector_a.is_active = False
    tree.inspector_a.save()
    with pytest.raises(BusinessError):
        _create(tree, tree.secretary_a, [tree.inspector_a], agencies)


def test_setting_the_team_refuses_an_unreachable_account_and_writes_nothing(tree, agencies):
    cycle = _create(tree, tree.secretary_a, [tree.secretary_a], agencies)
    events_before = AuditEvent.objects.count()
    with pytest.raises(BusinessError) as refused:
        services.cycle_team_set(
            actor=tree.secretary_a, cycle=cycle, users=[tree.secretary_a, tree.secretary_b]
        )
    assert refused.value.message == services.MSG_UNKNOWN_ACCOUNTS
    assert list(cycle.team.all()) == [tree.secretary_a]
    assert AuditEvent.objects.count() == events_before


def test_a_member_named_from_above_may_stay_when_the_secretary_changes_the_team(tree, agencies):
    cycle = _create(tree, tree.staff, [tree.staff], agencies)
    services.cycle_team_set(actor=tree.secretary_a, cycle=cycle, users=[tree.staff, tree.inspector_a])
    assert set(cycle.team.all()) == {tree.staff, tree.inspector_a}


def test_the_team_page_says_the_refusal_next_to_the_field_and_keeps_the_team(tree, client, agencies):
    cycle = open_cycle(tree, [agencies[0]], team=[tree.staff])
    client.force_login(tree.secretary_a)
    # The cycle belongs to the root: the secretary may not change it at all (404, like a missing one).
    assert (
        client.post(
            reverse("targets:cycle_team", args=[cycle.pk]), {"team": [tree.secretary_a.pk]}
        ).status_code
        == 404
    )
    cycle = _create(tree, tree.secretary_a, [tree.secretary_a], agencies)
    response = client.post(
        reverse("targets:cycle_team", args=[cycle.pk]), {"team": [tree.secretary_a.pk, tree.secretary_b.pk]}
    )
    assert response.status_code == 400
    assert list(response.context["team_form"].errors["team"]) == [services.MSG_UNKNOWN_ACCOUNTS]
    assert list(cycle.team.all()) == [tree.secretary_a]


def test_the_cycle_form_refuses_an_unreachable_account_next_to_the_team(tree, client, agencies):
    scoring_set = published_set(tree)
    client.force_login(tree.secretary_a)
    data = {
        "organization": "A",
        "scoring_set": scoring_set.pk,
        "name": "Đợt của Sở Tài chính",
        "year": 2026,
        "self_deadline": "2026-12-15",
        "survey_max_points": "0",
        "team": [tree.secretary_a.pk, tree.outsider.pk],
    }
    response = client.post(reverse("targets:cycle_create"), data)
    assert response.status_code == 200
    assert list(response.context["form"].errors["team"]) == [services.MSG_UNKNOWN_ACCOUNTS]
    assert not ScoringCycle.objects.filter(organization=tree.org_a).exists()
