"""Business-rule errors carry a Vietnamese message meant for the user, and optionally the field it concerns."""


class BusinessError(Exception):
    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class OutOfScope(BusinessError):
    """Not yours: the object lies outside the actor's scope (or the actor may not act on it there).

    It is answered exactly like a missing object, a 404 (pages: `core.middleware`; API: `core.api`), so
    nothing reveals what exists. Not Django's `PermissionDenied`, which would answer 403."""
