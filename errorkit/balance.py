"""Prepaid balances: ``errorkit.require_balance`` and the backend behind it.

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
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Protocol

from django.db import transaction
from django.db.models import F
from rest_framework.exceptions import NotAuthenticated

from . import exceptions as ek
from .conf import errorkit_settings
from .declared_errors import declare
from .models import CreditAccount, LedgerEntry
from .view_requests import find_request, require_autocommit, require_sync_view

Cost = Decimal | int | str | Callable[[Any], Any]


@dataclass(frozen=True)
class Reservation:
    owner_id: Any
    amount: Decimal
    reference: str
    # Where the backend took it from, so that a release needs no lookup.
    account_id: Any = None


class BalanceBackend(Protocol):
    """What ``ERRORKIT["BALANCE_BACKEND"]`` provides, for a project's own billing."""

    def reserve(
        self, owner: Any, amount: Decimal, reference: str
    ) -> Reservation | None:
        """Take ``amount`` now; None when the balance does not cover it."""

    def release(self, reservation: Reservation) -> None:
        """Give a reservation back."""


def to_amount(value: Any) -> Decimal:
    """A positive Decimal from a Decimal, int or string, or ValueError saying why."""
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError(
            f"{value!r} is not an amount: write it like 10 or 9.99."
        ) from None
    if not amount.is_finite() or amount <= 0:
        raise ValueError(f"{value!r} is not a positive amount.")
    if amount.as_tuple().exponent < -4:
        raise ValueError(f"{value!r} has more than 4 decimal places.")
    return amount


class _Short(Exception):
    """The balance did not cover the amount: undo the ledger entry."""


class ModelBalanceBackend:
    """errorkit's own CreditAccount and LedgerEntry tables.

    Each movement writes its ledger entry first and updates the balance last,
    so the account row is locked only for that UPDATE and the COMMIT: racing
    requests on one account queue for as short a time as possible.
    """

    def reserve(
        self, owner: Any, amount: Decimal, reference: str
    ) -> Reservation | None:
        account_id = self._account_id(owner.pk)
        if account_id is None:
            return None
        try:
            with transaction.atomic():
                self._entry(account_id, LedgerEntry.Kind.CHARGE, -amount, reference)
                taken = CreditAccount.objects.filter(
                    pk=account_id, balance__gte=amount
                ).update(balance=F("balance") - amount)
                if not taken:
                    raise _Short
        except _Short:
            return None
        return Reservation(owner.pk, amount, reference, account_id)

    def release(self, reservation: Reservation) -> None:
        account_id = reservation.account_id
        if account_id is None:
            account_id = self._account_id(reservation.owner_id)
        with transaction.atomic():
            self._entry(
                account_id,
                LedgerEntry.Kind.REFUND,
                reservation.amount,
                reservation.reference,
            )
            CreditAccount.objects.filter(pk=account_id).update(
                balance=F("balance") + reservation.amount
            )

    @staticmethod
    def _account_id(owner_id: Any) -> Any:
        return (
            CreditAccount.objects.filter(owner_id=owner_id)
            .values_list("pk", flat=True)
            .first()
        )

    @staticmethod
    def _entry(account_id: Any, kind: str, amount: Decimal, reference: str) -> None:
        LedgerEntry.objects.create(
            account_id=account_id, kind=kind, amount=amount, reference=reference
        )


def add_funds(owner: Any, amount: Any, reference: str | None = None) -> CreditAccount:
    """Top up ``owner``'s account (created if needed); returns it, refreshed."""
    amount = to_amount(amount)
    with transaction.atomic():
        account, _ = CreditAccount.objects.get_or_create(owner=owner)
        CreditAccount.objects.filter(pk=account.pk).update(
            balance=F("balance") + amount
        )
        LedgerEntry.objects.create(
            account=account,
            kind=LedgerEntry.Kind.TOP_UP,
            amount=amount,
            reference=reference or f"top_up_{uuid.uuid4().hex}",
        )
    account.refresh_from_db()
    return account


def _cost_of(cost: Cost, request: Any) -> Decimal | None:
    value = cost(request) if callable(cost) else cost
    return None if value is None else Decimal(str(value))


def require_balance(cost: Cost) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Charge ``cost`` (a Decimal, or a callable of the request) for a 2xx answer.

    402 ``insufficient_balance`` when the caller's balance is short. A callable
    may return None for "nothing to charge" (the view then reports what is
    wrong with the request). The reservation is on ``request.errorkit_charge``.
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
            request.errorkit_charge = reservation
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
