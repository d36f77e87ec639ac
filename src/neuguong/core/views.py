from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from neuguong.organizations.selectors import organization_list
from neuguong.people.selectors import person_list

from .pickers import MAX_OPTIONS, MIN_QUERY_LENGTH, picker_kind
from .text import search_key


def healthz(request):
    return HttpResponse("ok", content_type="text/plain")


@login_required
def home(request):
    from .home import home_context

    return render(request, "core/home.html", home_context(request.user))


@login_required
def floor(request):
    """Renders only the base template: the framework floor the benchmarks compare pages with."""
    return render(request, "base.html", {})


@login_required
def search(request):
    """One box for people and organisations; diacritics, case and Unicode form are ignored."""
    query = request.GET.get("q", "")
    key = search_key(query)
    people = organizations = []
    if key:
        people = list(person_list(user=request.user, query=query)[:50])
        organizations = list(organization_list(user=request.user, query=query)[:20])
        if len(people) == 1 and not organizations and request.GET.get("go"):
            return redirect("people:detail", person_id=people[0].pk)
    return render(
        request,
        "core/search.html",
        {
            "query": query[:100],
            "people": people,
            "organizations": organizations,
            "searched": bool(key),
        },
    )


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
