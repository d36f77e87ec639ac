"""Seed a benchmark database once, and reuse it: organisations and people, then the bench commitments.

    DATABASE_URL=postgres://postgres@127.0.0.1:55432/bench_national \\
        .venv/bin/python bench/seed.py --size national [--per-member 5]

Every step adds only what is missing, so an interrupted run resumes where it stopped and a seeded
database is reused as it is:
- `migrate`, then the deterministic tree and people (`seed_demo --core-only --no-accounts`) when the
  database has no organisation yet;
- the commitments of `commitments_bench.py` (`per_member` per person, batch "bench"), written in chunks
  of people in id order, each chunk one transaction: a chunk either is there whole or not at all, and the
  next run starts after the last person who has bench commitments. On PostgreSQL one INSERT … SELECT per
  chunk (the status tallies' statement triggers then see a chunk at a time, not 27 million rows at once).

The rows are the same as a single INSERT over all people would write (same expressions, same year), so
figures measured on a database seeded by this script and by an older `commitments_bench.py` compare.
"""

import argparse
import datetime as dt
import time

from common import setup_django

# Deadline spread over `year`, 40 % completed (on time or late), some extensions pending and returned.
INSERT_SQL = """
INSERT INTO commitments_commitment (
    created_at, updated_at, title, title_folded, expected_result, organization_id, responsible_person_id,
    start_on, deadline, original_deadline, category, source_kind, source_note, batch, completed_on,
    completion_note, extension_pending, is_returned, halt, halt_reason, progress, created_reason,
    completion_pending, outcome)
SELECT now(), now(), 'Nhiệm vụ nêu gương số ' || g, 'nhiem vu neu guong so ' || g, '', organization_id, id,
    NULL, deadline, deadline, 'exemplary', 'pledge', '', 'bench',
    CASE WHEN (id + g) %% 10 < 4 THEN deadline + (((id + g) %% 9) - 6)::int END,
    '', (id + g) %% 17 = 0, (id + g) %% 23 = 0, '', '', (id * g) %% 101, '', false, ''
FROM (
    SELECT p.id, p.organization_id, g, date %s + ((p.id * 7 + g * 53) %% 365)::int AS deadline
    FROM people_person p CROSS JOIN generate_series(1, %s) AS g
    WHERE p.id > %s AND p.id <= %s
) AS source
"""
PEOPLE_PER_CHUNK = 200_000


def seed_core(size: str) -> None:
    """migrate, then organisations and people when the database has none."""
    from django.core.management import call_command

    from neuguong.organizations.models import Organization

    call_command("migrate", verbosity=0)
    if Organization.objects.exists():
        return
    start = time.perf_counter()
    call_command("seed_demo", size=size, no_accounts=True, core_only=True)
    print(f"seeded {size} people in {time.perf_counter() - start:.0f} s", flush=True)


def _commitment_objects(person_rows, per_member: int, year: int):
    from neuguong.commitments.models import Commitment
    from neuguong.core.text import fold

    for pid, org_id in person_rows:
        for g in range(1, per_member + 1):
            deadline = dt.date(year, 1, 1) + dt.timedelta(days=(pid * 7 + g * 53) % 365)
            title = f"Nhiệm vụ nêu gương số {g}"
            completed = deadline + dt.timedelta(days=(pid + g) % 9 - 6) if (pid + g) % 10 < 4 else None
            yield Commitment(
                title=title,
                title_folded=fold(title),
                organization_id=org_id,
                responsible_person_id=pid,
                deadline=deadline,
                original_deadline=deadline,
                category="exemplary",
                source_kind="pledge",
                batch="bench",
                completed_on=completed,
                extension_pending=(pid + g) % 17 == 0,
                is_returned=(pid + g) % 23 == 0,
                progress=(pid * g) % 101,
            )


def seed_commitments(per_member: int = 5, year: int | None = None, *, chunk: int = PEOPLE_PER_CHUNK) -> int:
    """Add the bench commitments for the people who have none yet (resumable); returns how many were added."""
    from django.db import connection, transaction
    from django.db.models import Max

    from neuguong.commitments.models import Commitment
    from neuguong.core.dates import local_today
    from neuguong.people.models import Person

    year = year or local_today().year
    done_up_to = Commitment.objects.filter(batch="bench").aggregate(m=Max("responsible_person_id"))["m"] or 0
    last = Person.objects.aggregate(m=Max("id"))["m"] or 0
    made, start = 0, time.perf_counter()
    for low in range(done_up_to, last, chunk):
        high = min(low + chunk, last)
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute(INSERT_SQL, [dt.date(year, 1, 1), per_member, low, high])
                    made += cursor.rowcount
            else:
                people = Person.objects.filter(id__gt=low, id__lte=high).order_by("id")
                rows = list(
                    _commitment_objects(people.values_list("id", "organization_id"), per_member, year)
                )
                Commitment.objects.bulk_create(rows, batch_size=5000)
                made += len(rows)
        print(
            f"  commitments for people up to id {high:,}/{last:,}: {made:,} added"
            f" ({time.perf_counter() - start:.0f} s)",
            flush=True,
        )
    if made and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return made


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", default="province")
    parser.add_argument("--per-member", type=int, default=5)
    parser.add_argument("--no-commitments", action="store_true")
    args = parser.parse_args()
    setup_django()
    from django.db import connection

    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}", flush=True)
    seed_core(args.size)
    if not args.no_commitments:
        seed_commitments(args.per_member)
    from neuguong.commitments.models import Commitment
    from neuguong.people.models import Person

    print(f"{Person.objects.count():,} people, {Commitment.objects.count():,} commitments", flush=True)


if __name__ == "__main__":
    main()
