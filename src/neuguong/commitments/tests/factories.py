import datetime as dt

import factory

from neuguong.commitments.models import Commitment


class CommitmentFactory(factory.django.DjangoModelFactory):
    """A commitment written straight to the table (tests of services go through the services)."""

    class Meta:
        model = Commitment
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Nhiệm vụ số {n}")
    deadline = dt.date(2026, 6, 30)
    original_deadline = factory.LazyAttribute(lambda o: o.deadline)
    organization = factory.LazyAttribute(lambda o: o.responsible_person.organization)
