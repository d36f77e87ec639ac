import datetime as dt

from django.http import Http404
from ninja import Query, Router, Schema

from neuguong.core.api import FIRST_PAGE, Id, PageParams, paginate_queryset
from neuguong.organizations.models import Organization

from .selectors import person_get, person_list

router = Router(tags=["people"])


class PersonOut(Schema):
    id: int
    full_name: str
    organization: str
    status: str
    date_of_birth: dt.date | None
    card_number: str
    theory_level: str
    citizen_id: str


class PersonPage(Schema):
    items: list[PersonOut]
    count: int


def person_out(person, user) -> dict:
    return {
        "id": person.pk,
        "full_name": person.full_name,
        "organization": person.organization.code,
        "status": person.status,
        "date_of_birth": person.date_of_birth,
        "card_number": person.card_number,
        "theory_level": person.theory_level,
        # Sensitive: the API shows it masked only; full reveal is a logged action on the page.
        "citizen_id": person.masked_citizen_id,
    }


@router.get("/people", response=PersonPage)
def list_people(
    request, q: str = "", org: str = "", status: str = "", paging: Query[PageParams] = FIRST_PAGE
):
    organization = None
    if org:
        organization = Organization.objects.visible_to(request.user).filter(code=org[:32]).first()
        if organization is None:
            raise Http404
    qs = person_list(user=request.user, query=q[:200], organization=organization, status=status[:16])
    items, count = paginate_queryset(qs, paging)
    return {"items": [person_out(p, request.user) for p in items], "count": count}


@router.get("/people/{person_id}", response=PersonOut)
def get_person(request, person_id: Id):
    return person_out(person_get(user=request.user, person_id=person_id), request.user)
