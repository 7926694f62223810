"""What the client learns from answers, per endpoint: whether it honours
``Idempotency-Key`` (errorkit says ``Idempotency-Supported: true`` on every
answer of such an endpoint), and its rate-limit policies from the
``RateLimit`` header (IETF httpapi draft, as errorkit sends it), so that a
call is held back until a policy with nothing left resets instead of earning
a 429.

Learned only upwards: an answer without the announcement (a proxy's 502, a
401 answered before the endpoint ran) does not unlearn it.
"""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass

import httpx

ANNOUNCEMENT = "Idempotency-Supported"

# One list member of RateLimit: "name";r=0;t=3 (the name as a string or a
# token; other parameters are allowed and ignored).
_ITEM = re.compile(
    r'^\s*(?:"(?P<quoted>[^"\\]*)"|(?P<token>[A-Za-z*][\w:./*-]*))'
    r"(?P<params>(?:;[^,;]*)*)\s*$"
)
_PARAM = re.compile(r"^\s*(?P<key>[a-z][a-z0-9_.*-]*)\s*=\s*(?P<value>\d{1,12})\s*$")


@dataclass(frozen=True)
class PolicyState:
    """One policy of a RateLimit header: calls left, seconds to reset."""

    name: str
    remaining: int
    reset: int


def policies_of(value: str | None) -> list[PolicyState]:
    """The policies a ``RateLimit`` header lists; what it cannot read is
    left out (a header of another format says nothing)."""
    if not value:
        return []
    found: list[PolicyState] = []
    for member in value.split(","):
        match = _ITEM.match(member)
        if match is None:
            continue
        params: dict[str, int] = {}
        for param in match["params"].split(";")[1:]:
            parsed = _PARAM.match(param)
            if parsed is not None:
                params[parsed["key"]] = int(parsed["value"])
        if "r" in params and "t" in params:
            name = match["quoted"] if match["quoted"] is not None else match["token"]
            found.append(PolicyState(name, params["r"], params["t"]))
    return found


class EndpointMemory:
    """What one client has learned, shared by its threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._honours_key: set[tuple[str, str]] = set()
        self._policies: dict[tuple[str, str], tuple[str, ...]] = {}
        self._until: dict[str, float] = {}

    def learn(self, endpoint: tuple[str, str], response: httpx.Response) -> None:
        announced = response.headers.get(ANNOUNCEMENT, "").strip().lower() == "true"
        states = policies_of(response.headers.get("RateLimit"))
        if not announced and not states:
            return
        now = time.monotonic()
        with self._lock:
            if announced:
                self._honours_key.add(endpoint)
            if states:
                self._policies[endpoint] = tuple(state.name for state in states)
                for state in states:
                    if state.remaining == 0:
                        self._until[state.name] = now + state.reset
                    else:
                        self._until.pop(state.name, None)

    def honours_key(self, endpoint: tuple[str, str]) -> bool:
        return endpoint in self._honours_key

    def wait_before(self, endpoint: tuple[str, str]) -> float:
        """Seconds until every policy of ``endpoint`` has a call left."""
        with self._lock:
            names = self._policies.get(endpoint, ())
            until = max((self._until.get(name, 0.0) for name in names), default=0.0)
        return max(0.0, until - time.monotonic())
