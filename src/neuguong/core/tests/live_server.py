"""A real server process on a throw-away SQLite file, for tests that need true concurrency.

The test database of pytest-django cannot show what concurrent requests do to SQLite (an in-memory database
shared by threads, or a PostgreSQL one), so these tests migrate a fresh file named by `DATABASE_URL` (the way a
deployment configures it), seed it with `live_seed.seed`, and start gunicorn with several workers and threads.
"""

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[4]
PYTHON = sys.executable


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env(database_url: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SQLITE_PATH")}
    env.update(
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="neuguong.settings.test",
        PYTHONPATH=os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
    )
    return env


@contextlib.contextmanager
def sqlite_server(tmp_path: Path, *, workers: int = 2, threads: int = 20):
    """Yield (base_url, seed) for a gunicorn server on a fresh SQLite file configured through DATABASE_URL."""
    database_url = f"sqlite:///{tmp_path / 'live.sqlite3'}"
    env = _env(database_url)
    subprocess.run([PYTHON, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    seeded = subprocess.run(
        [
            PYTHON,
            "-c",
            "import django; django.setup(); from neuguong.core.tests.live_seed import seed; seed()",
        ],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    seed = json.loads(seeded.stdout.strip().splitlines()[-1])
    port = _free_port()
    log = (tmp_path / "server.log").open("w")
    server = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "gunicorn",
            "neuguong.wsgi",
            f"--bind=127.0.0.1:{port}",
            f"--workers={workers}",
            f"--threads={threads}",
            "--timeout=60",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180  # a loaded CI machine boots workers slowly
        while True:
            try:
                with urllib.request.urlopen(f"{base_url}/healthz", timeout=2):
                    break
            except OSError:  # refused, reset or timed out while the workers boot
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError((tmp_path / "server.log").read_text()) from None
                time.sleep(0.2)
        yield base_url, seed
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


def post_json(url: str, payload: dict, *, token: str) -> tuple[int, str]:
    request = urllib.request.Request(
        url,
        data=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()
