import datetime as dt

import pytest

from neuguong.core.errors import BusinessError, OutOfScope
from neuguong.study import rules, services
from neuguong.study.models import Question, QuizAttempt
from neuguong.study.selectors import quiz_results_by_org

from . import factories
from .factories import CLOSES, OPENS, make_campaign, question_rows, xlsx_bytes

pytestmark = pytest.mark.django_db

WEDNESDAY = OPENS + dt.timedelta(days=2)


@pytest.fixture
def campaign(tree):
    campaign = make_campaign(tree.staff, tree.root)
    services.invitees_generate(actor=tree.staff, campaign=campaign)
    services.questions_import(actor=tree.staff, campaign=campaign, content=xlsx_bytes(question_rows(10)))
    return campaign


def make_round(tree, campaign, **kwargs):
    return factories.make_round(tree.staff, campaign, **kwargs)


def all_right(attempt):
    correct = dict(Question.objects.filter(pk__in=attempt.question_ids).values_list("pk", "correct"))
    return {qid: correct[qid] for qid in attempt.question_ids}


def test_attempt_draws_questions_and_is_scored_on_the_server(tree, campaign):
    quiz_round = make_round(tree, campaign)
    attempt = services.quiz_start(user=tree.member_a, quiz_round=quiz_round, now=WEDNESDAY)
    assert len(attempt.question_ids) == 5 == len(set(attempt.question_ids))
    answers = all_right(attempt)
    first = attempt.question_ids[0]
    answers[first] = [1]
    attempt = services.quiz_submit(
        user=tree.member_a, attempt=attempt, answers=answers, now=WEDNESDAY + dt.timedelta(minutes=5)
    )
    assert attempt.correct_count == 4
    assert str(attempt.score) == "8.00"


def test_second_submission_is_refused(tree, campaign):
    quiz_round = make_round(tree, campaign)
    attempt = services.quiz_start(user=tree.member_a, quiz_round=quiz_round, now=WEDNESDAY)
    services.quiz_submit(user=tree.member_a, attempt=attempt, answers={}, now=WEDNESDAY)
    with pytest.raises(BusinessError) as exc:
        services.quiz_submit(user=tree.member_a, attempt=attempt, answers=all_right(attempt), now=WEDNESDAY)
    assert exc.value.message == services.MSG_ALREADY_SUBMITTED
    assert QuizAttempt.objects.get().correct_count == 0


def test_one_attempt_round_cannot_be_restarted(tree, campaign):
    quiz_round = make_round(tree, campaign)
    attempt = services.quiz_start(user=tree.member_a, quiz_round=quiz_round, now=WEDNESDAY)
    assert services.quiz_start(user=tree.member_a, quiz_round=quiz_round, now=WEDNESDAY).pk == attempt.pk
    services.quiz_submit(user=tree.member_a, attempt=attempt, answers={}, now=WEDNESDAY)
    with pytest.raises(BusinessError) as exc:
        services.quiz_start(user=tree.member_a, quiz_round=quiz_round, now=WEDNESDAY)
    assert exc.value.message == services.MSG_NO_ATTEMPTS_LEFT.format(count=1)


def test_submission_after_the_window_is_refused(tree, campaign):
    quiz_round = make_round(tree, campaign, time_limit_minutes=60)
    start = CLOSES - dt.timedelta(minutes=10)
    attempt = services.quiz_start(user=tree.member_a, quiz_round=quiz_round, now=start)
    assert attempt.deadline_at == CLOSES
    with pytest.raises(BusinessError) as exc:
        services.quiz_submit(
            user=tree.member_a,
            attempt=attempt,
            answers=all_right(attempt),
            now=CLOSES + dt.timedelta(seconds=1),
        )
    assert exc.value.message == "Đợt thi đã đóng lúc 17:30 13/03/2026; bài nộp sau thời hạn không được nhận."
    assert QuizAttempt.objects.get().submitted_at is None


def test_starting_outside_the_window_is_refused(tree, campaign):
    quiz_round = make_round(tree, campaign)
    with pytest.raises(BusinessError) as exc:
        services.quiz_start(user=tree.member_a, quiz_round=quiz_round, now=OPENS - dt.timedelta(minutes=1))
    assert exc.value.message == "Đợt thi chưa mở. Thời gian thi: từ 07:30 09/03/2026 đến 17:30 13/03/2026."
    with pytest.raises(BusinessError):
        services.quiz_start(user=tree.member_a, quiz_round=quiz_round, now=CLOSES + dt.timedelta(hours=1))


def test_time_limit_is_enforced_by_the_server(tree, campaign):
    quiz_round = make_round(tree, campaign, time_limit_minutes=15)
    attempt = services.quiz_start(user=tree.member_a, quiz_round=quiz_round, now=WEDNESDAY)
    late = WEDNESDAY + dt.timedelta(minutes=15) + rules.SUBMIT_GRACE + dt.timedelta(seconds=1)
    with pytest.raises(BusinessError) as exc:
        services.quiz_submit(user=tree.member_a, attempt=attempt, answers=all_right(attempt), now=late)
    assert exc.value.message == services.MSG_TIME_UP.format(minutes=15)


def test_best_of_n_keeps_the_best_score_per_organisation(tree, campaign):
    quiz_round = make_round(tree, campaign, max_attempts=2)
    first = services.quiz_start(user=tree.member_a, quiz_round=quiz_round, now=WEDNESDAY)
    services.quiz_submit(user=tree.member_a, attempt=first, answers=all_right(first), now=WEDNESDAY)
    second = services.quiz_start(user=tree.member_a, quiz_round=quiz_round, now=WEDNESDAY)
    assert second.number == 2
    services.quiz_submit(user=tree.member_a, attempt=second, answers={}, now=WEDNESDAY)
    rows = {
        row["organization__code"]: row for row in quiz_results_by_org(user=tree.staff, quiz_round=quiz_round)
    }
    assert rows["A1"]["participants"] == 1
    assert float(rows["A1"]["average"]) == 10.0
    assert rows["B"]["participants"] == 0


def test_someone_else_cannot_submit_my_attempt(tree, campaign):
    quiz_round = make_round(tree, campaign)
    attempt = services.quiz_start(user=tree.member_a, quiz_round=quiz_round, now=WEDNESDAY)
    with pytest.raises(OutOfScope):
        services.quiz_submit(user=tree.secretary_a, attempt=attempt, answers={}, now=WEDNESDAY)


def test_a_round_cannot_ask_more_questions_than_the_bank_holds(tree, campaign):
    with pytest.raises(BusinessError) as exc:
        make_round(tree, campaign, question_count=11)
    assert exc.value.message == services.MSG_NOT_ENOUGH_QUESTIONS.format(count=10)
    with pytest.raises(BusinessError) as exc:
        make_round(tree, campaign, closes_at=OPENS)
    assert exc.value.message == services.MSG_ROUND_WINDOW
