"""Shared helpers for benchmark scripts: Django set-up, timing, and the framework-floor comparison.

Timings are taken in-process with Django's test client (no network), N requests after a warm-up, and
reported as p50/p95 in milliseconds beside the same figures for `/_floor/`, a view that renders only the
base template: the ratio says how much a page costs above what any page costs in this stack.
"""

import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def setup_django(settings_module: str = "neuguong.settings.base") -> None:
    sys.path.insert(0, str(ROOT / "src"))
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings_module)
    os.environ.setdefault("DEBUG", "false")
    import django

    django.setup()


def percentiles(samples_ms: list[float]) -> tuple[float, float]:
    ordered = sorted(samples_ms)
    p50 = statistics.median(ordered)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return p50, p95


def time_requests(client, url: str, *, n: int = 40, warmup: int = 5) -> list[float]:
    for _ in range(warmup):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    samples = []
    for _ in range(n):
        start = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    return samples


def count_queries(fn: Callable[[], object]) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def _timed(client, url: str) -> float:
    start = time.perf_counter()
    response = client.get(url)
    elapsed = (time.perf_counter() - start) * 1000
    assert response.status_code == 200, (url, response.status_code)
    return elapsed


def report(rows: list[tuple[str, str]], client, *, n: int = 40) -> list[dict]:
    """Time each (label, url) beside the floor and print one line each; returns the figures.

    Page and floor requests alternate (page, floor, page, floor, …), so both see the same machine load:
    on a shared machine the floor alone drifted by half between runs a minute apart."""
    print(
        f"{'page':38s} {'p50 ms':>8s} {'p95 ms':>8s} {'floor p50':>10s} {'ratio p50':>10s} {'ratio p95':>10s}"
        f" {'queries':>8s}"
    )
    results = []
    for label, url in rows:
        for _ in range(5):
            _timed(client, url)
            _timed(client, "/_floor/")
        page_ms, floor_ms = [], []
        for _ in range(n):
            page_ms.append(_timed(client, url))
            floor_ms.append(_timed(client, "/_floor/"))
        p50, p95 = percentiles(page_ms)
        floor50, floor95 = percentiles(floor_ms)
        queries = count_queries(lambda url=url: client.get(url))
        print(
            f"{label:38s} {p50:8.1f} {p95:8.1f} {floor50:10.1f} {p50 / floor50:10.2f} {p95 / floor95:10.2f}"
            f" {queries:8d}"
        )
        results.append(
            {
                "label": label,
                "p50": p50,
                "p95": p95,
                "floor_p50": floor50,
                "ratio_p50": p50 / floor50,
                "ratio_p95": p95 / floor95,
                "queries": queries,
            }
        )
    return results
