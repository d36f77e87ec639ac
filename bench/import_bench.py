"""Import benchmark: rows/s and peak memory for 10,000 and 200,000 members (validate + write).

    .venv/bin/python bench/import_bench.py                # CSV 10k + 200k, XLSX 10k, on a fresh SQLite file
    DATABASE_URL=postgres://postgres@127.0.0.1:5433/bench_import .venv/bin/python bench/import_bench.py
    .venv/bin/python bench/import_bench.py --one csv 10000  # a single measurement (what the driver runs)

Each measurement runs in its own process on an empty, migrated database with a 1 root + 100 grassroots +
300 branches tree, so peak RSS (ru_maxrss) is that of one import. The file is generated first and not
counted. The goal (issue 3) is 10,000 rows validated and written in under 10 s.
"""

import argparse
import csv
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô"]
MIDDLE = ["Văn", "Thị", "Hữu", "Đức", "Minh", "Thu", "Ngọc", "Quốc"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Hà", "Hằng", "Hương", "Lan", "Long", "Nam", "Sơn", "Yến"]


def _setup_django(db_path: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "neuguong.settings.dev")
    os.environ["DEBUG"] = "0"
    if "DATABASE_URL" not in os.environ:
        os.environ["SQLITE_PATH"] = db_path
    import django

    django.setup()
    from django.core.management import call_command

    if "DATABASE_URL" in os.environ:
        # The benchmark empties its database: refuse anything not obviously a throw-away one.
        if not os.environ["DATABASE_URL"].rsplit("/", 1)[-1].startswith("bench"):
            raise SystemExit("DATABASE_URL must name a database whose name starts with 'bench'")
        call_command("migrate", verbosity=0)
        call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)


def _tree() -> list[str]:
    from neuguong.organizations.models import Organization, OrgKind

    root = Organization.objects.create(code="DUK", name="Đảng bộ Khối", kind=OrgKind.SUPERIOR)
    root.path = f"/{root.pk}/"
    root.save(update_fields=["path"])
    codes = []
    for i in range(100):
        g = Organization.objects.create(
            code=f"CS{i:05d}", name=f"Đảng bộ cơ sở {i}", kind=OrgKind.GRASSROOTS_COMMITTEE, parent=root
        )
        g.path, g.depth = f"{root.path}{g.pk}/", 1
        g.save(update_fields=["path", "depth"])
        for j in range(3):
            b = Organization.objects.create(
                code=f"CS{i:05d}-{j:02d}", name=f"Chi bộ {j}", kind=OrgKind.BRANCH, parent=g
            )
            b.path, b.depth = f"{g.path}{b.pk}/", 2
            b.save(update_fields=["path", "depth"])
            codes.append(b.code)
    return codes


def _rows(n: int, codes: list[str]):
    rng = random.Random(2026)
    for i in range(n):
        born = f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{rng.randint(1955, 2000)}"
        admitted_year = rng.randint(2001, 2020)
        yield [
            f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}",
            born,
            rng.choice(["Nam", "Nữ"]),
            f"{10_000_000 + i}",
            f"040{rng.randint(0, 999_999_999):09d}",
            f"{rng.randint(1, 28)}/{rng.randint(1, 12)}/{admitted_year}",
            f"{rng.randint(1, 28)}/{rng.randint(1, 12)}/{admitted_year + 1}",
            rng.choice(codes),
            "",
            "Chuyên viên",
            rng.choice(["Sơ cấp", "Trung cấp", "Cao cấp"]),
            "",
            "Chính thức",
            f"09{rng.randint(10_000_000, 99_999_999)}",
            "",
        ]


def _write_file(fmt: str, n: int, codes: list[str], directory: str) -> str:
    from neuguong.dataio.columns import PEOPLE_COLUMNS

    headers = [c.header for c in PEOPLE_COLUMNS]
    path = os.path.join(directory, f"bench-{n}.{fmt}")
    if fmt == "csv":
        with open(path, "w", encoding="utf-8-sig", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(headers)
            writer.writerows(_rows(n, codes))
    else:
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("Đảng viên")
        sheet.append(headers)
        for row in _rows(n, codes):
            sheet.append(row)
        workbook.save(path)
    return path


def one(fmt: str, n: int) -> None:
    with tempfile.TemporaryDirectory() as directory:
        _setup_django(os.path.join(directory, "bench.sqlite3"))
        from django.db import connection

        from neuguong.access.scope import Scope
        from neuguong.dataio.importer import import_file
        from neuguong.people.models import Person

        codes = _tree()
        path = _write_file(fmt, n, codes, directory)
        size_mb = os.path.getsize(path) / 1e6
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        cpu_started = time.process_time()
        started = time.perf_counter()
        if os.environ.get("BENCH_PROFILE"):
            import cProfile
            import pstats

            profiler = cProfile.Profile()
            profiler.enable()
        report = import_file(
            path_or_opener=path, scope=Scope(user_id=None, is_global=True), source_name="bench"
        )
        elapsed = time.perf_counter() - started
        cpu = time.process_time() - cpu_started
        if os.environ.get("BENCH_PROFILE"):
            profiler.disable()
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(35)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        assert report.created == n == Person.objects.count(), (report.created, n)
        print(
            f"{connection.vendor:<10} {fmt:<4} {n:>8,} rows  {size_mb:6.1f} MB  wall {elapsed:7.1f} s "
            f"({n / elapsed:7,.0f} rows/s)  cpu {cpu:7.1f} s ({n / cpu:7,.0f} rows/s)  "
            f"peak RSS {peak:5.0f} MB (before import {rss_before:.0f} MB)  load {os.getloadavg()[0]:.1f}",
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--one", nargs=2, metavar=("FORMAT", "ROWS"))
    parser.add_argument("--sizes", default="csv:10000,xlsx:10000,csv:200000")
    args = parser.parse_args()
    if args.one:
        one(args.one[0], int(args.one[1]))
        return
    print(f"{os.cpu_count()} CPUs; wall time depends on what else runs, cpu time is this process alone")
    for item in args.sizes.split(","):
        fmt, n = item.split(":")
        subprocess.run([sys.executable, __file__, "--one", fmt, n], check=True)


if __name__ == "__main__":
    main()
