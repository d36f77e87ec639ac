"""Deep pages read their keys first, and hold exactly the rows the plain OFFSET gives."""

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from neuguong.core.paging import DEEP_PAGE_ROWS, paginate
from neuguong.organizations.models import Organization, OrgKind

pytestmark = pytest.mark.django_db


def test_a_deep_page_holds_the_rows_of_the_plain_offset_read_by_their_keys_first(tree):
    names = [f"Chi bộ {n % 97:02d} số {n}" for n in range(DEEP_PAGE_ROWS + 250)]
    Organization.objects.bulk_create(
        Organization(
            code=f"P{n}",
            name=name,
            name_folded=name.lower(),
            kind=OrgKind.GRASSROOTS_BRANCH,
            parent=tree.root,
            path=f"{tree.root.path}p{n}/",
            depth=tree.root.depth + 1,
        )
        for n, name in enumerate(names)
    )
    children = Organization.objects.filter(parent=tree.root).order_by("name_folded", "id")
    plain = Paginator(children, 100)
    for number in (1, DEEP_PAGE_ROWS // 100 + 1, plain.num_pages):
        request = RequestFactory().get("/", {"page": number})
        with CaptureQueriesContext(connection) as captured:
            page = paginate(request, children, per_page=100)["page_obj"]
            rows = list(page.object_list)
        assert [o.pk for o in rows] == [o.pk for o in plain.page(number).object_list]
        deep = (number - 1) * 100 >= DEEP_PAGE_ROWS
        (paged,) = [q["sql"] for q in captured.captured_queries if " LIMIT " in q["sql"]]
        # A deep page's OFFSET reads the keys alone (an index), then its rows by key.
        assert paged.startswith('SELECT "organizations_organization"."id" AS "pk" FROM') == deep
