"""``errorkit.require_balance``: a view is charged only for a 2xx answer.

The cost is reserved before the view runs, by one conditional UPDATE
(``balance = balance - cost WHERE balance >= cost``), committed at once, so no
row lock is held while the view runs and two racing requests can never spend
the same money. If the view answers anything but 2xx, or raises, the cost is
given back with a refund entry: a failed job costs nothing.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from rest_framework.exceptions import NotAuthenticated

from .. import exceptions as ek
from ..conf import errorkit_settings
from ..declarations import declare
from ..installed import require_app
from ..state import state_of
from ..view_requests import find_request, require_autocommit, require_sync_view

if TYPE_CHECKING:
    from .backends import BalanceBackend

# The backend (a setting) keeps the money in errorkit.billing's tables.
require_app("errorkit.billing", "errorkit.require_balance")

Cost = Decimal | int | str | Callable[[Any], Any]


def _cost_of(cost: Cost, request: Any) -> Decimal | None:
    value = cost(request) if callable(cost) else cost
    return None if value is None else Decimal(str(value))


def require_balance(cost: Cost) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Charge ``cost`` (a Decimal, or a callable of the request) for a 2xx answer.

    402 ``insufficient_balance`` when the caller's balance is short. A callable
    may return None for "nothing to charge" (the view then reports what is
    wrong with the request). The reservation is ``request.errorkit.charge``.
    """
    if not callable(cost):
        _cost_of(cost, None)  # a bad fixed cost fails at import time

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        require_sync_view(view, "errorkit.require_balance")

        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            request = find_request(args, "errorkit.require_balance")
            amount = _cost_of(cost, request)
            if amount is None or amount <= 0:
                return view(*args, **kwargs)
            user = getattr(request, "user", None)
            if user is None or not user.is_authenticated:
                raise NotAuthenticated()
            require_autocommit("errorkit.require_balance")
            backend: BalanceBackend = errorkit_settings.BALANCE_BACKEND()
            reservation = backend.reserve(user, amount, f"charge_{uuid.uuid4().hex}")
            if reservation is None:
                raise ek.InsufficientBalance()
            state_of(request).charge = reservation
            try:
                response = view(*args, **kwargs)
            except BaseException:
                backend.release(reservation)
                raise
            if not 200 <= response.status_code < 300:
                backend.release(reservation)
            return response

        declare(wrapper, view, ek.InsufficientBalance)
        return wrapper

    return decorator
