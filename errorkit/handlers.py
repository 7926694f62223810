"""The exception handler: one exception in, one documented JSON error out.

Set it as DRF's handler::

    REST_FRAMEWORK = {"EXCEPTION_HANDLER": "errorkit.handlers.exception_handler"}

The work is done by ``ExceptionHandler``, a class of short named steps that a
project may subclass and name in ``ERRORKIT["EXCEPTION_HANDLER_CLASS"]``.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.signals import got_request_exception
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.log import log_response
from rest_framework import exceptions as drf_exceptions
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import set_rollback

from . import exceptions as ek
from .compat.drf import django_request
from .conf import errorkit_settings
from .conversion import convert_exception
from .error_links import links_for
from .formatting import Error
from .request_id import assign_request_id, new_request_id
from .state import RequestState, state_of


class ExceptionHandler:
    """Turns one exception raised while serving a request into its response.

    Inside a DRF view the response is a DRF ``Response`` (rendered by the view's
    renderers); elsewhere (middleware, Django's handler views) a ``JsonResponse``.
    """

    def __init__(self, exc: BaseException, context: dict[str, Any]) -> None:
        self.exc = exc
        self.context = context
        self.drf_request: Request | None = (
            context["request"] if isinstance(context.get("request"), Request) else None
        )
        self.request: HttpRequest | None = (
            django_request(self.drf_request)
            if self.drf_request is not None
            else context.get("request")
        )
        self.view = context.get("view")
        # The request's errorkit state, looked up once for every step.
        self.state: RequestState | None = (
            None if self.request is None else state_of(self.request)
        )

    def run(self) -> HttpResponse:
        api_error = self.convert_known_exceptions()
        if api_error is None:
            return self.handle_unhandled_exception()
        return self.respond(api_error)

    def convert_known_exceptions(self) -> ek.APIError | None:
        return convert_exception(self.exc)

    def handle_unhandled_exception(self) -> HttpResponse:
        response = self.respond(ek.InternalError())
        self.report_exception(response)
        return response

    def respond(self, api_error: ek.APIError) -> HttpResponse:
        self.note_refusal(api_error)
        error = self.build_error(api_error)
        response = self.make_response(error)
        self.set_rollback()
        return response

    def note_refusal(self, api_error: ek.APIError) -> None:
        """Why a 401 or 403 refused the caller, when what refused it did not
        say (``request.errorkit.refusal``): support reads it on the row."""
        status = api_error.status_code
        if self.state is None or self.state.refusal is not None:
            return
        if status == 401:
            missing = isinstance(self.exc, drf_exceptions.NotAuthenticated)
            self.state.refusal = "missing" if missing else "refused"
        elif status == 403:
            self.state.refusal = "forbidden"

    def build_error(self, api_error: ek.APIError) -> Error:
        code = api_error.code
        retry_after = self.get_retry_after(api_error)
        request_id = self.get_request_id()
        return Error(
            status=api_error.status_code,
            code=code,
            message=self.get_message(api_error, code),
            request_id=request_id,
            fields=getattr(api_error, "fields", None),
            retry_after=retry_after,
            headers=self.get_headers(api_error, retry_after, request_id),
            extra=dict(api_error.extra),
            links=self.get_links(api_error),
            fingerprint=api_error.fingerprint,
        )

    def get_message(self, api_error: ek.APIError, code: str) -> str:
        override = errorkit_settings.MESSAGES.get(code)
        return str(override) if override is not None else api_error.message

    def get_links(self, api_error: ek.APIError) -> dict[str, str]:
        return links_for(api_error.status_code, self.request)

    def get_request_id(self) -> str:
        if self.request is None:
            return new_request_id()
        return assign_request_id(self.request, self.state)

    def get_retry_after(self, api_error: ek.APIError) -> int | None:
        if not isinstance(api_error, ek.RetryableError):
            return None
        if api_error.retry_after is not None:
            return api_error.retry_after
        return ek.whole_seconds(errorkit_settings.DEFAULT_RETRY_AFTER)

    def get_headers(
        self, api_error: ek.APIError, retry_after: int | None, request_id: str
    ) -> dict[str, str]:
        headers = dict(api_error.headers)
        if retry_after is not None:
            headers["Retry-After"] = str(retry_after)
        if api_error.status_code == 401:
            headers.setdefault("WWW-Authenticate", errorkit_settings.WWW_AUTHENTICATE)
        if api_error.status_code == 405 and self.view is not None:
            headers.setdefault("Allow", ", ".join(self.view.allowed_methods))
        # ErrorkitMiddleware sets the header on every response it passes; this is
        # for projects that run the handler without it.
        if self.state is None or self.state.is_api is None:
            headers[errorkit_settings.REQUEST_ID_HEADER] = request_id
        return headers

    def format(self, error: Error) -> dict[str, Any]:
        return errorkit_settings.FORMATTER(error)

    def make_response(self, error: Error) -> HttpResponse:
        body = self.format(error)
        if self.drf_request is not None:
            response: HttpResponse = Response(
                body, status=error.status, headers=error.headers
            )
        else:
            response = json_error_response(error, body)
        if self.state is not None:
            self.state.error = error
        return response

    def report_exception(self, response: HttpResponse) -> None:
        """Tell Django of the bug as its own handler would.

        The response is made here, so Django never sees the exception: send
        ``got_request_exception`` (Sentry, incident recording) and log to
        ``django.request`` with the traceback (ADMINS mail) ourselves.
        """
        if self.request is None:
            return
        got_request_exception.send(sender=type(self), request=self.request)
        log_response(
            "%s: %s",
            response.reason_phrase,
            self.request.path,
            response=response,
            request=self.request,
            exception=self.exc,
        )

    def set_rollback(self) -> None:
        # As DRF's handler: the request's atomic block, if any, is rolled back.
        # Only a database with ATOMIC_REQUESTS has one, and DATABASES says
        # which (Django fills in the key): asking every connection, as DRF's
        # set_rollback() does, costs about 5% of a 404's handling.
        if any(db.get("ATOMIC_REQUESTS") for db in settings.DATABASES.values()):
            set_rollback()


def json_error_response(
    error: Error, body: dict[str, Any] | None = None
) -> HttpResponse:
    """``error`` as ``application/json``, whatever renderer a view negotiated."""
    if body is None:
        body = errorkit_settings.FORMATTER(error)
    return JsonResponse(body, status=error.status, headers=error.headers)


def exception_handler(exc: BaseException, context: dict[str, Any]) -> HttpResponse:
    """DRF's ``EXCEPTION_HANDLER``: every exception becomes a JSON error."""
    handler_class = errorkit_settings.EXCEPTION_HANDLER_CLASS
    return handler_class(exc, context).run()


def error_response(request: HttpRequest, exc: BaseException) -> HttpResponse:
    """The JSON error for ``exc`` outside DRF (middleware, Django's handler views)."""
    return exception_handler(exc, {"request": request, "view": None})
