"""Read replica routing and read-your-writes (core/dbrouter.py).

The test settings give a second alias, "replica", on the same test database (a mirror); these tests
turn the routing on and watch which connection a page's queries go through. Transactional tests: the
mirror is its own connection and sees only committed rows.
"""

import datetime as dt

import pytest
from django.contrib.sessions.models import Session
from django.core import signing
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from neuguong.commitments import services
from neuguong.commitments.models import Commitment, ProgressReport
from neuguong.core.dates import local_today
from neuguong.core.dbrouter import (
    RECENT_WRITE_COOKIE,
    ReadReplicaRouter,
    _replica_reads,
)
from neuguong.core.models import IdempotencyKey
from neuguong.organizations.models import Organization

replica_db = pytest.mark.django_db(transaction=True, databases=["default", "replica"])


@pytest.fixture
def replica(settings):
    settings.DATABASE_READ_REPLICA = "replica"
    settings.READ_YOUR_WRITES_SECONDS = 10
    return settings


@pytest.fixture
def commitment(tree):
    return services.commitment_create(
        actor=tree.staff,
        organization=tree.org_a,
        title="Nhiệm vụ của A",
        deadline=local_today() + dt.timedelta(days=10),
        responsible_person=tree.person_a,
    )


def _queries(alias: str, fetch):
    with CaptureQueriesContext(connections[alias]) as captured:
        response = fetch()
    return response, len(captured.captured_queries)


def _dashboard(tree) -> str:
    return reverse("reports:dashboard", args=[tree.root.code])


@replica_db
def test_dashboard_reads_the_replica(tree, commitment, login, replica):
    client = login(tree.staff)
    response, on_replica = _queries("replica", lambda: client.get(_dashboard(tree)))
    assert response.status_code == 200
    assert on_replica > 0


@replica_db
def test_board_export_reads_the_replica(tree, commitment, login, replica):
    client = login(tree.staff)
    response, on_replica = _queries("replica", lambda: client.get(reverse("commitments:board_export")))
    assert response.status_code == 200
    assert on_replica > 0


@replica_db
def test_my_commitments_page_reads_the_primary(tree, commitment, login, replica):
    client = login(tree.member_a)
    response, on_replica = _queries("replica", lambda: client.get(reverse("commitments:mine")))
    assert response.status_code == 200
    assert on_replica == 0


@replica_db
def test_the_page_after_a_post_and_the_next_requests_read_the_primary(tree, commitment, login, replica):
    client = login(tree.staff)
    report = services.progress_report_submit(
        actor=tree.member_a, commitment=commitment, percent=30, text="Đã làm phần 1"
    )
    url = reverse("commitments:report_review", args=[commitment.pk, report.pk, "accept"])
    response, on_replica = _queries("replica", lambda: client.post(url, {"note": ""}, follow=True))
    assert response.status_code == 200
    assert on_replica == 0
    assert ProgressReport.objects.get(pk=report.pk).review_state == "accepted"
    cookie = response.client.cookies[RECENT_WRITE_COOKIE]
    assert cookie["max-age"] == 10
    assert cookie["httponly"]
    # The dashboard, a replica page, still reads the primary within the window.
    response, on_replica = _queries("replica", lambda: client.get(_dashboard(tree)))
    assert response.status_code == 200
    assert on_replica == 0


@replica_db
def test_the_post_itself_never_reads_the_replica(tree, commitment, login, replica):
    client = login(tree.staff)
    url = reverse("reports:detail", args=["commitments", tree.root.code])
    response, on_replica = _queries("replica", lambda: client.post(url, {"number": "12"}))
    assert response.status_code in (200, 302)  # the draft saved, or the form with its errors
    assert on_replica == 0


@replica_db
def test_after_the_window_the_user_reads_the_replica_again(tree, commitment, login, replica, monkeypatch):
    client = login(tree.staff)
    # The write happened 11 seconds ago: sign the cookie with that time.
    past = int(signing.time.time()) - 11
    monkeypatch.setattr(signing.TimestampSigner, "timestamp", lambda self: signing.b62_encode(past))
    client.post(reverse("reports:detail", args=["commitments", tree.root.code]), {})
    monkeypatch.undo()
    assert RECENT_WRITE_COOKIE in client.cookies
    response, on_replica = _queries("replica", lambda: client.get(_dashboard(tree)))
    assert response.status_code == 200
    assert on_replica > 0


@replica_db
def test_a_cookie_the_server_did_not_sign_does_not_count(tree, commitment, login, replica):
    client = login(tree.staff)
    client.cookies[RECENT_WRITE_COOKIE] = "1"
    response, on_replica = _queries("replica", lambda: client.get(_dashboard(tree)))
    assert response.status_code == 200
    assert on_replica > 0


@replica_db
def test_without_a_replica_nothing_changes(tree, commitment, login, settings):
    settings.DATABASE_READ_REPLICA = ""
    client = login(tree.staff)
    response, on_replica = _queries("replica", lambda: client.get(_dashboard(tree)))
    assert response.status_code == 200
    assert on_replica == 0
    response = client.post(reverse("reports:detail", args=["commitments", tree.root.code]), {})
    assert RECENT_WRITE_COOKIE not in response.cookies


# The router itself.


@pytest.fixture
def replica_request(replica):
    token = _replica_reads.set(True)
    yield ReadReplicaRouter()
    _replica_reads.reset(token)


def test_reads_go_to_the_primary_outside_a_replica_page(replica):
    assert ReadReplicaRouter().db_for_read(Commitment) is None


def test_a_replica_page_reads_the_replica_but_sessions_and_the_task_queue_stay_on_the_primary(
    replica_request,
):
    assert replica_request.db_for_read(Commitment) == "replica"
    assert replica_request.db_for_read(Session) is None
    assert replica_request.db_for_read(DBTaskResult) is None
    assert replica_request.db_for_read(IdempotencyKey) is None


def test_a_request_that_writes_reads_the_primary_afterwards(replica_request):
    assert replica_request.db_for_write(Commitment) == "default"
    assert replica_request.db_for_read(Commitment) is None


def test_related_rows_are_read_where_their_owner_was_read(replica_request):
    organization = Organization(name="Chi bộ A")
    organization._state.db = "default"
    assert replica_request.db_for_read(Organization, instance=organization) == "default"


def test_nothing_is_migrated_on_the_replica():
    router = ReadReplicaRouter()
    assert router.allow_migrate("default", "commitments") is True
    assert router.allow_migrate("replica", "commitments") is False
