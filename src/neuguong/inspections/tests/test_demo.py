"""The demo seeder builds a program with items at every stage, through the services."""

import pytest

from neuguong.core.tests.factories import OrganizationFactory, PersonFactory
from neuguong.inspections.demo import DEMO_USERNAME, seed_inspections
from neuguong.inspections.models import Inspection, InspectionState, Program
from neuguong.organizations.models import OrgKind

pytestmark = pytest.mark.django_db


def test_the_demo_program_covers_every_stage(tree, login):
    for index in range(8):
        unit = OrganizationFactory(code=f"CS{index:05d}", kind=OrgKind.GRASSROOTS_BRANCH, parent=tree.root)
        PersonFactory(organization=unit)
    PersonFactory(organization=tree.root)
    messages = []
    seed_inspections(root=tree.root, size="tiny", log=messages.append)
    assert Program.objects.count() == 1
    states = set(Inspection.objects.values_list("state", flat=True))
    assert {InspectionState.PLANNED, InspectionState.EXAMINING, InspectionState.NOTICE_ISSUED} <= states
    assert InspectionState.CLOSED in states
    assert DEMO_USERNAME in messages[0]
    first = Inspection.objects.get(subjects__organization__code="A")  # first by code, as the demo secretary's
    assert first.state == InspectionState.NOTICE_ISSUED
    # The demo commission member is a person of their own, not one a later demo account will take.
    from neuguong.people.models import Person

    assert Person.objects.get(user__username=DEMO_USERNAME).organization == tree.root
    from django.contrib.auth import get_user_model

    client = login(get_user_model().objects.get(username=DEMO_USERNAME))
    closed = Inspection.objects.filter(state=InspectionState.CLOSED).first()
    assert client.get(f"/kiem-tra/{closed.pk}/").status_code == 200
