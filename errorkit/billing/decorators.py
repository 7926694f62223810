"""``errorkit.require_balance``: a view is charged only for a stored success.

Money moves in two phases (the hold phase of the view's pipeline,
``errorkit.pipeline``). Before the view runs, a hold of its price is
placed (committed at once, so racing requests see it; 402 when the spendable
balance cannot cover it). The view then runs in one transaction with
everything that records its success (its own rows, and with
``errorkit.idempotent`` the stored answer): a 2xx posts the hold in that
transaction, so "charged" and "a stored success exists" are one fact. Any
other outcome voids the hold: a non-2xx, an exception, an answer that cannot
be rendered. A hold whose request never finishes (the process killed, the
database cut) stops counting ``BALANCE_HOLD_TIMEOUT`` seconds after it was
placed, with nothing left to run.

The price comes from the request as the view will act on it: ``cost`` is a
fixed amount, or a callable that validates the request (raising its 400 or
404 before any money moves) and returns the amount, or ``Price(amount,
priced)`` to hand the validated values to the view
(``request.errorkit.charge.priced``). A callable that returns None is a bug,
not a free job: declare a free one by returning 0.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import NotAuthenticated

from .. import exceptions as ek
from ..conf import errorkit_settings
from ..durability import on_fresh_connection
from ..installed import require_app
from ..outcomes import is_success
from ..pipeline import NOTHING, Call, Phase, Stage, Step, add_phase
from ..state import state_of
from ..view_requests import require_autocommit, require_sync_view

if TYPE_CHECKING:
    from .backends import BalanceBackend, PlacedHold

# The backend (a setting) keeps the money in errorkit.billing's tables.
require_app("errorkit.billing", "errorkit.require_balance")

from .amounts import to_amount  # noqa: E402  (after the check)
from .backends import HoldNotActive  # noqa: E402
from .references import reference_of  # noqa: E402

SUPERSEDED = _(
    "A retry with the same Idempotency-Key took this request over; its result "
    "was not kept. Use the retry's answer."
)

logger = logging.getLogger("errorkit.billing")


@dataclass(frozen=True)
class Price:
    """What a cost callable returns to hand the view what it priced."""

    amount: Any
    priced: Any = None


Cost = Decimal | int | str | Callable[[Any], Any]


# The longest label a charge may have (the ledger's note column).
LABEL_LENGTH = 255


@dataclass
class Charge:
    """``request.errorkit.charge``: the hold placed for this request.

    ``priced`` is what the cost callable validated, for the view to act on.
    A view that prices its usage after the work calls ``use(amount)``: only
    that much is posted, the rest of the hold goes back; ``describe(label)``
    says what it paid for.
    """

    hold: PlacedHold
    priced: Any = None
    amount: Decimal | None = field(default=None)
    label: str = ""

    def use(self, amount: Any) -> None:
        used = to_amount(amount, allow_zero=True)
        if used > self.hold.amount:
            raise ValueError(
                f"Cannot charge {used}: the hold placed for this request is "
                f"{self.hold.amount}. Price the hold for the most the work can use."
            )
        self.amount = used

    def describe(self, label: Any) -> None:
        """Say what the charge paid for (``f"job {job.id}"``): the ledger
        writes it on the charge, and the customer reads it beside its
        request id on the dashboard's balance page."""
        text = str(label).strip()
        if len(text) > LABEL_LENGTH or any(ord(c) < 32 or ord(c) == 127 for c in text):
            raise ValueError(
                f"A charge's label is at most {LABEL_LENGTH} printable "
                f"characters: {text[:40]!r} is not."
            )
        self.label = text


def price_of(cost: Cost, request: Any) -> Price:
    value = cost(request) if callable(cost) else cost
    price = value if isinstance(value, Price) else Price(value)
    if price.amount is None:
        raise ImproperlyConfigured(
            "The cost of an errorkit.require_balance view returned None: a job "
            "is never free by accident. Raise the view's error for a request "
            "it cannot price, or return 0 for a free one."
        )
    try:
        amount = to_amount(price.amount, allow_zero=True)
    except ValueError as exc:
        raise ImproperlyConfigured(f"require_balance cost: {exc}") from None
    return Price(amount, price.priced)


def void_safely(backend: BalanceBackend, hold: PlacedHold) -> None:
    """Void the hold, on a fresh connection if the request's one broke; if the
    database is gone, the hold lapses by itself at its expiry."""
    on_fresh_connection(
        lambda: backend.void(hold),
        logger,
        "Could not void hold %s (request %s); it lapses at %s",
        hold.reference,
        hold.request_id or "-",
        hold.expires_at.isoformat(),
    )


@dataclass(frozen=True, eq=False)
class HoldPhase(Phase):
    """Hold the price before the view runs; post it with the success."""

    stage: ClassVar[Stage] = Stage.HOLD
    name: ClassVar[str] = "errorkit.require_balance"
    records_success: ClassVar[bool] = True

    cost: Cost

    def begin(self, call: Call) -> Step:
        request = call.request
        price = price_of(self.cost, request)
        if price.amount == 0:  # declared free
            return NOTHING
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            raise NotAuthenticated()
        require_autocommit(self.name)
        backend: BalanceBackend = errorkit_settings.BALANCE_BACKEND()
        state = state_of(request)
        hold = backend.hold(
            user,
            price.amount,
            timeout=errorkit_settings.BALANCE_HOLD_TIMEOUT,
            request_id=state.request_id or "",
            reference=reference_of(call.call_id),
        )
        if hold is None:
            raise ek.InsufficientBalance()
        charge = Charge(hold, price.priced)
        state.keep("charge", charge)
        return HeldFunds(backend, charge)


@dataclass(eq=False)
class HeldFunds(Step):
    """A call's hold: posted with its success, voided otherwise."""

    backend: BalanceBackend
    charge: Charge

    def commit(self, response: Any) -> None:
        # The label only when there is one: a project's own backend written
        # before labels existed keeps working for every view that sets none.
        described = {"note": self.charge.label} if self.charge.label else {}
        try:
            self.backend.post(self.charge.hold, self.charge.amount, **described)
        except HoldNotActive:
            # Voided by a retry that took this call's Idempotency-Key over.
            raise ek.IdempotencyConflict(SUPERSEDED) from None

    def settle(self, response: Any) -> Any:
        if not is_success(response.status_code):
            void_safely(self.backend, self.charge.hold)
        return response

    def abandon(self) -> None:
        void_safely(self.backend, self.charge.hold)


def require_balance(cost: Cost) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Hold ``cost`` before the view runs; post it with its stored success.

    402 ``insufficient_balance`` when the caller's spendable balance is short.
    """
    if not callable(cost):
        price_of(cost, None)  # a bad fixed cost fails at import time

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        require_sync_view(view, HoldPhase.name)
        return add_phase(view, HoldPhase(cost), ek.InsufficientBalance, autocommit=True)

    return decorator
