"""`field__any=[…]` selects what `field__in=[…]` selects, with one parameter on PostgreSQL."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from neuguong.people.models import Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(tree):
    return list(Person.objects.order_by("pk").values_list("pk", "organization_id"))


# The fixture is only read: every example sees the same people.
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(picks=st.lists(st.integers(min_value=-3, max_value=40), max_size=30))
def test_any_selects_what_in_selects(people, picks):
    """On the primary key and on a foreign key, for lists with repeats, misses and none at all; and
    excluded as well as filtered."""
    pks = [people[i][0] if 0 <= i < len(people) else 10_000_000 + i for i in picks]
    orgs = [people[i][1] if 0 <= i < len(people) else 10_000_000 + i for i in picks]
    by = Person.objects.order_by("pk").values_list("pk", flat=True)
    assert list(by.filter(pk__any=pks)) == list(by.filter(pk__in=pks))
    assert list(by.filter(organization_id__any=orgs)) == list(by.filter(organization_id__in=orgs))
    assert list(by.filter(organization__any=orgs)) == list(by.filter(organization__in=orgs))
    assert list(by.exclude(pk__any=pks)) == list(by.exclude(pk__in=pks))


def test_any_sends_the_list_as_one_parameter_on_postgresql(people):
    ids = [pk for pk, _ in people]
    with CaptureQueriesContext(connection) as captured:
        assert sorted(Person.objects.filter(pk__any=ids).values_list("pk", flat=True)) == sorted(ids)
    (sql,) = [q["sql"] for q in captured.captured_queries]
    if connection.vendor == "postgresql":
        assert '"people_person"."id" = ANY(' in sql and " IN (" not in sql
    else:
        assert " IN (" in sql
