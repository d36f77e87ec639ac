"""Panels on shared pages (registered in apps.py): the home page (what waits for the user in the annual
review) and a person's page (their results by year)."""

from django.db.models import Count, Q

from neuguong.access.scope import scope_for

from .models import AWAITING_DECISION, Period, PeriodState, Review, ReviewState
from .selectors import shows_decision


def home_panel(user) -> dict | None:
    scope = scope_for(user)
    own = []
    if scope.person_id:
        own = list(
            Review.objects.filter(
                person_id=scope.person_id, period__state__in=(PeriodState.OPEN, PeriodState.PUBLISHED)
            )
            .exclude(state=ReviewState.LEFT)
            .select_related("period")
            .order_by("-period__year", "-id")[:3]
        )
    waiting = []
    if scope.write_paths or scope.is_global:
        to_propose = Q(state__in=(ReviewState.SELF_ASSESSED, ReviewState.REVIEWED)) & scope.write_q(
            "home_organization__path"
        )
        to_decide = Q(state__in=AWAITING_DECISION) & scope.write_q("period__organization__path")
        waiting = list(
            Period.objects.filter(state=PeriodState.OPEN)
            .filter(
                Q(pk__in=Review.objects.filter(to_propose).values("period_id"))
                | Q(pk__in=Review.objects.filter(to_decide).values("period_id"))
            )
            .select_related("organization")
            .annotate(
                to_propose=Count(
                    "reviews", filter=Q(reviews__state__in=(ReviewState.SELF_ASSESSED, ReviewState.REVIEWED))
                ),
                to_decide=Count("reviews", filter=Q(reviews__state__in=AWAITING_DECISION)),
                not_started=Count("reviews", filter=Q(reviews__state=ReviewState.NOT_STARTED)),
            )
            .order_by("decision_due")[:5]
        )
    if not own and not waiting:
        return None
    for review in own:
        review.row_decision = shows_decision(user, review)
    return {"template": "evaluation/_home_panel.html", "own": own, "waiting": waiting}


def person_panel(user, person) -> dict | None:
    """The person's classification by year (decided levels only where the viewer may see them)."""
    reviews = list(
        Review.objects.visible_to(user)
        .filter(person=person)
        .exclude(state=ReviewState.LEFT)
        .select_related("period__organization", "home_organization")
        .order_by("-period__year", "-id")[:10]
    )
    if not reviews:
        return None
    for review in reviews:
        review.row_decision = shows_decision(user, review)
    return {"template": "evaluation/_person_panel.html", "reviews": reviews}
