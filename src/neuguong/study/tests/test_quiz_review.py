"""After submitting, the member sees a review of the answers (issue 13.6); the right options only once
the round has closed, so another attempt cannot copy them."""

import datetime as dt

import pytest
from django.urls import reverse

from neuguong.study import services
from neuguong.study.models import Question, QuizAttempt

from .test_quiz_shuffle import campaign, make_round  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db


def _submit_first_right_rest_blank(tree, client, quiz_round) -> QuizAttempt:
    attempt = services.quiz_start(user=tree.member_a, quiz_round=quiz_round)
    first = Question.objects.get(pk=attempt.question_ids[0])
    response = client.post(
        reverse("study:attempt", args=[attempt.pk]), {f"q{first.pk}": [str(i) for i in first.correct]}
    )
    assert response.status_code == 302 and response["Location"] == reverse("study:attempt", args=[attempt.pk])
    attempt.refresh_from_db()
    return attempt


def test_the_review_shows_each_answer_right_wrong_or_blank_without_the_key_while_open(tree, campaign, login):  # noqa: F811
    now = dt.datetime.now(dt.UTC)
    quiz_round = make_round(
        tree,
        campaign,
        opens_at=now - dt.timedelta(hours=1),
        closes_at=now + dt.timedelta(hours=1),
        question_count=3,
    )
    client = login(tree.member_a)
    attempt = _submit_first_right_rest_blank(tree, client, quiz_round)
    page = client.get(reverse("study:attempt", args=[attempt.pk])).content.decode()
    assert "1/3</strong> câu đúng" in page
    assert page.count("data-review-question") == 3
    assert page.count(">Đúng</span>") == 1 and page.count(">Chưa trả lời</span>") == 2
    assert "(bạn chọn)" in page
    assert "✔ đáp án đúng" not in page
    assert "Đáp án đúng được hiện sau khi đợt thi kết thúc" in page


def test_after_the_round_closes_the_review_shows_the_right_options(tree, campaign, login):  # noqa: F811
    now = dt.datetime.now(dt.UTC)
    quiz_round = make_round(
        tree,
        campaign,
        opens_at=now - dt.timedelta(hours=1),
        closes_at=now + dt.timedelta(hours=1),
        question_count=3,
    )
    client = login(tree.member_a)
    attempt = _submit_first_right_rest_blank(tree, client, quiz_round)
    type(quiz_round).objects.filter(pk=quiz_round.pk).update(closes_at=now - dt.timedelta(minutes=1))
    page = client.get(reverse("study:attempt", args=[attempt.pk])).content.decode()
    correct_options = sum(len(q.correct) for q in Question.objects.filter(pk__in=attempt.question_ids))
    assert page.count("✔ đáp án đúng") == correct_options


def test_the_attempt_page_carries_the_unanswered_warning(tree, campaign, login):  # noqa: F811
    now = dt.datetime.now(dt.UTC)
    quiz_round = make_round(
        tree, campaign, opens_at=now - dt.timedelta(hours=1), closes_at=now + dt.timedelta(hours=1)
    )
    attempt = services.quiz_start(user=tree.member_a, quiz_round=quiz_round)
    page = login(tree.member_a).get(reverse("study:attempt", args=[attempt.pk])).content.decode()
    assert "data-quiz-warning" in page and "study/quiz.js" in page
