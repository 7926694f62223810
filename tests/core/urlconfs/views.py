"""Views of every kind the ATOMIC_REQUESTS check tells apart (function,
@api_view, APIView, ViewSet), paid or not, exempt or not, and views that parse
with DRF's own JSONParser."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.http import HttpRequest, JsonResponse
from django.utils.decorators import method_decorator
from rest_framework import parsers
from rest_framework.decorators import (
    action,
    api_view,
    authentication_classes,
    parser_classes,
    permission_classes,
)
from rest_framework.exceptions import ParseError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework.viewsets import ViewSet

from errorkit.declarations import declare
from errorkit.parsers import JSONParser

PAID = ("errorkit.require_balance",)


def paid(view: Callable[..., Any]) -> Callable[..., Any]:
    """Declares what require_balance declares (it commits before the view
    runs), without the balance: these views are only inspected."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return view(*args, **kwargs)

    declare(wrapper, view, autocommit=PAID)
    return wrapper


# -- Function views ----------------------------------------------------------


@paid
def paid_function(request: HttpRequest) -> JsonResponse:
    return JsonResponse({})


@transaction.non_atomic_requests
@paid
def exempt_function(request: HttpRequest) -> JsonResponse:
    return JsonResponse({})


@api_view(["POST"])
@paid
def paid_api_function(request: Request) -> Response:
    return Response({})


@transaction.non_atomic_requests
@api_view(["POST"])
@paid
def exempt_api_function(request: Request) -> Response:
    return Response({})


@api_view(["POST"])
@transaction.non_atomic_requests  # below @api_view: Django never sees it
@paid
def misplaced_exempt_api_function(request: Request) -> Response:
    return Response({})


def free_function(request: HttpRequest) -> JsonResponse:
    return JsonResponse({})


# -- APIView classes ---------------------------------------------------------


class PaidView(APIView):
    @paid
    def post(self, request: Request) -> Response:
        return Response({})


@method_decorator(transaction.non_atomic_requests, name="dispatch")
class ExemptView(PaidView):
    pass


class MisplacedExemptView(APIView):
    # On the handler: Django reads the mark on as_view()'s function only.
    @method_decorator(transaction.non_atomic_requests)
    @paid
    def post(self, request: Request) -> Response:
        return Response({})


class FreeView(APIView):
    def post(self, request: Request) -> Response:
        return Response({})


# -- ViewSets ----------------------------------------------------------------


class PaidViewSet(ViewSet):
    def list(self, request: Request) -> Response:
        return Response([])

    @paid
    def create(self, request: Request) -> Response:
        return Response({})


@method_decorator(transaction.non_atomic_requests, name="dispatch")
class ExemptViewSet(PaidViewSet):
    pass


class PaidActionViewSet(ViewSet):
    """Only an @action is paid."""

    def list(self, request: Request) -> Response:
        return Response([])

    @action(detail=False, methods=["post"])
    @paid
    def charge(self, request: Request) -> Response:
        return Response({})


# -- Parsers -----------------------------------------------------------------


class DRFParserEcho(APIView):
    """Parses with DRF's own JSONParser, as a project may keep it."""

    authentication_classes: list = []
    permission_classes: list = []
    parser_classes = [parsers.JSONParser]

    def post(self, request: Request) -> Response:
        return Response({"data": request.data})


@api_view(["POST"])
@authentication_classes([])
@permission_classes([])
@parser_classes([parsers.JSONParser, parsers.FormParser])
def drf_parser_function(request: Request) -> Response:
    return Response({"data": request.data})


class OwnJSONParser(JSONParser):
    """A project's subclass of errorkit's parser: protected."""


class OwnParserEcho(DRFParserEcho):
    parser_classes = [OwnJSONParser, parsers.FormParser]


class FormOnly(DRFParserEcho):
    parser_classes = [parsers.FormParser]


class RecursingView(DRFParserEcho):
    """A bug that recurses: still a 500, whatever DRF's parser does."""

    def post(self, request: Request) -> Response:
        return self.post(request)


class ParseErrorFromView(DRFParserEcho):
    """Raises a ParseError of its own while handling a ValueError."""

    def post(self, request: Request) -> Response:
        try:
            int(request.data["n"])
        except ValueError:
            raise ParseError("Column n is not a number.")  # noqa: B904
        return Response({})
