"""Cost per request of a 1000/min limit: errorkit.ratelimit against
django-ratelimit's own decorator and DRF's UserRateThrottle, in one process,
on the in-process cache and on Redis (when it answers).

Each contender serves the same trivial view to the same users; every user
stays under its limit, so what is measured is the cost of admitting a request
(counting included), the common case. Runs are interleaved and the best of
several rounds is kept. Prints ratios against django-ratelimit.
"""

from __future__ import annotations

import itertools
import os
import socket
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django  # noqa: E402

django.setup()

from django.core.cache import caches  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.test import RequestFactory, override_settings  # noqa: E402
from django_ratelimit.decorators import ratelimit as dr_ratelimit  # noqa: E402
from rest_framework.throttling import UserRateThrottle  # noqa: E402

import errorkit  # noqa: E402

RATE = "1000/m"
REQUESTS_PER_ROUND = 1900
# Two callers using 950 of their 1000 requests a minute: the load a limit
# exists for, and where DRF's per-key timestamp list is long.
USERS_PER_ROUND = 2
ROUNDS = 5
REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"


def view(request):
    return HttpResponse("ok")


errorkit_view = errorkit.ratelimit(rate=RATE, key="user")(view)
django_ratelimit_view = dr_ratelimit(key="user", rate=RATE)(view)


class Throttle(UserRateThrottle):
    rate = "1000/min"


def drf_view(request):
    # As APIView.check_throttles: a new throttle per request.
    if not Throttle().allow_request(request, None):
        raise RuntimeError("throttled in a benchmark that must stay under the limit")
    return view(request)


CONTENDERS: dict[str, Callable] = {
    "django-ratelimit": django_ratelimit_view,
    "errorkit.ratelimit": errorkit_view,
    "DRF UserRateThrottle": drf_view,
}

_user_ids = itertools.count(1)


def requests_for_round() -> list:
    factory = RequestFactory()
    users = [
        SimpleNamespace(pk=next(_user_ids), is_authenticated=True)
        for _ in range(USERS_PER_ROUND)
    ]
    batch = []
    for n in range(REQUESTS_PER_ROUND):
        request = factory.get("/v1/x")
        request.user = users[n % USERS_PER_ROUND]
        batch.append(request)
    return batch


def per_request(fn: Callable) -> tuple[float, float]:
    """Wall-clock and CPU seconds per request.

    On Redis the wall clock is mostly the round trips, which every contender
    waits for alike; CPU time is what each one costs the application server.
    """
    batch = iter(requests_for_round())
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(REQUESTS_PER_ROUND):
        fn(next(batch))
    return (
        (time.perf_counter() - wall) / REQUESTS_PER_ROUND,
        (time.process_time() - cpu) / REQUESTS_PER_ROUND,
    )


def cache_settings(backend: dict) -> dict:
    return {"default": backend, "ratelimit": backend}


def measure(backend: dict) -> dict[str, tuple[float, float]]:
    wall = {name: float("inf") for name in CONTENDERS}
    cpu = dict(wall)
    with override_settings(CACHES=cache_settings(backend)):
        caches["default"].clear()
        for _ in range(ROUNDS):
            for name, fn in CONTENDERS.items():  # interleaved
                w, c = per_request(fn)
                wall[name], cpu[name] = min(wall[name], w), min(cpu[name], c)
    return {name: (wall[name], cpu[name]) for name in CONTENDERS}


def redis_answers() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
        return True
    except OSError:
        return False


def main() -> None:
    backends = {
        "in-process cache": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache"
        },
    }
    if redis_answers():
        for name, path in (
            (
                "Redis, Django's RedisCache",
                "django.core.cache.backends.redis.RedisCache",
            ),
            ("Redis, errorkit.cache.RedisCache", "errorkit.cache.RedisCache"),
        ):
            backends[name] = {"BACKEND": path, "LOCATION": REDIS_URL}
    else:
        print("Redis is not reachable: measuring the in-process cache only")
    print(f"rate limit at {RATE}: cost per admitted request (best of {ROUNDS})")
    for label, backend in backends.items():
        results = measure(backend)
        wall_base, cpu_base = results["django-ratelimit"]
        print(f"  {label}:")
        for name, (wall, cpu) in results.items():
            print(
                f"    {name:22s} wall {wall * 1e6:7.1f} us {wall / wall_base:.2f}x"
                f"   cpu {cpu * 1e6:7.1f} us {cpu / cpu_base:.2f}x"
            )


if __name__ == "__main__":
    main()
