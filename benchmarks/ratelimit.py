"""B3: cost per request of a 1000/min limit: errorkit.ratelimit against
django-ratelimit's own decorator and DRF's UserRateThrottle, in one process,
on the in-process cache and on Redis (when it answers): errorkit's own Redis
cache, django-redis, and Django's RedisCache.

Each contender serves the same trivial view to the same users; every user
stays under its limit, so what is measured is the cost of admitting a request
(counting included), the common case. Contenders take turns in slices within
each round; each round's ratios are paired within the round. The ratio is of
wall-clock time (what a caller waits); CPU time is printed beside it. Goals:
at most 1.05x django-ratelimit, and below DRF's throttle.
"""

from __future__ import annotations

import itertools
import os
import socket
import statistics
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.settings")

import django  # noqa: E402

django.setup()

from django.http import HttpResponse  # noqa: E402
from django.test import RequestFactory, override_settings  # noqa: E402
from django_ratelimit.decorators import ratelimit as dr_ratelimit  # noqa: E402
from rest_framework.throttling import UserRateThrottle  # noqa: E402

import errorkit  # noqa: E402
from benchmarks.harness import Row, publish, scaled  # noqa: E402

RATE = "1000/m"
REQUESTS_PER_ROUND = 1900
# Two callers using 950 of their 1000 requests a minute: the load a limit
# exists for, and where DRF's per-key timestamp list is long.
USERS_PER_ROUND = 2
ROUNDS = scaled(9, 3)
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


# Contenders take turns every SLICE requests, so that whatever drifts during a
# round (other load on the machine, Redis's own pauses) falls on all alike.
SLICE = 50


def one_round(order: list[str]) -> dict[str, tuple[float, float]]:
    """Wall-clock and CPU seconds per request of each contender, interleaved.

    On Redis the wall clock is mostly the round trips, which every contender
    waits for alike; CPU time is what each one costs the application server.
    """
    batches = {name: requests_for_round() for name in order}
    wall = dict.fromkeys(order, 0.0)
    cpu = dict.fromkeys(order, 0.0)
    for start in range(0, REQUESTS_PER_ROUND, SLICE):
        for name in order:
            fn, batch = CONTENDERS[name], batches[name][start : start + SLICE]
            w, c = time.perf_counter(), time.process_time()
            for request in batch:
                fn(request)
            wall[name] += time.perf_counter() - w
            cpu[name] += time.process_time() - c
    return {
        name: (wall[name] / REQUESTS_PER_ROUND, cpu[name] / REQUESTS_PER_ROUND)
        for name in order
    }


# Keys of this run alone: a Redis shared with anything else is never
# flushed, and counts left by an earlier run (within its minute) never count.
RUN = uuid.uuid4().hex[:12]


def cache_settings(backend: dict) -> dict:
    backend = {**backend, "KEY_PREFIX": f"errorkit-bench-{RUN}"}
    return {"default": backend, "ratelimit": backend}


BASELINE = "django-ratelimit"


@dataclass
class Result:
    wall: float  # best seconds per request over the rounds
    cpu: float
    wall_ratios: list[float]  # per round, against the baseline of that round
    cpu_ratios: list[float]


def measure(backend: dict) -> dict[str, Result]:
    """Rounds of interleaved contenders; ratios are paired within a round."""
    results = {name: Result(float("inf"), float("inf"), [], []) for name in CONTENDERS}
    names = list(CONTENDERS)
    with override_settings(CACHES=cache_settings(backend)):
        for round_ in range(ROUNDS):
            # Each round starts with a different contender, so none always
            # runs first in a slice.
            order = names[round_ % len(names) :] + names[: round_ % len(names)]
            timings = one_round(order)
            base_wall, base_cpu = timings[BASELINE]
            for name, (wall, cpu) in timings.items():
                result = results[name]
                result.wall, result.cpu = min(result.wall, wall), min(result.cpu, cpu)
                result.wall_ratios.append(wall / base_wall)
                result.cpu_ratios.append(cpu / base_cpu)
    return results


def spread(ratios: list[float]) -> str:
    return f"{statistics.median(ratios):.2f}x ({min(ratios):.2f}-{max(ratios):.2f})"


def redis_answers() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
        return True
    except OSError:
        return False


# Reported without a goal: its incr() costs a second round trip (an EXISTS
# before the INCR), which errorkit's RedisCache exists to remove; the
# system check errorkit.W005 points a project on it there.
DJANGO_REDIS_CACHE = "Django's RedisCache"


def backends() -> dict[str, dict]:
    found = {
        "in-process cache": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache"
        },
    }
    if not redis_answers():
        print(
            "B3: Redis is not reachable at 127.0.0.1:6379: "
            "measuring the in-process cache only"
        )
        return found
    for name, path in (
        ("errorkit's RedisCache", "errorkit.limits.cache.RedisCache"),
        ("django-redis", "django_redis.cache.RedisCache"),
        (DJANGO_REDIS_CACHE, "django.core.cache.backends.redis.RedisCache"),
    ):
        found[name] = {"BACKEND": path, "LOCATION": REDIS_URL}
    return found


def measure_rows() -> list[Row]:
    print(
        f"rate limit at {RATE}: cost per admitted request, best of {ROUNDS} rounds;"
        " ratio to django-ratelimit: median of the rounds (range)"
    )
    rows = []
    for label, backend in backends().items():
        results = measure(backend)
        print(f"  {label}:")
        for name, r in results.items():
            wall, cpu = spread(r.wall_ratios), spread(r.cpu_ratios)
            print(
                f"    {name:22s} wall {r.wall * 1e6:7.1f} us {wall:20s}"
                f" cpu {r.cpu * 1e6:7.1f} us {cpu}"
            )
        ours, throttle = results["errorkit.ratelimit"], results["DRF UserRateThrottle"]
        rows.append(
            Row(
                "B3",
                f"rate-limit check, {label}",
                "django-ratelimit",
                ours.wall_ratios,
                None if label == DJANGO_REDIS_CACHE else 1.05,
            )
        )
        rows.append(
            Row(
                "B3",
                f"rate-limit check, {label}",
                "DRF UserRateThrottle",
                [
                    a / b
                    for a, b in zip(ours.wall_ratios, throttle.wall_ratios, strict=True)
                ],
                None if label == DJANGO_REDIS_CACHE else 1.0,
            )
        )
    return rows


def main() -> None:
    publish(measure_rows())


if __name__ == "__main__":
    main()
