"""Django's error views, answering JSON to API requests and HTML to the rest.

In the root URLconf::

    from errorkit.views import handler400, handler403, handler404, handler500  # noqa

and, for CSRF failures, ``CSRF_FAILURE_VIEW = "errorkit.views.csrf_failure"``,
whose JSON 403 gives Django's reason (without it, the middleware still turns
Django's HTML CSRF page into a JSON 403 that says CSRF verification failed).
"""

from __future__ import annotations

import sys

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.csrf import csrf_failure as django_csrf_failure

from . import exceptions as ek
from .conversion import convert_exception
from .handlers import error_response
from .routing import is_api_request


def handler400(
    request: HttpRequest, exception: Exception | None = None
) -> HttpResponse:
    if not is_api_request(request):
        return defaults.bad_request(request, exception or Exception())
    return error_response(request, exception or ek.InvalidRequest())


def handler403(
    request: HttpRequest, exception: Exception | None = None
) -> HttpResponse:
    if not is_api_request(request):
        return defaults.permission_denied(request, exception or Exception())
    return error_response(request, exception or ek.Forbidden())


def handler404(
    request: HttpRequest, exception: Exception | None = None
) -> HttpResponse:
    if not is_api_request(request):
        return defaults.page_not_found(request, exception)
    return error_response(request, exception or ek.NotFound())


def handler500(request: HttpRequest) -> HttpResponse:
    # Django has already sent got_request_exception and logged the traceback.
    if not is_api_request(request):
        return defaults.server_error(request)
    # Django calls this while it handles the exception (raised by a view or a
    # middleware): one errorkit knows (the database unreachable) keeps its
    # own answer.
    exc = sys.exc_info()[1]
    known = convert_exception(exc) if exc is not None else None
    return error_response(request, known or ek.InternalError())


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    if not is_api_request(request):
        return django_csrf_failure(request, reason)
    message = _("CSRF verification failed: %(reason)s") % {"reason": reason}
    return error_response(request, ek.Forbidden(message))
