"""Django's own error pages on API paths, told apart for their JSON body.

Django's HTML pages (its technical 404, its CSRF page, a bare 405, the DEBUG
page of a refused request) carry only a status, so the middleware's JSON body
would be that status' generic error. Two of them mean more, and are told
apart here so that the body says so:

- CsrfViewMiddleware's refusal: a 403 that says CSRF verification failed.
  (With ``CSRF_FAILURE_VIEW = "errorkit.views.csrf_failure"`` the refusal is
  errorkit's JSON from the start, with Django's reason, and never comes here.)
- A ``Host`` not in ``ALLOWED_HOSTS``: 403 ``forbidden``, as errorkit's
  handler400 answers it with ``DEBUG`` off, where ``DEBUG`` on has Django
  render its 400 page instead of calling the handler.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponseBase
from django.utils.translation import gettext_lazy as _

from . import exceptions as ek
from .compat.django import csrf_accepted
from .conversion import WRONG_HOST, error_for_status

CSRF_MIDDLEWARE = "django.middleware.csrf.CsrfViewMiddleware"

# The methods CsrfViewMiddleware lets through unchecked (RFC 9110's safe ones).
CSRF_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})

# Django's page names one reason; without errorkit's failure view it is not
# known here, so the message names every check that can fail.
CSRF_REJECTED = _(
    "CSRF verification failed: the CSRF cookie or token is missing or wrong, or "
    "the request's Origin or Referer is not trusted."
)


def error_for_page(request: HttpRequest, response: HttpResponseBase) -> ek.APIError:
    """The errorkit error that replaces Django's page ``response``."""
    if rejected_by_csrf(request, response):
        return ek.Forbidden(CSRF_REJECTED)
    if response.status_code == 400 and not host_is_served(request):
        return ek.Forbidden(WRONG_HOST)
    return error_for_status(
        response.status_code, response.reason_phrase, dict(response.items())
    )


def rejected_by_csrf(request: HttpRequest, response: HttpResponseBase) -> bool:
    """Whether ``response`` is CsrfViewMiddleware's refusal of ``request``.

    The middleware marks every request it accepts (``csrf_processing_done``)
    and leaves alone views marked ``csrf_exempt`` (DRF's among them). So an
    unsafe request to a view it guards that was neither accepted nor exempt,
    answered 403, was refused by it: its view never ran.
    """
    if response.status_code != 403 or request.method in CSRF_SAFE_METHODS:
        return False
    if CSRF_MIDDLEWARE not in settings.MIDDLEWARE:
        return False
    if csrf_accepted(request):
        return False
    # Set once the URL is resolved, before any middleware's process_view: a
    # 403 answered earlier (no view chosen yet) is not a CSRF refusal.
    match = getattr(request, "resolver_match", None)
    return match is not None and not getattr(match.func, "csrf_exempt", False)


def host_is_served(request: HttpRequest) -> bool:
    """Whether the request's ``Host`` is one ``ALLOWED_HOSTS`` admits."""
    try:
        request.get_host()
    except DisallowedHost:
        return False
    return True
