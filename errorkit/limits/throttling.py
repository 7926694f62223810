"""A DRF throttle on errorkit's counting, for limits set in DEFAULT_THROTTLE_CLASSES.

    REST_FRAMEWORK = {
        "DEFAULT_THROTTLE_CLASSES": ["errorkit.limits.throttling.RateLimitThrottle"],
        "DEFAULT_THROTTLE_RATES": {"errorkit": "1000/h"},
    }

It counts with django-ratelimit (atomic on Redis, unlike DRF's timestamp
lists) and DRF answers with errorkit's 429 and its exact ``retryAfter``.
Subclass it to set ``scope``, ``rate`` or ``key`` (default ``user_or_ip``).
"""

from __future__ import annotations

import functools
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle

from ..exceptions import RateLimitExceeded
from .counting import Limit, check
from .keys import Key


@functools.lru_cache(maxsize=256)
def _limit(rate: str, key: Key, group: str) -> Limit:
    # DRF makes a throttle per request; the limit it declares is built once.
    return Limit(rate=rate, key=key, group=group)


class RateLimitThrottle(BaseThrottle):
    scope: str = "errorkit"
    rate: str | None = None
    key: Key = "user_or_ip"

    def __init__(self) -> None:
        rate = self.rate
        if rate is None:
            rates = api_settings.DEFAULT_THROTTLE_RATES
            if self.scope not in rates:
                raise ImproperlyConfigured(
                    f"No rate for throttle scope {self.scope!r}: set "
                    f"REST_FRAMEWORK['DEFAULT_THROTTLE_RATES'][{self.scope!r}] "
                    f"or {type(self).__name__}.rate."
                )
            rate = str(rates[self.scope])
        self.limit = _limit(rate, self.key, f"throttle.{self.scope}")
        self._wait: int | None = None

    def allow_request(self, request: Any, view: Any) -> bool:
        self._wait = None
        try:
            check(request, (self.limit,), self.limit.group or "")
        except RateLimitExceeded as error:
            self._wait = error.retry_after
            return False
        return True

    def wait(self) -> float | None:
        return self._wait
