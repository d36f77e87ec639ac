from ninja import Query, Router, Schema

from neuguong.core.api import FIRST_PAGE, PageParams, paginate_queryset

from .selectors import organization_get, organization_list

router = Router(tags=["organizations"])


class OrganizationOut(Schema):
    code: str
    name: str
    kind: str
    kind_label: str
    parent: str | None
    active: bool


class OrganizationPage(Schema):
    items: list[OrganizationOut]
    count: int


def organization_out(org) -> dict:
    return {
        "code": org.code,
        "name": org.name,
        "kind": org.kind,
        "kind_label": org.get_kind_display(),
        "parent": org.parent.code if org.parent_id else None,
        "active": org.is_active,
    }


@router.get("/organizations", response=OrganizationPage)
def list_organizations(request, q: str = "", paging: Query[PageParams] = FIRST_PAGE):
    items, count = paginate_queryset(organization_list(user=request.user, query=q[:200]), paging)
    return {"items": [organization_out(o) for o in items], "count": count}


@router.get("/organizations/{code}", response=OrganizationOut)
def get_organization(request, code: str):
    return organization_out(organization_get(user=request.user, code=code[:32]))
