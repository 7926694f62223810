"""B2: errorkit's exception handler against drf-standardized-errors' and
DRF's default, in one process.

Each handler turns the same exception, raised in the same view context, into
its response (errorkit's behind the state its middleware leaves, as it is
documented to run), rendered to JSON as the caller receives it: DRF's default
messages, a message the view chose, a ValidationError with 50 nested field
errors, and an unhandled exception (DRF's default handler leaves that to
Django, which logs it and renders its 500 page: that is its cost). Incident
recording is off: B4 measures it. Goal: at most 0.9x drf-standardized-errors
on every case.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.settings")

import django  # noqa: E402

django.setup()

from django.core.handlers.exception import response_for_exception  # noqa: E402
from drf_standardized_errors.handler import (  # noqa: E402
    exception_handler as standardized_handler,
)
from rest_framework import exceptions as drf  # noqa: E402
from rest_framework.test import APIRequestFactory  # noqa: E402
from rest_framework.views import APIView  # noqa: E402
from rest_framework.views import exception_handler as drf_handler  # noqa: E402

from benchmarks.harness import Row, alternate, micros, publish, ratios, scaled  # noqa: E402
from benchmarks.incidents import recording_off  # noqa: E402
from errorkit.compat.drf import django_request  # noqa: E402
from errorkit.handlers import exception_handler as errorkit_handler  # noqa: E402
from errorkit.request_id import new_request_id  # noqa: E402
from errorkit.state import state_of  # noqa: E402

GOAL = 0.9
ROUNDS, SLICES, PER_SLICE = scaled(11, 5), scaled(20, 8), 25


def nested_validation_error() -> drf.ValidationError:
    # 50 field errors, nested in a list of objects as a serializer makes them.
    items = [
        {"name": [drf.ErrorDetail("This field is required.", code="required")]}
        for _ in range(50)
    ]
    return drf.ValidationError({"input": {"items": items}})


class Bug(RuntimeError):
    pass


CASES: dict[str, Callable[[], Exception]] = {
    "DRF's default message (NotFound)": lambda: drf.NotFound(),
    "a message the view chose": lambda: drf.PermissionDenied(
        "This API key may not delete tasks of another account."
    ),
    "ValidationError, 50 nested fields": nested_validation_error,
    "unhandled exception": lambda: Bug("secret internal state"),
}


def context() -> dict:
    view = APIView()
    http_request = APIRequestFactory().get("/v1/x")
    # As ErrorkitMiddleware leaves every API request (B1 measures that
    # work): the handler it documents runs behind it. The other handlers
    # ignore this state.
    state = state_of(http_request)
    state.is_api, state.request_id = True, new_request_id()
    request = view.initialize_request(http_request)
    view.request = request
    view.format_kwarg = None
    view.headers = {}
    return {"view": view, "request": request, "args": (), "kwargs": {}}


def drf_default(exc: Exception, ctx: dict):
    # What follows DRF's None: Django's own handling of the exception.
    return drf_handler(exc, ctx) or response_for_exception(
        django_request(ctx["request"]), exc
    )


def contender(handler: Callable, make_exc: Callable[[], Exception]):
    def run(n: int) -> float:
        # A fresh request and view per call, as in real traffic, built
        # outside the timing; finalize_response renders as DRF's view does.
        contexts = [context() for _ in range(n)]
        started = time.perf_counter()
        for ctx in contexts:
            response = handler(make_exc(), ctx)
            response = ctx["view"].finalize_response(ctx["request"], response)
            if hasattr(response, "render"):  # Django's own 500 is rendered
                response.render()
        return time.perf_counter() - started

    return run


HANDLERS = {
    "errorkit": errorkit_handler,
    "drf-standardized-errors": standardized_handler,
    "DRF's default handler": drf_default,
}


def measure() -> list[Row]:
    rows = []
    with recording_off():
        for case, make_exc in CASES.items():
            results = alternate(
                {name: contender(h, make_exc) for name, h in HANDLERS.items()},
                ROUNDS,
                SLICES,
                PER_SLICE,
            )
            detail = ", ".join(f"{name} {micros(results[name])}" for name in HANDLERS)
            for baseline, goal in (
                ("drf-standardized-errors", GOAL),
                ("DRF's default handler", None),
            ):
                rows.append(
                    Row(
                        "B2",
                        f"handler: {case}",
                        baseline,
                        ratios(results, "errorkit", baseline),
                        goal,
                        detail=detail,
                    )
                )
    return rows


def main() -> None:
    rows = measure()
    for row in rows[::2]:
        print(f"  {row.what}: {row.detail}")
    publish(rows)


if __name__ == "__main__":
    main()
