"""Quiz pages: the question bank, rounds, and the attempt (questions without their answers)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from neuguong.access.scope import scope_for
from neuguong.core.forms import submit_form
from neuguong.core.paging import paginate

from .. import forms, rules, selectors, services
from ..forms import ActionForm
from ..models import Question
from .common import first_error, managed_campaign, submit_question_import


@login_required
def questions_view(request, campaign_id: int):
    campaign = managed_campaign(request, campaign_id)
    form = forms.QuestionImportForm(request.POST or None, request.FILES or None)
    done, row_errors = submit_question_import(
        form,
        lambda data: services.questions_import(
            actor=request.user,
            campaign=campaign,
            content=data["file"].read(services.importer.MAX_FILE_BYTES + 1),
        ),
    )
    if done:
        messages.success(request, f"Đã nhập {done.result} câu hỏi vào ngân hàng câu hỏi «{campaign.title}».")
        return redirect("study:questions", campaign_id=campaign.pk)
    questions = Question.objects.filter(campaign=campaign)
    return render(
        request,
        "study/questions.html",
        {
            "campaign": campaign,
            "form": form,
            "row_errors": row_errors,
            **paginate(request, questions, per_page=50),
        },
    )


@login_required
def round_create_view(request, campaign_id: int):
    campaign = managed_campaign(request, campaign_id)
    form = forms.QuizRoundForm(request.POST or None)
    if request.method == "POST" and (
        done := submit_form(
            form,
            lambda data: services.quiz_round_create(
                actor=request.user,
                campaign=campaign,
                **{name: value for name, value in data.items() if name != "week_of"},
            ),
        )
    ):
        quiz_round = done.result
        messages.success(request, f"Đã tạo đợt thi «{quiz_round.title}» — {campaign.title}.")
        return redirect("study:round_detail", campaign_id=campaign.pk, round_id=quiz_round.pk)
    return render(
        request, "study/form.html", {"form": form, "title": f"Tạo đợt thi: {campaign}", "campaign": campaign}
    )


@login_required
def round_detail_view(request, campaign_id: int, round_id: int):
    campaign = selectors.campaign_get(user=request.user, campaign_id=campaign_id)
    quiz_round = selectors.quiz_round_get(campaign=campaign, round_id=round_id)
    scope = scope_for(request.user)
    now = timezone.now()
    context = {
        "campaign": campaign,
        "round": quiz_round,
        "is_open": rules.window_is_open(quiz_round.opens_at, quiz_round.closes_at, now),
        "invited": selectors.own_invitee(user=request.user, campaign=campaign) is not None,
        "attempts": selectors.my_attempts(user=request.user, quiz_round=quiz_round),
        "results": selectors.quiz_results_by_org(user=request.user, quiz_round=quiz_round)
        if scope.has_org_role
        else [],
    }
    return render(request, "study/round_detail.html", context)


@login_required
@require_POST
def round_start_view(request, campaign_id: int, round_id: int):
    campaign = selectors.campaign_get(user=request.user, campaign_id=campaign_id)
    quiz_round = selectors.quiz_round_get(campaign=campaign, round_id=round_id)
    form = ActionForm(request.POST)
    if done := submit_form(form, lambda _: services.quiz_start(user=request.user, quiz_round=quiz_round)):
        return redirect("study:attempt", attempt_id=done.result.pk)
    messages.error(request, first_error(form))
    return redirect("study:round_detail", campaign_id=campaign.pk, round_id=quiz_round.pk)


def _answers_from(post, question_ids: list[int]) -> dict[int, list[int]]:
    answers = {}
    for qid in question_ids:
        chosen = []
        for value in post.getlist(f"q{qid}")[:10]:
            if value.isdigit() and int(value) < 10:
                chosen.append(int(value))
        answers[qid] = chosen
    return answers


@login_required
def attempt_view(request, attempt_id: int):
    """The questions without their answers; the clock and the score are the server's."""
    attempt = selectors.attempt_get(user=request.user, attempt_id=attempt_id)
    if request.method == "POST":
        # Submitted or refused (too late, already in), the member goes back to the round's page.
        form = ActionForm(request.POST)
        if done := submit_form(
            form,
            lambda _: services.quiz_submit(
                user=request.user, attempt=attempt, answers=_answers_from(request.POST, attempt.question_ids)
            ),
        ):
            scored = done.result
            messages.success(
                request,
                f"Đã nộp bài: {scored.correct_count}/{len(scored.question_ids)} câu đúng, "
                f"{str(scored.score).rstrip('0').rstrip('.').replace('.', ',')} điểm.",
            )
            # The member sees what they answered (the review) right after submitting.
            return redirect("study:attempt", attempt_id=attempt.pk)
        messages.error(request, first_error(form))
        return redirect(
            "study:round_detail", campaign_id=attempt.round.campaign_id, round_id=attempt.round_id
        )
    if attempt.submitted_at is not None:
        now = timezone.now()
        return render(
            request,
            "study/attempt_review.html",
            {
                "attempt": attempt,
                "review": selectors.attempt_review(attempt=attempt, now=now),
                "shows_correct": now >= attempt.round.closes_at,
            },
        )
    by_id = {
        q.pk: q for q in Question.objects.filter(pk__in=attempt.question_ids).only("pk", "text", "options")
    }
    questions = [
        {
            "id": qid,
            "text": by_id[qid].text,
            "options": rules.options_in_order(by_id[qid].options, attempt.option_orders.get(str(qid))),
        }
        for qid in attempt.question_ids
        if qid in by_id
    ]
    return render(request, "study/attempt.html", {"attempt": attempt, "questions": questions})
