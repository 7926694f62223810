"""The rate limits a project's URLconf declares with ``errorkit.ratelimit``,
as a caller would read them: which endpoint, which method, how many per how
long, counted per what. The customers' dashboard lists them."""

from __future__ import annotations

from dataclasses import dataclass

from ..pipeline import pipeline_of
from ..urlconf import handlers_of, routed_views
from .decorators import RateLimitPhase

# What a count is kept per, as a caller reads it.
PER_CALLER = frozenset({"api_key", "user", "user_or_ip"})


@dataclass(frozen=True)
class Policy:
    route: str  # "/v1/jobs/<str:job_id>"
    method: str  # "POST", or "" for every method
    name: str  # as the RateLimit headers name it
    count: int
    period: int  # seconds
    key: str  # "api_key", "user", "ip", "user_or_ip", "header:NAME" or "custom"


def routed_policies(urlconf: str | None = None) -> list[Policy]:
    """Every fixed rate limit of ``urlconf`` (ROOT_URLCONF by default), in
    URL order; a rate worked out per request is left out (it has no one
    value to show)."""
    found: dict[Policy, None] = {}
    for routed in routed_views(urlconf):
        for method, handler in handlers_of(routed.callback):
            pipeline = pipeline_of(handler)
            if pipeline is None:
                continue
            for phase in pipeline.phases:
                if not isinstance(phase, RateLimitPhase):
                    continue
                for limit in phase.limits:
                    rate = limit.fixed_rate()
                    if rate is None:
                        continue
                    # A HEAD routed to a GET's handler (DRF maps it on the
                    # first request) is that GET: listed once, as GET.
                    if method == "HEAD" and not limit.counted_methods():
                        continue
                    methods = limit.counted_methods() or {method}
                    for counted in sorted(methods):
                        policy = Policy(
                            route=routed.route,
                            method=counted,
                            name=limit.policy_name(*rate),
                            count=rate[0],
                            period=rate[1],
                            key=limit.key if isinstance(limit.key, str) else "custom",
                        )
                        found[policy] = None
    return list(found)
