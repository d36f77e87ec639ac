#!/usr/bin/env python3
"""Nêu Gương on several servers, all on loopback: started, checked, loaded, torn down.

What runs (every process as a deployment runs it, with production settings):
  PostgreSQL primary and a streaming replica (Debian's PostgreSQL, pg_basebackup -R);
  two app servers (gunicorn -c deploy/gunicorn.conf.py) behind nginx with TLS (deploy/nginx-proxy.conf);
  the task worker (manage.py db_worker) and the scheduler (manage.py run_scheduler).

    deploy/cluster.py check      start, check health, replica routing, read-your-writes, a POST delivered
                                 twice, the task worker, an app server killed; tear down
    deploy/cluster.py loadtest   start, seed, check as above, restart the killed server, run
                                 deploy/loadtest/locustfile.py (bounded users and time),
                                 SIGKILL one app server half-way, then check that no request failed and
                                 every write the clients saw accepted is in the database exactly once
    deploy/cluster.py up         start and keep running until Ctrl+C (prints the address)
    deploy/cluster.py seed       only start PostgreSQL, migrate and seed (with --pg-dir: once, for later runs)

Options: --size bloc|province (seed_demo; default bloc), --pg-dir DIR (keep the PostgreSQL data there and
reuse it next time, e.g. for a province database seeded once), --base-port (default 18400), --workers
(gunicorn workers per app server). Needs PostgreSQL's binaries (/usr/lib/postgresql/*/bin), nginx and
openssl; run as root (PostgreSQL then runs as the postgres user) or as a user that may run initdb.
"""

import argparse
import contextlib
import json
import os
import pwd
import re
import secrets
import shutil
import signal
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from http.cookiejar import CookieJar
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = str(ROOT / ".venv" / "bin" / "python")
READ_YOUR_WRITES_SECONDS = 10


def log(message: str) -> None:
    print(f"[cluster {time.strftime('%H:%M:%S')}] {message}", flush=True)


class CheckFailed(Exception):
    pass


def expect(condition: bool, what: str) -> None:
    if not condition:
        raise CheckFailed(what)
    log(f"ok: {what}")


def pg_bin() -> Path:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]))
    if not found:
        raise SystemExit("PostgreSQL binaries not found (apt-get install postgresql)")
    return found[-1].parent


class Cluster:
    def __init__(self, args):
        self.args = args
        self.base = args.base_port
        self.nginx_port = self.base
        self.primary_port = self.base + 1
        self.replica_port = self.base + 2
        self.app_ports = [self.base + 11, self.base + 12]
        self.dir = Path(tempfile.mkdtemp(prefix="neuguong-cluster."))
        self.dir.chmod(0o755)  # nginx workers and the postgres user reach their folders inside
        self.pg_dir = Path(args.pg_dir).resolve() if args.pg_dir else self.dir / "pg"
        self.pg_dir.mkdir(parents=True, exist_ok=True)
        self.bin = pg_bin()
        self.as_root = os.geteuid() == 0
        self.processes: dict[str, subprocess.Popen] = {}
        self.secret_key = secrets.token_urlsafe(50)
        self.url = f"https://127.0.0.1:{self.nginx_port}"
        self.cert = self.dir / "tls" / "cert.pem"
        self.started_pg: list[Path] = []

    # ---------------------------------------------------------------------------------------------
    # PostgreSQL

    def as_postgres(self, *command: str, **kwargs) -> subprocess.CompletedProcess:
        if self.as_root:
            command = ("runuser", "-u", "postgres", "--", *command)
        return subprocess.run(command, check=True, **kwargs)

    def psql(self, port: int, sql: str, database: str = "neuguong") -> str:
        out = subprocess.run(
            [
                str(self.bin / "psql"),
                "-h",
                "127.0.0.1",
                "-p",
                str(port),
                "-U",
                "postgres",
                "-d",
                database,
                "-At",
                "-c",
                sql,
            ],
            check=True,
            capture_output=True,
            text=True,
        )
        return out.stdout.strip()

    def pg_start(self, data: Path, port: int, *options: str) -> None:
        opts = " ".join(
            [
                f"-p {port}",
                "-c listen_addresses=127.0.0.1",
                f"-c unix_socket_directories={self.pg_dir}",
                "-c max_connections=200",
                "-c shared_buffers=256MB",
                "-c fsync=off",
                "-c full_page_writes=off",
                "-c log_line_prefix='%m [%p] %a '",
                *options,
            ]
        )
        self.as_postgres(
            str(self.bin / "pg_ctl"),
            "-D",
            str(data),
            "-l",
            str(data.parent / f"{data.name}.log"),
            "-w",
            "-t",
            "120",
            "-o",
            opts,
            "start",
            stdout=subprocess.DEVNULL,
        )
        self.started_pg.append(data)

    def start_postgres(self) -> None:
        primary, replica = self.pg_dir / "primary", self.pg_dir / "replica"
        if self.as_root:
            shutil.chown(self.pg_dir, "postgres")
        if not primary.exists():
            log("PostgreSQL: initdb (primary)")
            self.as_postgres(
                str(self.bin / "initdb"),
                "-D",
                str(primary),
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
                stdout=subprocess.DEVNULL,
            )
        self.pg_start(
            primary, self.primary_port, "-c wal_level=replica", "-c max_wal_senders=5", "-c wal_keep_size=1GB"
        )
        if not replica.exists():
            log("PostgreSQL: pg_basebackup -R (replica)")
            self.as_postgres(
                str(self.bin / "pg_basebackup"),
                "-h",
                "127.0.0.1",
                "-p",
                str(self.primary_port),
                "-U",
                "postgres",
                "-D",
                str(replica),
                "-R",
                "-X",
                "stream",
                "-c",
                "fast",
                # A replication slot: the primary keeps the WAL the replica has not received yet, also
                # while the replica is stopped (a kept --pg-dir), so it can always catch up.
                "-C",
                "-S",
                "neuguong_replica",
            )
        # The replica logs every statement, so the checks can see which pages read it; hot_standby_feedback
        # keeps the primary's vacuum from cancelling the replica's longer report queries.
        self.pg_start(
            replica,
            self.replica_port,
            "-c hot_standby=on",
            "-c hot_standby_feedback=on",
            "-c log_statement=all",
        )
        if (
            self.psql(self.primary_port, "SELECT 1 FROM pg_database WHERE datname='neuguong'", "postgres")
            != "1"
        ):
            self.as_postgres(
                str(self.bin / "createdb"),
                "-h",
                "127.0.0.1",
                "-p",
                str(self.primary_port),
                "-U",
                "postgres",
                "neuguong",
            )
        log(f"PostgreSQL: primary 127.0.0.1:{self.primary_port}, replica 127.0.0.1:{self.replica_port}")

    def stop_postgres(self) -> None:
        for data in reversed(self.started_pg):
            with contextlib.suppress(subprocess.CalledProcessError):
                self.as_postgres(
                    str(self.bin / "pg_ctl"),
                    "-D",
                    str(data),
                    "-m",
                    "fast",
                    "-w",
                    "stop",
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )

    # ---------------------------------------------------------------------------------------------
    # The app

    def env(self, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "DJANGO_"))}
        env.update(
            DJANGO_SETTINGS_MODULE="neuguong.settings.production",
            SECRET_KEY=self.secret_key,
            DATABASE_URL=f"postgres://postgres@127.0.0.1:{self.primary_port}/neuguong?application_name=neuguong",
            DATABASE_REPLICA_URL=(
                f"postgres://postgres@127.0.0.1:{self.replica_port}/neuguong?application_name=neuguong-replica"
            ),
            READ_YOUR_WRITES_SECONDS=str(READ_YOUR_WRITES_SECONDS),
            ALLOWED_HOSTS="127.0.0.1,localhost",
            CSRF_TRUSTED_ORIGINS=self.url,
            # Both app servers are on this machine and share this folder; several machines share S3.
            MEDIA_ROOT=str(self.dir / "media"),
            STATIC_ROOT=str(ROOT / "var" / "static"),
            EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
            PYTHONUNBUFFERED="1",
        )
        env.update(extra)
        return env

    def manage(self, *command: str, **kwargs) -> subprocess.CompletedProcess:
        return subprocess.run([PY, "manage.py", *command], cwd=ROOT, env=self.env(), check=True, **kwargs)

    def prepare_database(self) -> None:
        log("migrate, createcachetable, collectstatic")
        self.manage("migrate", "--noinput", "-v0")
        self.manage("createcachetable")
        manifest = ROOT / "var" / "static" / "staticfiles.json"
        sources = [p for p in (ROOT / "src").glob("neuguong/*/static/**/*") if p.is_file()]
        sources.append(ROOT / ".venv" / ".installed")
        if not manifest.exists() or any(
            p.stat().st_mtime > manifest.stat().st_mtime for p in sources if p.exists()
        ):
            self.manage("collectstatic", "--noinput", "-v0")
        started = time.monotonic()
        log(f"seed_demo --size {self.args.size} --if-empty")
        self.manage("seed_demo", "--size", self.args.size, "--if-empty", stdout=subprocess.DEVNULL)
        log(f"data ready in {time.monotonic() - started:.0f} s")

    def spawn(self, name: str, command: list[str], **env: str) -> subprocess.Popen:
        with open(self.dir / f"{name}.log", "ab") as out:  # the child keeps its own copy of the descriptor
            process = subprocess.Popen(
                command,
                cwd=ROOT,
                env=self.env(**env),
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.processes[name] = process
        return process

    def start_app(self, index: int) -> None:
        port = self.app_ports[index]
        self.spawn(
            f"app{index + 1}",
            [PY, "-m", "gunicorn", "-c", str(ROOT / "deploy" / "gunicorn.conf.py")],
            GUNICORN_BIND=f"127.0.0.1:{port}",
            GUNICORN_WORKERS=str(self.args.workers),
            GUNICORN_PROC_NAME=f"neuguong-app{index + 1}",
            GUNICORN_ACCESS_LOG=str(self.dir / f"app{index + 1}.access.log"),
        )

    def start_apps(self) -> None:
        for index in range(len(self.app_ports)):
            self.start_app(index)
        self.spawn("worker", [PY, "manage.py", "db_worker", "--queue-name", "*"])
        self.spawn("scheduler", [PY, "manage.py", "run_scheduler"])
        for port in self.app_ports:
            self.wait_for(f"http://127.0.0.1:{port}/healthz", f"app server 127.0.0.1:{port}")

    def wait_for(self, url: str, what: str, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for name, process in self.processes.items():
                if process.poll() is not None and name != "app1-killed":
                    raise CheckFailed(
                        f"{name} exited with {process.returncode}; see {self.dir / (name + '.log')}"
                    )
            try:
                if self.opener().open(url, timeout=5).status == 200:
                    log(f"{what} answers")
                    return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.5)
        raise CheckFailed(f"{what} did not answer within {timeout:.0f} s")

    # ---------------------------------------------------------------------------------------------
    # nginx with TLS

    def start_nginx(self) -> None:
        tls = self.cert.parent
        tls.mkdir()
        subprocess.run(
            [
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "2",
                "-subj",
                "/CN=127.0.0.1",
                "-addext",
                "subjectAltName=IP:127.0.0.1,DNS:localhost",
                "-keyout",
                str(tls / "key.pem"),
                "-out",
                str(self.cert),
            ],
            check=True,
            capture_output=True,
        )
        prefix = self.dir / "nginx"
        prefix.mkdir()
        upstream = "\n".join(
            f"        server 127.0.0.1:{p} max_fails=1 fail_timeout=10s;" for p in self.app_ports
        )
        user = "user nobody nogroup;" if self.as_root else ""
        (prefix / "nginx.conf").write_text(
            f"""{user}
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    client_body_temp_path {prefix}/client_body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    # Which server answered: "a, b" in upstream_addr is a request resent to the other server.
    log_format upstreams '$msec $request_method $uri $status "$upstream_addr" "$upstream_status" $request_time';
    access_log {prefix}/access.log upstreams;
    upstream neuguong_app {{
{upstream}
        keepalive 32;
    }}
    server {{
        listen 127.0.0.1:{self.nginx_port} ssl;
        server_name 127.0.0.1 localhost;
        ssl_certificate {self.cert};
        ssl_certificate_key {tls / "key.pem"};
        include {ROOT / "deploy" / "nginx-proxy.conf"};
    }}
}}
""",
            encoding="utf-8",
        )
        subprocess.run(["nginx", "-t", "-q", "-p", str(prefix), "-c", str(prefix / "nginx.conf")], check=True)
        self.spawn(
            "nginx", ["nginx", "-p", str(prefix), "-c", str(prefix / "nginx.conf"), "-g", "daemon off;"]
        )
        self.wait_for(f"{self.url}/healthz", f"nginx {self.url}")

    def opener(self, jar: CookieJar | None = None) -> urllib.request.OpenerDirector:
        context = ssl.create_default_context(cafile=str(self.cert)) if self.cert.exists() else None
        handlers: list = [urllib.request.HTTPSHandler(context=context), NoRedirect()]
        if jar is not None:
            handlers.append(urllib.request.HTTPCookieProcessor(jar))
        return urllib.request.build_opener(*handlers)

    # ---------------------------------------------------------------------------------------------

    def start(self, *, servers: bool = True) -> None:
        log(f"working folder {self.dir}")
        self.start_postgres()
        self.prepare_database()
        if servers:
            self.start_apps()
            self.start_nginx()

    def kill_app(self, index: int) -> None:
        process = self.processes.pop(f"app{index + 1}")
        os.killpg(process.pid, signal.SIGKILL)  # the master and its workers, without warning
        process.wait()
        self.processes[f"app{index + 1}-killed"] = process
        log(
            f"SIGKILL app server {index + 1} (127.0.0.1:{self.app_ports[index]}, process group {process.pid})"
        )

    def restart_app(self, index: int) -> None:
        self.processes.pop(f"app{index + 1}-killed", None)
        self.start_app(index)
        port = self.app_ports[index]
        self.wait_for(f"http://127.0.0.1:{port}/healthz", f"app server {index + 1} (restarted)")
        # nginx left it out after its failure (fail_timeout): wait until it is taken back.
        time.sleep(10)

    def stop(self) -> None:
        for process in reversed(list(self.processes.values())):
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + 20
        for process in self.processes.values():
            try:
                process.wait(timeout=max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        self.stop_postgres()
        if self.args.keep:
            log(f"kept {self.dir}")
        else:
            shutil.rmtree(self.dir, ignore_errors=True)
        log("stopped")

    def replica_statements(self) -> int:
        """Statements the app ran on the replica so far (the replica logs each one)."""
        text = (self.pg_dir / "replica.log").read_text(encoding="utf-8", errors="replace")
        return len(re.findall(r" neuguong-replica LOG:  statement: ", text))


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """A logged-in user over HTTPS through nginx (cookies kept), for the checks."""

    def __init__(self, cluster: Cluster, username: str, password: str = "NeuGuong@2026"):
        self.cluster = cluster
        self.jar = CookieJar()
        self.opener = cluster.opener(self.jar)
        page = self.get("/tai-khoan/dang-nhap/")
        status, _, location = self.post(
            "/tai-khoan/dang-nhap/",
            {"username": username, "password": password, "csrfmiddlewaretoken": self.token(page)},
        )
        expect(status == 302 and "dang-nhap" not in location, f"{username} logs in through nginx")

    @staticmethod
    def token(page: str) -> str:
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)

    def request(self, path: str, data: dict | None = None, headers: dict | None = None):
        url = self.cluster.url + path
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(url, data=body, headers={"Referer": url, **(headers or {})})
        try:
            response = self.opener.open(request, timeout=60)
        except urllib.error.HTTPError as error:
            response = error
        return (
            response.status,
            response.read().decode("utf-8", "replace"),
            response.headers.get("Location", ""),
        )

    def get(self, path: str) -> str:
        status, body, _ = self.request(path)
        if status != 200:
            raise CheckFailed(f"GET {path}: HTTP {status}")
        return body

    def post(self, path: str, data: dict, key: str | None = None):
        return self.request(path, data, {"Idempotency-Key": key} if key else None)


# -------------------------------------------------------------------------------------------------
# check


def check(cluster: Cluster) -> None:
    expect(
        cluster.psql(cluster.replica_port, "SELECT pg_is_in_recovery()") == "t",
        "the replica is a hot standby",
    )
    deadline = time.monotonic() + 60
    streaming = ""
    while streaming != "streaming" and time.monotonic() < deadline:  # a kept replica catches up first
        streaming = cluster.psql(cluster.primary_port, "SELECT state FROM pg_stat_replication", "postgres")
        time.sleep(0.5)
    expect(streaming == "streaming", "the primary streams its WAL to the replica")
    count_sql = "SELECT count(*) FROM people_person"
    expect(
        cluster.psql(cluster.primary_port, count_sql) == cluster.psql(cluster.replica_port, count_sql),
        "the replica holds the primary's members",
    )
    for port in cluster.app_ports:
        status = cluster.opener().open(f"http://127.0.0.1:{port}/healthz", timeout=60).status
        expect(status == 200, f"app server 127.0.0.1:{port} is healthy")

    # Replica routing and read-your-writes, watched in the replica's statement log.
    office = Browser(cluster, "vanphong")
    root = cluster.psql(
        cluster.primary_port, "SELECT code FROM organizations_organization WHERE parent_id IS NULL"
    )
    dashboard = f"/bao-cao/tong-quan/{root}/"
    before = cluster.replica_statements()
    office.get(dashboard)
    time.sleep(0.5)
    expect(
        cluster.replica_statements() == before, "right after the login POST, the dashboard reads the primary"
    )
    log(f"waiting {READ_YOUR_WRITES_SECONDS} s (the read-your-writes window)")
    time.sleep(READ_YOUR_WRITES_SECONDS + 1)
    office.get(dashboard)
    office.request("/cam-ket/bang/xlsx/?status=open_overdue")
    time.sleep(0.5)
    after_dashboard = cluster.replica_statements()
    expect(
        after_dashboard > before,
        f"then the dashboard and the XLSX export read the replica ({after_dashboard - before} statements)",
    )
    office.get("/cam-ket/bang/")
    time.sleep(0.5)
    expect(
        cluster.replica_statements() == after_dashboard, "the board (not a replica page) reads the primary"
    )

    # A POST delivered twice through the load balancer with one key is carried out once.
    member = Browser(cluster, "dangvien")
    commitment = cluster.psql(
        cluster.primary_port,
        "SELECT c.id FROM commitments_commitment c JOIN people_person p ON p.id = c.responsible_person_id "
        "JOIN auth_user u ON u.id = p.user_id WHERE u.username = 'dangvien' AND c.completed_on IS NULL "
        "AND c.halt = '' ORDER BY c.id LIMIT 1",
    )
    form = member.get(f"/cam-ket/{commitment}/bao-cao/")
    key = uuid.uuid4().hex
    data = {
        "percent": "35",
        "text": f"Kiểm tra cụm máy chủ {key}",
        "csrfmiddlewaretoken": Browser.token(form),
    }
    first = member.post(f"/cam-ket/{commitment}/bao-cao/", data, key)
    second = member.post(f"/cam-ket/{commitment}/bao-cao/", data, key)
    expect(
        first[0] == second[0] == 302 and first[2] == second[2], "the same POST twice gets the same redirect"
    )
    rows = cluster.psql(
        cluster.primary_port, f"SELECT count(*) FROM commitments_progressreport WHERE text LIKE '%{key}'"
    )
    expect(rows == "1", "and is written once")
    waited = time.monotonic()
    on_replica = "0"
    while on_replica != "1" and time.monotonic() - waited < READ_YOUR_WRITES_SECONDS:
        on_replica = cluster.psql(
            cluster.replica_port, f"SELECT count(*) FROM commitments_progressreport WHERE text LIKE '%{key}'"
        )
    lag = cluster.psql(
        cluster.primary_port, "SELECT coalesce(replay_lag::text, '-') FROM pg_stat_replication", "postgres"
    )
    expect(
        on_replica == "1",
        f"the replica has it {1000 * (time.monotonic() - waited):.0f} ms later, within the read-your-writes "
        f"window (the primary reports replay_lag {lag})",
    )
    expect(f"Kiểm tra cụm máy chủ {key}" in member.get(first[2]), "the page after it shows the new report")

    # The task worker runs what the scheduler enqueued.
    deadline = time.monotonic() + 90
    done = ""
    while time.monotonic() < deadline:
        done = cluster.psql(
            cluster.primary_port,
            "SELECT count(*) FILTER (WHERE status = 'SUCCESSFUL') || '/' || count(*) "
            "|| '/' || count(*) FILTER (WHERE status = 'FAILED') FROM django_tasks_database_dbtaskresult",
        )
        succeeded, total, failed = (int(n) for n in done.split("/"))
        if total and succeeded + failed == total:
            break
        time.sleep(1)
    expect(
        total > 0 and succeeded == total, f"the task worker ran the scheduled tasks ({succeeded} of {total})"
    )

    # One app server dies: nginx sends everything to the other.
    cluster.kill_app(0)
    statuses = [office.request("/healthz")[0] for _ in range(10)] + [
        office.request(dashboard)[0] for _ in range(5)
    ]
    expect(
        statuses == [200] * len(statuses),
        "with app server 1 killed, every request is answered (nginx retries)",
    )
    form = member.get(f"/cam-ket/{commitment}/bao-cao/")
    data["csrfmiddlewaretoken"] = Browser.token(form)
    data["text"] = f"Sau khi máy chủ 1 dừng {key}"
    status, _, _ = member.post(f"/cam-ket/{commitment}/bao-cao/", data, uuid.uuid4().hex)
    expect(status == 302, "and a POST still succeeds (the session lives in the database)")


# -------------------------------------------------------------------------------------------------
# loadtest


def loadtest(cluster: Cluster) -> None:
    args = cluster.args
    accounts = cluster.dir / "accounts.json"
    subprocess.run(
        [
            PY,
            "deploy/loadtest/prepare.py",
            "--members",
            str(args.members),
            "--secretaries",
            str(args.secretaries),
            "--office",
            str(args.office),
            "--out",
            str(accounts),
        ],
        cwd=ROOT,
        env=cluster.env(),
        check=True,
    )
    users = args.members + args.secretaries + args.office
    run_id = f"lt{int(time.time())}"
    ledger = cluster.dir / "ledger.json"
    started_at = cluster.psql(cluster.primary_port, "SELECT now()")
    log(
        f"locust: {users} users ({args.members} members, {args.secretaries} secretaries, {args.office} office), "
        f"{args.run_time} s, {cluster.url}"
    )
    locust_env = {
        **os.environ,
        "LOADTEST_ACCOUNTS": str(accounts),
        "LOADTEST_LEDGER": str(ledger),
        "LOADTEST_RUN_ID": run_id,
        "LOADTEST_CA": str(cluster.cert),
    }
    locust = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "locust"),
            "-f",
            "deploy/loadtest/locustfile.py",
            "--headless",
            "--users",
            str(users),
            "--spawn-rate",
            str(max(users // 4, 1)),
            "--run-time",
            f"{args.run_time}s",
            "--stop-timeout",
            "30",
            "--host",
            cluster.url,
            "--only-summary",
            "--loglevel",
            "WARNING",
            "--csv",
            str(cluster.dir / "locust"),
        ],
        cwd=ROOT,
        env=locust_env,
    )
    try:
        locust.wait(timeout=args.run_time / 2)
    except subprocess.TimeoutExpired:
        cluster.kill_app(0)
    killed_at = time.time()
    locust.wait()
    summary = json.loads(ledger.read_text(encoding="utf-8"))
    verify_load(cluster, summary, run_id=run_id, started_at=started_at, killed_at=killed_at)
    if locust.returncode not in (0, 1):
        raise CheckFailed(f"locust exited with {locust.returncode}")


def verify_load(cluster: Cluster, summary: dict, *, run_id: str, started_at: str, killed_at: float) -> None:
    totals = summary["summary"]
    line_pattern = re.compile(r'^(\S+) (\S+) (\S+) (\d+) "([^"]*)" "([^"]*)"')
    retried = []
    for line in (cluster.dir / "nginx" / "access.log").read_text().splitlines():
        match = line_pattern.match(line)
        if match and "," in match.group(5):
            retried.append(match.groups())
    retried_posts = [r for r in retried if r[1] == "POST"]
    log(
        f"nginx resent {len(retried)} requests to the other app server after the kills (check and load) ({len(retried_posts)} POSTs): "
        + ", ".join(sorted({f"{r[1]} {re.sub(r'[0-9]+', 'N', r[2])} [{r[5]}]" for r in retried}))[:600]
    )
    expect(totals["requests"] > 0, f"{totals['requests']} requests, {totals['rps']:.1f} requests/s")
    expect(totals["failures"] == 0, f"no request failed ({totals['failures']} failures)")
    # Progress reports: each key the clients saw accepted is in the database exactly once.
    rows = cluster.psql(
        cluster.primary_port,
        "SELECT split_part(split_part(r.text, '/', 2), ':', 1), count(*), "
        "(SELECT count(*) FROM commitments_evidence e WHERE e.report_id = min(r.id)) "
        f"FROM commitments_progressreport r WHERE r.text LIKE 'Báo cáo tải thử {run_id}/%' GROUP BY 1",
    )
    in_db = {}
    for line in filter(None, rows.splitlines()):
        key, count, evidence = line.split("|")
        in_db[key] = (int(count), int(evidence))
    seen = {r["key"] for r in summary["reports"]}
    missing = seen - set(in_db)
    doubled = [k for k, (n, _) in in_db.items() if n > 1]
    unseen = set(in_db) - seen
    without_file = [k for k, (_, e) in in_db.items() if e != 1]
    expect(
        not missing,
        f"all {len(seen)} progress reports the clients saw accepted are in the database "
        f"({len(missing)} missing)",
    )
    expect(not doubled, f"none is written twice ({len(doubled)} doubled)")
    expect(not without_file, "each has its evidence file")
    if unseen:
        log(f"note: {len(unseen)} reports in the database that no client saw accepted")
    accepted = cluster.psql(
        cluster.primary_port,
        "SELECT r.id FROM commitments_progressreport r JOIN auth_user u ON u.id = r.reviewed_by_id "
        f"WHERE u.username LIKE 'lt_secretary_%' AND r.review_state = 'accepted' AND r.reviewed_at >= '{started_at}'",
    )
    accepted_db = {int(x) for x in accepted.split()}
    accepted_seen = set(summary["accepted"])
    expect(
        accepted_seen <= accepted_db,
        f"all {len(accepted_seen)} reviews the clients saw accepted are recorded "
        f"({len(accepted_seen - accepted_db)} missing)",
    )
    expect(len(summary["accepted"]) == len(accepted_seen), "no report was accepted twice")


# -------------------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("command", choices=["check", "loadtest", "up", "seed"])
    parser.add_argument("--size", choices=["bloc", "province"], default="bloc")
    parser.add_argument("--pg-dir", help="keep the PostgreSQL data here (reused when it exists)")
    parser.add_argument("--base-port", type=int, default=18400)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers per app server")
    parser.add_argument("--users", type=int, default=20, help="locust users (members, secretaries, office)")
    parser.add_argument("--run-time", type=int, default=60, help="seconds of load")
    parser.add_argument("--keep", action="store_true", help="keep the working folder (logs)")
    args = parser.parse_args()
    args.secretaries = max(1, args.users // 5)
    args.office = max(1, args.users // 5)
    args.members = max(1, args.users - args.secretaries - args.office)
    if shutil.which("nginx") is None or shutil.which("openssl") is None:
        raise SystemExit("nginx and openssl are needed (apt-get install nginx-light openssl)")
    if os.geteuid() == 0:
        pwd.getpwnam("postgres")
    cluster = Cluster(args)
    started = time.monotonic()
    try:
        cluster.start(servers=args.command != "seed")
        if args.command == "check":
            check(cluster)
        elif args.command == "loadtest":
            check(cluster)
            cluster.restart_app(0)
            loadtest(cluster)
        elif args.command == "up":
            log(f"running: {cluster.url} (certificate {cluster.cert}); Ctrl+C stops")
            signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
            try:
                while True:
                    time.sleep(3600)
            except KeyboardInterrupt:
                pass
    except CheckFailed as failure:
        log(f"FAILED: {failure}")
        args.keep = True
        return 1
    except BaseException:
        args.keep = True  # the logs say what went wrong
        raise
    finally:
        cluster.stop()
        log(f"{args.command} took {time.monotonic() - started:.0f} s")
    log(f"{args.command}: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
