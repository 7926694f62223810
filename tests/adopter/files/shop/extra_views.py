"""What the adopter test needs beside README.md's views: bugs, and the
project's own error classes raised on request."""

from __future__ import annotations

import time
from pathlib import Path

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

import errorkit

from . import views

SECRET = "adopter secret internal state 0xdeadbeef"


class QuotaExceeded(errorkit.APIError):
    """README's example of a project's own code, used when its views have none."""

    status_code = 403
    default_code = "quota_exceeded"
    default_detail = _("Your plan's monthly quota is used up.")


OWN_ERRORS: dict[str, type[errorkit.APIError]] = {
    name: value
    for name, value in vars(views).items()
    if isinstance(value, type)
    and issubclass(value, errorkit.APIError)
    and value.__module__ == views.__name__
} or {"QuotaExceeded": QuotaExceeded}


class Crash(APIView):
    """A bug in a DRF view."""

    def post(self, request: Request) -> Response:
        raise RuntimeError(SECRET)


def plain_crash(request: HttpRequest) -> HttpResponse:
    """A bug in a plain Django view."""
    raise RuntimeError(SECRET)


class OwnError(APIView):
    """Raises the project's own error class named in the path."""

    authentication_classes: list[type] = []
    permission_classes = [AllowAny]

    def get(self, request: Request, name: str) -> Response:
        raise OWN_ERRORS[name]()


class GatedOrder(APIView):
    """An idempotent call that says it runs, then waits while the gate file
    named in its body exists: the test repeats it meanwhile."""

    @errorkit.idempotent
    def post(self, request: Request) -> Response:
        Path(request.data["running"]).touch()
        gate, deadline = Path(request.data["gate"]), time.monotonic() + 30
        while gate.exists() and time.monotonic() < deadline:
            time.sleep(0.02)
        return Response({"done": True}, status=201)


def plain_own_error(request: HttpRequest, name: str) -> HttpResponse:
    raise OWN_ERRORS[name]()
