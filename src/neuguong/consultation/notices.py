"""Who is told what about a consultation. A seam for the notifications app (issue: notifications land on
main shortly): until it is there, nothing is sent."""


def draft_opened(*, actor, draft) -> None:
    return None
