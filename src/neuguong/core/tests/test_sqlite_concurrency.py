"""SQLite configured through DATABASE_URL gets the same options as the default path (issue 19, point 2)."""

import concurrent.futures

from .live_server import post_json, sqlite_server


def test_sqlite_options_are_the_same_for_the_default_path_and_database_url(tmp_path, monkeypatch):
    from neuguong.settings.env import SQLITE_OPTIONS, database_config

    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("SQLITE_PATH", str(tmp_path / "a.sqlite3"))
    by_path = database_config(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'sub' / 'b.sqlite3'}")
    by_url = database_config(tmp_path)
    assert by_path["OPTIONS"] == by_url["OPTIONS"] == SQLITE_OPTIONS
    assert by_url["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in by_url["OPTIONS"]["init_command"]
    assert (tmp_path / "sub").is_dir()  # SQLite creates the file, not its folder


def test_forty_concurrent_progress_reports_through_a_running_server_all_succeed(tmp_path):
    with sqlite_server(tmp_path, workers=2, threads=20) as (base_url, seed):
        url = f"{base_url}/api/v1/commitments/{seed['commitment']}/reports"

        def report(n: int) -> tuple[int, str]:
            return post_json(url, {"percent": n % 100, "text": f"Báo cáo lần {n}"}, token=seed["token"])

        with concurrent.futures.ThreadPoolExecutor(max_workers=40) as pool:
            answers = list(pool.map(report, range(40)))
    failures = [(status, body[:200]) for status, body in answers if status != 201]
    assert failures == []
