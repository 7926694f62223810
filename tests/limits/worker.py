"""A separate process hammering one rate-limit key (for the Redis service tests)."""

from __future__ import annotations

import os
import time


def hammer(redis_url, backend, rate, attempts, ready, plan, together, results) -> None:
    os.environ["REDIS_URL"] = redis_url
    os.environ["TEST_RATELIMIT_BACKEND"] = backend
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"
    import django

    django.setup()
    from django.test import RequestFactory

    from errorkit.limits.counting import Limit, count_request

    request = RequestFactory().get("/v1/x")
    ready.wait()  # set-up done everywhere: now the parent picks the window
    key, window_end = plan.get(timeout=30)
    limit = Limit(rate=rate, key=lambda group, request: key)
    admitted = []
    for phase in (0, 1):
        together.wait()  # every process starts each window at once
        admitted.append(
            sum(
                not count_request(request, limit, "service").exceeded
                for _ in range(attempts)
            )
        )
        if phase == 0:
            time.sleep(max(0.0, window_end - time.time() + 0.2))
    results.put(admitted)
