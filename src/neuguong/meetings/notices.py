"""Who is told what about meetings (wired to `neuguong.notifications` once it lands on main)."""


def meeting_announced(*, actor, meeting) -> None:
    pass


def meeting_changed(*, actor, meeting) -> None:
    pass


def meeting_halted(*, actor, meeting, replacement) -> None:
    pass


def document_available(*, actor, document) -> None:
    pass
