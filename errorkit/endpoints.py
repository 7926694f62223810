"""``errorkit.endpoint``: a paid endpoint declared in one line.

    class Jobs(APIView):
        @errorkit.endpoint(cost=price_of, idempotent=True, rate="60/m")
        def post(self, request): ...

is the same as writing ``errorkit.idempotent``, ``errorkit.ratelimit`` and
``errorkit.require_balance`` on the view (each only when asked for): the
same phases of one pipeline (``errorkit.pipeline``), in the same order.
It goes through the public exports, so ``cost`` needs ``errorkit.billing``
installed and ``idempotent=True`` needs ``errorkit.idempotency``, and each
says so when it is missing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ImproperlyConfigured

import errorkit

View = Callable[..., Any]


def endpoint(
    *,
    cost: Any = None,
    idempotent: bool = False,
    rate: Any = None,
    key: Any = "api_key",
    group: str | None = None,
    name: str | None = None,
) -> Callable[[View], View]:
    """Declare what a view costs, whether it honours ``Idempotency-Key`` and
    its rate limit (``rate``, ``key``, ``group`` and ``name`` as
    ``errorkit.ratelimit`` takes them)."""
    if cost is None and not idempotent and rate is None:
        raise ImproperlyConfigured(
            "errorkit.endpoint declares nothing: give it cost=, idempotent=True "
            "or rate=."
        )

    def decorator(view: View) -> View:
        if cost is not None:
            view = errorkit.require_balance(cost)(view)
        if rate is not None:
            view = errorkit.ratelimit(rate=rate, key=key, group=group, name=name)(view)
        if idempotent:
            view = errorkit.idempotent(view)
        return view

    return decorator
