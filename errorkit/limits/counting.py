"""Rate limits counted by django-ratelimit, answered truthfully.

django-ratelimit counts each key in fixed windows aligned to the epoch plus a
per-key offset. ``get_usage`` reports ``time_left``, the whole seconds from the
start of the current second to the window's last second: it reaches 0 while
the window is still closed and is always 0 for ``N/s`` rates. The window
reopens when its last second ends, so the truthful wait is ``time_left + 1``:
a client that sleeps it is admitted, one that comes back a second earlier is
not.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string
from django_ratelimit import ALL
from django_ratelimit.core import get_usage

from .. import exceptions as ek
from ..conf import errorkit_settings
from .keys import Key, key_function

logger = logging.getLogger("errorkit.ratelimit")

_RATE = re.compile(r"(\d+)/(\d*)([smhd])?")
_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}

# An sf-string's characters (RFC 8941), less the two it would have to escape.
_POLICY_NAME = re.compile(r"[ !#-\[\]-~]+")

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


def _default_name(count: int, period: int) -> str:
    return f"{count}-per-{period}s"


@dataclass(frozen=True)
class Limit:
    """One limit: ``rate`` per ``key``, for requests whose method is in ``method``."""

    rate: Rate
    key: Key = "api_key"
    method: Any = ALL
    group: str | None = None
    name: str | None = None
    # Worked out once, in __post_init__.
    _key: Callable[..., Any] = field(init=False, repr=False, compare=False)
    _parsed: tuple[int, int] | None = field(init=False, repr=False, compare=False)
    _name: str | None = field(init=False, repr=False, compare=False)
    _methods: frozenset[str] | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_key", key_function(self.key))
        if self.name is not None and not _POLICY_NAME.fullmatch(self.name):
            raise ImproperlyConfigured(
                f"Invalid rate-limit name {self.name!r}: it is quoted in the "
                "RateLimit headers, so use printable ASCII without '\"' or '\\'."
            )
        rate = self.rate
        static = isinstance(rate, tuple) or (isinstance(rate, str) and "." not in rate)
        # What can be worked out once is, here: a typo in a fixed rate fails
        # at import time, and each request does only its own work.
        parsed = parse_rate(rate) if static and isinstance(rate, (str, tuple)) else None
        object.__setattr__(self, "_parsed", parsed)
        object.__setattr__(
            self, "_name", self.name or (parsed and _default_name(*parsed))
        )
        methods = None
        if self.method != ALL and self.method is not None:
            listed = [self.method] if isinstance(self.method, str) else self.method
            methods = frozenset(m.upper() for m in listed)
        object.__setattr__(self, "_methods", methods)

    def fixed_rate(self) -> tuple[int, int] | None:
        """(count, seconds) when the rate is fixed; None when it is worked
        out per request (a callable) or there is none."""
        return self._parsed

    def counted_methods(self) -> frozenset[str] | None:
        """The methods this limit counts (upper case); None: every method."""
        return self._methods

    def policy_name(self, count: int, period: int) -> str:
        """The policy's name in the RateLimit headers."""
        return self._name or _default_name(count, period)

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
        return self._methods is None or request.method in self._methods


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


def seconds_until_reset(time_left: int, period: int) -> int:
    """The truthful wait, in whole seconds, from ``get_usage``'s ``time_left``.

    ``time_left`` is the window's last second minus the second ``get_usage``
    read last; the window reopens a second after its last second begins. When
    a second ticks between ``get_usage``'s two clock reads, ``time_left`` is
    -1 for a window that already reopened: the next second is then a true
    (if cautious) answer, never 0.
    """
    wait = time_left + 1
    if wait < 1:
        return 1
    return period if wait > period else wait


def count_request(request: Any, limit: Limit, group: str) -> LimitState | None:
    """Count ``request`` against ``limit``; None when the limit does not apply."""
    if not limit.applies_to(request):
        return None
    group = limit.group or group
    rate = limit.resolve_rate(group, request)
    if rate is None:
        return None
    value = limit._key(group, request)
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
    if usage is None:
        if not getattr(settings, "RATELIMIT_ENABLE", True):
            return None
        # The method matched, so RATELIMIT_FAIL_OPEN hid a cache failure.
        raise CacheUnavailable("the rate-limit cache did not count the request")
    # django-ratelimit's fail-closed answer. A counted request is at least the
    # first (time_left alone cannot tell: -1 is also a second that ticked).
    if usage["count"] < 1:
        raise CacheUnavailable("the rate-limit cache did not count the request")
    count, period = rate
    return LimitState(
        limit.policy_name(count, period),
        count,
        period,
        max(0, count - usage["count"]),
        seconds_until_reset(usage["time_left"], period),
        usage["should_limit"],
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


def check(request: Any, limits: Iterable[Limit], group: str) -> list[LimitState]:
    """Count ``request`` against ``limits``; raise the 429 when one is exceeded."""
    states = count_all(request, limits, group)
    error = exceeded_error(states)
    if error is not None:
        raise error
    return states


def exceeded_error(states: Sequence[LimitState]) -> ek.RateLimitExceeded | None:
    """The 429 for the limits exceeded, with the longest of their waits."""
    wait = 0
    for state in states:
        if state.exceeded and state.reset > wait:
            wait = state.reset
    if not wait:  # every state's reset is at least 1: none was exceeded
        return None
    headers = limit_headers(states)
    if headers:
        headers["Access-Control-Expose-Headers"] = _EXPOSED
    return ek.RateLimitExceeded(retry_after=wait, headers=headers)


EXPOSED_HEADERS = ("RateLimit-Policy", "RateLimit", "Retry-After")
_EXPOSED = ", ".join(EXPOSED_HEADERS)


def _header_values(states: Sequence[LimitState]) -> tuple[str, str]:
    """``RateLimit-Policy`` and ``RateLimit`` as in the IETF httpapi draft."""
    if len(states) == 1:  # the common case, on every limited response
        s = states[0]
        return (
            f'"{s.name}";q={s.limit};w={s.period}',
            f'"{s.name}";r={s.remaining};t={s.reset}',
        )
    return (
        ", ".join(f'"{s.name}";q={s.limit};w={s.period}' for s in states),
        ", ".join(f'"{s.name}";r={s.remaining};t={s.reset}' for s in states),
    )


def limit_headers(states: Sequence[LimitState]) -> dict[str, str]:
    """The limit headers for ``states``, or none when the setting turns them off."""
    if not states or not errorkit_settings.RATELIMIT_HEADERS:
        return {}
    policy, current = _header_values(states)
    return {"RateLimit-Policy": policy, "RateLimit": current}


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
    if not states or not errorkit_settings.RATELIMIT_HEADERS:
        return
    policy, current = _header_values(states)
    response["RateLimit-Policy"] = policy
    response["RateLimit"] = current
    response["Access-Control-Expose-Headers"] = exposed_value(
        response.get("Access-Control-Expose-Headers")
    )
