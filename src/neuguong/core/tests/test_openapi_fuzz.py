"""Schemathesis against our own OpenAPI (issue 19, point 7): generated requests to every operation must never
answer a server error, must answer only documented status codes, and their bodies must match the documented
schemas. Bounded (examples per operation, no deadline) so CI stays within a minute or two; run alone with
`make test-api` (also part of `make test`)."""

import datetime as dt

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from neuguong.access.services import api_token_create
from neuguong.api_urls import api
from neuguong.commitments.services import commitment_create
from neuguong.core.dates import local_today

MAX_EXAMPLES = 12
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance, content_type_conformance]

schema = schemathesis.openapi.from_dict(api.get_openapi_schema())
schema.app = get_wsgi_application()


@pytest.fixture(autouse=True)
def _connection_kept_for_the_test():
    """Schemathesis calls the WSGI application itself, so each request ends with Django's
    close_old_connections, which closes the test's connection (inside its transaction) once CONN_MAX_AGE has
    passed since it was opened: on a loaded machine the next request then fails on a closed connection.
    Django's own test client disconnects that handler around its requests; do the same here."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token(tree):
    commitment_create(
        actor=tree.staff,
        organization=tree.org_a,
        title="Báo cáo quý",
        deadline=local_today() + dt.timedelta(days=10),
        responsible_person=tree.person_a,
    )
    return api_token_create(user=tree.staff)


@pytest.mark.filterwarnings("ignore")
@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_answers_as_documented(case, token):
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)
