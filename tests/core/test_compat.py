"""errorkit.compat: the private details of Django and DRF that errorkit
reads are still there, and still mean what errorkit takes them to mean."""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest, HttpResponse
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
