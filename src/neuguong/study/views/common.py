"""What the study pages share: 404 unless allowed, and the campaign the user manages."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.http import Http404

from neuguong.core.forms import Done, submit_form

from .. import selectors, services
from ..models import Campaign


def require(condition: bool) -> None:
    if not condition:
        raise Http404


def managed_campaign(request, campaign_id: int) -> Campaign:
    """The campaign, when the user may manage it (organiser's write scope); else 404."""
    campaign = selectors.campaign_get(user=request.user, campaign_id=campaign_id)
    require(selectors.can_manage(request.user, campaign))
    return campaign


def first_error(form) -> str:
    """The first thing a refused form says (its field errors, or the service's refusal)."""
    return next(error for errors in form.errors.values() for error in errors)


def submit_question_import[T](
    form: forms.BaseForm, run: Callable[[dict[str, Any]], T]
) -> tuple[Done[T] | None, list[str]]:
    """`submit_form` for the question bank import, and the file's errors row by row to list under it."""
    row_errors: list[str] = []

    def run_keeping_rows(data: dict[str, Any]) -> T:
        # The one page-specific catch: the summary goes next to the file field (submit_form), the rows
        # are listed under the form, so the exception's list is kept before it is re-raised.
        try:
            return run(data)
        except services.QuestionImportError as problem:
            row_errors.extend(problem.errors)
            raise

    return submit_form(form, run_keeping_rows), row_errors


def query_param(request, name: str, limit: int) -> str:
    """A text parameter of the address, bounded and without NUL characters (PostgreSQL refuses them)."""
    return request.GET.get(name, "").replace("\x00", "")[:limit]
