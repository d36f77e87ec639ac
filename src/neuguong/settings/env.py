"""The one place that reads the process environment."""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name, default)
    if value is None:
        raise ImproperlyConfigured(f"Environment variable {name} is required")
    return value


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    return int(raw) if raw not in (None, "") else default


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# Every SQLite database gets these, however it is named (default path, SQLITE_PATH or a sqlite:// URL):
# WAL lets readers run beside the writer, IMMEDIATE takes the write lock when a transaction begins (so two
# transactions never both read and then fail to upgrade to writing: "database is locked"), and the timeout
# makes a writer wait its turn instead of failing.
SQLITE_OPTIONS = {
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
}


def _sqlite_config(path: Path, *, conn_max_age: int = 0) -> dict:
    # A fresh clone has no var/ yet; SQLite creates the file but not its folder.
    path.parent.mkdir(parents=True, exist_ok=True)
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(path),
        "CONN_MAX_AGE": conn_max_age,
        "OPTIONS": dict(SQLITE_OPTIONS),
    }


def _server_database(url: str) -> dict:
    config: dict = dict(dj_database_url.parse(url, conn_max_age=env_int("DB_CONN_MAX_AGE", 60)))
    config["CONN_HEALTH_CHECKS"] = True
    if config["ENGINE"].endswith("postgresql"):
        # JIT compilation costs seconds on the aggregate queries of reports and dashboards and saves
        # nothing at these sizes.
        config.setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
        # Behind PgBouncer in transaction pooling a cursor cannot outlive its transaction (docs/deployment.md).
        config["DISABLE_SERVER_SIDE_CURSORS"] = env_bool("DB_DISABLE_SERVER_SIDE_CURSORS", False)
    return config


def database_config(base_dir: Path) -> dict:
    """SQLite in the project folder unless DATABASE_URL names another database."""
    url = os.environ.get("DATABASE_URL")
    if url:
        config = dj_database_url.parse(url, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))
        if config["ENGINE"].endswith("sqlite3"):
            if config["NAME"] in ("", ":memory:"):
                raise ImproperlyConfigured(
                    "DATABASE_URL: SQLite needs a file, e.g. sqlite:////srv/neuguong.sqlite3"
                )
            return _sqlite_config(Path(config["NAME"]), conn_max_age=config.get("CONN_MAX_AGE") or 0)
        return _server_database(url)
    return _sqlite_config(Path(os.environ.get("SQLITE_PATH", str(base_dir / "var" / "neuguong.sqlite3"))))


def replica_database_config() -> dict | None:
    """The read replica named by DATABASE_REPLICA_URL (a streaming standby of DATABASE_URL), if any.
    In tests it mirrors the default database."""
    url = os.environ.get("DATABASE_REPLICA_URL")
    if not url:
        return None
    return {**_server_database(url), "TEST": {"MIRROR": "default"}}
