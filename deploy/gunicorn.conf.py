"""gunicorn settings for Nêu Gương (`gunicorn -c deploy/gunicorn.conf.py`); every value can be set from the
environment, so one file serves the systemd unit, `make serve` and the loopback cluster (deploy/cluster.py).

Graceful restarts: `kill -HUP <master>` (systemctl reload) starts new workers with the new code and lets the
old ones finish their requests; `kill -TERM` stops after the running requests (up to graceful_timeout).
"""

import multiprocessing
import os


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name, "")
    return int(raw) if raw.strip() else default


# The checkout this file belongs to; the package is imported from its src/ folder.
chdir = os.environ.get("NEUGUONG_HOME") or os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
pythonpath = os.path.join(chdir, "src")
wsgi_app = "neuguong.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",")
# Sync workers, one request each: the pages are database-bound and short. Threads (gthread) help when the
# database is remote and slow to answer; GUNICORN_THREADS > 1 switches to them.
workers = _int("GUNICORN_WORKERS", min(2 * multiprocessing.cpu_count() + 1, 9))
threads = _int("GUNICORN_THREADS", 1)
worker_class = "gthread" if threads > 1 else "sync"
# A request (a large report file) may take this long before its worker is killed and restarted; bigger
# reports run as background jobs (reports.views.SYNC_MAX_COMMITMENTS).
timeout = _int("GUNICORN_TIMEOUT", 120)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
# Behind nginx, which keeps its upstream connections open (deploy/nginx.conf: keepalive).
keepalive = _int("GUNICORN_KEEPALIVE", 75)
# Restart each worker after this many requests (with jitter), so slow memory growth cannot accumulate.
max_requests = _int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 200)
# Upload size is bounded by Django (UPLOAD_MAX_BYTES) and nginx (client_max_body_size).
limit_request_line = 8190

# The proxy in front sets X-Forwarded-For/-Proto; only these addresses are trusted to do so.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
proxy_allow_ips = forwarded_allow_ips

accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = os.environ.get("GUNICORN_ERROR_LOG", "-")
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Client address (from the proxy), request, status, bytes, duration in ms, worker pid.
access_log_format = '%({x-forwarded-for}i)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s %(M)sms pid=%(p)s'
proc_name = os.environ.get("GUNICORN_PROC_NAME", "neuguong")
# Heartbeat files in memory, not on a disk that may stall.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
pidfile = os.environ.get("GUNICORN_PID_FILE") or None
# gunicorn's control socket (gunicornc) only when a path is given: its default path is shared by every
# gunicorn of the same user, which several app servers on one machine (deploy/cluster.py) cannot share.
control_socket = os.environ.get("GUNICORN_CONTROL_SOCKET", "")
control_socket_disable = not control_socket


def _send_head_and_body_at_once() -> None:
    """Write a response's status line, headers and body with one sendall instead of two.

    When an app server dies (deploy/nginx-proxy.conf), nginx resends a request whose answer had not begun,
    but it cannot resend one whose headers it already received and passed on. gunicorn writes the headers,
    then the body; a server killed between the two writes leaves the browser a cut response. Django's
    responses are one body chunk of known length (CommonMiddleware sets Content-Length), so writing both
    together leaves no such gap: once the bytes are in the kernel's socket buffer they are delivered even if
    the process is killed. Any other response (streamed, chunked, files) goes through gunicorn unchanged."""
    from gunicorn import util
    from gunicorn.http.wsgi import Response

    if getattr(Response.write, "neuguong_single_write", False):
        return
    original_write = Response.write

    def write(self, arg):
        try:
            whole = (
                not self.headers_sent
                and not self.chunked
                and not self._omits_body
                and isinstance(arg, bytes)
                and self.response_length == len(arg)
            )
        except AttributeError:  # another gunicorn version: keep its own way
            whole = False
        if not whole:
            return original_write(self, arg)
        head = self.default_headers()
        head.extend(f"{name}: {value}\r\n" for name, value in self.headers)
        self.headers_sent = True
        self.sent += len(arg)
        util.write(self.sock, util.to_bytestring("".join(head) + "\r\n", "latin-1") + arg)

    write.neuguong_single_write = True
    Response.write = write


_send_head_and_body_at_once()
