"""What the deployment relies on: the health check, the HTTPS redirect's exemption, the gunicorn config."""

import importlib
import runpy
from pathlib import Path

import pytest
from django.db import DatabaseError

GUNICORN_CONF = Path(__file__).resolve().parents[4] / "deploy" / "gunicorn.conf.py"


@pytest.fixture
def production(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x" * 50)
    import neuguong.settings.production as module

    return importlib.reload(module)


def test_health_check_answers_when_the_database_does(client, db):
    response = client.get("/healthz")
    assert (response.status_code, response.content) == (200, b"ok")


def test_health_check_answers_503_when_the_database_does_not(client, db, monkeypatch):
    class Unreachable:
        def cursor(self):
            raise DatabaseError("connection refused")

    monkeypatch.setattr("neuguong.portal.views.connection", Unreachable())
    assert client.get("/healthz").status_code == 503


def test_only_the_health_check_is_served_over_plain_http_in_production(client, db, settings, production):
    settings.SECURE_SSL_REDIRECT = production.SECURE_SSL_REDIRECT
    settings.SECURE_REDIRECT_EXEMPT = production.SECURE_REDIRECT_EXEMPT
    assert client.get("/healthz").status_code == 200
    assert client.get("/tai-khoan/dang-nhap/").status_code == 301


def test_production_serves_hashed_static_files(production):
    assert production.STORAGES["staticfiles"]["BACKEND"].endswith("CompressedManifestStaticFilesStorage")


def test_gunicorn_config_reads_the_environment(monkeypatch):
    monkeypatch.setenv("GUNICORN_BIND", "127.0.0.1:9001")
    monkeypatch.setenv("GUNICORN_WORKERS", "3")
    monkeypatch.setenv("GUNICORN_THREADS", "4")
    monkeypatch.setenv("FORWARDED_ALLOW_IPS", "10.0.0.10")
    config = runpy.run_path(str(GUNICORN_CONF))
    assert config["bind"] == ["127.0.0.1:9001"]
    assert (config["workers"], config["threads"], config["worker_class"]) == (3, 4, "gthread")
    assert config["forwarded_allow_ips"] == "10.0.0.10"
    assert config["wsgi_app"] == "neuguong.wsgi:application"
    assert Path(config["pythonpath"]) == GUNICORN_CONF.parents[1] / "src"
    assert config["control_socket_disable"] is True


class _Request:
    version = (1, 1)
    method = "GET"

    def should_close(self):
        return True


class _Socket:
    def __init__(self):
        self.writes: list[bytes] = []

    def sendall(self, data):
        self.writes.append(bytes(data))


def _response(length):
    from gunicorn.http.wsgi import Response

    response = Response(_Request(), _Socket(), cfg=None)
    response.status = "200 OK"
    response.headers = [("Content-Length", str(length))]
    response.response_length = length
    return response


def test_gunicorn_writes_a_whole_response_at_once_so_a_killed_server_cannot_cut_it():
    runpy.run_path(str(GUNICORN_CONF))
    response = _response(5)
    response.write(b"hello")
    assert len(response.sock.writes) == 1
    assert response.sock.writes[0].startswith(b"HTTP/1.1 200 OK\r\n")
    assert response.sock.writes[0].endswith(b"Content-Length: 5\r\n\r\nhello")


def test_gunicorn_streams_other_responses_as_before():
    runpy.run_path(str(GUNICORN_CONF))
    response = _response(10)
    response.write(b"hello")
    response.write(b"world")
    assert [w[-5:] for w in response.sock.writes[1:]] == [b"hello", b"world"]
