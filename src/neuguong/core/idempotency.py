"""A POST delivered twice is carried out once.

Forms send a random key with every submission (`app.js` adds `idempotency_key=…` to the address the
form is sent to; other clients send the `Idempotency-Key` header). For a logged-in user's POST with a key, the key is recorded
in the same transaction as the view's writes, and the view's redirect is kept with it. The same key
again (the load balancer resending a POST whose app server died, a double delivery) waits for the first
delivery's transaction: if it committed, the answer is the same redirect and nothing is written again;
if it was rolled back (the server died before committing), the view runs now, once.

Only redirects are kept: by convention a successful POST redirects, while a page rendered in answer to
a POST (a form with errors) wrote nothing and may run again. A server error rolls the request back.
"""

import re

from django.db import IntegrityError, transaction
from django.http import HttpResponseRedirect

from .models import IdempotencyKey

HEADER = "Idempotency-Key"
FIELD = "idempotency_key"
KEY_PATTERN = re.compile(r"[A-Za-z0-9_-]{16,64}")


def request_key(request) -> str | None:
    """The key of a logged-in user's POST: the header, or the address's query string (where the forms put
    it). Never read from the body: reading a form here would change how a view meets an oversized one."""
    if request.method != "POST" or not request.user.is_authenticated:
        return None
    key = request.headers.get(HEADER) or request.GET.get(FIELD)
    return key if key and KEY_PATTERN.fullmatch(key) else None


class IdempotentPostMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = request_key(request)
        if key is None:
            return self.get_response(request)
        with transaction.atomic():
            try:
                # A second delivery of the same key waits here until the first one's transaction ends.
                with transaction.atomic():
                    record = IdempotencyKey.objects.create(
                        user=request.user, key=key, path=request.path[:255], status=0, location=""
                    )
            except IntegrityError:
                done = IdempotencyKey.objects.get(user=request.user, key=key)
                return HttpResponseRedirect(done.location, status=done.status)
            response = self.get_response(request)
            if response.status_code >= 500:
                transaction.set_rollback(True)
            elif 300 <= response.status_code < 400 and response.has_header("Location"):
                record.status = response.status_code
                record.location = response["Location"][:2000]
                record.save(update_fields=["status", "location"])
            else:
                record.delete()
        return response
