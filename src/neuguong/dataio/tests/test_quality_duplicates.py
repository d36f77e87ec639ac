import datetime as dt
import io

import openpyxl
import pytest
from django.db import connection
from django.db.models import CharField, Value
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from neuguong.core.office_sheet import FIRST_DATA_ROW
from neuguong.core.tests.factories import PersonFactory
from neuguong.dataio import quality
from neuguong.people.models import Person

pytestmark = pytest.mark.django_db

BORN = dt.date(1980, 5, 17)  # the factories' date of birth


@pytest.fixture
def dupes(tree):
    """tree's cards: person_a 11110001 (A1), person_a2 11110002 (A1), person_b 22220001 (B)."""
    made = {
        "zeros": PersonFactory(organization=tree.org_a, card_number="0011110001"),  # ≈ person_a
        "wide": PersonFactory(organization=tree.branch_a, card_number="１１１１０００２"),  # ≈ person_a2
        "spaced_b": PersonFactory(organization=tree.org_a, card_number="2222 0001"),  # ≈ person_b, other org
        "lower": PersonFactory(organization=tree.org_a, card_number="ab-123"),
        "upper": PersonFactory(organization=tree.branch_a, card_number="AB123"),
        "alone": PersonFactory(organization=tree.org_a, card_number="33330001"),
        "zero": PersonFactory(organization=tree.org_a, card_number="0"),  # empty key: not a duplicate
        "zeros_only": PersonFactory(organization=tree.org_a, card_number="000"),
    }
    made["tree"] = tree
    return made


def card_rows(user, root=None) -> set[str]:
    return set(
        quality.check_rows("duplicate_card", user=user, root=root).values_list("card_number", flat=True)
    )


def total(user, key, root=None) -> int:
    checks = quality.quality_summary(user=user, root=root)["checks"]
    return next(item["total"] for item in checks if item["check"].key == key)


def test_card_variants_are_found_as_duplicates(dupes):
    tree = dupes["tree"]
    assert card_rows(tree.staff) == {
        "11110001",
        "0011110001",
        "11110002",
        "１１１１０００２",
        "22220001",
        "2222 0001",
        "ab-123",
        "AB123",
    }
    assert total(tree.staff, "duplicate_card") == 8
    ordered = list(
        quality.check_rows("duplicate_card", user=tree.staff).values_list("card_number", flat=True)
    )
    assert ordered[:2] in (["11110001", "0011110001"], ["0011110001", "11110001"])  # twins side by side


def test_duplicates_are_only_looked_for_inside_the_users_scope(dupes):
    tree = dupes["tree"]
    # "2222 0001" (in A) twins person_b (in B): secretary A must not learn of B's record, nor B of A's.
    assert card_rows(tree.secretary_a) == {
        "11110001",
        "0011110001",
        "11110002",
        "１１１１０００２",
        "ab-123",
        "AB123",
    }
    assert card_rows(tree.inspector_a) == card_rows(tree.secretary_a)
    assert card_rows(tree.secretary_b) == set()
    assert total(tree.secretary_b, "duplicate_card") == 0
    # The report's root narrows it further: under A1 only the twins both inside A1 remain.
    assert card_rows(tree.staff, root=tree.branch_a) == {"11110002", "１１１１０００２"}


def test_per_organisation_counts(dupes):
    tree = dupes["tree"]
    summary = quality.quality_summary(user=tree.staff)
    column = [c.key for c in quality.CHECKS].index("duplicate_card")
    by_code = {row["organization"].code: row["counts"][column] for row in summary["rows"]}
    assert by_code["A"] == 7  # A itself and A1, grouped under A
    assert by_code["B"] == 1


def test_same_person_recorded_twice(tree):
    twin_b = PersonFactory(
        organization=tree.org_b, full_name="NGUYỄN  NAM ĐÌNH", card_number=""
    )  # ≈ person_a
    twin_a = PersonFactory(organization=tree.org_a, full_name="Nguyen Van An", card_number="55550001")
    PersonFactory(organization=tree.org_a, full_name="Nguyễn Văn An", date_of_birth=dt.date(1990, 1, 1))
    PersonFactory(organization=tree.org_a, full_name="Trần Thị Hoa", date_of_birth=None, card_number="")
    PersonFactory(organization=tree.org_b, full_name="Trần Thị Hoa", date_of_birth=None, card_number="")

    def flagged(user, root=None):
        return set(quality.check_rows("duplicate_person", user=user, root=root).values_list("pk", flat=True))

    assert flagged(tree.staff) == {tree.person_a.pk, twin_b.pk, tree.person_a2.pk, twin_a.pk}
    assert flagged(tree.secretary_a) == {tree.person_a2.pk, twin_a.pk}  # B's twin of person_a stays unseen
    assert flagged(tree.secretary_b) == set()
    assert flagged(tree.staff, root=tree.branch_a) == set()
    assert total(tree.staff, "duplicate_person") == 4


def test_citizen_id_duplicates_stay_inside_the_scope(tree):
    PersonFactory(organization=tree.org_a, citizen_id=tree.person_b.citizen_id)
    assert total(tree.staff, "duplicate_citizen_id") == 2
    assert total(tree.secretary_a, "duplicate_citizen_id") == 0
    assert total(tree.secretary_b, "duplicate_citizen_id") == 0


def test_query_count_does_not_grow_with_rows(tree):
    def count_queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            quality.quality_summary(user=tree.staff)
            for check in quality.CHECKS:
                list(quality.check_rows(check.key, user=tree.staff))
        return len(ctx.captured_queries)

    PersonFactory(organization=tree.org_a, card_number="011110001")
    count_queries()  # warm the per-request caches (scope) so both measurements compare like with like
    small = count_queries()
    for n in range(30):
        PersonFactory(organization=tree.org_a, card_number=f"7777{n:04d}")
        PersonFactory(organization=tree.org_b, card_number=f"07777 {n:04d}")
        PersonFactory(organization=tree.org_b, full_name=f"Người Trùng {n}", card_number="")
        PersonFactory(organization=tree.org_a, full_name=f"Người Trùng {n}", card_number="")
    assert count_queries() == small
    assert total(tree.staff, "duplicate_card") == 62
    assert total(tree.staff, "duplicate_person") == 60
    # The duplicate rows come in one SELECT (the grouping is a subquery), not one query per row.
    with CaptureQueriesContext(connection) as ctx:
        list(quality.check_rows("duplicate_card", user=tree.staff))
    assert len(ctx.captured_queries) <= 2  # the scope lookup (if not cached) and the one SELECT


def test_page_and_xlsx_show_the_duplicates(dupes, login, django_assert_max_num_queries):
    tree = dupes["tree"]
    client = login(tree.secretary_a)
    with django_assert_max_num_queries(12):
        page = client.get("/du-lieu/chat-luong/duplicate_card/").content.decode()
    assert "0011110001" in page and "AB123" in page
    assert "2222 0001" not in page and tree.person_b.full_name not in page
    summary = client.get("/du-lieu/chat-luong/").content.decode()
    assert "Nghi trùng người (cùng họ tên và ngày sinh)" in summary
    data = b"".join(client.get("/du-lieu/chat-luong/xlsx/").streaming_content)
    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    index = [c.key for c in quality.CHECKS].index("duplicate_card") + 1
    sheet = next(
        ws
        for name, ws in zip(workbook.sheetnames, workbook.worksheets, strict=True)
        if name.startswith(f"{index}.")
    )
    cards = {row[3] for row in sheet.iter_rows(min_row=FIRST_DATA_ROW, values_only=True)}
    assert cards == {"11110001", "0011110001", "11110002", "１１１１０００２", "ab-123", "AB123"}
    assert "2222 0001" not in cards


CARD_TEXT = st.text(alphabet="0123456789０１２３４５６７８９abcXYZ .-_/\t\u00a0", max_size=16)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=CARD_TEXT)
def test_sql_key_matches_the_python_key(tree, value):
    key = (
        Person.objects.filter(pk=tree.person_a.pk)
        .annotate(raw=Value(value, output_field=CharField()))
        .annotate(key=quality.card_key_expr("raw"))
        .values_list("key", flat=True)
        .get()
    )
    assert key == quality.card_key(value)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("11110001", "0011110001"),
        ("11110001", "1111 0001"),
        ("11110001", "１１１１０００１"),
        ("ab-1", "AB1"),
    ],
)
def test_card_key_equal(a, b):
    assert quality.card_key(a) == quality.card_key(b)


def test_card_key_distinguishes_real_differences():
    assert quality.card_key("11110001") != quality.card_key("11110010")
