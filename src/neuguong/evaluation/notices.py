"""Who is told what in the annual review (wired to `neuguong.notifications` once it is on main)."""


def self_assessed(*, actor, review) -> None:
    return None


def proposed(*, actor, review) -> None:
    return None


def returned(*, actor, review, reason: str) -> None:
    return None


def published(*, actor, period, reviews) -> None:
    return None
