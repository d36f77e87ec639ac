"""Builders for evaluation tests on the shared tree (core/tests/fixtures.py):

root (DUK) ─┬─ org_a (grassroots committee A, secretary_a) ── branch_a (person_a = member_a, person_a2)
            └─ org_b (grassroots branch B, secretary_b) ── person_b
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from neuguong.commitments.models import Commitment, Outcome
from neuguong.evaluation import services, shipped
from neuguong.evaluation.models import Review, RuleSet

YEAR = 2025
# The shipped 366 criteria of a member without a post: six of 5 points (general group I = 30) and five
# in the task-results group II (4.1: 15, 4.2: 15, 4.3: 10, 5.1: 15, 5.2: 15 = 70).
GENERAL = ("1.1", "1.2", "1.3", "2.1", "2.2", "3.1")
TASKS = {"4.1": 15, "4.2": 15, "4.3": 10, "5.1": 15, "5.2": 15}


def rule_sets() -> tuple[RuleSet, RuleSet]:
    shipped.ensure_shipped()
    return RuleSet.objects.get(code="124", is_shipped=True), RuleSet.objects.get(code="366", is_shipped=True)


def open_period(
    tree, *, code: str = "366", organization=None, year: int = YEAR, actor=None, today=None, **kwargs
):
    rule_set = rule_sets()[0 if code == "124" else 1]
    organization = organization or tree.org_a
    actor = actor or (tree.secretary_a if organization.path.startswith(tree.org_a.path) else tree.staff)
    return services.period_open(
        actor=actor,
        organization=organization,
        rule_set=rule_set,
        year=year,
        today=today or dt.date(year, 12, 1),
        **kwargs,
    )


def review_of(period, person) -> Review:
    return Review.objects.get(period=period, person=person)


def scores(general: Decimal | str = "5", tasks: dict | None = None) -> dict[str, str]:
    """Every general criterion at `general` points, the task results as given (default: their maxima)."""
    values = {code: str(general) for code in GENERAL}
    values.update({code: str(v) for code, v in (tasks or TASKS).items()})
    return values


def total(values: dict[str, str]) -> Decimal:
    return sum((Decimal(v) for v in values.values()), Decimal(0))


def commitment(
    person, *, deadline: dt.date, completed_on: dt.date | None = None, outcome: str = "", **kwargs
):
    """A commitment straight in the table (the facts read whatever wrote it)."""
    responsible = kwargs.pop("responsible_person", person)
    return Commitment.objects.create(
        title=kwargs.pop("title", "Nhiệm vụ chuyên môn"),
        organization=kwargs.pop("organization", person.organization),
        responsible_person=responsible,
        deadline=deadline,
        original_deadline=kwargs.pop("original_deadline", deadline),
        completed_on=completed_on,
        outcome=outcome or (Outcome.MET if completed_on else ""),
        **kwargs,
    )


def self_and_propose(tree, review, *, values=None, actor=None, today=None, **kwargs):
    """Self-assessment and proposal of a 366 review with the given criteria scores."""
    actor = actor or tree.secretary_a
    values = values or scores()
    today = today or dt.date(YEAR, 12, 10)
    services.review_self_assess(
        actor=actor, review=review, text="Bản tự kiểm điểm", scores=values, today=today
    )
    return services.review_propose(actor=actor, review=review, scores=values, today=today, **kwargs)
