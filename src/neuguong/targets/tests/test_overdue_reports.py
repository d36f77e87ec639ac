"""Overdue reports found in the database give what reading every target's periods gives (the rule the
pages use, `target_periods`): for any targets, frequencies, reported periods, scope and limit."""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from neuguong.targets import rules, selectors
from neuguong.targets.models import Actual, AnnualTarget, Indicator

from .factories import agencies_for

TODAY = dt.date(2026, 8, 20)
FREQUENCIES = ("monthly", "quarterly", "half_yearly", "yearly")


def _oracle(user, today, organization, limit):
    """The earlier selector: every visible target's periods, in Python."""
    out = []
    for target in selectors.annual_target_list(user=user, organization=organization).filter(
        year__in=[today.year - 1, today.year]
    ):
        for cell in selectors.target_periods(target, today):
            if cell.reporting == rules.OVERDUE:
                out.append((target.pk, cell.period, cell.deadline))
    out.sort(key=lambda row: (row[2], AnnualTarget.objects.get(pk=row[0]).agency.name, row[0]))
    return out[:limit]


@pytest.mark.django_db
@settings(max_examples=30, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    indicators=st.lists(
        st.tuples(st.sampled_from(FREQUENCIES), st.integers(min_value=0, max_value=40)),
        min_size=1,
        max_size=3,
    ),
    reported=st.sets(st.tuples(st.integers(0, 11), st.integers(1, 12)), max_size=40),
    limit=st.integers(min_value=1, max_value=60),
    whose=st.sampled_from(["staff", "secretary_a"]),
)
def test_overdue_reports_match_every_targets_periods_read_in_python(tree, indicators, reported, limit, whose):
    Actual.objects.all().delete()
    AnnualTarget.objects.all().delete()
    Indicator.objects.all().delete()
    agencies = list(agencies_for(tree)) if not hasattr(tree, "_agencies") else tree._agencies
    tree._agencies = agencies
    targets = []
    for n, (frequency, due_days) in enumerate(indicators):
        indicator = Indicator.objects.create(
            organization=tree.root,
            code=f"CT{n}",
            name=f"Chỉ tiêu {n}",
            unit="%",
            frequency=frequency,
            report_due_days=due_days,
        )
        for agency in agencies:
            for year in (TODAY.year - 1, TODAY.year):
                targets.append(
                    AnnualTarget.objects.create(
                        indicator=indicator, agency=agency, year=year, target_value=Decimal(90)
                    )
                )
    for index, period in reported:
        target = targets[index % len(targets)]
        if period <= rules.period_count(target.indicator.frequency):
            Actual.objects.get_or_create(
                annual_target=target,
                period=period,
                defaults={"value": Decimal(80), "reported_on": TODAY},
            )
    user = getattr(tree, whose)
    found = selectors.overdue_reports(user=user, today=TODAY, limit=limit)
    got = [(row["target"].pk, row["cell"].period, row["cell"].deadline) for row in found]
    assert got == _oracle(user, TODAY, None, limit)
    assert all(row["days_late"] == (TODAY - row["cell"].deadline).days for row in found)
