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
# SQLite tests use a file, not Django's default shared in-memory database: with an in-memory database the
# live server hands ONE connection to every request thread, so the htmx panels a page loads at once shared
# a transaction with the request before them (a login's session row rolled back with another request's
# savepoint: browser tests signed out at random under load). A file gives each thread its own connection,
# with WAL, IMMEDIATE transactions and the busy timeout as in production (pytest-xdist adds _gw0, _gw1…).
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "var" / "test.sqlite3")}  # noqa: F405
# A second alias on the same test database, so the read-replica routing can be tested
# (core/tests/test_dbrouter.py turns it on with DATABASE_READ_REPLICA = "replica").
DATABASES["replica"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}  # noqa: F405
DATABASE_READ_REPLICA = ""
