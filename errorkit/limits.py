"""Rate limits counted by django-ratelimit, answered truthfully.

django-ratelimit counts each key in fixed windows aligned to the epoch plus a
per-key offset. ``get_usage`` reports ``time_left``, the seconds from the start
of the current second to the window's last second: it reaches 0 while the
window is still closed and is always 0 for ``N/s`` rates. The window really
reopens one second after that last second begins, so the truthful wait is
``window_end + 1 - now``, rounded up: a client that sleeps it is admitted, one
that comes back a second earlier is not.
"""

from __future__ import annotations

import logging
import math
import re
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string
from django_ratelimit import ALL
from django_ratelimit.core import get_usage

from . import exceptions as ek
from .conf import errorkit_settings
from .limit_keys import Key, key_value, validate_key

logger = logging.getLogger("errorkit.ratelimit")

_RATE = re.compile(r"(\d+)/(\d*)([smhd])?")
_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}

Rate = str | tuple[int, int] | Callable[[str, Any], Any] | None


def parse_rate(rate: str | tuple[int, int]) -> tuple[int, int]:
    """``"100/5m"`` as ``(100, 300)``: django-ratelimit's syntax, checked."""
    if isinstance(rate, tuple):
        count, period = rate
    else:
        match = _RATE.fullmatch(rate.strip()) if isinstance(rate, str) else None
        if match is None:
            raise ImproperlyConfigured(
                f"Invalid rate {rate!r}: write N/period, e.g. '10/s', '100/5m', "
                "'1000/h' or '5000/d'."
            )
        count = int(match.group(1))
        period = _PERIODS[(match.group(3) or "s").lower()] * int(match.group(2) or 1)
    if period <= 0:
        raise ImproperlyConfigured(f"Invalid rate {rate!r}: the period must be > 0.")
    return int(count), int(period)


@dataclass(frozen=True)
class Limit:
    """One limit: ``rate`` per ``key``, for requests whose method is in ``method``."""

    rate: Rate
    key: Key = "api_key"
    method: Any = ALL
    group: str | None = None
    name: str | None = None

    def __post_init__(self) -> None:
        validate_key(self.key)
        static = isinstance(self.rate, tuple) or (
            isinstance(self.rate, str) and "." not in self.rate
        )
        # A fixed rate is parsed once, here, so a typo fails at import time.
        object.__setattr__(self, "_parsed", parse_rate(self.rate) if static else None)

    def resolve_rate(self, group: str, request: Any) -> tuple[int, int] | None:
        if self._parsed is not None:
            return self._parsed
        rate = self.rate
        if isinstance(rate, str) and "." in rate:
            rate = import_string(rate)
        if callable(rate):
            rate = rate(group, request)
        return None if rate is None else parse_rate(rate)

    def applies_to(self, request: Any) -> bool:
        if self.method == ALL or self.method is None:
            return True
        methods = [self.method] if isinstance(self.method, str) else self.method
        return request.method in {m.upper() for m in methods}


@dataclass(slots=True)
class LimitState:
    """Where one limit stands after counting this request."""

    name: str
    limit: int
    period: int
    remaining: int
    reset: int  # whole seconds until the window reopens, 1..period
    exceeded: bool


class CacheUnavailable(Exception):
    """The rate-limit cache did not answer."""


def seconds_until_reset(time_left: int, now: float, period: int) -> int:
    """The truthful wait, in whole seconds, from ``get_usage``'s ``time_left``.

    ``get_usage`` read the clock at or before ``now``. If a second began in
    between, taking ``now``'s second as its own places the window's end one
    second late: the wait can only err long (never past the period), never
    short.
    """
    window_end = time_left + int(now)
    wait = math.ceil(window_end + 1 - now)
    return min(period, max(1, wait))


# The time django-ratelimit's windows are aligned to (a name, for tests).
clock = time.time


def count_request(request: Any, limit: Limit, group: str) -> LimitState | None:
    """Count ``request`` against ``limit``; None when the limit does not apply."""
    if not limit.applies_to(request):
        return None
    group = limit.group or group
    rate = limit.resolve_rate(group, request)
    if rate is None:
        return None
    count, period = rate
    value = key_value(limit.key, group, request)
    try:
        usage = get_usage(
            request,
            group=group,
            key=lambda _group, _request: value,
            rate=rate,
            method=limit.method,
            increment=True,
        )
    except ImproperlyConfigured:
        raise
    except Exception as exc:  # the cache client's own errors: Redis down, ...
        raise CacheUnavailable(str(exc)) from exc
    now = clock()
    if usage is None:
        if not getattr(settings, "RATELIMIT_ENABLE", True):
            return None
        # The method matched, so RATELIMIT_FAIL_OPEN hid a cache failure.
        raise CacheUnavailable("the rate-limit cache did not count the request")
    if usage["time_left"] < 0:  # django-ratelimit's fail-closed answer
        raise CacheUnavailable("the rate-limit cache did not count the request")
    return LimitState(
        name=limit.name or f"{count}-per-{period}s",
        limit=count,
        period=period,
        remaining=max(0, count - usage["count"]),
        reset=seconds_until_reset(usage["time_left"], now, period),
        exceeded=usage["should_limit"],
    )


def count_all(request: Any, limits: Iterable[Limit], group: str) -> list[LimitState]:
    """Count ``request`` against every limit that applies.

    Raises ``ServiceUnavailable`` when the cache fails and the setting says
    "closed"; with "open" the request is admitted and a warning logged.
    """
    states = []
    for limit in limits:
        try:
            state = count_request(request, limit, group)
        except CacheUnavailable as exc:
            if errorkit_settings.RATELIMIT_ON_CACHE_FAILURE == "closed":
                raise ek.ServiceUnavailable(
                    retry_after=errorkit_settings.RATELIMIT_FAILURE_RETRY_AFTER
                ) from exc
            logger.warning(
                "Rate-limit cache unavailable, request admitted unchecked: %s", exc
            )
            continue
        if state is not None:
            states.append(state)
    return states


def exceeded_error(states: Sequence[LimitState]) -> ek.RateLimitExceeded | None:
    """The 429 for the limits exceeded, with the longest of their waits."""
    waits = [state.reset for state in states if state.exceeded]
    if not waits:
        return None
    headers = limit_headers(states)
    if headers:
        headers["Access-Control-Expose-Headers"] = _EXPOSED
    return ek.RateLimitExceeded(retry_after=max(waits), headers=headers)


EXPOSED_HEADERS = ("RateLimit-Policy", "RateLimit", "Retry-After")
_EXPOSED = ", ".join(EXPOSED_HEADERS)


def limit_headers(states: Sequence[LimitState]) -> dict[str, str]:
    """``RateLimit-Policy`` and ``RateLimit`` as in the IETF httpapi draft."""
    if not states or not errorkit_settings.RATELIMIT_HEADERS:
        return {}
    if len(states) == 1:  # the common case, on every limited response
        s = states[0]
        return {
            "RateLimit-Policy": f'"{s.name}";q={s.limit};w={s.period}',
            "RateLimit": f'"{s.name}";r={s.remaining};t={s.reset}',
        }
    return {
        "RateLimit-Policy": ", ".join(
            f'"{s.name}";q={s.limit};w={s.period}' for s in states
        ),
        "RateLimit": ", ".join(
            f'"{s.name}";r={s.remaining};t={s.reset}' for s in states
        ),
    }


def exposed_value(existing: str | None) -> str:
    """Access-Control-Expose-Headers naming the limit headers, keeping ``existing``."""
    if not existing:
        return _EXPOSED
    names = [h.strip() for h in existing.split(",") if h.strip()]
    lowered = {h.lower() for h in names}
    names += [h for h in EXPOSED_HEADERS if h.lower() not in lowered]
    return ", ".join(names)


def apply_headers(response: Any, states: Sequence[LimitState]) -> None:
    """Put the limit headers on a response the view made (CORS-exposed)."""
    headers = limit_headers(states)
    if not headers:
        return
    for name, value in headers.items():
        response[name] = value
    response["Access-Control-Expose-Headers"] = exposed_value(
        response.headers.get("Access-Control-Expose-Headers")
    )
