"""Quizzes: the question bank, rounds, attempts drawn and scored on the server."""

import datetime as dt
import random
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from neuguong.access.scope import scope_for
from neuguong.core.dates import LOCAL_ZONE
from neuguong.core.errors import BusinessError, OutOfScope
from neuguong.core.text import normalize_text

from .. import events, importer, rules
from ..models import (
    Campaign,
    Invitee,
    Question,
    QuizAttempt,
    QuizRound,
)
from .common import (
    MSG_NO_PERSON,
    MSG_NO_RIGHT,
    MSG_NOT_INVITED,
    require_write,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import User

MSG_ROUND_WINDOW = "Thời điểm đóng phải sau thời điểm mở."
MSG_ROUND_NUMBERS = "Số câu, thời gian làm bài và số lần thi phải từ 1 trở lên."
MSG_NOT_ENOUGH_QUESTIONS = "Ngân hàng câu hỏi chỉ có {count} câu, ít hơn số câu của đợt thi."
MSG_QUIZ_NOT_OPEN = "Đợt thi chưa mở. Thời gian thi: từ {opens} đến {closes}."
MSG_QUIZ_CLOSED = "Đợt thi đã đóng lúc {closes}; bài nộp sau thời hạn không được nhận."
MSG_NO_ATTEMPTS_LEFT = "Bạn đã dùng hết {count} lượt thi của đợt này."
MSG_ALREADY_SUBMITTED = "Bài thi này đã nộp; mỗi bài chỉ nộp một lần."
MSG_TIME_UP = "Đã hết thời gian làm bài ({minutes} phút); bài nộp muộn không được nhận."
MSG_QUESTIONS_IMPORT = "Tệp câu hỏi có lỗi, chưa nhập câu nào:"


def _fmt(value: dt.datetime) -> str:
    return value.astimezone(LOCAL_ZONE).strftime("%H:%M %d/%m/%Y")


# --- quizzes -----------------------------------------------------------------------------------------


@transaction.atomic
def questions_import(*, actor: "User", campaign: Campaign, content: bytes) -> int:
    """Import a question bank from XLSX: all rows are checked first; any error and nothing is written."""
    require_write(actor, campaign.organizer.path)
    if len(content) > importer.MAX_FILE_BYTES:
        raise BusinessError(importer.MSG_FILE_TOO_LARGE, field="file")
    try:
        rows = importer.read_xlsx_rows(content)
    except ValueError as exc:
        raise BusinessError(importer.MSG_NOT_XLSX, field="file") from exc
    result = importer.parse_question_rows(rows)
    if result.errors:
        raise QuestionImportError(result.errors)
    Question.objects.bulk_create(
        [
            Question(campaign=campaign, text=q.text, options=q.options, correct=q.correct, source_row=q.row)
            for q in result.questions
        ]
    )
    events.questions_imported(actor=actor, campaign=campaign, imported=len(result.questions))
    return len(result.questions)


class QuestionImportError(BusinessError):
    def __init__(self, errors: list[str]):
        super().__init__(MSG_QUESTIONS_IMPORT, field="file")
        self.errors = errors


@transaction.atomic
def quiz_round_create(
    *,
    actor: "User",
    campaign: Campaign,
    title: str,
    opens_at: dt.datetime,
    closes_at: dt.datetime,
    question_count: int,
    time_limit_minutes: int,
    max_attempts: int = 1,
) -> QuizRound:
    require_write(actor, campaign.organizer.path)
    if closes_at <= opens_at:
        raise BusinessError(MSG_ROUND_WINDOW, field="closes_at")
    if min(question_count, time_limit_minutes, max_attempts) < 1:
        raise BusinessError(MSG_ROUND_NUMBERS, field="question_count")
    available = campaign.questions.count()
    if question_count > available:
        raise BusinessError(MSG_NOT_ENOUGH_QUESTIONS.format(count=available), field="question_count")
    quiz_round = QuizRound.objects.create(
        campaign=campaign,
        title=normalize_text(title)[:255] or "Thi trắc nghiệm",
        opens_at=opens_at,
        closes_at=closes_at,
        question_count=question_count,
        time_limit_minutes=time_limit_minutes,
        max_attempts=max_attempts,
    )
    events.quiz_round_created(actor=actor, quiz_round=quiz_round)
    return quiz_round


def _own_invitee(user: "User", campaign_id: int) -> Invitee:
    person_id = scope_for(user).person_id
    if person_id is None:
        raise BusinessError(MSG_NO_PERSON)
    invitee = Invitee.objects.filter(campaign_id=campaign_id, person_id=person_id).first()
    if invitee is None:
        raise BusinessError(MSG_NOT_INVITED)
    return invitee


def _check_window(quiz_round: QuizRound, now: dt.datetime) -> None:
    if now < quiz_round.opens_at:
        raise BusinessError(
            MSG_QUIZ_NOT_OPEN.format(opens=_fmt(quiz_round.opens_at), closes=_fmt(quiz_round.closes_at))
        )
    if not rules.window_is_open(quiz_round.opens_at, quiz_round.closes_at, now):
        raise BusinessError(MSG_QUIZ_CLOSED.format(closes=_fmt(quiz_round.closes_at)))


@transaction.atomic
def quiz_start(
    *, user: "User", quiz_round: QuizRound, now: dt.datetime | None = None, rng: random.Random | None = None
) -> QuizAttempt:
    """Start (or resume) an attempt: questions drawn at random, each question's options shuffled for
    this attempt (stored, so a reload shows the same order), the clock kept by the server.
    `rng` is for tests; by default the system's random source."""
    now = now or timezone.now()
    rng = rng or random.SystemRandom()
    invitee = _own_invitee(user, quiz_round.campaign_id)
    _check_window(quiz_round, now)
    attempts = list(
        QuizAttempt.objects.select_for_update().filter(round=quiz_round, invitee=invitee).order_by("number")
    )
    for attempt in attempts:
        if attempt.submitted_at is None and not rules.attempt_time_is_up(
            attempt.started_at, quiz_round.time_limit_minutes, now
        ):
            return attempt
    if len(attempts) >= quiz_round.max_attempts:
        raise BusinessError(MSG_NO_ATTEMPTS_LEFT.format(count=quiz_round.max_attempts))
    pool = dict(Question.objects.filter(campaign_id=quiz_round.campaign_id).values_list("pk", "options"))
    chosen = rng.sample(sorted(pool), min(quiz_round.question_count, len(pool)))
    orders = {str(qid): rules.option_order(len(pool[qid]), rng) for qid in chosen}
    attempt = QuizAttempt.objects.create(
        round=quiz_round,
        invitee=invitee,
        number=len(attempts) + 1,
        question_ids=chosen,
        option_orders=orders,
        started_at=now,
        deadline_at=min(now + dt.timedelta(minutes=quiz_round.time_limit_minutes), quiz_round.closes_at),
    )
    return attempt


@transaction.atomic
def quiz_submit(
    *, user: "User", attempt: QuizAttempt, answers: dict[int, list[int]], now: dt.datetime | None = None
) -> QuizAttempt:
    """Score an attempt on the server. Refused after the window, after the time limit, or a second time."""
    now = now or timezone.now()
    attempt = QuizAttempt.objects.select_for_update().select_related("round", "invitee").get(pk=attempt.pk)
    if scope_for(user).person_id != attempt.invitee.person_id:
        raise OutOfScope(MSG_NO_RIGHT)
    if attempt.submitted_at is not None:
        raise BusinessError(MSG_ALREADY_SUBMITTED)
    quiz_round = attempt.round
    _check_window(quiz_round, now)
    if rules.attempt_time_is_up(attempt.started_at, quiz_round.time_limit_minutes, now):
        raise BusinessError(MSG_TIME_UP.format(minutes=quiz_round.time_limit_minutes))
    correct_by_id = dict(Question.objects.filter(pk__in=attempt.question_ids).values_list("pk", "correct"))
    kept = {str(qid): sorted(set(answers.get(qid, []))) for qid in attempt.question_ids}
    correct = sum(
        1
        for qid in attempt.question_ids
        if rules.is_answer_correct(kept[str(qid)], correct_by_id.get(qid, []))
    )
    attempt.answers = kept
    attempt.submitted_at = now
    attempt.correct_count = correct
    attempt.score = rules.score_of(correct, len(attempt.question_ids))
    attempt.save(update_fields=["answers", "submitted_at", "correct_count", "score"])
    return attempt
