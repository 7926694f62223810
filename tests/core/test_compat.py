"""errorkit.compat: the private details of Django and DRF that errorkit
reads are still there, and still mean what errorkit takes them to mean."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory
from django.utils.decorators import method_decorator
from django.views import View
from rest_framework.decorators import api_view
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework.viewsets import ViewSet

from errorkit.compat.django import non_atomic_aliases
from errorkit.compat.drf import api_view_function


def plain(request: HttpRequest) -> HttpResponse:
    return HttpResponse()


def test_non_atomic_requests_marks_the_function_view():
    assert non_atomic_aliases(plain) == set()
    view = transaction.non_atomic_requests(lambda request: HttpResponse())
    assert non_atomic_aliases(view) == {"default"}
    view = transaction.non_atomic_requests(using="other")(view)
    assert non_atomic_aliases(view) == {"default", "other"}


def test_the_mark_on_dispatch_reaches_as_views_function_for_every_kind():
    for base in (View, APIView, ViewSet):

        @method_decorator(transaction.non_atomic_requests, name="dispatch")
        class Exempt(base):  # type: ignore[valid-type, misc]
            def list(self, request: Request) -> Response:
                return Response()

        class NotExempt(base):  # type: ignore[valid-type, misc]
            def list(self, request: Request) -> Response:
                return Response()

        kwargs = {"actions": {"get": "list"}} if base is ViewSet else {}
        assert non_atomic_aliases(Exempt.as_view(**kwargs)) == {"default"}, base
        assert non_atomic_aliases(NotExempt.as_view(**kwargs)) == set(), base


def test_the_mark_is_what_djangos_handler_reads():
    """Django's handler wraps a view in the request's transaction unless the
    mark names the alias: the mark is the whole exemption."""
    from django.core.handlers.base import BaseHandler
    from django.db import connections

    def not_exempt(request: HttpRequest) -> HttpResponse:
        return HttpResponse()

    @transaction.non_atomic_requests
    def exempt(request: HttpRequest) -> HttpResponse:
        return HttpResponse()

    handler = BaseHandler()
    settings_dict = connections["default"].settings_dict
    before = settings_dict["ATOMIC_REQUESTS"]
    settings_dict["ATOMIC_REQUESTS"] = True
    try:
        assert handler.make_view_atomic(exempt) is exempt
        assert handler.make_view_atomic(not_exempt) is not not_exempt
    finally:
        settings_dict["ATOMIC_REQUESTS"] = before


def test_api_view_function_is_the_decorated_function():
    def charge(request: Request) -> Response:
        return Response()

    callback = api_view(["POST", "PUT"])(charge)
    assert api_view_function(callback.cls) is charge


def test_api_view_function_of_any_other_class_is_none():
    class Plain(APIView):
        def post(self, request: Request) -> Response:
            return Response()

    assert api_view_function(Plain) is None
    assert api_view_function(View) is None


def test_log_response_marks_what_it_logs_and_skips_what_is_marked(caplog):
    from django.utils.log import log_response

    from errorkit.compat.django import mark_logged, was_logged

    request = RequestFactory().get("/v1/x")
    logged = HttpResponse(status=404)
    assert not was_logged(logged)
    with caplog.at_level("WARNING", logger="django.request"):
        log_response("Not Found: %s", "/v1/x", response=logged, request=request)
    assert was_logged(logged) and len(caplog.records) == 1
    replacement = HttpResponse(status=404)
    mark_logged(replacement)
    with caplog.at_level("WARNING", logger="django.request"):
        log_response("Not Found: %s", "/v1/x", response=replacement, request=request)
    assert len(caplog.records) == 1  # the marked one was not logged again
    mark_logged(replacement, False)
    assert not was_logged(replacement)


def test_csrf_middleware_marks_the_requests_it_accepts():
    from django.middleware.csrf import CsrfViewMiddleware

    from errorkit.compat.django import csrf_accepted

    middleware = CsrfViewMiddleware(lambda request: HttpResponse())
    accepted = RequestFactory().get("/v1/x")
    assert not csrf_accepted(accepted)
    assert middleware.process_view(accepted, plain, (), {}) is None
    assert csrf_accepted(accepted)
    refused = RequestFactory().post("/v1/x")
    answer = middleware.process_view(refused, plain, (), {})
    assert answer is not None and answer.status_code == 403
    assert not csrf_accepted(refused)


def test_djangos_redis_cache_client_has_a_pool_per_server_and_a_client_class():
    redis = pytest.importorskip("redis", reason="the redis extra is not installed")
    from django.core.cache.backends.redis import RedisCacheClient

    from errorkit.compat.django import redis_client_class, redis_connection_pool

    # Made without connecting: a pool connects on a client's first command.
    cache_client = RedisCacheClient(["redis://127.0.0.1:1/0", "redis://127.0.0.1:2/0"])
    write = redis_connection_pool(cache_client, True)
    assert isinstance(write, redis.ConnectionPool)
    assert redis_connection_pool(cache_client, True) is write  # kept, not rebuilt
    assert write.connection_kwargs["port"] == 1  # writes go to the first server
    made = redis_client_class(cache_client)(connection_pool=write)
    assert isinstance(made, redis.Redis) and made.connection_pool is write


def test_a_drf_request_keeps_its_django_request():
    from errorkit.compat.drf import django_request

    http_request = RequestFactory().get("/v1/x")
    assert django_request(Request(http_request)) is http_request
    assert django_request(http_request) is http_request


def test_drf_spectacular_still_builds_responses_and_fields_through_the_hooks():
    pytest.importorskip("drf_spectacular", reason="the openapi extra is missing")
    from django.urls import path
    from drf_spectacular.generators import SchemaGenerator
    from rest_framework import serializers

    from errorkit.compat.spectacular import HookedAutoSchema

    seen: list[tuple[str, object]] = []

    class Recording(HookedAutoSchema):
        def response_bodies(self, responses, direction):
            seen.append(("bodies", direction))
            return {**responses, "299": {"description": "added by the hook"}}

        def serializer_field(self, schema, field):
            seen.append(("field", type(field).__name__))
            return {**schema, "x-hooked": True}

    class Body(serializers.Serializer):
        amount = serializers.DecimalField(max_digits=8, decimal_places=2)

    class Pay(APIView):
        schema = Recording()
        serializer_class = Body

        def post(self, request: Request) -> Response:
            return Response()

    generator = SchemaGenerator(patterns=[path("pay", Pay.as_view())])
    schema = generator.get_schema(request=None, public=True)
    operation = schema["paths"]["/pay"]["post"]
    assert operation["responses"]["299"] == {"description": "added by the hook"}
    body = schema["components"]["schemas"]["Body"]["properties"]["amount"]
    assert body["x-hooked"] is True
    assert ("bodies", "response") in seen and ("field", "DecimalField") in seen
