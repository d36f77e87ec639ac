"""The level rules as pure functions, at their boundaries (hypothesis): thresholds inclusive (89.99 / 90,
69.99 / 70, 49.99 / 50), the quota at 20 % exactly, the task conditions, triggers, the collective's
conditions, points parsing and rounding, where a member who moved is reviewed."""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from neuguong.evaluation import levels
from neuguong.evaluation.levels import Grade, Level, Quota, RuleCode, SubjectFacts, TaskFacts
from neuguong.evaluation.shipped import SETTINGS_124, SETTINGS_366

RULES_366 = levels.parse_rules("points", "Quy định 366-QĐ/TW", SETTINGS_366)
RULES_124 = levels.parse_rules("grades", "Quy định 124-QĐ/TW", SETTINGS_124)
points = st.decimals(min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False)


@pytest.mark.parametrize(
    ("total", "level"),
    [
        ("100", Level.HTXS),
        ("90", Level.HTXS),
        ("90.00", Level.HTXS),
        ("89.99", Level.HTT),
        ("70", Level.HTT),
        ("69.99", Level.HT),
        ("50", Level.HT),
        ("49.99", Level.KHTNV),
        ("0", Level.KHTNV),
    ],
)
def test_thresholds_are_inclusive(total, level):
    assert levels.level_for_points(Decimal(total), RULES_366.points_levels) == level


@given(points)
def test_the_level_is_the_highest_threshold_reached(total):
    level = levels.level_for_points(total, RULES_366.points_levels)
    expected = (
        Level.HTXS if total >= 90 else Level.HTT if total >= 70 else Level.HT if total >= 50 else Level.KHTNV
    )
    assert level == expected


@given(points, points)
def test_more_points_never_give_a_lower_level(a, b):
    low, high = sorted((a, b))
    assert levels.rank(levels.level_for_points(low, RULES_366.points_levels)) <= levels.rank(
        levels.level_for_points(high, RULES_366.points_levels)
    )


@given(st.integers(min_value=0, max_value=2000))
def test_the_quota_allows_exactly_twenty_percent_of_those_rated_good(good):
    allowed = levels.quota_allowed(good, Decimal(20))
    # 20 % exactly is within the quota; one more is not (checked in integers: 5 × HTXSNV ≤ HTTNV).
    assert 5 * allowed <= good < 5 * (allowed + 1)
    quota = Quota(applies=True, percent=Decimal(20))
    assert levels.quota_check("A", {Level.HTXS: allowed, Level.HTT: good}, quota).ok
    assert not levels.quota_check("A", {Level.HTXS: allowed + 1, Level.HTT: good}, quota).ok


def test_twenty_percent_exactly_passes_and_one_more_fails():
    quota = Quota(applies=True, percent=Decimal(20))
    assert levels.quota_check("Chi bộ A", {"htxs": 2, "htt": 10}, quota).ok
    check = levels.quota_check("Chi bộ A", {"htxs": 3, "htt": 10}, quota)
    assert not check.ok
    assert levels.quota_message(RULES_124, check) == (
        "Vượt tỷ lệ Hoàn thành xuất sắc nhiệm vụ ở Chi bộ A: 3 HTXSNV, tối đa 2 (20 % của 10 HTTNV) — "
        "Quy định 124-QĐ/TW."
    )
    # 9 HTTNV: 1.8 → 1 allowed.
    assert levels.quota_check("B", {"htxs": 1, "htt": 9}, quota).ok
    assert not levels.quota_check("B", {"htxs": 2, "htt": 9}, quota).ok


@given(st.integers(0, 50), st.integers(0, 50), st.integers(0, 50), st.integers(0, 50))
def test_htxs_needs_every_counted_task_on_time_and_thirty_percent_exceeding(on_time, late, overdue, exceeded):
    tasks = TaskFacts(on_time=on_time, late=late, overdue=overdue, exceeded=min(exceeded, on_time + late))
    assessment = levels.assess(RULES_366, SubjectFacts(tasks=tasks), total=Decimal(95))
    counted = tasks.counted
    all_on_time = counted == 0 or on_time == counted
    enough_exceeded = counted > 0 and 100 * tasks.exceeded >= 30 * counted
    if all_on_time and enough_exceeded:
        assert assessment.allowed == Level.HTXS
    elif all_on_time:
        assert assessment.allowed == Level.HTT
    else:
        # HTTNV needs 100 % on time too (art. 11): one late task leaves HTNV.
        assert assessment.allowed == Level.HT


def test_thirty_percent_exactly_of_tasks_exceeding_is_enough():
    at = TaskFacts(on_time=10, exceeded=3)
    below = TaskFacts(on_time=10, exceeded=2)
    assert levels.assess(RULES_366, SubjectFacts(tasks=at), total=Decimal(90)).allowed == Level.HTXS
    capped = levels.assess(RULES_366, SubjectFacts(tasks=below), total=Decimal(90))
    assert capped.allowed == Level.HTT
    assert [c.rule for c in capped.caps] == [RuleCode.EXCEEDED]
    assert capped.caps[0].message == (
        "Mức Hoàn thành xuất sắc nhiệm vụ cần ít nhất 30 % nhiệm vụ vượt yêu cầu (vượt 2/10) — "
        "Điều 11 Quy định 366-QĐ/TW."
    )


def test_a_breach_or_a_discipline_forces_the_lowest_level_and_may_be_set_aside_with_a_reason():
    facts = SubjectFacts(tasks=TaskFacts(on_time=10, exceeded=5), breaches=1, disciplines=1)
    assessment = levels.assess(RULES_366, facts, total=Decimal(95))
    assert assessment.allowed == Level.KHTNV
    assert {c.rule for c in assessment.caps} == {RuleCode.BREACH, RuleCode.DISCIPLINE}
    assert assessment.overridable_to(Level.HTXS)
    # Self-detected and remedied: not counted (124 and 366 as shipped).
    remedied = SubjectFacts(tasks=TaskFacts(on_time=10, exceeded=5), disciplines_self_remedied=1)
    assert levels.assess(RULES_366, remedied, total=Decimal(95)).allowed == Level.HTXS


@pytest.mark.parametrize(
    ("grades", "level"),
    [
        ({"1": "excellent", "5": "excellent"}, Level.HTXS),
        ({"1": "good", "5": "excellent"}, Level.HTXS),
        ({"1": "excellent", "5": "good"}, Level.HTT),
        ({"1": "average", "5": "excellent"}, Level.HT),
        ({"1": "poor", "5": "excellent"}, Level.KHTNV),
    ],
)
def test_124_levels_from_the_grades(grades, level):
    assessment = levels.assess(RULES_124, SubjectFacts(), grades=grades, key_codes=["5"])
    assert assessment.allowed == level


def test_a_criterion_rated_poor_forces_khtnv_and_cannot_be_set_aside():
    assessment = levels.assess(
        RULES_124, SubjectFacts(), grades={"1": Grade.POOR, "5": Grade.GOOD}, key_codes=["5"]
    )
    assert assessment.base == Level.KHTNV and assessment.allowed == Level.KHTNV
    assert not assessment.overridable_to(Level.HT)


def test_124_htxs_only_with_the_civil_servant_rating_htxs():
    facts = SubjectFacts(civil_servant_level=Level.HTT)
    assessment = levels.assess(RULES_124, facts, grades={"1": "excellent", "5": "excellent"}, key_codes=["5"])
    assert assessment.allowed == Level.HTT
    assert assessment.caps[0].rule == RuleCode.CIVIL_SERVANT and not assessment.caps[0].overridable


def test_a_collective_conditions():
    disciplined = SubjectFacts(tasks=TaskFacts(on_time=10, exceeded=5), disciplined_units=1)
    assert levels.assess(RULES_366, disciplined, total=Decimal(95), is_collective=True).allowed == Level.HTT
    # ≤ 20 % behind schedule and nothing open overdue for HTNV: 2 late of 10 is within, 3 is not.
    within = SubjectFacts(tasks=TaskFacts(on_time=8, late=2))
    beyond = SubjectFacts(tasks=TaskFacts(on_time=7, late=3))
    assert levels.assess(RULES_366, within, total=Decimal(60), is_collective=True).allowed == Level.HT
    assert levels.assess(RULES_366, beyond, total=Decimal(60), is_collective=True).allowed == Level.KHTNV
    overdue = SubjectFacts(tasks=TaskFacts(on_time=9, overdue=1))
    assert levels.assess(RULES_366, overdue, total=Decimal(60), is_collective=True).allowed == Level.KHTNV
    # Members: all HTNV or better and ≥ 80 % HTTNV or better for HTXSNV; no member decided yet: not judged.
    good = SubjectFacts(tasks=TaskFacts(on_time=10, exceeded=5), member_levels={"htt": 8, "ht": 2})
    weak = SubjectFacts(tasks=TaskFacts(on_time=10, exceeded=5), member_levels={"htt": 7, "ht": 3})
    none = SubjectFacts(tasks=TaskFacts(on_time=10, exceeded=5))
    assert levels.assess(RULES_366, good, total=Decimal(95), is_collective=True).allowed == Level.HTXS
    assert levels.assess(RULES_366, weak, total=Decimal(95), is_collective=True).allowed == Level.HTT
    assert levels.assess(RULES_366, none, total=Decimal(95), is_collective=True).allowed == Level.HTXS


@pytest.mark.parametrize(
    ("raw", "value"),
    [("89,99", "89.99"), ("90", "90.00"), (" 8.5 ", "8.50"), (7, "7.00"), (7.25, "7.25"), ("10,0", "10.00")],
)
def test_points_as_typed(raw, value):
    assert levels.parse_points(raw) == Decimal(value)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("89,995", levels.MSG_POINTS_PLACES.format(value="89,995")),
        ("-1", levels.MSG_POINTS_NEGATIVE.format(value="-1")),
        ("abc", levels.MSG_POINTS_NOT_NUMBER.format(value="abc")),
        ("", levels.MSG_POINTS_NOT_NUMBER.format(value="")),
        ("NaN", levels.MSG_POINTS_NOT_NUMBER.format(value="NaN")),
        ("1e400", levels.MSG_POINTS_NOT_NUMBER.format(value="1e400")),
    ],
)
def test_bad_points_are_refused_never_rounded(raw, message):
    with pytest.raises(levels.PointsError) as error:
        levels.parse_points(raw)
    assert error.value.message == message


@given(st.decimals(min_value=0, max_value=1000, places=3, allow_nan=False, allow_infinity=False))
def test_a_third_decimal_place_is_refused_unless_zero(value):
    text = format(value, "f")
    if value == value.quantize(Decimal("0.01")):
        assert levels.parse_points(text) == value.quantize(Decimal("0.01"))
    else:
        with pytest.raises(levels.PointsError):
            levels.parse_points(text)


@given(st.decimals(min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False))
def test_the_task_results_proposal_scales_each_maximum_by_the_rate_half_up(rate):
    proposal = levels.task_results_proposal({"4.1": Decimal(15), "4.3": Decimal(10)}, rate)
    for code, maximum in (("4.1", Decimal(15)), ("4.3", Decimal(10))):
        exact = maximum * rate / 100
        assert abs(proposal[code] - exact) <= Decimal("0.005")
        assert proposal[code] <= maximum
    assert levels.task_results_proposal({"4.1": Decimal(15)}, None) is None


def test_percent_rounds_half_up_for_display():
    assert levels.percent(2, 3) == Decimal("66.67")
    assert levels.percent(1, 8) == Decimal("12.50")
    assert levels.percent(0, 0) is None


def test_a_member_who_moved_is_reviewed_where_the_rule_says():
    start, end = dt.date(2025, 1, 1), dt.date(2025, 12, 31)
    spans = [(1, dt.date(2010, 1, 1), dt.date(2025, 9, 30)), (2, dt.date(2025, 9, 30), None)]
    assert levels.home_organization(spans, start, end, "current") == (2, [1])
    assert levels.home_organization(spans, start, end, "longest") == (1, [2])
    assert levels.home_organization([(3, dt.date(2026, 1, 1), None)], start, end, "current") == (None, [])


def test_bad_settings_are_all_named_at_once():
    with pytest.raises(levels.RulesInvalid) as error:
        levels.parse_rules(
            "points",
            "X",
            {
                "points_levels": [
                    {"level": "htt", "min_points": "70"},
                    {"level": "htxs", "min_points": "90"},
                ],
                "overridable": ["everything"],
                "transfer_rule": "nowhere",
            },
        )
    problems = " ".join(error.value.problems)
    assert "giảm dần" in problems or "cao xuống thấp" in problems
    assert "everything" in problems and "nowhere" in problems
