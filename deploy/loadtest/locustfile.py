"""The daily journeys of Nêu Gương under load (locust, headless). Run by `deploy/cluster.py loadtest`.

Members open "Việc của tôi" and report progress with a small evidence file; secretaries open their
members' commitments and accept the reports waiting for them; the office opens the board, the summary,
the dashboard, exports the overdue commitments to XLSX and searches. Each virtual user logs in once, with
its own account from deploy/loadtest/prepare.py, and keeps its session (login throttling counts failed
logins from one address; none fail here).

Every POST carries an Idempotency-Key, as the app's forms do. A write counts as accepted when the app
answered with its redirect and the page after it shows no error; each accepted write is put in a ledger
(LOADTEST_LEDGER, JSON) that the cluster script checks against the database afterwards: progress reports
by the key written into their text, reviews by report id.

Environment: LOADTEST_ACCOUNTS (JSON from prepare.py), LOADTEST_LEDGER, LOADTEST_RUN_ID, LOADTEST_CA (the
TLS certificate to trust).
"""

import json
import os
import random
import re
import statistics
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

from locust import HttpUser, between, events, task
from locust.exception import StopUser

ACCOUNTS = json.loads(Path(os.environ["LOADTEST_ACCOUNTS"]).read_text(encoding="utf-8"))
RUN_ID = os.environ.get("LOADTEST_RUN_ID", "lt")
CA = os.environ.get("LOADTEST_CA") or True
POOLS = {
    "member": list(ACCOUNTS["members"]),
    "secretary": list(ACCOUNTS["secretaries"]),
    "office": list(ACCOUNTS["office"]),
}
LEDGER: dict = {"reports": [], "accepted": [], "journeys": {}}
# A one-page PDF, a little over 1 KB: the evidence a member photographs or scans is larger, but the
# upload path (checks, storage, row) is the same.
EVIDENCE = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    + b"% minh chung\n" * 80
    + b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
ACCEPT = re.compile(r'action="(/cam-ket/(\d+)/bao-cao/(\d+)/accept/)"')
ERROR_ALERT = 'class="alert alert-danger"'


class WriteRefused(Exception):
    pass


@contextmanager
def journey(name: str):
    """Time a whole journey (several requests); its p50/p95 are printed at the end."""
    started = time.perf_counter()
    record = LEDGER["journeys"].setdefault(name, {"ms": [], "errors": 0, "interrupted": 0})
    try:
        yield
    except Exception:
        record["errors"] += 1
        raise
    except BaseException:  # the run ended while this user was inside the journey
        record["interrupted"] += 1
        raise
    record["ms"].append((time.perf_counter() - started) * 1000)


class Person(HttpUser):
    abstract = True
    wait_time = between(1, 3)
    role = ""

    def on_start(self):
        self.client.verify = CA
        if not POOLS[self.role]:
            raise StopUser()
        self.account = POOLS[self.role].pop()
        self.login()

    def page(self, path: str, name: str, *, expect: str | None = None):
        with self.client.get(path, name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
            elif expect is not None and expect not in response.text:
                response.failure(f"the page lacks {expect!r}")
            else:
                response.success()
        return response

    def post(
        self, path: str, name: str, data: dict, *, key: str, referer: str, redirect_to: str = "", files=None
    ):
        """A form's POST, as the browser sends it (CSRF token, Referer, its idempotency key); it succeeded
        when the app answered with a redirect (to `redirect_to` when given)."""
        headers = {"Referer": self.host + referer, "Idempotency-Key": key}
        with self.client.post(
            path,
            data=data,
            files=files,
            headers=headers,
            name=name,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            location = response.headers.get("Location", "")
            if response.status_code not in (302, 303) or (redirect_to and location != redirect_to):
                response.failure(f"write refused: HTTP {response.status_code} {location}")
                raise WriteRefused(f"{name}: HTTP {response.status_code} {location}")
            response.success()
        return response

    def login(self):
        path = "/tai-khoan/dang-nhap/"
        form = self.page(path, f"{self.role}: đăng nhập (trang)")
        token = CSRF.search(form.text).group(1)
        data = {"username": self.account["username"], "password": ACCOUNTS["password"]}
        with self.client.post(
            path,
            data={**data, "csrfmiddlewaretoken": token},
            headers={"Referer": self.host + path},
            name=f"{self.role}: đăng nhập",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302 or "dang-nhap" in response.headers.get("Location", ""):
                response.failure(f"login refused (HTTP {response.status_code})")
                raise StopUser()

    def search(self):
        term = random.choice(ACCOUNTS["search_terms"])
        with journey(f"{self.role}: tìm kiếm"):
            self.page(f"/tim-kiem/?q={term}", f"{self.role}: tìm kiếm chung")


class Member(Person):
    role = "member"
    weight = 6

    @task(3)
    def my_work(self):
        with journey("đảng viên: mở «Việc của tôi»"):
            self.page("/cam-ket/", "member: Việc của tôi", expect="Việc của tôi")

    @task(2)
    def report_progress(self):
        commitment_id = random.choice(self.account["commitments"])
        form_path = f"/cam-ket/{commitment_id}/bao-cao/"
        detail_path = f"/cam-ket/{commitment_id}/"
        with journey("đảng viên: báo cáo tiến độ kèm minh chứng"):
            form = self.page(form_path, "member: trang báo cáo tiến độ")
            token = CSRF.search(form.text).group(1)
            key = uuid.uuid4().hex
            # The key in the text lets the check afterwards find exactly this report in the database.
            text = f"Báo cáo tải thử {RUN_ID}/{key}: đã thực hiện phần việc trong tuần"
            self.post(
                form_path,
                "member: gửi báo cáo tiến độ (POST)",
                {"percent": random.randint(5, 95), "text": text, "csrfmiddlewaretoken": token},
                key=key,
                referer=form_path,
                redirect_to=detail_path,
                files={"files": ("minh-chung.pdf", EVIDENCE, "application/pdf")},
            )
            LEDGER["reports"].append({"key": key, "commitment": commitment_id})
            # The page after the POST shows the new report (the user reads their own write).
            self.page(detail_path, "member: trang nhiệm vụ sau khi báo cáo", expect=text)

    @task(1)
    def search_work(self):
        self.search()


class Secretary(Person):
    role = "secretary"
    weight = 2

    @task(3)
    def review(self):
        commitment_id = random.choice(self.account["commitments"])
        detail_path = f"/cam-ket/{commitment_id}/"
        with journey("bí thư: xem xét, chấp nhận báo cáo"):
            page = self.page(detail_path, "secretary: trang nhiệm vụ")
            waiting = ACCEPT.search(page.text)
            if not waiting:
                return
            action, _, report_id = waiting.groups()
            token = CSRF.search(page.text).group(1)
            response = self.post(
                action,
                "secretary: chấp nhận báo cáo (POST)",
                {"note": "Đồng ý", "csrfmiddlewaretoken": token},
                key=uuid.uuid4().hex,
                referer=detail_path,
            )
            after = self.page(response.headers["Location"], "secretary: trang nhiệm vụ sau khi xem xét")
            if after.status_code == 200 and ERROR_ALERT not in after.text:
                LEDGER["accepted"].append(int(report_id))

    @task(1)
    def board(self):
        with journey("bí thư: bảng nhiệm vụ"):
            self.page("/cam-ket/bang/", "secretary: bảng nhiệm vụ")

    @task(1)
    def search_people(self):
        self.search()


class Office(Person):
    role = "office"
    weight = 2

    @task(2)
    def board(self):
        with journey("văn phòng: bảng nhiệm vụ toàn khối"):
            self.page("/cam-ket/bang/", "office: bảng nhiệm vụ")

    @task(2)
    def summary(self):
        with journey("văn phòng: tổng hợp theo tổ chức"):
            self.page("/cam-ket/tong-hop/", "office: tổng hợp")

    @task(2)
    def dashboard(self):
        with journey("văn phòng: bảng điều khiển"):
            self.page(f"/bao-cao/tong-quan/{ACCOUNTS['root']}/", "office: bảng điều khiển")

    @task(1)
    def export(self):
        with (
            journey("văn phòng: xuất XLSX nhiệm vụ quá hạn"),
            self.client.get(
                "/cam-ket/bang/xlsx/?status=open_overdue", name="office: xuất XLSX", catch_response=True
            ) as response,
        ):
            if response.status_code != 200 or not response.content.startswith(b"PK"):
                response.failure(f"no XLSX (HTTP {response.status_code})")

    @task(2)
    def search_all(self):
        self.search()
        with journey("văn phòng: tìm đảng viên"):
            self.page(f"/dang-vien/?q={random.choice(ACCOUNTS['search_terms'])}", "office: tìm đảng viên")


def _quantile(values: list[float], q: float) -> float:
    if len(values) < 2:
        return values[0] if values else 0.0
    return statistics.quantiles(values, n=100, method="inclusive")[int(q * 100) - 1]


@events.quitting.add_listener
def _report(environment, **kwargs):
    stats = environment.stats.total
    elapsed = (
        max(stats.last_request_timestamp - stats.start_time, 1e-9) if stats.last_request_timestamp else 1
    )
    lines = [
        "",
        f"Requests: {stats.num_requests}, failed: {stats.num_failures}, "
        f"{stats.num_requests / elapsed:.1f} requests/s over {elapsed:.0f} s; "
        f"p50 {stats.get_response_time_percentile(0.5):.0f} ms, p95 {stats.get_response_time_percentile(0.95):.0f} ms",
        f"{'journey':48s} {'count':>6s} {'errors':>6s} {'p50 ms':>8s} {'p95 ms':>8s}",
    ]
    for name, record in sorted(LEDGER["journeys"].items()):
        ms = record["ms"]
        lines.append(
            f"{name:48s} {len(ms):6d} {record['errors']:6d} {_quantile(ms, 0.5):8.0f} {_quantile(ms, 0.95):8.0f}"
        )
    lines.append(
        f"Writes the clients saw accepted: {len(LEDGER['reports'])} progress reports, "
        f"{len(LEDGER['accepted'])} reviews"
    )
    print("\n".join(lines))
    ledger = os.environ.get("LOADTEST_LEDGER")
    if ledger:
        summary = {
            "requests": stats.num_requests,
            "failures": stats.num_failures,
            "rps": stats.num_requests / elapsed,
            "journeys": {
                name: {
                    "count": len(r["ms"]),
                    "errors": r["errors"],
                    "interrupted": r["interrupted"],
                    "p50": _quantile(r["ms"], 0.5),
                    "p95": _quantile(r["ms"], 0.95),
                }
                for name, r in LEDGER["journeys"].items()
            },
        }
        with open(ledger, "w", encoding="utf-8") as out:
            json.dump(
                {**LEDGER, "journeys": summary["journeys"], "summary": summary}, out, ensure_ascii=False
            )
