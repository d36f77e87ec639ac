"""Pages keep a bounded number of queries, whatever the number of rows."""

import datetime as dt

import pytest
from django.urls import reverse

from neuguong.core.dates import local_today
from neuguong.core.tests.factories import OrganizationFactory
from neuguong.inspections import services
from neuguong.inspections.models import InspectionState
from neuguong.organizations.models import OrgKind

from .factories import advance, make_inspection, make_program

pytestmark = pytest.mark.django_db


@pytest.fixture
def busy(tree):
    program = make_program(tree)
    inspections = []
    for index in range(6):
        unit = OrganizationFactory(code=f"U{index}", kind=OrgKind.GRASSROOTS_BRANCH, parent=tree.root)
        inspections.append(make_inspection(tree, program=program, subjects=[unit, tree.org_a]))
    first = inspections[0]
    advance(tree, first, InspectionState.EXAMINING)
    for index in range(5):
        services.recommendation_add(
            actor=tree.staff,
            inspection=first,
            text=f"Kiến nghị {index}",
            deadline=local_today() + dt.timedelta(days=5 + index),
            lead_unit=tree.org_a,
        )
        services.finding_add(actor=tree.staff, inspection=first, text=f"Phát hiện {index}")
    advance(tree, first, InspectionState.NOTICE_ISSUED)
    return program, first


@pytest.mark.parametrize("user", ["staff", "secretary_a"])
def test_detail_page_queries_are_bounded(tree, login, busy, django_assert_max_num_queries, user):
    _program, inspection = busy
    client = login(getattr(tree, user))
    with django_assert_max_num_queries(30):
        assert client.get(reverse("inspections:detail", args=[inspection.pk])).status_code == 200


def test_program_pages_and_coverage_queries_are_bounded(tree, login, busy, django_assert_max_num_queries):
    program, _inspection = busy
    client = login(tree.staff)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("inspections:programs")).status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get(reverse("inspections:program", args=[program.pk])).status_code == 200
    with django_assert_max_num_queries(16):
        assert client.get(reverse("inspections:coverage")).status_code == 200
