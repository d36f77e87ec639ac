"""Plan pages: who sees and changes what (role × inside/outside the subtree), forms that put the error
next to the field, what the list and its export show, and a bounded number of queries."""

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from neuguong.commitments import tally
from neuguong.commitments.tests.factories import CommitmentFactory
from neuguong.core.dates import local_today
from neuguong.core.office_sheet import FIRST_DATA_ROW
from neuguong.plans import services
from neuguong.plans.models import Plan, PlanState

from .factories import END, START, TODAY, document, make_item, make_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def plans(tree):
    """The bloc's plan (applies to the whole tree) and organisation A's own (applies to A only)."""
    bloc = make_plan(tree)
    own = make_plan(tree, organization=tree.org_a, document=document(tree.org_a))
    # secretary_a issued her own plan's items through the staff account in the factory: fine (staff
    # writes everywhere); the writes below are checked per role.
    return bloc, own


READERS = ("staff", "secretary_a", "inspector_a")


def _get(login, user, url):
    return login(user).get(url)


@pytest.mark.parametrize(
    "role, expected",
    [
        ("staff", 200),
        ("secretary_a", 200),
        ("inspector_a", 200),
        ("member_a", 200),
        ("secretary_b", 404),
        ("outsider", 404),
    ],
)
def test_a_plan_of_one_organisation_is_a_404_outside_it(tree, plans, login, role, expected):
    _, own = plans
    item = own.items.get()
    client = login(getattr(tree, role))
    for url in (
        f"/ke-hoach/{own.pk}/",
        f"/ke-hoach/{own.pk}/nhiem-vu/",
        f"/ke-hoach/{own.pk}/nhiem-vu/xuat.xlsx",
    ):
        assert client.get(url).status_code == expected, url
    # Her own organisation leads the item: a member of A sees it only when it has her commitments.
    item_expected = 404 if role in ("member_a", "secretary_b", "outsider") else 200
    assert client.get(f"/ke-hoach/{own.pk}/muc/{item.pk}/").status_code == item_expected


@pytest.mark.parametrize("role", ["staff", "secretary_a", "secretary_b", "inspector_a"])
def test_the_blocs_plan_is_seen_by_every_organisation_it_applies_to(tree, plans, login, role):
    bloc, _ = plans
    response = login(getattr(tree, role)).get(f"/ke-hoach/{bloc.pk}/")
    assert response.status_code == 200
    assert bloc.document.number_text in response.content.decode()


@pytest.mark.parametrize(
    "role, expected",
    [
        ("staff", 200),
        ("secretary_a", 200),
        ("inspector_a", 404),
        ("secretary_b", 404),
        ("member_a", 404),
        ("outsider", 404),
    ],
)
def test_only_its_issuers_writers_change_a_plan(tree, plans, login, role, expected):
    _, own = plans
    item = own.items.get()
    client = login(getattr(tree, role))
    for url in (
        f"/ke-hoach/{own.pk}/sua/",
        f"/ke-hoach/{own.pk}/muc/them/",
        f"/ke-hoach/{own.pk}/muc/{item.pk}/sua/",
        f"/ke-hoach/{own.pk}/ket-thuc/",
        f"/ke-hoach/{own.pk}/thay-the/",
    ):
        assert client.get(url).status_code == expected, url
    if expected == 404:
        for url in (f"/ke-hoach/{own.pk}/bat-dau/", f"/ke-hoach/{own.pk}/muc/{item.pk}/bo/"):
            assert client.post(url, {"on": "2026-01-01"}).status_code == 404, url
        response = client.post(
            f"/ke-hoach/{own.pk}/sua/", {"title": "Đổi tên", "starts_on": START, "ends_on": END}
        )
        assert response.status_code == 404
        own.refresh_from_db()
        assert own.title != "Đổi tên"


def test_a_secretary_cannot_change_the_blocs_plan(tree, plans, login):
    bloc, _ = plans
    client = login(tree.secretary_a)
    assert client.get(f"/ke-hoach/{bloc.pk}/sua/").status_code == 404
    assert client.post(f"/ke-hoach/{bloc.pk}/ket-thuc/", {"closed_on": TODAY, "note": "x"}).status_code == 404
    bloc.refresh_from_db()
    assert bloc.state == PlanState.IN_FORCE


def test_opening_a_plan_from_its_document_and_hanging_items(tree, login):
    doc = document(tree.root, number=165)
    client = login(tree.staff)
    page = client.get(f"/ke-hoach/tao/?document={doc.pk}")
    assert page.status_code == 200 and doc.number_text in page.content.decode()
    response = client.post(
        f"/ke-hoach/tao/?document={doc.pk}",
        {"document": doc.pk, "title": "", "starts_on": "2026-01-01", "ends_on": "2026-12-31"},
    )
    plan = Plan.objects.get(document=doc)
    assert response.status_code == 302 and response["Location"] == f"/ke-hoach/{plan.pk}/"
    response = client.post(
        f"/ke-hoach/{plan.pk}/muc/them/",
        {
            "number": "II.3",
            "title": "Người đứng đầu nêu gương",
            "lead_unit": tree.root.pk,
            "deadline": "2027-03-31",
        },
    )
    assert response.status_code == 200  # deadline outside the plan's period without a reason
    body = response.content.decode()
    assert (
        services.MSG_ITEM_DEADLINE_OUTSIDE.format(deadline="31/03/2027", start="01/01/2026", end="31/12/2026")
        in body
    )
    assert 'name="deadline_reason"' in body and "is-invalid" in body
    response = client.post(
        f"/ke-hoach/{plan.pk}/muc/them/",
        {
            "number": "II.3",
            "title": "Người đứng đầu nêu gương",
            "lead_unit": tree.root.pk,
            "deadline": "2026-03-31",
        },
        follow=True,
    )
    assert "Đã thêm mục II.3 «Người đứng đầu nêu gương»" in response.content.decode()
    response = client.post(f"/ke-hoach/{plan.pk}/bat-dau/", {"on": "2026-01-02"}, follow=True)
    assert "bắt đầu thực hiện từ ngày 02/01/2026" in response.content.decode()


def test_a_plan_without_a_registered_document_shows_the_error_by_the_field(tree, login):
    response = login(tree.staff).post(
        "/ke-hoach/tao/", {"title": "X", "starts_on": "2026-01-01", "ends_on": "2026-12-31"}
    )
    assert response.status_code == 200
    assert not Plan.objects.exists()
    assert "is-invalid" in response.content.decode()


def test_the_list_filters_and_exports_what_it_shows(tree, plans, login):
    bloc, own = plans
    client = login(tree.staff)
    response = client.get(f"/ke-hoach/?q={own.document.number_text}")
    body = response.content.decode()
    assert own.document.number_text in body and bloc.document.number_text not in body
    export = client.get(f"/ke-hoach/xuat.xlsx?q={own.document.number_text}")
    sheet = load_workbook(io.BytesIO(export.content)).active
    numbers = [row[1] for row in sheet.iter_rows(values_only=True) if row and isinstance(row[0], int)]
    assert numbers == [own.document.number_text]
    # Folded search: without diacritics, any case.
    assert own.document.number_text in client.get("/ke-hoach/?q=TRACH NHIEM NEU GUONG").content.decode()


def test_the_plan_page_reads_a_bounded_number_of_queries(tree, plans, login, django_assert_max_num_queries):
    bloc, _ = plans
    items = [bloc.items.get(), *(make_item(tree, bloc) for _ in range(5))]
    for i in range(40):
        CommitmentFactory(
            responsible_person=tree.person_a if i % 2 else tree.person_b,
            plan_item=items[i % len(items)],
            deadline=dt.date(2026, 1 + i % 12, 15),
        )
    tally.rebuild(TODAY)
    client = login(tree.staff)
    client.get(f"/ke-hoach/{bloc.pk}/")  # warm the session and content types
    with django_assert_max_num_queries(40):
        response = client.get(f"/ke-hoach/{bloc.pk}/")
    assert response.status_code == 200
    with django_assert_max_num_queries(25):
        assert client.get(f"/ke-hoach/{bloc.pk}/nhiem-vu/").status_code == 200


def test_the_commitments_behind_a_figure_are_listed_with_the_same_count(tree, plans, login):
    bloc, _ = plans
    item = bloc.items.get()
    today = local_today()  # what the pages count as of
    for days in (-30, -1, 30):
        CommitmentFactory(
            responsible_person=tree.person_a, plan_item=item, deadline=today + dt.timedelta(days=days)
        )
    tally.rebuild(today)
    client = login(tree.staff)
    overdue = client.get(f"/ke-hoach/{bloc.pk}/nhiem-vu/?item={item.pk}&status=open_overdue")
    assert overdue.context["page_obj"].paginator.count == 2
    assert len(overdue.context["page_obj"].object_list) == 2
    sheet = load_workbook(
        io.BytesIO(client.get(f"/ke-hoach/{bloc.pk}/nhiem-vu/xuat.xlsx?status=open_overdue").content)
    ).active
    # An office sheet: title, organisation and date rows, then the header, then the rows.
    assert sum(1 for row in sheet.iter_rows(min_row=FIRST_DATA_ROW, values_only=True) if row[0]) == 2
    assert client.get(f"/ke-hoach/{bloc.pk}/nhiem-vu/?item=999999").status_code == 404


def test_bad_input_is_never_a_500(tree, plans, login):
    bloc, _ = plans
    client = login(tree.staff)
    for url in (
        f"/ke-hoach/{bloc.pk}/?year=99999",
        f"/ke-hoach/{bloc.pk}/?start=2026-13-45&end=x",
        f"/ke-hoach/{bloc.pk}/nhiem-vu/?status=nope&sort=%00",
        "/ke-hoach/?year=abc&state=zzz&org=%00",
        "/ke-hoach/999999999999999999999/",
        "/ke-hoach/tao/?document=99999999999999999999",
    ):
        assert client.get(url).status_code in (200, 404), url
    response = client.post(f"/ke-hoach/{bloc.pk}/bat-dau/", {"on": "2026-01-01"}, follow=True)
    assert services.MSG_NOT_DRAFTING in response.content.decode()


def test_the_commitment_form_offers_the_item_and_assigns_every_head(tree, plans, login):
    from neuguong.organizations.models import Agency

    Agency.objects.create(code="CQA", name="Sở Tài chính", organization=tree.org_a, head=tree.person_a)
    bloc, _ = plans
    item = bloc.items.get()
    client = login(tree.staff)
    page = client.get(f"/cam-ket/giao/?org={tree.root.code}&plan_item={item.pk}")
    assert page.status_code == 200
    body = page.content.decode()
    assert bloc.document.number_text in body and item.title in body
    response = client.post(
        f"/cam-ket/giao/?org={tree.root.code}&plan_item={item.pk}",
        {
            "title": item.title,
            "all_heads": "on",
            "deadline": (local_today() + dt.timedelta(days=30)).isoformat(),
            "category": "exemplary",
            "source_kind": "document",
            "plan_item": item.pk,
        },
    )
    assert response.status_code == 302
    assert item.commitments.get().responsible_person == tree.person_a


def test_a_secretary_cannot_choose_an_item_of_a_plan_she_does_not_see(tree, plans, login):
    _, own = plans
    client = login(tree.secretary_b)
    response = client.post(
        f"/cam-ket/giao/?org={tree.org_b.code}",
        {
            "title": "Việc",
            "people": [tree.person_b.pk],
            "deadline": "2026-09-30",
            "category": "other",
            "source_kind": "other",
            "plan_item": own.items.get().pk,
        },
    )
    assert response.status_code == 200 and "is-invalid" in response.content.decode()
    assert not own.items.get().commitments.exists()


def test_the_heads_behind_schedule_come_after_the_page_for_its_reader(tree, plans, login):
    """The plan page asks for its heads of agencies behind schedule after it is shown; the fragment
    lists those with overdue commitments of the plan in the reader's part, for the page's period, and
    is a 404 where the plan is."""
    from neuguong.organizations.models import Agency

    bloc, own = plans
    item = bloc.items.get()
    Agency.objects.create(code="CQA", name="Sở Tài chính", organization=tree.org_a, head=tree.person_a)
    Agency.objects.create(code="CQB", name="Sở Tư pháp", organization=tree.org_b, head=tree.person_b)
    late = dt.date(2026, 3, 1)  # before TODAY: overdue while open
    CommitmentFactory(responsible_person=tree.person_a, plan_item=item, deadline=late)
    CommitmentFactory(responsible_person=tree.person_b, plan_item=item, deadline=late)
    CommitmentFactory(responsible_person=tree.person_b, plan_item=item, deadline=late, completed_on=late)
    tally.rebuild(local_today())

    staff = login(tree.staff)
    page = staff.get(f"/ke-hoach/{bloc.pk}/?year=2026").content.decode()
    assert f'hx-get="/ke-hoach/{bloc.pk}/nguoi-dung-dau/?year=2026"' in page
    assert tree.person_a.full_name not in page  # not counted with the page

    everyone = staff.get(f"/ke-hoach/{bloc.pk}/nguoi-dung-dau/?year=2026").content.decode()
    assert tree.person_a.full_name in everyone and tree.person_b.full_name in everyone
    other_year = staff.get(f"/ke-hoach/{bloc.pk}/nguoi-dung-dau/?year=2025").content.decode()
    assert "Không có người đứng đầu nào" in other_year

    her_part = login(tree.secretary_a).get(f"/ke-hoach/{bloc.pk}/nguoi-dung-dau/").content.decode()
    assert tree.person_a.full_name in her_part and tree.person_b.full_name not in her_part
    assert login(tree.secretary_b).get(f"/ke-hoach/{own.pk}/nguoi-dung-dau/").status_code == 404
