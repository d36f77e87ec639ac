"""Page errors in one place: what a service raises becomes the answer a person should see.

The API does the same for JSON in `core/api.py`. Views therefore never wrap a service call in `try`:
- `OutOfScope` (not yours) is answered with the project's 404 page, exactly like a missing object;
- a `BusinessError` escaping a POST becomes a message and a 303 redirect back to where the form was
  (forms that want the message next to a field use `core.forms.submit_form` instead);
- a `BusinessError` on a GET is a 400 page that says what is wrong, never a 500.
"""

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.defaults import page_not_found

from .errors import BusinessError, OutOfScope


def back_url(request) -> str:
    """Where "back" is: the page the form was on (same host only), else the address just posted to."""
    referer = request.headers.get("referer", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return referer
    return request.get_full_path()


class ServiceErrorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, OutOfScope):
            return page_not_found(request, Http404())
        if not isinstance(exception, BusinessError):
            return None
        if request.method == "POST":
            messages.error(request, exception.message)
            url = back_url(request)
            if getattr(request, "htmx", False):
                # An HTMX request would swap the whole page into its target: ask the browser to go there.
                response = HttpResponse(status=204)
                response["HX-Redirect"] = url
                return response
            return HttpResponseRedirect(url, status=303)
        return render(request, "400.html", {"message": exception.message}, status=400)
