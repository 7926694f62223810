"""``errorkit.ratelimit``: a rate limit on a view that answers an honest 429.

    @errorkit.ratelimit(rate="10/s", key="api_key")
    @errorkit.ratelimit(rate="1000/h", key="api_key")
    def post(self, request): ...

Works on function views, DRF ``APIView`` handler methods, ``@api_view``
functions (put it below ``@api_view``, so that DRF has authenticated the
caller), ViewSet actions and async views. Stacked limits are merged into one
check, so every limit counts the request and a 429 reports the longest wait
among the limits exceeded. Beside ``errorkit.idempotent`` and
``errorkit.require_balance`` it is one phase of the view's pipeline
(``errorkit.pipeline``): a call is counted after its Idempotency-Key is
claimed (a replay is never counted) and before any money is held, whatever
the order the decorators are written in.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from django_ratelimit import ALL

from .. import exceptions as ek
from ..pipeline import Call, Phase, Stage, Step, add_phase, pipeline_of
from .counting import Limit, LimitState, Rate, apply_headers, check
from .keys import Key

View = Callable[..., Any]


@dataclass(frozen=True, eq=False)
class RateLimitPhase(Phase):
    """Count the call against every limit on the view, in one check."""

    stage: ClassVar[Stage] = Stage.LIMIT
    name: ClassVar[str] = "errorkit.ratelimit"

    # The count's group when a limit names none: the view's dotted name.
    group: str
    limits: tuple[Limit, ...] = ()

    def begin(self, call: Call) -> Step:
        return LimitHeaders(check(call.request, self.limits, self.group))

    def join(self, inner: Phase) -> Phase:
        assert isinstance(inner, RateLimitPhase)
        return RateLimitPhase(self.group, (*self.limits, *inner.limits))


@dataclass(eq=False)
class LimitHeaders(Step):
    """The counted limits, reported on the answer (RateLimit headers)."""

    states: list[LimitState]

    def settle(self, response: Any) -> Any:
        apply_headers(response, self.states)
        return response


def ratelimit(
    rate: Rate = None,
    key: Key = "api_key",
    method: Any = ALL,
    group: str | None = None,
    name: str | None = None,
) -> Callable[[View], View]:
    """Limit a view to ``rate`` requests per ``key``.

    ``rate``: django-ratelimit's syntax ("10/s", "100/5m"), a callable
    ``(group, request) -> rate`` or its dotted path (None: no limit).
    ``key``: "api_key", "user", "ip", "user_or_ip", "header:NAME", a callable
    ``(group, request) -> str`` or its dotted path. ``method``: the methods
    counted (all by default). ``group``: shares one count between views
    (default: the view's dotted name). ``name``: the policy's name in the
    RateLimit headers.
    """
    limit = Limit(rate=rate, key=key, method=method, group=group, name=name)

    def decorator(view: View) -> View:
        below = pipeline_of(view)
        inner = below.view if below is not None else view
        default_group = f"{inner.__module__}.{inner.__qualname__}"
        phase = RateLimitPhase(default_group, (limit,))
        return add_phase(view, phase, ek.RateLimitExceeded)

    return decorator
