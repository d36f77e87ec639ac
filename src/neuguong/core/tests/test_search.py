"""The search rule (core/search.py) and the name index that serves it on PostgreSQL.

The generated tests run on SQLite and on PostgreSQL: on both, the people found are exactly those of
today's rule (the folded query inside the folded name, or the card number), computed here in Python
from the names alone, in the order of `rank_key`. On PostgreSQL staff at the root read through the
name index (and, with `RANK_IN_PYTHON_UP_TO` set to 0, restricted searches too), so these tests hold the
index to the rule.
"""

import unicodedata

import pytest
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from neuguong.core.search import SearchTerms, _after_prefix, parse_query, rank_key, rank_rows, vi_lower
from neuguong.core.text import fold, normalize_text
from neuguong.organizations.models import Organization
from neuguong.organizations.selectors import organization_search
from neuguong.people import selectors as people_selectors
from neuguong.people.models import Person, PersonStatus
from neuguong.people.selectors import person_search, person_search_results

on_postgresql = pytest.mark.skipif("connection.vendor != 'postgresql'")


def ranked(query: str, names: list[str]) -> list[str]:
    terms = parse_query(query)
    return [names[i] for i in rank_rows(terms, [(i, fold(n), n, "") for i, n in enumerate(names)])]


# -- the rule -----------------------------------------------------------------------------------------


def test_exact_diacritics_come_first_when_the_user_types_them():
    names = ["Trần Thị Hương", "Lê Thị Hường", "Nguyễn Thu Huong"]
    assert ranked("Hường", names) == ["Lê Thị Hường", "Nguyễn Thu Huong", "Trần Thị Hương"]
    assert ranked("hường", names)[0] == "Lê Thị Hường"


def test_without_diacritics_every_form_ranks_alike():
    names = ["Trần Thị Hương", "Lê Thị Hường"]
    assert ranked("huong", names) == ["Lê Thị Hường", "Trần Thị Hương"]  # by the rest of the name


def test_names_that_begin_with_the_query_come_before_words_that_do_and_words_before_inside():
    names = ["Xuân Anh", "Anh Đào", "Lê Anh", "Nguyễn Hoàng Lan"]
    assert ranked("an", names) == ["Anh Đào", "Lê Anh", "Xuân Anh", "Nguyễn Hoàng Lan"]


def test_within_a_rank_by_the_matching_part_then_the_name():
    names = ["Trần Văn Bình", "Bùi Văn An", "Lê Văn An"]
    assert ranked("van", names) == ["Bùi Văn An", "Lê Văn An", "Trần Văn Bình"]


def test_a_query_across_words_inside_the_first_one():
    names = ["Nguyễn Văn An", "Chuyên Văn Bảo", "Vân An"]
    assert ranked("yen van", names) == ["Chuyên Văn Bảo", "Nguyễn Văn An"]
    assert ranked("uyen van a", names) == ["Nguyễn Văn An"]


def test_the_code_comes_first():
    terms = parse_query("12345")
    rows = [(1, "nguyen 12345", "Nguyễn 12345", ""), (2, "le van", "Lê Văn", "12345")]
    assert rank_rows(terms, rows) == [2, 1]


def test_the_exact_form_is_lower_case_with_vietnamese_letters():
    assert vi_lower("ĐẶNG THỊ HƯỜNG") == "đặng thị hường"
    assert parse_query("Nguyen Van").exact == ""  # no diacritics: nothing to rank on
    assert parse_query("NGUYỄN").exact == "nguyễn"
    assert parse_query(unicodedata.normalize("NFD", "Hường")).exact == "hường"


def test_no_match_has_no_rank():
    assert rank_key(SearchTerms("xyz", "", "xyz"), folded="nguyen van", name="Nguyễn Văn", pk=1) is None


@given(st.text(min_size=1, max_size=6))
def test_after_prefix_bounds_every_string_with_the_prefix(prefix):
    upper = _after_prefix(prefix)
    if upper is not None:
        assert prefix < upper
        assert prefix + "\U0010ffff" * 3 < upper
        assert not upper.startswith(prefix)


# -- the generated comparison, on both databases ------------------------------------------------------

SYLLABLES = [
    "Nguyễn", "Nguyên", "Nguyen", "Văn", "Vân", "Thị", "Thi", "Thìn", "Hường", "Hương", "HƯƠNG", "Trần",
    "An", "Anh", "Xuân", "Đình", "Đinh", "Lê", "Lệ", "Hoàng", "Uyên", "Chuyên",
]  # fmt: skip
LETTERS = "aAăâbdđĐeêghiklmnoôơuưƯxyz ̀́-."
name_words = st.one_of(st.sampled_from(SYLLABLES), st.text(alphabet=LETTERS, min_size=1, max_size=5))
names_strategy = st.lists(name_words, min_size=1, max_size=4).map(" ".join).map(normalize_text).filter(bool)


def _query_from(data, names: list[str]) -> str:
    """A query that often matches: a piece of a name (with or without its diacritics), or anything."""
    name = data.draw(st.sampled_from(names))
    start = data.draw(st.integers(0, max(len(name) - 1, 0)))
    piece = name[start : start + data.draw(st.integers(1, 12))]
    return data.draw(
        st.one_of(
            st.just(piece),
            st.just(fold(piece)),
            st.just(piece.upper()),
            st.just(unicodedata.normalize("NFD", piece)),
            st.sampled_from(SYLLABLES),
            st.text(alphabet=LETTERS, min_size=1, max_size=4),
        )
    )


def _expected(query: str, people: list[Person]) -> list[int]:
    """Today's rule from the names alone, ordered by `rank_key`."""
    terms = parse_query(query)
    if not terms.key:
        return []
    matching = [p for p in people if terms.key in fold(p.full_name) or p.card_number == terms.code]
    return rank_rows(terms, [(p.pk, fold(p.full_name), p.full_name, p.card_number) for p in matching])


GENERATED = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _add_people(tree, names):
    orgs = [tree.branch_a, tree.org_a, tree.org_b]
    people = [
        Person(
            full_name=name,
            name_folded=fold(name),
            organization=orgs[i % 3],
            card_number=f"T{i:04d}",
            status=PersonStatus.OFFICIAL if i % 4 else PersonStatus.EXEMPT,
        )
        for i, name in enumerate(names)
    ]
    Person.objects.bulk_create(people)  # bulk_create: on PostgreSQL the triggers index them
    return list(Person.objects.order_by("card_number", "pk"))  # a stable order: the queries are drawn from it


@pytest.mark.django_db
@GENERATED
@given(data=st.data())
def test_search_finds_todays_matches_in_ranking_order(tree, data):
    with transaction.atomic():
        people = _add_people(tree, data.draw(st.lists(names_strategy, min_size=1, max_size=20)))
        for _ in range(3):
            query = _query_from(data, [p.full_name for p in people])
            found = person_search_results(user=tree.staff, query=query).ids
            assert found == _expected(query, people), query
            if parse_query(query).key:  # the same set as today's filter, on this database
                assert set(found) == set(Person.objects.search(query).values_list("pk", flat=True))
        transaction.set_rollback(True)


@pytest.mark.django_db
@GENERATED
@given(data=st.data())
def test_restricted_search_finds_what_the_user_may_see_in_ranking_order(tree, data, monkeypatch):
    # 0: on PostgreSQL every restricted search goes through the name index, not the small-set ranking.
    monkeypatch.setattr(people_selectors, "RANK_IN_PYTHON_UP_TO", 0)
    with transaction.atomic():
        people = _add_people(tree, data.draw(st.lists(names_strategy, min_size=1, max_size=20)))
        query = _query_from(data, [p.full_name for p in people])
        status = data.draw(st.sampled_from(["", PersonStatus.OFFICIAL]))
        visible = [
            p
            for p in people
            if p.organization_id in (tree.org_a.pk, tree.branch_a.pk) and status in ("", p.status)
        ]
        found = person_search_results(user=tree.secretary_a, query=query, status=status).ids
        assert found == _expected(query, visible), query
        in_branch = [p for p in people if p.organization_id == tree.branch_a.pk]
        found = person_search_results(user=tree.staff, query=query, organization=tree.branch_a).ids
        assert found == _expected(query, in_branch), query
        transaction.set_rollback(True)


def test_exact_diacritics_then_names_that_begin_with_the_query_then_the_rest_on_this_database(tree):
    for name in ["Trần Thị Hương", "Lê Thị Hường", "Hương Thị Mai", "Đỗ Hưởng", "Phạm Thị Thương"]:
        Person.objects.create(full_name=name, organization=tree.org_b)
    names = [p.full_name for p in person_search(user=tree.staff, query="Hường", limit=10)]
    # typed with its tones: the exact form first; then the name that begins with "huong", then a later
    # word that does, then "huong" inside a word ("thuong"); "Hưởng" folds to "huong" as well.
    assert names == ["Lê Thị Hường", "Hương Thị Mai", "Đỗ Hưởng", "Trần Thị Hương", "Phạm Thị Thương"]
    names = [p.full_name for p in person_search(user=tree.staff, query="huong", limit=10)]
    assert names == ["Hương Thị Mai", "Đỗ Hưởng", "Lê Thị Hường", "Trần Thị Hương", "Phạm Thị Thương"]
    assert [p.full_name for p in person_search(user=tree.staff, query="ĐỖ", limit=10)] == ["Đỗ Hưởng"]


def test_search_stops_at_the_number_asked_for(tree):
    for i in range(12):
        Person.objects.create(full_name=f"Lê Văn Thử {i:02d}", organization=tree.org_b)
    results = person_search_results(user=tree.staff, query="le van", want=5)
    assert len(results) == 5 and not results.complete
    assert [p.full_name for p in results[:5]] == [f"Lê Văn Thử {i:02d}" for i in range(5)]
    assert [p.full_name for p in person_search(user=tree.staff, query="thu 1", limit=2)] == [
        "Lê Văn Thử 10",
        "Lê Văn Thử 11",
    ]


def test_card_number_comes_first_and_scope_holds(tree):
    assert [p.pk for p in person_search(user=tree.staff, query="22220001")] == [tree.person_b.pk]
    assert person_search(user=tree.secretary_a, query="22220001") == []
    assert [p.full_name for p in person_search(user=tree.secretary_b, query="nguyen")] == ["Nguyễn Văn Bình"]
    assert person_search(user=tree.outsider, query="nguyen") == []


# -- the index keeps up with every write (PostgreSQL) ---------------------------------------------------


def _terms(person_id: int) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT position, first, organization_id, tail, tail_exact FROM people_person_terms "
            "WHERE source_id = %s ORDER BY position",
            [person_id],
        )
        return cursor.fetchall()


@on_postgresql
def test_the_index_follows_inserts_renames_transfers_and_deletes(tree):
    person = Person.objects.create(full_name="Đặng Thị Hường", organization=tree.org_b)
    assert _terms(person.pk) == [
        (0, True, tree.org_b.pk, "dang thi huong", "đặng thị hường"),
        (1, False, tree.org_b.pk, "thi huong", "thị hường"),
        (2, False, tree.org_b.pk, "huong", "hường"),
    ]
    person.full_name = "Đặng Hồng Nhung"
    person.organization = tree.org_a
    person.save()
    assert [row[3] for row in _terms(person.pk)] == ["dang hong nhung", "hong nhung", "nhung"]
    assert {row[2] for row in _terms(person.pk)} == {tree.org_a.pk}
    Person.objects.filter(pk=person.pk).update(full_name="Võ Nhung", name_folded="vo nhung")
    assert [row[4] for row in _terms(person.pk)] == ["võ nhung", "nhung"]
    assert [p.pk for p in person_search(user=tree.staff, query="vo nh")] == [person.pk]
    Person.objects.filter(pk=person.pk).update(status=PersonStatus.EXEMPT)  # not a name: untouched
    assert len(_terms(person.pk)) == 2
    person.delete()
    assert _terms(person.pk) == []


@on_postgresql
def test_a_rebuild_writes_what_the_triggers_wrote(tree):
    from neuguong.people.search import PERSON_NAMES

    # bulk_create keeps the spaces as given (save() would normalise them)
    Person.objects.bulk_create(
        [Person(full_name="  Lê   Thị  Hoa ", name_folded=" le  thi hoa", organization=tree.org_b)]
    )
    query = "SELECT source_id, position, first, organization_id, tail, tail_exact, name_folded FROM people_person_terms ORDER BY 1, 2"
    with connection.cursor() as cursor:
        cursor.execute(query)
        by_triggers = cursor.fetchall()
        PERSON_NAMES.rebuild()
        cursor.execute(query)
        assert cursor.fetchall() == by_triggers
    assert PERSON_NAMES.is_current()


# -- organisations -------------------------------------------------------------------------------------


def test_organisation_search_ranks_codes_then_names_and_leaves_out_dissolved(tree):
    import datetime as dt

    from neuguong.core.tests.factories import OrganizationFactory

    OrganizationFactory(
        code="X9", name="Chi bộ Phòng Tài vụ", parent=tree.org_a, dissolved_on=dt.date(2024, 1, 1)
    )
    assert [o.code for o in organization_search(user=tree.staff, query="tai")] == ["A"]
    assert [o.code for o in organization_search(user=tree.staff, query="tai", include_dissolved=True)] == [
        "A",
        "X9",
    ]
    assert organization_search(user=tree.staff, query="a1")[0].code == "A1"
    assert [o.code for o in organization_search(user=tree.staff, query="chi bo")] == ["A1", "B"]
    assert [o.code for o in organization_search(user=tree.secretary_b, query="chi bo")] == ["B"]
    assert [o.code for o in organization_search(user=tree.staff, query="Sở Tư")] == ["B"]
    assert organization_search(user=tree.staff, query="") == []


def test_organisation_search_leaves_out_dissolved_ones_by_id_or_by_their_rows(tree, monkeypatch):
    """Few dissolved organisations are left out by id on the index rows; above the bound, by a condition
    on each organisation's row. Either way the same answer."""
    import datetime as dt

    from neuguong.core.tests.factories import OrganizationFactory
    from neuguong.organizations import selectors

    for i in range(3):
        OrganizationFactory(
            code=f"X{i}", name=f"Chi bộ Phòng Tài vụ {i}", parent=tree.org_a, dissolved_on=dt.date(2024, 1, 1)
        )
    by_id = [o.code for o in organization_search(user=tree.staff, query="chi bo")]
    monkeypatch.setattr(selectors, "MOST_DISSOLVED_EXCLUDED", 1)
    by_row = [o.code for o in organization_search(user=tree.staff, query="chi bo")]
    assert by_id == by_row == ["A1", "B"]


@pytest.mark.django_db
@GENERATED
@given(data=st.data())
def test_organisation_search_finds_todays_matches_in_ranking_order(tree, data):
    from neuguong.core.tests.factories import OrganizationFactory
    from neuguong.organizations.selectors import organization_list

    with transaction.atomic():
        names = data.draw(st.lists(names_strategy, min_size=1, max_size=12))
        for i, name in enumerate(names):
            OrganizationFactory(code=f"G{i}", name=name, parent=tree.org_a)
        orgs = list(Organization.objects.order_by("code"))  # a stable order: the query is drawn from it
        query = _query_from(data, [o.name for o in orgs])
        terms = parse_query(query)
        rows = [
            (o.pk, fold(o.name), o.name, terms.code if o.code.lower() == terms.code.lower() else "")
            for o in orgs
        ]
        expected = rank_rows(terms, rows) if terms.key else []
        assert [o.pk for o in organization_search(user=tree.staff, query=query, limit=100)] == expected
        if terms.key:  # the same set as today's filter, on this database
            today = organization_list(user=tree.staff, query=query).values_list("pk", flat=True)
            assert set(expected) == set(today)
        transaction.set_rollback(True)
