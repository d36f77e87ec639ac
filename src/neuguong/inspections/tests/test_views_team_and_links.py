"""Changing the team and linking what the inspection looks at."""

import datetime as dt

import pytest
from django.urls import reverse

from neuguong.commitments import services as commitment_services
from neuguong.core.dates import local_today
from neuguong.core.tests.factories import PersonFactory
from neuguong.inspections.models import InspectionState
from neuguong.inspections.views import MSG_RECORD_NOT_FOUND

from .factories import advance, make_inspection

pytestmark = pytest.mark.django_db


def test_the_committee_changes_the_team_and_the_new_member_becomes_an_insider(tree, login):
    from neuguong.inspections.access import access_level

    from .factories import account_for

    inspection = make_inspection(tree)
    newcomer = PersonFactory(organization=tree.org_b, card_number="77770001")
    newcomer_user = account_for(newcomer, "thanh_vien_moi")
    assert access_level(newcomer_user, inspection) is None
    client = login(tree.staff)
    response = client.post(
        reverse("inspections:team", args=[inspection.pk]),
        {"leader": inspection.leader.pk, "team_members": newcomer.pk},
    )
    assert response.status_code == 302
    assert list(inspection.team_members.all()) == [newcomer]
    newcomer_user = type(newcomer_user).objects.get(pk=newcomer_user.pk)
    assert access_level(newcomer_user, inspection) == "insider"


@pytest.mark.parametrize("name", ["secretary_a", "inspector_a", "outsider"])
def test_others_cannot_change_the_team_or_links(tree, login, name):
    inspection = make_inspection(tree)
    advance(tree, inspection, InspectionState.NOTIFIED)
    client = login(getattr(tree, name))
    assert client.get(reverse("inspections:team", args=[inspection.pk])).status_code == 404
    assert client.get(reverse("inspections:content_link", args=[inspection.pk])).status_code == 404


def test_a_commitment_of_the_subtree_is_linked_and_a_foreign_id_refused(tree, login):
    commitment = commitment_services.commitment_create(
        actor=tree.staff,
        organization=tree.org_a,
        title="Xây dựng kế hoạch nêu gương năm nay",
        deadline=local_today() + dt.timedelta(days=30),
        lead_unit=tree.org_a,
    )
    inspection = make_inspection(tree)
    client = login(tree.staff)
    url = reverse("inspections:content_link", args=[inspection.pk])
    response = client.post(url, {"commitment": 999999})
    assert MSG_RECORD_NOT_FOUND in response.content.decode()
    assert client.post(url, {"commitment": commitment.pk}).status_code == 302
    page = client.get(reverse("inspections:detail", args=[inspection.pk])).content.decode()
    assert "Xây dựng kế hoạch nêu gương năm nay" in page
    response = client.post(url, {"commitment": commitment.pk})
    assert "Nội dung này đã được liên kết." in response.content.decode()


def test_an_annual_target_picked_by_name_is_linked(tree, login):
    from neuguong.targets import services as target_services
    from neuguong.targets.tests.factories import agencies_for

    agency_a, _, _ = agencies_for(tree)
    indicator = target_services.indicator_create(
        actor=tree.staff, organization=tree.root, code="CT1", name="Tỷ lệ hồ sơ đúng hạn", unit="%"
    )
    target = target_services.annual_target_set(
        actor=tree.staff, indicator=indicator, agency=agency_a, year=2026, target_value="95"
    )
    inspection = make_inspection(tree)
    client = login(tree.staff)
    url = reverse("inspections:content_link", args=[inspection.pk])
    assert client.post(url, {"annual_target": target.pk}).status_code == 302
    assert inspection.content_links.get().target_id == target.pk
    page = client.get(url).content.decode()
    assert "Số hiệu" not in page and "/chon/annual_target/" in page


def test_a_planned_item_is_edited_and_a_decided_one_is_not(tree, login):
    from neuguong.inspections import services

    inspection = make_inspection(tree)
    client = login(tree.staff)
    url = reverse("inspections:edit", args=[inspection.pk])
    data = {
        "kind": "thematic_supervision",
        "title": "Giám sát chuyên đề nêu gương",
        "planned_start": inspection.planned_start.isoformat(),
        "planned_end": inspection.planned_end.isoformat(),
        "subject_organizations": ["A", "B"],
        "leader": inspection.leader.pk,
    }
    assert client.get(url).status_code == 200
    assert client.post(url, data).status_code == 302
    inspection.refresh_from_db()
    assert inspection.title == "Giám sát chuyên đề nêu gương" and inspection.is_supervision
    assert sorted(s.organization.code for s in inspection.subjects.all()) == ["A", "B"]
    advance(tree, inspection, InspectionState.DECIDED)
    response = client.post(url, data)
    assert services.MSG_EDIT_PLANNED_ONLY in response.content.decode()
