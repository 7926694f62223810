"""A separate process hammering one rate-limit key (for the Redis service tests)."""

from __future__ import annotations

import os
import time


def hammer(redis_url, key, rate, attempts, window_end, barrier, results) -> None:
    os.environ["REDIS_URL"] = redis_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"
    import django

    django.setup()
    from django.test import RequestFactory

    from errorkit.limits import Limit, count_request

    limit = Limit(rate=rate, key=lambda group, request: key)
    request = RequestFactory().get("/v1/x")
    admitted = []
    for phase in (0, 1):
        barrier.wait()  # every process starts each window together
        admitted.append(
            sum(
                not count_request(request, limit, "service").exceeded
                for _ in range(attempts)
            )
        )
        if phase == 0:
            time.sleep(max(0.0, window_end - time.time() + 0.2))
    results.put(admitted)
