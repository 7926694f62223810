"""Views that raise what real projects raise, for the tests only."""

from __future__ import annotations

from django.conf import settings
from django.core import exceptions as django_exceptions
from django.db import OperationalError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_GET
from django_ratelimit.exceptions import Ratelimited
from rest_framework import exceptions as drf
from rest_framework import serializers
from rest_framework.decorators import (
    api_view,
    authentication_classes,
    permission_classes,
)
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework.viewsets import ViewSet

import errorkit
from errorkit.limits.throttling import RateLimitThrottle
from tests.testapp.models import Task


def errorkit_throttle(rate: str) -> type[RateLimitThrottle]:
    return type("TestThrottle", (RateLimitThrottle,), {"rate": rate, "scope": "test"})


class Boom(Exception):
    pass


SECRET_TEXT = "password=hunter2 at /srv/app/secret.py"

RAISERS = {
    "boom": lambda: Boom(SECRET_TEXT),
    "key_error": lambda: KeyError(SECRET_TEXT),
    "drf_validation": lambda: drf.ValidationError({"name": ["Too short."]}),
    "drf_validation_list": lambda: drf.ValidationError("Bad combination."),
    "drf_parse": lambda: drf.ParseError(),
    "drf_not_authenticated": lambda: drf.NotAuthenticated(),
    "drf_authentication_failed": lambda: drf.AuthenticationFailed("Key revoked."),
    "drf_permission_denied": lambda: drf.PermissionDenied(),
    "drf_not_found": lambda: drf.NotFound(),
    "drf_method_not_allowed": lambda: drf.MethodNotAllowed("PUT"),
    "drf_not_acceptable": lambda: drf.NotAcceptable(),
    "drf_unsupported_media_type": lambda: drf.UnsupportedMediaType("text/csv"),
    "drf_throttled": lambda: drf.Throttled(wait=12.2),
    "drf_throttled_no_wait": lambda: drf.Throttled(),
    "drf_custom_dict": lambda: drf.APIException({"quota": "used up"}),
    "http404": lambda: Http404("No Widget matches the given query."),
    "permission_denied": lambda: django_exceptions.PermissionDenied(),
    "ratelimited": lambda: Ratelimited(),
    "django_validation_dict": lambda: django_exceptions.ValidationError(
        {"end": ["End must be after start."], "__all__": ["Dates overlap."]}
    ),
    "django_validation_list": lambda: django_exceptions.ValidationError("Bad value."),
    "suspicious": lambda: django_exceptions.SuspiciousOperation(SECRET_TEXT),
    "bad_request": lambda: django_exceptions.BadRequest(SECRET_TEXT),
    "too_big": lambda: django_exceptions.RequestDataTooBig(),
    "invalid_request": lambda: errorkit.InvalidRequest(),
    "invalid_api_key": lambda: errorkit.InvalidAPIKey(),
    "insufficient_balance": lambda: errorkit.InsufficientBalance(),
    "forbidden": lambda: errorkit.Forbidden(),
    "not_found": lambda: errorkit.NotFound(),
    "kind_not_found": lambda: errorkit.NotFound(
        "No such model.", code="kind_not_found"
    ),
    "method_not_allowed": lambda: errorkit.MethodNotAllowed(allowed=["GET"]),
    "idempotency_conflict": lambda: errorkit.IdempotencyConflict(retry_after=2),
    "payload_too_large": lambda: errorkit.PayloadTooLarge(),
    "unsupported_media_type": lambda: errorkit.UnsupportedMediaType(),
    "idempotency_key_reused": lambda: errorkit.IdempotencyKeyReused(),
    "rate_limit_exceeded": lambda: errorkit.RateLimitExceeded(retry_after=59.2),
    "internal_error": lambda: errorkit.InternalError(),
    "bad_gateway": lambda: errorkit.BadGateway(),
    "service_unavailable": lambda: errorkit.ServiceUnavailable(retry_after=30),
    "service_unavailable_no_wait": lambda: errorkit.ServiceUnavailable(),
    "db_down": lambda: OperationalError(
        'connection to server at "10.0.0.5", port 5432 failed: Connection refused'
    ),
}


class OpenView(APIView):
    """Test views are open: authentication is tested on the demo's endpoints."""

    authentication_classes: list = []
    permission_classes: list = []


class RaiseView(OpenView):
    def get(self, request: Request, kind: str) -> Response:
        raise RAISERS[kind]()


@api_view(["GET"])
@authentication_classes([])
@permission_classes([])
def raise_function_view(request: Request, kind: str) -> Response:
    raise RAISERS[kind]()


@api_view(["GET"])
@authentication_classes([])
@permission_classes([])
def raise_another_function_view(request: Request, kind: str) -> Response:
    raise RAISERS[kind]()


def plain_raise(request: HttpRequest, kind: str) -> HttpResponse:
    raise RAISERS[kind]()


def plain_ok(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"ok": True})


def plain_json_error(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"custom": "kept"}, status=409)


@require_GET
def plain_get_only(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"ok": True})


@csrf_protect
def plain_csrf(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"ok": True})


def html_raise(request: HttpRequest, kind: str) -> HttpResponse:
    raise RAISERS[kind]()


def html_page(request: HttpRequest) -> HttpResponse:
    return HttpResponse("<p>hi</p>")


class ItemSerializer(serializers.Serializer):
    name = serializers.CharField()
    qty = serializers.IntegerField(min_value=1)

    def validate(self, attrs: dict) -> dict:
        if attrs["name"] == "bad":
            raise serializers.ValidationError("This item is not sold.")
        return attrs


class InputSerializer(serializers.Serializer):
    items = ItemSerializer(many=True)
    tags = serializers.ListField(child=serializers.IntegerField())


class OrderSerializer(serializers.Serializer):
    model = serializers.CharField()
    input = InputSerializer()

    def validate(self, attrs: dict) -> dict:
        if attrs["model"] == "conflict":
            raise serializers.ValidationError("Model conflicts with input.")
        return attrs


class OrderView(OpenView):
    def post(self, request: Request) -> Response:
        serializer = OrderSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return Response(serializer.validated_data, status=201)


class EchoView(OpenView):
    """Answers the parsed body: what the parser let through must render."""

    def post(self, request: Request) -> Response:
        return Response({"data": request.data})


class ManyErrorsSerializer(serializers.Serializer):
    items = ItemSerializer(many=True)


class ManyErrorsView(OpenView):
    def post(self, request: Request) -> Response:
        ManyErrorsSerializer(data=request.data).is_valid(raise_exception=True)
        return Response(status=204)


class WriteThenFail(OpenView):
    """Writes a row, then fails: ATOMIC_REQUESTS must roll the write back."""

    database = "default"

    def post(self, request: Request, kind: str) -> Response:
        Task.objects.using(self.database).create(kind="x", cost="0.25")
        raise RAISERS[kind]()


class WriteThenFailPostgres(WriteThenFail):
    database = "postgres"


async def plain_async_raise(request: HttpRequest, kind: str) -> HttpResponse:
    raise RAISERS[kind]()


async def plain_async_ok(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"ok": True})


def plain_log(request: HttpRequest) -> HttpResponse:
    import logging

    logging.getLogger("tests.plain").warning("inside the view")
    return JsonResponse({"ok": True})


# Rate-limited views: every kind of view errorkit.ratelimit decorates.


@errorkit.ratelimit(rate="2/m", key="ip")
def limited_plain(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"ok": True})


@errorkit.ratelimit(rate="2/m", key="ip")
async def limited_async(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"ok": True})


class LimitedAPIView(OpenView):
    @errorkit.ratelimit(rate="2/m", key="ip")
    def get(self, request: Request) -> Response:
        return Response({"ok": True})


@api_view(["GET"])
@authentication_classes([])
@permission_classes([])
@errorkit.ratelimit(rate="2/m", key="ip")
def limited_api_function(request: Request) -> Response:
    return Response({"ok": True})


class LimitedViewSet(ViewSet):
    authentication_classes: list = []
    permission_classes: list = []

    @errorkit.ratelimit(rate="2/m", key="ip")
    def list(self, request: Request) -> Response:
        return Response({"ok": True})


class StackedView(OpenView):
    @errorkit.ratelimit(rate="2/s", key="ip", name="burst")
    @errorkit.ratelimit(rate="3/h", key="ip", name="hourly")
    def get(self, request: Request) -> Response:
        return Response({"ok": True})


class TenantView(OpenView):
    @errorkit.ratelimit(rate="1/m", key="header:X-Tenant")
    def get(self, request: Request) -> Response:
        return Response({"ok": True})


class PostOnlyLimitView(OpenView):
    @errorkit.ratelimit(rate="1/m", key="ip", method="POST")
    def get(self, request: Request) -> Response:
        return Response({"ok": True})


def configurable_rate(group: str, request: Request) -> str:
    return getattr(settings, "TEST_LIMITED_RATE", "1000/m")


class ConfigurableLimitView(OpenView):
    """Writes a row per admitted request, at TEST_LIMITED_RATE per address."""

    @errorkit.ratelimit(rate=configurable_rate, key="ip")
    def post(self, request: Request) -> Response:
        Task.objects.create(kind="limited", payload=request.data, cost="0")
        return Response(status=201)


class ThrottledView(OpenView):
    throttle_classes = [errorkit_throttle("2/m")]

    def get(self, request: Request) -> Response:
        return Response({"ok": True})


# Incidents: one bug reached from two paths in one function, and another bug.


def lookup_price(catalog: dict, kind: str) -> object:
    if kind == "first":
        return catalog["missing-first"]  # KeyError, one line
    return catalog["missing-second"]  # the same KeyError, another line


class BuggyView(OpenView):
    def get(self, request: Request, kind: str) -> Response:
        if kind == "other-bug":
            return Response({"ratio": 1 / 0})
        return Response({"price": lookup_price({}, kind)})


class FingerprintedError(RuntimeError):
    errorkit_fingerprint = "custom-group"


class FingerprintedView(OpenView):
    def get(self, request: Request, n: int) -> Response:
        raise FingerprintedError(f"variant {n}")


class BenchmarkError(RuntimeError):
    pass


class FingerprintedBenchView(OpenView):
    """Ten distinct bugs by number, for benchmarks/incidents.py."""

    def get(self, request: Request, n: int) -> Response:
        error = BenchmarkError(f"bug {n}")
        error.errorkit_fingerprint = f"bench-{n}"
        raise error
