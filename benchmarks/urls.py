"""The benchmarks' views: one endpoint, served twice (errorkit's parser and
bare DRF's), each under its own URL conf (this one and ``urls_bare``) so that both
resolve the same path with the same work."""

from __future__ import annotations

from django.urls import path
from rest_framework import parsers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from errorkit.parsers import JSONParser


class Items(APIView):
    """A list and a create, as a typical API endpoint: small JSON out, the
    body's fields read in."""

    def get(self, request: Request) -> Response:
        return Response({"data": [{"id": n, "name": f"item {n}"} for n in range(5)]})

    def post(self, request: Request) -> Response:
        return Response({"received": len(request.data["items"])}, status=201)


class BareItems(Items):
    parser_classes = [parsers.JSONParser]


class ErrorkitItems(Items):
    parser_classes = [JSONParser]


urlpatterns = [path("v1/items", ErrorkitItems.as_view())]
