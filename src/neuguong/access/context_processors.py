from django.urls import reverse

from neuguong.core.registry import NAV_ITEMS

from .scope import scope_for

# Larger text for older members: a per-device choice kept in a cookie (no script needed to apply it).
TEXT_SIZE_COOKIE = "ng_text"

# Menu entries of these URL namespaces are grouped under one dropdown, so the bar stays one line on an
# office screen; other modules get a top-level entry.
GROUP_OF_NAMESPACE = {
    "organizations": "Tổ chức, đảng viên",
    "people": "Tổ chức, đảng viên",
    "dataio": "Tổ chức, đảng viên",
    "commitments": "Công việc",
    "documents": "Công việc",
    "plans": "Công việc",
    "study": "Học tập",
}


def _menu(entries: list[dict], current: str) -> list[dict]:
    """Entries grouped into dropdowns; the section of the current page (by URL namespace) is marked."""
    for entry in entries:
        entry["active"] = entry["namespace"] == current
    menu: list[dict] = []
    groups: dict[str, dict] = {}
    for entry in entries:
        group = GROUP_OF_NAMESPACE.get(entry["namespace"])
        if group is None:
            menu.append(entry)
        elif group in groups:
            groups[group]["children"].append(entry)
        else:
            groups[group] = {"label": group, "children": [entry]}
            menu.append(groups[group])
    for item in groups.values():
        item["active"] = any(child["active"] for child in item["children"])
    return [item["children"][0] if len(item.get("children", [None, None])) == 1 else item for item in menu]


def navigation(request):
    """What the navigation bar may offer, by role."""
    user = getattr(request, "user", None)
    text_large = request.COOKIES.get(TEXT_SIZE_COOKIE) == "large"
    if user is None or not user.is_authenticated:
        return {"text_large": text_large}
    scope = scope_for(user)
    entries = []
    if scope.has_org_role:
        entries += [
            {"label": "Tổ chức", "url": reverse("organizations:list"), "namespace": "organizations"},
            {"label": "Đảng viên", "url": reverse("people:list"), "namespace": "people"},
        ]
    entries += [
        {"label": item.label, "url": reverse(item.url_name), "namespace": item.url_name.split(":")[0]}
        for item in NAV_ITEMS
        if scope.has_org_role or not item.needs_org_role
    ]
    match = getattr(request, "resolver_match", None)
    current = match.namespace if match else ""
    return {
        "nav_scope": scope,
        "nav_has_org_role": scope.has_org_role,
        "nav_menu": _menu(entries, current),
        "nav_home_active": match is not None and match.view_name == "portal:home",
        # The person's name, not the login name: "Trần Hữu Thắng", not "dangvien".
        "nav_user_name": scope.person_name or user.get_full_name() or user.username,
        "text_large": text_large,
    }
