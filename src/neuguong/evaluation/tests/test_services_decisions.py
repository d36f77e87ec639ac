"""The decision of a period: all proposals at once, registered as a QĐ document with its list; refused
with a message naming the rule (completeness, quota, triggers, the collective's conditions) unless the
rule set lets the rule be set aside and the decider writes why; publication; two deciders at once."""

import datetime as dt
import threading

import pytest
from django.db import connection

from neuguong.core.errors import BusinessError
from neuguong.core.tests.factories import PersonFactory
from neuguong.documents.models import Document
from neuguong.documents.numbers import DocumentType
from neuguong.evaluation import services
from neuguong.evaluation.models import (
    Discipline,
    EntryStep,
    Period,
    PeriodState,
    Review,
    ReviewEntry,
    ReviewState,
)

from .factories import YEAR, commitment, open_period, review_of, rule_sets, scores, self_and_propose

TODAY = dt.date(YEAR, 12, 20)
DECIDED_ON = dt.date(YEAR, 12, 28)
LATER = dt.date(YEAR + 1, 1, 5)


def _members(tree, count: int):
    return [PersonFactory(organization=tree.branch_a) for _ in range(count)]


def _propose_all(tree, period, level_for=lambda i: None, *, values=None):
    for i, review in enumerate(period.reviews.filter(person__isnull=False).order_by("id")):
        level = level_for(i)
        self_and_propose(
            tree,
            review,
            values=values,
            level=level or "",
            reason="Cấp ủy cân nhắc" if level == "htxs" else "",
        )


def _tasks_exceeded(people):
    """Three of ten tasks exceeding, all on time: enough for HTXSNV under 366."""
    for person in people:
        for month in range(1, 11):
            commitment(
                person,
                deadline=dt.date(YEAR, month, 15),
                completed_on=dt.date(YEAR, month, 10),
                outcome="exceeded" if month <= 3 else "met",
            )


@pytest.mark.django_db
def test_a_decision_decides_every_proposal_registers_the_qd_and_publishes(tree):
    period = open_period(tree, includes_organizations=False)
    _propose_all(tree, period)
    decided = services.period_decide(
        actor=tree.secretary_a, period=period, decided_on=DECIDED_ON, today=LATER
    )
    assert decided.state == PeriodState.DECIDED
    document = decided.decision_document
    assert document.doc_type == DocumentType.DECISION and document.organization == tree.org_a
    assert document.number_text.endswith("-QĐ/ĐU") and document.issued_on == DECIDED_ON
    assert document.file.name and document.summary == "Về việc xếp loại chất lượng đảng viên năm 2025"
    assert set(period.reviews.values_list("state", "decided_level")) == {(ReviewState.DECIDED, "htt")}
    assert ReviewEntry.objects.filter(review__period=period, step=EntryStep.DECISION).count() == 2
    services.period_publish(actor=tree.secretary_a, period=period)
    assert set(period.reviews.values_list("state", flat=True)) == {ReviewState.PUBLISHED}


@pytest.mark.django_db
def test_a_decision_with_a_member_not_yet_proposed_is_refused(tree):
    period = open_period(tree, includes_organizations=False)
    self_and_propose(tree, review_of(period, tree.person_a))
    with pytest.raises(BusinessError) as error:
        services.period_decide(actor=tree.secretary_a, period=period, decided_on=DECIDED_ON, today=LATER)
    assert error.value.message == services.MSG_INCOMPLETE.format(count=1, names=tree.person_a2.full_name)
    period.refresh_from_db()
    assert period.state == PeriodState.OPEN and not Document.objects.exists()


@pytest.mark.django_db
def test_the_quota_is_enforced_per_grassroots_organisation_at_twenty_percent_exactly(tree):
    people = _members(tree, 10)  # with person_a, person_a2: 12 members
    _tasks_exceeded([tree.person_a, tree.person_a2, *people])
    period = open_period(tree, includes_organizations=False)
    # 2 HTXSNV and 10 HTTNV: 20 % exactly, allowed.
    _propose_all(tree, period, lambda i: "htxs" if i < 2 else "htt")
    services.period_decide(actor=tree.secretary_a, period=period, decided_on=DECIDED_ON, today=LATER)
    assert period.reviews.filter(decided_level="htxs").count() == 2


@pytest.mark.django_db
def test_one_more_htxs_than_the_quota_is_refused_naming_the_rule(tree):
    people = _members(tree, 10)
    _tasks_exceeded([tree.person_a, tree.person_a2, *people])
    period = open_period(tree, includes_organizations=False)
    _propose_all(tree, period, lambda i: "htxs" if i < 3 else "htt")  # 3 HTXSNV, 9 HTTNV: at most 1
    with pytest.raises(BusinessError) as error:
        services.period_decide(
            actor=tree.secretary_a, period=period, decided_on=DECIDED_ON, today=LATER, override_reason="x"
        )
    assert error.value.message == services.MSG_REFUSED.format(
        problems=f"Vượt tỷ lệ Hoàn thành xuất sắc nhiệm vụ ở {tree.org_a.name}: 3 HTXSNV, tối đa 1 (20 % của 9 HTTNV) — Quy định 366-QĐ/TW."
    )
    assert not Review.objects.filter(decided_level__gt="").exists()


@pytest.mark.django_db
def test_a_rule_set_allowing_the_quota_to_be_set_aside_takes_the_decider_s_reason(tree):
    _, r366 = rule_sets()
    own = services.rule_set_copy(
        actor=tree.staff, source=r366, organization=tree.root, year_from=YEAR, code="366-K"
    )
    services.rule_set_update(
        actor=tree.staff,
        rule_set=own,
        name=own.name,
        basis="Quy định 366-QĐ/TW",
        year_from=YEAR,
        settings={**own.settings, "overridable": [*own.settings["overridable"], "quota"]},
    )
    own = services.rule_set_publish(actor=tree.staff, rule_set=own)
    people = _members(tree, 3)
    _tasks_exceeded([tree.person_a, tree.person_a2, *people])
    period = services.period_open(
        actor=tree.secretary_a,
        organization=tree.org_a,
        rule_set=own,
        year=YEAR,
        includes_organizations=False,
        today=dt.date(YEAR, 12, 1),
    )
    _propose_all(tree, period, lambda i: "htxs" if i < 2 else "htt")  # 2 HTXSNV for 3 HTTNV
    with pytest.raises(BusinessError) as error:
        services.period_decide(actor=tree.secretary_a, period=period, decided_on=DECIDED_ON, today=LATER)
    assert error.value.field == "override_reason" and "Vượt tỷ lệ" in error.value.message
    services.period_decide(
        actor=tree.secretary_a,
        period=period,
        decided_on=DECIDED_ON,
        today=LATER,
        override_reason="Đơn vị có thành tích đột xuất",
    )
    excellent = list(period.reviews.filter(decided_level="htxs"))
    assert len(excellent) == 2 and all(
        r.decision_reason == "Đơn vị có thành tích đột xuất" for r in excellent
    )


@pytest.mark.django_db
def test_a_discipline_caps_the_decision_unless_the_decider_records_a_reason(tree):
    Discipline.objects.create(
        person=tree.person_a,
        form="warning",
        decided_on=dt.date(YEAR, 4, 2),
        decision_number="3-QĐ/ĐU",
        reason="Vi phạm quy chế",
        created_by=tree.staff,
    )
    period = open_period(tree, includes_organizations=False)
    self_and_propose(tree, review_of(period, tree.person_a), level="htt", reason="Chi bộ đề nghị xem xét")
    self_and_propose(tree, review_of(period, tree.person_a2))
    with pytest.raises(BusinessError) as error:
        services.period_decide(actor=tree.secretary_a, period=period, decided_on=DECIDED_ON, today=LATER)
    assert error.value.field == "override_reason"
    assert f"{tree.person_a.full_name}: Bị kỷ luật trong kỳ (1 quyết định)" in error.value.message
    services.period_decide(
        actor=tree.secretary_a,
        period=period,
        decided_on=DECIDED_ON,
        today=LATER,
        override_reason="Đã khắc phục hậu quả",
    )
    review = review_of(period, tree.person_a)
    assert review.decided_level == "htt" and review.decision_reason == "Đã khắc phục hậu quả"
    assert review_of(period, tree.person_a2).decision_reason == ""


@pytest.mark.django_db
def test_a_collective_is_htxs_only_with_its_members_good_enough_as_now_decided(tree):
    _tasks_exceeded([tree.person_a, tree.person_a2])
    period = open_period(tree)  # members of branch A and branch A itself
    branch = period.reviews.get(organization=tree.branch_a)
    review_a, review_a2 = review_of(period, tree.person_a), review_of(period, tree.person_a2)
    self_and_propose(tree, review_a, level="htt")
    self_and_propose(
        tree,
        review_a2,
        values=scores("3", {"4.1": "10", "4.2": "10", "4.3": "10", "5.1": "10", "5.2": "10"}),  # 68: HTNV
        reason="Chất lượng công việc chưa cao",
    )
    values = {leaf.code: str(leaf.maximum) for leaf in services.review_criteria(branch).leaves}
    services.review_self_assess(
        actor=tree.secretary_a, review=branch, text="Tập thể tự kiểm điểm", scores=values, today=TODAY
    )
    services.review_propose(actor=tree.secretary_a, review=branch, scores=values, level="htt", today=TODAY)
    # HTXSNV for the branch would need ≥ 80 % of its members HTTNV or better: 1 of 2 is not.
    with pytest.raises(BusinessError) as error:
        services.period_decide(
            actor=tree.secretary_a,
            period=period,
            decided_on=DECIDED_ON,
            today=LATER,
            levels_by_review={branch.pk: "htxs"},
        )
    assert "ít nhất 80 % đảng viên từ Hoàn thành tốt nhiệm vụ trở lên" in error.value.message
    services.period_decide(actor=tree.secretary_a, period=period, decided_on=DECIDED_ON, today=LATER)
    branch.refresh_from_db()
    assert branch.decided_level == "htt"


@pytest.mark.django_db
def test_a_decision_dated_in_the_future_is_refused(tree):
    period = open_period(tree, includes_organizations=False)
    _propose_all(tree, period)
    with pytest.raises(BusinessError) as error:
        services.period_decide(
            actor=tree.secretary_a, period=period, decided_on=LATER + dt.timedelta(days=1), today=LATER
        )
    assert error.value.message == services.MSG_DECIDED_FUTURE


# --- two deciders at once ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_second_decision_from_a_page_loaded_before_the_first_is_refused(tree):
    period = open_period(tree, includes_organizations=False)
    _propose_all(tree, period)
    stale = Period.objects.get(pk=period.pk)
    services.period_decide(actor=tree.secretary_a, period=period, decided_on=DECIDED_ON, today=LATER)
    with pytest.raises(BusinessError) as error:
        services.period_decide(actor=tree.staff, period=stale, decided_on=DECIDED_ON, today=LATER)
    period.refresh_from_db()
    assert error.value.message == services.MSG_ALREADY_DECIDED.format(
        period=period.name, document=period.decision_document.number_text
    )
    assert Document.objects.count() == 1
    assert ReviewEntry.objects.filter(step=EntryStep.DECISION).count() == 2


postgresql_only = pytest.mark.skipif(
    "connection.vendor != 'postgresql'", reason="needs concurrent transactions"
)


class Writer(threading.Thread):
    def __init__(self, name: str, work):
        super().__init__(name=name, daemon=True)
        self.work, self.result, self.error = work, None, None

    def run(self):
        try:
            self.result = self.work()
        except BaseException as error:  # handed to the test
            self.error = error
        finally:
            connection.close()


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_two_deciders_at_once_make_one_decision(tree, monkeypatch):
    from neuguong.evaluation.services import decisions

    period = open_period(tree, includes_organizations=False)
    _propose_all(tree, period)
    inside, release = threading.Event(), threading.Event()
    register = decisions._register_decision

    def pausing(**kwargs):
        if threading.current_thread().name == "first":
            inside.set()
            assert release.wait(20)
        return register(**kwargs)

    monkeypatch.setattr(decisions, "_register_decision", pausing)
    page_a, page_b = Period.objects.get(pk=period.pk), Period.objects.get(pk=period.pk)
    first = Writer(
        "first",
        lambda: services.period_decide(
            actor=tree.secretary_a, period=page_a, decided_on=DECIDED_ON, today=LATER
        ),
    )
    second = Writer(
        "second",
        lambda: services.period_decide(actor=tree.staff, period=page_b, decided_on=DECIDED_ON, today=LATER),
    )
    first.start()
    assert inside.wait(20)
    second.start()
    second.join(0.5)
    blocked = second.is_alive()  # waiting for the first decider's lock on the period
    release.set()
    first.join(20)
    second.join(20)
    assert blocked and first.error is None, first.error
    assert isinstance(second.error, BusinessError)
    assert second.error.message.startswith(f"Kỳ «{period.name}» đã có quyết định xếp loại")
    assert Document.objects.count() == 1
    assert ReviewEntry.objects.filter(step=EntryStep.DECISION).count() == 2
