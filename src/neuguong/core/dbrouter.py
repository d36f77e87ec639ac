"""Read replica: dashboards, reports and exports read from it; everything else reads the primary.

`ReplicaReadsMiddleware` decides per request: a GET or HEAD of a view named in
`settings.DATABASE_REPLICA_VIEWS` reads the replica, unless the user wrote something in the last
`settings.READ_YOUR_WRITES_SECONDS` seconds (a signed cookie set on every POST, PUT, PATCH or DELETE
response), so a user always reads their own writes: the page after a POST and their next requests read
the primary until the replica has surely caught up. `ReadReplicaRouter` applies the decision to every
ORM read of the request. A request that writes anything reads the primary from then on.

Off unless `settings.DATABASE_READ_REPLICA` names a database alias (set from `DATABASE_REPLICA_URL`).
"""

from contextvars import ContextVar

from django.conf import settings

# Whether ORM reads of the current request may go to the replica (per thread: one request at a time).
_replica_reads: ContextVar[bool] = ContextVar("neuguong_replica_reads", default=False)

RECENT_WRITE_COOKIE = "ng_wrote"
RECENT_WRITE_SALT = "neuguong.core.dbrouter.recent-write"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Always the primary: sessions (a login just written must be found), the task queue, the cache table, the
# request-replay keys, login throttling.
PRIMARY_ONLY_APPS = frozenset({"sessions", "django_tasks_database", "django_cache", "core", "axes"})


def replica_alias() -> str:
    return getattr(settings, "DATABASE_READ_REPLICA", "") or ""


class ReadReplicaRouter:
    """Sends a request's reads to the replica when the middleware allowed it; writes always to the primary."""

    def db_for_read(self, model, **hints):
        alias = replica_alias()
        if not alias or not _replica_reads.get() or model._meta.app_label in PRIMARY_ONLY_APPS:
            return None
        instance = hints.get("instance")
        if instance is not None and instance._state.db:
            return instance._state.db  # related rows come from where their owner came from
        return alias

    def db_for_write(self, model, **hints):
        if model._meta.app_label not in PRIMARY_ONLY_APPS:
            # A request that writes reads its own write: the rest of it reads the primary.
            _replica_reads.set(False)
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica holds the same rows as the primary

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"


def recently_wrote(request) -> bool:
    """Whether this browser sent a write within the read-your-writes window (cookie signed and dated)."""
    return (
        request.get_signed_cookie(
            RECENT_WRITE_COOKIE,
            default=None,
            salt=RECENT_WRITE_SALT,
            max_age=settings.READ_YOUR_WRITES_SECONDS,
        )
        is not None
    )


class ReplicaReadsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _replica_reads.set(False)
        try:
            response = self.get_response(request)
        finally:
            _replica_reads.reset(token)
        if request.method not in SAFE_METHODS and replica_alias():
            response.set_signed_cookie(
                RECENT_WRITE_COOKIE,
                "1",
                salt=RECENT_WRITE_SALT,
                max_age=settings.READ_YOUR_WRITES_SECONDS,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if (
            replica_alias()
            and request.method in SAFE_METHODS
            and request.resolver_match is not None
            and request.resolver_match.view_name in settings.DATABASE_REPLICA_VIEWS
            and not recently_wrote(request)
        ):
            _replica_reads.set(True)
        return None
