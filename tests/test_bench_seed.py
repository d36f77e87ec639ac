"""bench/seed.py writes the bench commitments into the current schema (its INSERT … SELECT names the
columns: a NOT NULL column added later without a database default broke the national seeding)."""

import sys
from pathlib import Path

import pytest

from neuguong.commitments.models import Commitment

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))


@pytest.mark.django_db
def test_the_bench_commitments_are_written_for_every_person(tree):
    import seed  # bench/seed.py

    from neuguong.people.models import Person

    people = Person.objects.count()
    assert seed.seed_commitments(per_member=2, chunk=3) == 2 * people
    assert Commitment.objects.filter(batch="bench").count() == 2 * people
    assert seed.seed_commitments(per_member=2) == 0  # resumable: nothing added twice
