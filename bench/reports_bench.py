"""Reports benchmark: the root report of a large tree (figures, DOCX, XLSX) and the dashboard page.

    DATABASE_URL=postgres://postgres@127.0.0.1:5433/h_reports_bench \\
        .venv/bin/python bench/reports_bench.py --size province --commitments 1000000 [-n 10]
    (or bench/with_postgres.sh .venv/bin/python bench/reports_bench.py ...)

Seeds the deterministic demo tree (`seed_demo --size`) into an empty database, then adds `--commitments`
commitments spread over every person, deadlines over two years, a third completed (on time or late),
a few returned or cancelled. Prints: time and peak Python memory (tracemalloc) of the root report in
each format, the number of queries, and the dashboard p50/p95 beside the framework floor.
Goals (issue 5): the root report of `province` in under 30 s; dashboard ratio to the floor ≤ 3.
"""

import argparse
import datetime as dt
import resource
import time
import tracemalloc

from common import count_queries, percentiles, report, setup_django, time_requests


def add_commitments_sql(total: int, existing: int) -> None:
    """PostgreSQL: INSERT ... SELECT over generate_series (the same distribution as below); '%%' is the
    modulo operator escaped for the driver's placeholders."""
    from django.db import connection
    from django.utils import timezone

    from neuguong.commitments.models import Commitment

    expressions = {
        "title": "'Nhiệm vụ số ' || g",
        "title_folded": "'nhiem vu so ' || g",
        "organization_id": "p.organization_id",
        "responsible_person_id": "p.id",
        "deadline": "d.deadline",
        "original_deadline": "d.deadline",
        "category": "(ARRAY['exemplary','political','professional','other'])[1 + g %% 4]",
        "completed_on": (
            "CASE WHEN g %% 3 = 0 AND d.deadline - (g %% 5) <= CURRENT_DATE THEN d.deadline - (g %% 5) "
            "WHEN g %% 6 = 4 AND d.deadline + 1 + (g %% 9) <= CURRENT_DATE THEN d.deadline + 1 + (g %% 9) END"
        ),
        "is_returned": "(g %% 97 = 0 AND g %% 3 = 2)",
    }
    columns, selects, params = [], [], []
    for field in Commitment._meta.concrete_fields:
        if field.primary_key:
            continue
        columns.append(field.column)
        if field.column in expressions:
            selects.append(expressions[field.column])
        elif field.column in ("created_at", "updated_at"):
            selects.append("%s")
            params.append(timezone.now())
        else:
            selects.append("%s")
            params.append(field.get_default())
    table = Commitment._meta.db_table
    sql = f"""
        WITH ppl AS (SELECT id, organization_id, row_number() OVER (ORDER BY id) - 1 AS rn FROM people_person),
             n AS (SELECT count(*) AS c FROM ppl)
        INSERT INTO {table} ({", ".join(columns)})
        SELECT {", ".join(selects)}
        FROM generate_series(%s, %s) AS g
        CROSS JOIN n
        CROSS JOIN LATERAL (SELECT (date_trunc('year', CURRENT_DATE) - interval '1 year')::date
                                   + ((g::bigint * 7919) %% 730)::int AS deadline) AS d
        JOIN ppl p ON p.rn = (g::bigint * 104729) %% n.c
    """
    start = time.perf_counter()
    with connection.cursor() as cursor:
        step = 250_000
        for low in range(existing, total, step):
            cursor.execute(sql, [*params, low, min(total, low + step) - 1])
            print(
                f"  {min(total, low + step):,} commitments ({time.perf_counter() - start:.0f} s)", flush=True
            )
        cursor.execute("ANALYZE")


def add_commitments(total: int, batch: int = 20_000) -> None:
    from django.db import connection

    from neuguong.commitments.models import Commitment
    from neuguong.core.dates import local_today
    from neuguong.people.models import Person

    existing = Commitment.objects.count()
    if existing >= total:
        return
    if connection.vendor == "postgresql":
        add_commitments_sql(total, existing)
        return
    people = list(Person.objects.values_list("pk", "organization_id").order_by("pk"))
    today = local_today()
    base = dt.date(today.year - 1, 1, 1)
    start = time.perf_counter()
    categories = ("exemplary", "political", "professional", "other")
    made = existing
    while made < total:
        rows = []
        for i in range(made, min(total, made + batch)):
            person_id, org_id = people[(i * 104_729) % len(people)]
            deadline = base + dt.timedelta(days=(i * 7919) % 730)
            completed = None
            if i % 3 == 0:
                completed = deadline - dt.timedelta(days=i % 5)
            elif i % 3 == 1 and i % 2 == 0:
                completed = deadline + dt.timedelta(days=1 + i % 9)
            if completed and completed > today:
                completed = None
            rows.append(
                Commitment(
                    title=f"Nhiệm vụ số {i}",
                    title_folded=f"nhiem vu so {i}",
                    organization_id=org_id,
                    responsible_person_id=person_id,
                    deadline=deadline,
                    original_deadline=deadline,
                    category=categories[i % 4],
                    completed_on=completed,
                    is_returned=(i % 97 == 0 and completed is None),
                )
            )
        Commitment.objects.bulk_create(rows, batch_size=5_000)
        made += len(rows)
        print(f"  {made:,} commitments ({time.perf_counter() - start:.0f} s)", flush=True)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


TRACE_MEMORY = False  # --trace-memory: tracemalloc's peak, which slows allocation-heavy code 3–5×


def measure(label: str, fn) -> object:
    """Wall time, this process's CPU time (the machine is shared: wall time includes waiting for a core),
    and the process's peak RSS so far (`--trace-memory`: peak Python memory instead, timed separately:
    tracing every allocation made the 52,000-row annex take 82 s of CPU instead of 14)."""
    if TRACE_MEMORY:
        tracemalloc.start()
    start, cpu = time.perf_counter(), time.process_time()
    result = fn()
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    if TRACE_MEMORY:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        memory = f"peak Python memory {peak / 1e6:8.1f} MB"
    else:
        memory = (
            f"process peak RSS so far {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:6.0f} MB"
        )
    print(f"{label:45s} {elapsed:8.2f} s (CPU {cpu:6.2f} s)  {memory}")
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", default="province")
    parser.add_argument("--commitments", type=int, default=1_000_000)
    parser.add_argument("-n", type=int, default=10)
    parser.add_argument("--trace-memory", action="store_true", help="peak Python memory (slows 3–5×)")
    args = parser.parse_args()
    global TRACE_MEMORY
    TRACE_MEMORY = args.trace_memory
    setup_django()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from neuguong.access.models import Role, RoleAssignment
    from neuguong.core.dates import local_today
    from neuguong.organizations.models import Organization
    from neuguong.reports.periods import custom_period
    from neuguong.reports.rendering import report_render
    from neuguong.reports.selectors import report_figures

    print(f"database: {connection.vendor}")
    call_command("migrate", verbosity=0)
    if not Organization.objects.exists():
        start = time.perf_counter()
        call_command("seed_demo", size=args.size, no_accounts=True, core_only=True)
        print(f"seeded {args.size} in {time.perf_counter() - start:.0f} s")
    add_commitments(args.commitments)
    root = Organization.objects.get(parent__isnull=True)
    staff, _ = get_user_model().objects.get_or_create(username="bench_reports_staff")
    RoleAssignment.objects.get_or_create(user=staff, role=Role.STAFF, organization=root)
    today = local_today()
    period = custom_period(dt.date(today.year - 1, 1, 1), dt.date(today.year, 12, 31))
    from neuguong.commitments.models import Commitment

    in_period = Commitment.objects.filter(deadline__gte=period.start, deadline__lte=period.end).count()
    print(
        f"root {root.code}: {Organization.objects.count():,} organisations, {in_period:,} commitments in the period"
    )

    figures = measure(
        "figures (one selector, SQL aggregates)",
        lambda: report_figures(user=staff, organization=root, period=period, today=today),
    )
    print(
        f"  queries: {count_queries(lambda: report_figures(user=staff, organization=root, period=period, today=today))}"
    )
    print(
        f"  total {figures.totals.total:,}; children {len(figures.by_child)}; lead units {len(figures.by_lead_unit)}"
    )
    for fmt in ("docx", "xlsx"):
        rendered = measure(
            f"root report {fmt.upper()} (figures + file)",
            lambda fmt=fmt: report_render(
                user=staff, kind="commitments", organization=root, period=period, fmt=fmt
            ),
        )
        print(f"  {len(rendered.data):,} bytes")
    measure(
        "root report tasks DOCX",
        lambda: report_render(user=staff, kind="tasks", organization=root, period=period, fmt="docx"),
    )
    print(f"process peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")

    from django.conf import settings

    client = Client()
    client.force_login(staff)
    pages = [
        ("dashboard (organisation page)", f"/bao-cao/tong-quan/{root.code}/?{period.query}"),
        ("home page (with dashboard panel)", "/"),
    ]
    print("\n-- staff, whole tree: figures from the status tallies, cached until the next write (warm)")
    report(pages, client, n=args.n)
    from django.core.cache import cache

    from neuguong.reports.selectors import forget_recent_figures

    cold, floor = [], []
    for _ in range(args.n):
        cache.clear()  # as after a write anywhere in the province: figures and charts made again
        forget_recent_figures()
        start = time.perf_counter()
        assert client.get(pages[0][1]).status_code == 200
        cold.append((time.perf_counter() - start) * 1000)
        floor.append(time_requests(client, "/_floor/", n=1, warmup=0)[0])
    p50, p95 = percentiles(cold)
    floor50, floor95 = percentiles(floor)
    print(
        f"{'dashboard, cold (cache emptied each time)':38s} {p50:8.1f} {p95:8.1f} {floor50:10.1f}"
        f" {p50 / floor50:10.2f} {p95 / floor95:10.2f}"
    )
    # A real write instead: one commitment deep in the tree completed, then reopened (the status tallies
    # of every organisation on its path change, so the root's figures and charts are made again).
    written = Commitment.objects.filter(completed_on__isnull=True).order_by("-id").first()
    after_write, floor = [], []
    client.get(pages[0][1])
    for i in range(args.n):
        Commitment.objects.filter(pk=written.pk).update(completed_on=None if i % 2 else written.deadline)
        start = time.perf_counter()
        assert client.get(pages[0][1]).status_code == 200
        after_write.append((time.perf_counter() - start) * 1000)
        floor.append(time_requests(client, "/_floor/", n=1, warmup=0)[0])
    Commitment.objects.filter(pk=written.pk).update(completed_on=None)
    p50, p95 = percentiles(after_write)
    floor50, floor95 = percentiles(floor)
    print(
        f"{'dashboard, first view after a write':38s} {p50:8.1f} {p95:8.1f} {floor50:10.1f}"
        f" {p50 / floor50:10.2f} {p95 / floor95:10.2f}"
    )
    # The loop above alternates two states whose charts stay drawn in the process; a new state has charts
    # never drawn: the page is sent without them and its chart request (htmx) draws them.
    from neuguong.docengine import charts

    new_page, new_charts, floor = [], [], []
    charts_url = f"/bao-cao/tong-quan/{root.code}/bieu-do/?{period.query}"
    for i in range(args.n):
        Commitment.objects.filter(pk=written.pk).update(completed_on=None if i % 2 else written.deadline)
        charts._CACHE.clear()
        start = time.perf_counter()
        body = client.get(pages[0][1]).content.decode()
        new_page.append((time.perf_counter() - start) * 1000)
        assert "data-charts-pending" in body
        start = time.perf_counter()
        assert client.get(charts_url).status_code == 200
        new_charts.append((time.perf_counter() - start) * 1000)
        floor.append(time_requests(client, "/_floor/", n=1, warmup=0)[0])
    Commitment.objects.filter(pk=written.pk).update(completed_on=None)
    floor50, floor95 = percentiles(floor)
    for label, times in (
        ("  … charts never drawn: the page", new_page),
        ("  … then its chart request", new_charts),
    ):
        p50, p95 = percentiles(times)
        print(
            f"{label:38s} {p50:8.1f} {p95:8.1f} {floor50:10.1f} {p50 / floor50:10.2f} {p95 / floor95:10.2f}"
        )
    summary = [("subtree summary at the root (page 1)", "/cam-ket/tong-hop/")]
    summary.append(("subtree summary at the root (page 300)", "/cam-ket/tong-hop/?page=300"))
    report(summary, client, n=args.n)
    settings.REPORTS_FIGURES_CACHE_SECONDS = 300
    print("\n-- staff, whole tree, REPORTS_FIGURES_CACHE_SECONDS=300 (one snapshot shared by every consumer)")
    report(pages, client, n=args.n)


if __name__ == "__main__":
    main()
