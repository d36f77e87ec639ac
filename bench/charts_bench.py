"""Charts benchmark: drawing the dashboard's three charts and the report's DOCX chart, and the dashboard page
with its caches emptied before every request (cold: figures recomputed; or also every chart drawn again)
or kept (warm).

    SQLITE_PATH=var/bench_charts.sqlite3 .venv/bin/python bench/charts_bench.py [-n 30]

Seeds the `bloc` demo tree with its commitments into an empty database (`seed_demo --size bloc`), then
prints p50/p95 in milliseconds of: the three dashboard charts as SVG (`status`, `trend`, `child`), the
report chart as PNG, and the dashboard of the root organisation beside the framework floor (`/_floor/`).
"""

import argparse
import time

from common import percentiles, setup_django


def timed(fn, n: int) -> list[float]:
    fn()
    samples = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def line(label: str, samples: list[float]) -> None:
    p50, p95 = percentiles(samples)
    print(f"{label:52s} p50 {p50:8.1f} ms   p95 {p95:8.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=30)
    args = parser.parse_args()
    setup_django()
    from django.core.cache import cache
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse

    from neuguong.commitments.models import Commitment
    from neuguong.core.dates import local_today
    from neuguong.organizations.models import Organization
    from neuguong.reports import builders
    from neuguong.reports.periods import year_period
    from neuguong.reports.selectors import report_figures

    call_command("migrate", verbosity=0)
    if not Organization.objects.exists():
        call_command("seed_demo", size="bloc", verbosity=0)
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(
        is_superuser=True
    ).first() or get_user_model().objects.create_superuser("bench_charts", password="bench-charts-1")
    root = Organization.objects.get(parent__isnull=True)
    today = local_today()
    period = year_period(today.year)
    figures = report_figures(user=user, organization=root, period=period, today=today)
    print(
        f"{Organization.objects.count()} organisations, {Commitment.objects.count()} commitments, "
        f"{len(figures.by_child)} children of the root"
    )

    try:  # the engine keeps each drawing per chart content; empty it to time a first drawing
        from neuguong.docengine.charts import _CACHE as drawings
    except ImportError:  # before the engine moved out of reports/ (no cache)
        drawings = {}

    def draw_svgs(first: bool):
        if first:
            drawings.clear()
        for chart in (builders.status_chart, builders.trend_chart, builders.child_chart):
            chart(figures).svg()

    def draw_png(first: bool):
        if first:
            drawings.clear()
        builders.child_chart(figures).png()

    line("3 dashboard charts, SVG, first drawing", timed(lambda: draw_svgs(True), args.n))
    line("3 dashboard charts, SVG, same figures again", timed(lambda: draw_svgs(False), args.n))
    line("report chart, PNG, first drawing", timed(lambda: draw_png(True), args.n))

    client = Client()
    client.force_login(user)
    url = reverse("reports:dashboard", args=[root.code])

    def cold():
        cache.clear()  # figures and the page's chart cache; the engine's drawings stay (same figures)
        assert client.get(url).status_code == 200

    def cold_redraw():
        cache.clear()
        drawings.clear()
        assert client.get(url).status_code == 200

    def warm():
        assert client.get(url).status_code == 200

    line("dashboard page, cold (figures recomputed)", timed(cold, args.n))
    line("dashboard page, cold, charts drawn again", timed(cold_redraw, args.n))
    line("dashboard page, warm", timed(warm, args.n))
    line("framework floor /_floor/", timed(lambda: client.get("/_floor/"), args.n))


if __name__ == "__main__":
    main()
