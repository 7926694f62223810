"""Where balances are kept: the backend interface and errorkit's own tables.

``ERRORKIT["BALANCE_BACKEND"]`` names the backend ``require_balance`` uses; a
project with its own billing provides ``reserve`` and ``release``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol

from django.db import transaction
from django.db.models import F

from .models import CreditAccount, LedgerEntry


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
