"""How a user is named in what others read: their member record's name, else the account's."""


def display_name(user) -> str:
    """ "Trần Hữu Thắng" rather than "thang.th". Uses the request's scope when it was computed, or a
    person loaded with `select_related("…__person")`; otherwise one query."""
    if user is None or not getattr(user, "pk", None):
        return "Hệ thống"
    scope = getattr(user, "_neuguong_scope", None)
    if scope is not None and scope.person_name:
        return scope.person_name
    person = getattr(user, "person", None)  # a missing member record raises an AttributeError subclass
    return (person.full_name if person is not None else "") or user.get_full_name() or user.username
