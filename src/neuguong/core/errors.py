"""Business-rule errors carry a Vietnamese message meant for the user, and optionally the field it concerns."""


class BusinessError(Exception):
    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class PermissionDenied(BusinessError):
    """The actor may not do this here. Views answer 404 so nothing reveals what exists."""
