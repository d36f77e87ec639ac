"""Shared endpoints every module's pages use (the site's own pages live in `portal`)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from .pickers import MAX_OPTIONS, MIN_QUERY_LENGTH, picker_kind
from .text import search_key


@login_required
def picker(request, kind: str):
    """Options for a search-as-you-type picker (an HTMX fragment): the records of `kind` the user may
    see whose folded name contains the query, with what tells namesakes apart."""
    picker = picker_kind(kind)
    if picker is None:
        raise Http404
    query = request.GET.get("q", "")[:100]
    params = {key: value[:64] for key, value in request.GET.items() if key not in ("q", "name", "multiple")}
    key = search_key(query)
    options = (
        picker.search(request.user, query, params)[: MAX_OPTIONS + 1] if len(key) >= MIN_QUERY_LENGTH else []
    )
    return render(
        request,
        "core/_picker_options.html",
        {
            "options": options[:MAX_OPTIONS],
            "more": len(options) > MAX_OPTIONS,
            "query": query,
            "searched": len(key) >= MIN_QUERY_LENGTH,
            "min_length": MIN_QUERY_LENGTH,
        },
    )


def csrf_failure(request, reason: str = ""):
    """A form sent with a missing or stale security token (a page left open past its session, cookies
    refused): the site's 403 page in Vietnamese saying what to do, instead of Django's English one."""
    return render(request, "403_csrf.html", status=403)
