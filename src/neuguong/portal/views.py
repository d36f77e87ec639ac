"""The site shell: the home page, the one search box, the health check and the benchmarks' floor."""

from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, connection
from django.http import HttpResponse
from django.shortcuts import redirect, render

from neuguong.core.text import search_key
from neuguong.organizations.selectors import organization_list
from neuguong.people.selectors import person_list

from .home import home_context


def healthz(request):
    """For the load balancer and monitoring: 200 when this server answers and reaches the database."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return HttpResponse("database unavailable", content_type="text/plain", status=503)
    return HttpResponse("ok", content_type="text/plain")


@login_required
def home(request):
    return render(request, "portal/home.html", home_context(request.user))


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
        "portal/search.html",
        {
            "query": query[:100],
            "people": people,
            "organizations": organizations,
            "searched": bool(key),
        },
    )
