"""``ErrorkitMiddleware``: request ids, the body limit, JSON errors outside DRF.

Put it near the top of ``MIDDLEWARE`` (before CommonMiddleware, CSRF and
authentication), so that every response, even one another middleware answers
early, carries ``X-Request-ID`` and a JSON error body on API paths.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from asgiref.sync import iscoroutinefunction, markcoroutinefunction, sync_to_async
from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.utils import translation

from .body_size import body_size_error, has_body
from .compat.django import mark_logged, was_logged
from .conf import errorkit_settings
from .conversion import convert_exception
from .handlers import error_response, json_error_response
from .pages import error_for_page
from .problems import problem_response, wants_problem
from .request_id import assign_request_id, current_request_id
from .routing import classify, is_json_response_type, media_type
from .signals import _api_request_started, error_response_finished
from .state import RequestState, state_of

GetResponse = Callable[[HttpRequest], HttpResponseBase]


LOCALE_MIDDLEWARE = "django.middleware.locale.LocaleMiddleware"


def request_language(request: HttpRequest) -> str | None:
    """The language LocaleMiddleware will choose, when it is installed; else
    the active one (the project does not translate by request)."""
    if settings.USE_I18N and LOCALE_MIDDLEWARE in settings.MIDDLEWARE:
        return translation.get_language_from_request(request)
    return translation.get_language()


class ErrorkitMiddleware:
    sync_capable = True
    async_capable = True

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response
        self.is_async = iscoroutinefunction(get_response)
        if self.is_async:
            markcoroutinefunction(self)

    def __call__(
        self, request: HttpRequest
    ) -> HttpResponseBase | Awaitable[HttpResponseBase]:
        if self.is_async:
            return self.__acall__(request)
        # Every request passes here: its state is looked up once and passed on.
        state = state_of(request)
        token = current_request_id.set(assign_request_id(request, state))
        try:
            response = self.check_request(request, state) or self.get_response(request)
            response = self.finish_response(request, response, state)
            if self.has_error_listeners(response):
                error_response_finished.send(
                    type(self), request=request, response=response
                )
            return response
        finally:
            current_request_id.reset(token)

    async def __acall__(self, request: HttpRequest) -> HttpResponseBase:
        token = current_request_id.set(assign_request_id(request))
        try:
            response = self.check_request(request)
            if response is None:
                # In async mode get_response is a coroutine function.
                response = await self.get_response(request)  # type: ignore[misc]
            response = self.finish_response(request, response)
            if self.has_error_listeners(response):
                # Receivers use the ORM: never from the event loop itself.
                await sync_to_async(error_response_finished.send)(
                    type(self), request=request, response=response
                )
            return response
        finally:
            current_request_id.reset(token)

    @staticmethod
    def has_error_listeners(response: HttpResponseBase) -> bool:
        return response.status_code >= 400 and error_response_finished.has_listeners()

    def check_request(
        self, request: HttpRequest, state: RequestState | None = None
    ) -> HttpResponseBase | None:
        if state is None:
            state = state_of(request)
        state.is_api = classify(request)
        if not state.is_api or not has_body(request):
            return None
        error = body_size_error(request)
        if error is not None:
            # Answered before LocaleMiddleware (which comes after errorkit's)
            # has chosen the request's language: choose it the same way.
            with translation.override(request_language(request)):
                return error_response(request, error)
        # Sent only for a body, the one thing its receivers keep: a signal's
        # dispatch would cost every GET more than the rest of the middleware.
        # (A caching signal answers at once when no one listens.)
        _api_request_started.send(type(self), request=request)
        return None

    def process_exception(
        self, request: HttpRequest, exception: Exception
    ) -> HttpResponseBase | None:
        """A known exception from a plain Django view answers its JSON error.

        A bug is left to Django, which sends ``got_request_exception``, logs it
        and renders a 500 that ``finish_response`` turns into JSON; so other
        middleware's ``process_exception`` and Django's reporting still run.
        """
        if not state_of(request).is_api:
            return None
        api_error = convert_exception(exception)
        if api_error is None:
            return None
        return error_response(request, api_error)

    def finish_response(
        self,
        request: HttpRequest,
        response: HttpResponseBase,
        state: RequestState | None = None,
    ) -> HttpResponseBase:
        # Every success passes here: it only gets its request id (and the
        # headers a decorated view announces on every answer).
        if response.status_code >= 400:
            response = self.finish_error(request, response)
        if state is None:
            state = state_of(request)
        if state.answer_headers:
            for name, value in state.answer_headers.items():
                response.setdefault(name, value)
        response[errorkit_settings.REQUEST_ID_HEADER] = assign_request_id(
            request, state
        )
        return response

    def finish_error(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if self.needs_json_body(request, response):
            error = error_for_page(request, response)
            replaced, response = response, error_response(request, error)
            # Django logged the page it rendered; the JSON replacing it is the
            # same answer and must not be logged a second time.
            if was_logged(replaced):
                mark_logged(response)
        elif self.rendered_otherwise(request, response):
            # errorkit's error, rendered by a view's own renderer (an OpenAPI
            # document's, say): the error body is application/json, always.
            logged = was_logged(response)
            rendered = state_of(request).error
            assert rendered is not None  # rendered_otherwise() saw it
            response = json_error_response(rendered)
            mark_logged(response, logged)
        if wants_problem(request):
            response = self.as_problem(request, response)
        return response

    @staticmethod
    def as_problem(
        request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        """errorkit's error as RFC 9457 problem details (a body a view chose
        itself is left as it is)."""
        error = state_of(request).error
        if error is None or error.status != response.status_code or response.streaming:
            return response
        logged = was_logged(response)
        problem = problem_response(request, error, response)
        mark_logged(problem, logged)
        return problem

    @staticmethod
    def rendered_otherwise(request: HttpRequest, response: HttpResponseBase) -> bool:
        error = state_of(request).error
        return (
            error is not None
            and error.status == response.status_code
            and not response.streaming
            and media_type(response.get("Content-Type")) != "application/json"
        )

    @staticmethod
    def needs_json_body(request: HttpRequest, response: HttpResponseBase) -> bool:
        # Django's HTML pages (technical 404, CSRF failure, default handlers)
        # on API paths become JSON; a JSON body a view chose is kept as it is.
        return (
            bool(state_of(request).is_api)
            and response.status_code >= 400
            and not response.streaming
            and not is_json_response_type(response.get("Content-Type"))
        )
