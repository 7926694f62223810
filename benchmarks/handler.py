"""errorkit's exception handler against drf-standardized-errors', same process.

Both handle the same exceptions in the same view context, and both bodies are
rendered to JSON, so the ratio compares everything a caller waits for. Runs are
interleaved and the best of several repeats is kept, so machine noise affects
both sides alike. Prints ratios (errorkit / drf-standardized-errors): < 1 is
faster.
"""

from __future__ import annotations

import os
import sys
import timeit
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django  # noqa: E402

django.setup()

from drf_standardized_errors.handler import (  # noqa: E402
    exception_handler as standardized_handler,
)
from rest_framework import exceptions as drf  # noqa: E402
from rest_framework.renderers import JSONRenderer  # noqa: E402
from rest_framework.test import APIRequestFactory  # noqa: E402
from rest_framework.views import APIView  # noqa: E402

from errorkit.handlers import exception_handler as errorkit_handler  # noqa: E402

renderer = JSONRenderer()


def nested_validation_error() -> drf.ValidationError:
    # 50 field errors, nested in a list of objects as a serializer makes them.
    items = [
        {"name": [drf.ErrorDetail("This field is required.", code="required")]}
        for _ in range(50)
    ]
    return drf.ValidationError({"input": {"items": items}})


CASES: dict[str, Callable[[], Exception]] = {
    "NotFound": lambda: drf.NotFound(),
    "ValidationError (50 nested fields)": nested_validation_error,
}


def context() -> dict:
    view = APIView()
    request = view.initialize_request(APIRequestFactory().get("/v1/x"))
    view.request = request
    view.format_kwarg = None
    return {"view": view, "request": request, "args": (), "kwargs": {}}


def timed(handler: Callable, make_exc: Callable[[], Exception], number: int) -> float:
    # A fresh request per call, as in real traffic, built outside the timing.
    contexts = iter([context() for _ in range(number)])

    def run() -> None:
        response = handler(make_exc(), next(contexts))
        renderer.render(response.data)

    return timeit.timeit(run, number=number) / number


def measure(number: int = 2000, rounds: int = 7) -> dict[str, tuple[float, float]]:
    results = {}
    for name, make_exc in CASES.items():
        ours, theirs = [], []
        for _ in range(rounds):  # interleaved: noise hits both sides alike
            ours.append(timed(errorkit_handler, make_exc, number))
            theirs.append(timed(standardized_handler, make_exc, number))
        results[name] = (min(ours), min(theirs))
    return results


def main() -> None:
    print("exception handler: errorkit vs drf-standardized-errors (best of 7)")
    for name, (ours, theirs) in measure().items():
        print(
            f"  {name:38s} errorkit {ours * 1e6:7.1f} us  "
            f"standardized {theirs * 1e6:7.1f} us  ratio {ours / theirs:.2f}x"
        )


if __name__ == "__main__":
    main()
