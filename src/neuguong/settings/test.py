import os
import tempfile
from pathlib import Path

from .base import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.MD5PasswordHasher"
]  # fast; argon2 is checked in settings tests
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
WHITENOISE_AUTOREFRESH = True
# SQLite tests use a file, not Django's default in-memory database: that one is opened in shared-cache mode
# by each request thread of the live server, and shared-cache locks fail at once ("database table is
# locked", no busy timeout), so a sign-in beside another writing request got a 500 and a browser test went
# on signed out (tests/browser/test_live_server_connections.py). A file has WAL, IMMEDIATE transactions and
# the busy timeout as in production. One file per test process (each xdist worker imports the settings), so
# two runs side by side never share one; Django deletes it at the end.
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    _test_file = Path(tempfile.gettempdir()) / f"neuguong-test-{os.getpid()}.sqlite3"
    DATABASES["default"]["TEST"] = {"NAME": str(_test_file)}  # noqa: F405
# A second alias on the same test database, so the read-replica routing can be tested
# (core/tests/test_dbrouter.py turns it on with DATABASE_READ_REPLICA = "replica").
DATABASES["replica"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}  # noqa: F405
DATABASE_READ_REPLICA = ""
