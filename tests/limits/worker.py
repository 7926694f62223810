"""A separate process hammering one rate-limit key (for the Redis service tests)."""

from __future__ import annotations

import os
import time


def hammer(redis_url, backend, rate, attempts, ready, plan, together, results) -> None:
    """Count ``attempts`` calls in each of two windows, for every plan the
    parent sends (None ends it). With each pair of counts goes whether every
    call of the first phase ended before its window did and every call of the
    second inside the next window: a busy machine may stretch a burst across
    a window's edge, and the parent must not read that as a wrong count."""
    os.environ["REDIS_URL"] = redis_url
    os.environ["TEST_RATELIMIT_BACKEND"] = backend
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"
    import django

    django.setup()
    from django.test import RequestFactory

    from errorkit.limits.counting import Limit, count_request

    request = RequestFactory().get("/v1/x")
    ready.wait()  # set-up done everywhere: now the parent picks the window
    while (step := plan.get(timeout=60)) is not None:
        key, window_end, period = step
        limit = Limit(rate=rate, key=lambda group, request, key=key: key)
        admitted = []
        inside = True
        for phase in (0, 1):
            together.wait()  # every process starts each window at once
            admitted.append(
                sum(
                    not count_request(request, limit, "service").exceeded
                    for _ in range(attempts)
                )
            )
            inside = inside and time.time() < window_end + phase * period
            if phase == 0:
                time.sleep(max(0.0, window_end - time.time() + 0.2))
        results.put((admitted, inside))
