"""Per-attempt option order: shuffled, stable on reload, and never what grading depends on."""

import datetime as dt
import random
import re

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from neuguong.study import rules, services
from neuguong.study.models import Question, QuizAttempt

from . import factories
from .factories import OPENS, make_campaign, xlsx_bytes

pytestmark = pytest.mark.django_db

WEDNESDAY = OPENS + dt.timedelta(days=2)
LETTERS = "ABCD"


def varied_rows(count: int):
    """Four distinct options per question; the right one(s) move around the letters."""
    rows = []
    for n in range(1, count + 1):
        options = [f"Câu {n} phương án {letter}" for letter in LETTERS]
        answer = LETTERS[n % 4] if n % 3 else f"{LETTERS[n % 4]}, {LETTERS[(n + 1) % 4]}"
        rows.append((f"Câu hỏi số {n}?", *options, answer))
    return rows


@pytest.fixture
def campaign(tree):
    campaign = make_campaign(tree.staff, tree.root)
    services.invitees_generate(actor=tree.staff, campaign=campaign)
    services.questions_import(actor=tree.staff, campaign=campaign, content=xlsx_bytes(varied_rows(10)))
    return campaign


def make_round(tree, campaign, **kwargs):
    return factories.make_round(tree.staff, campaign, **({"question_count": 10, "max_attempts": 5} | kwargs))


def right_answers(attempt) -> dict[int, list[int]]:
    correct = dict(Question.objects.filter(pk__in=attempt.question_ids).values_list("pk", "correct"))
    return {qid: correct[qid] for qid in attempt.question_ids}


def start_and_submit(tree, quiz_round, seed):
    attempt = services.quiz_start(
        user=tree.member_a, quiz_round=quiz_round, now=WEDNESDAY, rng=random.Random(seed)
    )
    services.quiz_submit(user=tree.member_a, attempt=attempt, answers={}, now=WEDNESDAY)
    return attempt


def test_each_attempt_gets_its_own_option_order_a_permutation_of_the_option_ids(tree, campaign):
    quiz_round = make_round(tree, campaign)
    first, second = (start_and_submit(tree, quiz_round, seed) for seed in (11, 12))
    options = dict(Question.objects.values_list("pk", "options"))
    for attempt in (first, second):
        assert sorted(attempt.option_orders) == sorted(str(qid) for qid in attempt.question_ids)
        for qid in attempt.question_ids:
            assert sorted(attempt.option_orders[str(qid)]) == list(range(len(options[qid])))
    # Fixed seeds: these two attempts are known to differ, so the test cannot flake.
    assert first.option_orders != second.option_orders
    common = set(first.question_ids)
    assert any(first.option_orders[str(q)] != second.option_orders[str(q)] for q in common)
    # Not the stored order everywhere (the shuffle does shuffle).
    assert any(order != sorted(order) for order in first.option_orders.values())


def test_the_default_random_source_also_shuffles_and_stores_the_order(tree, campaign):
    quiz_round = make_round(tree, campaign)
    attempt = services.quiz_start(user=tree.member_a, quiz_round=quiz_round, now=WEDNESDAY)
    stored = QuizAttempt.objects.get(pk=attempt.pk)
    assert len(stored.option_orders) == 10
    assert all(sorted(order) == [0, 1, 2, 3] for order in stored.option_orders.values())


def test_resuming_an_attempt_keeps_its_question_and_option_order(tree, campaign):
    quiz_round = make_round(tree, campaign)
    attempt = services.quiz_start(
        user=tree.member_a, quiz_round=quiz_round, now=WEDNESDAY, rng=random.Random(1)
    )
    again = services.quiz_start(
        user=tree.member_a, quiz_round=quiz_round, now=WEDNESDAY, rng=random.Random(2)
    )
    assert again.pk == attempt.pk
    assert again.question_ids == attempt.question_ids
    assert again.option_orders == attempt.option_orders


@pytest.mark.parametrize("seed", [3, 5, 8])
def test_grading_maps_answers_by_option_id_whatever_the_order(tree, campaign, seed):
    quiz_round = make_round(tree, campaign)
    attempt = services.quiz_start(
        user=tree.member_a, quiz_round=quiz_round, now=WEDNESDAY, rng=random.Random(seed)
    )
    attempt = services.quiz_submit(
        user=tree.member_a, attempt=attempt, answers=right_answers(attempt), now=WEDNESDAY
    )
    assert attempt.correct_count == 10 and str(attempt.score) == "10.00"


def _shown(page: str, qid: int) -> list[tuple[int, str]]:
    """(submitted value, label) of question `qid`'s checkboxes, in page order."""
    pattern = rf'name="q{qid}" value="(\d+)" id="q{qid}_\d+"><label class="form-check-label" for="q{qid}_\d+">([^<]*)</label>'
    return [(int(value), label) for value, label in re.findall(pattern, page)]


def test_attempt_page_shows_the_shuffled_order_on_every_reload_and_grades_by_id(tree, campaign, login):
    now = dt.datetime.now(dt.UTC)
    quiz_round = make_round(
        tree,
        campaign,
        opens_at=now - dt.timedelta(hours=1),
        closes_at=now + dt.timedelta(hours=1),
        question_count=10,
    )
    attempt = services.quiz_start(user=tree.member_a, quiz_round=quiz_round, rng=random.Random(7))
    client = login(tree.member_a)
    url = reverse("study:attempt", args=[attempt.pk])
    page = client.get(url).content.decode()
    reloaded = client.get(url).content.decode()
    assert [_shown(reloaded, qid) for qid in attempt.question_ids] == [
        _shown(page, qid) for qid in attempt.question_ids
    ]  # a reload shows the same order
    questions = {q.pk: q for q in Question.objects.filter(pk__in=attempt.question_ids)}
    positions = [page.index(f"Câu hỏi số {questions[qid].text.split()[-1]}") for qid in attempt.question_ids]
    assert positions == sorted(positions)  # questions in the attempt's drawn order
    picks = {}
    for qid in attempt.question_ids:
        shown = _shown(page, qid)
        question = questions[qid]
        assert [value for value, _ in shown] == attempt.option_orders[str(qid)]
        assert all(question.options[value] == label for value, label in shown)
        # The member reads the labels and ticks the right ones, wherever they stand on the page.
        right_texts = {question.options[i] for i in question.correct}
        picks[f"q{qid}"] = [str(value) for value, label in shown if label in right_texts]
    assert any(order != sorted(order) for order in attempt.option_orders.values())
    client.post(url, picks)
    attempt.refresh_from_db()
    assert attempt.correct_count == 10


def test_old_attempts_without_a_stored_order_show_the_stored_options(tree, campaign, login):
    now = dt.datetime.now(dt.UTC)
    quiz_round = make_round(
        tree, campaign, opens_at=now - dt.timedelta(hours=1), closes_at=now + dt.timedelta(hours=1)
    )
    attempt = services.quiz_start(user=tree.member_a, quiz_round=quiz_round)
    QuizAttempt.objects.filter(pk=attempt.pk).update(option_orders={})
    page = login(tree.member_a).get(reverse("study:attempt", args=[attempt.pk])).content.decode()
    qid = attempt.question_ids[0]
    assert [value for value, _ in _shown(page, qid)] == [0, 1, 2, 3]


@given(
    count=st.integers(min_value=2, max_value=10),
    seed=st.integers(min_value=0, max_value=2**32),
    data=st.data(),
)
def test_shown_options_map_back_to_their_ids_and_grading_ignores_position(count, seed, data):
    options = [f"phương án {i}" for i in range(count)]
    correct = sorted(data.draw(st.sets(st.integers(0, count - 1), min_size=1), label="correct"))
    order = rules.option_order(count, random.Random(seed))
    shown = rules.options_in_order(options, order)
    assert sorted(shown) == list(enumerate(options))  # every option once, with its own id
    ticked = data.draw(st.sets(st.integers(0, count - 1)), label="ticked positions")
    given_ids = [shown[position][0] for position in ticked]
    ticked_texts = {shown[position][1] for position in ticked}
    assert rules.is_answer_correct(given_ids, correct) == (ticked_texts == {options[i] for i in correct})


@given(order=st.lists(st.integers(-2, 12), max_size=12), count=st.integers(1, 8))
def test_an_order_that_does_not_fit_the_question_falls_back_to_the_stored_order(order, count):
    options = [f"o{i}" for i in range(count)]
    shown = rules.options_in_order(options, order)
    assert sorted(shown) == list(enumerate(options))
    if sorted(order) != list(range(count)):
        assert shown == list(enumerate(options))
