"""The scoring-set importer reports every problem by row; a correct file yields the tree."""

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from neuguong.targets import importers

from .factories import SET_ROWS


def rows(data):
    return list(enumerate(data, start=1))


def test_correct_set_is_read_as_a_tree():
    areas, problems = importers.parse_scoring_rows(rows(SET_ROWS))
    assert problems == []
    assert [a.code for a in areas] == ["1", "2"]
    assert [c.code for c in areas[0].children] == ["1.1", "1.2"]
    assert [x.max_points for x in areas[1].children[0].children] == [Decimal(10), Decimal(8)]


def test_every_problem_is_reported_with_its_row():
    bad = [
        ("Mã", "Nội dung", "Điểm tối đa"),
        ("1", "Lĩnh vực", 10),  # row 2: criteria add up to 9
        ("1.1", "Tiêu chí", 6),  # row 3: components add up to 5
        ("1.1.1", "", 3),  # row 4: no name
        ("1.1.2", "TP", 2),
        ("1.2", "Tiêu chí 2", 3),
        ("1.2.1", "TP", "ba"),  # row 7: not a number
        ("3.1", "Mồ côi", 1),  # row 8: parent missing
        ("1.1.2", "Trùng", 1),  # row 9: duplicate
        ("x", "Sai mã", 1),  # row 10: bad code
    ]
    _, problems = importers.parse_scoring_rows(rows(bad))
    assert problems == [
        importers.MSG_ROW_SUM_CRITERIA.format(row=2, code="1", total="9", maximum="10"),
        importers.MSG_ROW_SUM_COMPONENTS.format(row=3, code="1.1", total="5", maximum="6"),
        importers.MSG_ROW_NAME.format(row=4),
        importers.MSG_ROW_SUM_COMPONENTS.format(row=6, code="1.2", total="0", maximum="3"),
        importers.MSG_ROW_MAX.format(row=7, value="ba"),
        importers.MSG_ROW_PARENT.format(row=8, code="3.1", parent="3"),
        importers.MSG_ROW_DUPLICATE.format(row=9, code="1.1.2", first=5),
        importers.MSG_ROW_CODE.format(row=10, code="x"),
    ]


def test_missing_columns_are_named():
    _, problems = importers.parse_scoring_rows(rows([("Mã", "Tên")]))
    assert problems == [importers.MSG_MISSING_COLUMNS.format(columns="Điểm tối đa")]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.lists(st.integers(min_value=1, max_value=20), min_size=1, max_size=4), min_size=1, max_size=4
    ),
    st.integers(min_value=-3, max_value=3),
)
def test_sum_check_flags_exactly_the_criterion_that_does_not_add_up(criteria, skew):
    declared = [sum(c) + (skew if i == 0 else 0) for i, c in enumerate(criteria)]
    data = [("Mã", "Nội dung", "Điểm tối đa"), ("1", "Lĩnh vực", sum(declared))]
    for i, components in enumerate(criteria, start=1):
        data.append((f"1.{i}", "Tiêu chí", declared[i - 1]))
        data.extend((f"1.{i}.{j}", "TP", m) for j, m in enumerate(components, start=1))
    _, problems = importers.parse_scoring_rows(rows(data))
    sums = [p for p in problems if "tổng điểm tối đa các tiêu chí thành phần" in p]
    assert len(sums) == (1 if skew else 0)
    assert all(p.startswith("Dòng 3:") for p in sums)
    assert not [p for p in problems if "tổng điểm tối đa các tiêu chí (" in p]


@given(
    st.lists(
        st.tuples(
            st.text(max_size=8),
            st.text(max_size=8),
            st.one_of(st.none(), st.text(max_size=5), st.integers(-5, 50)),
        ),
        max_size=12,
    )
)
def test_importer_never_crashes_on_garbage(garbage):
    areas, problems = importers.parse_scoring_rows(rows([("Mã", "Nội dung", "Điểm tối đa"), *garbage]))
    assert problems or areas
