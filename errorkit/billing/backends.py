"""Where balances are kept: the backend interface and errorkit's own tables.

``ERRORKIT["BALANCE_BACKEND"]`` names the backend ``require_balance`` uses. A
project with its own billing provides the same four methods: ``hold`` (place a
hold, or None when the spendable balance is short), ``post`` (charge it, in
the caller's transaction), ``void`` (give it back) and ``spendable``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, Protocol

from django.db import transaction
from django.db.models import F, Sum
from django.db.models.functions import Round
from django.utils import timezone

from .. import exceptions as ek
from .amounts import PLACES
from .models import CreditAccount, Hold, LedgerEntry

Kind = LedgerEntry.Kind
Status = Hold.Status


@dataclass(frozen=True)
class PlacedHold:
    """A hold as the backend placed it: what posting or voiding it needs."""

    owner_id: Any
    amount: Decimal
    reference: str
    expires_at: datetime
    request_id: str = ""
    account_id: Any = None
    hold_id: Any = None


@dataclass(frozen=True)
class Funds:
    """An account as a caller sees it: what it can spend now, and what is held."""

    balance: Decimal  # spendable: settled less the holds still in force
    held: Decimal
    currency: str


class HoldNotActive(Exception):
    """The hold was already posted or voided (its claim taken over, say)."""


class BalanceBackend(Protocol):
    """What ``ERRORKIT["BALANCE_BACKEND"]`` provides, for a project's own billing."""

    def hold(
        self,
        owner: Any,
        amount: Decimal,
        *,
        timeout: float,
        request_id: str = "",
        reference: str | None = None,
    ) -> PlacedHold | None:
        """Reserve ``amount`` now (committed); None when it is not spendable."""

    def post(self, hold: PlacedHold, amount: Decimal | None = None) -> None:
        """Charge ``amount`` (the hold's by default, never more) in the caller's
        transaction. Raises ``InsufficientBalance`` when the hold expired and
        the balance no longer covers it, ``HoldNotActive`` when it was voided."""

    def void(self, hold: PlacedHold) -> None:
        """Give the hold back; nothing when it is no longer active."""

    def funds(self, owner: Any) -> Funds:
        """The owner's spendable balance and holds; never fails for lack of one."""

    def void_request(self, request_id: str) -> None:
        """Void the active holds placed by the request ``request_id``."""


def new_reference() -> str:
    return f"hold_{uuid.uuid4().hex}"


class _Short(Exception):
    """The spendable balance did not cover the amount: undo the transaction."""


class ModelBalanceBackend:
    """errorkit's own tables: CreditAccount, Hold and LedgerEntry.

    Each movement writes its rows first and updates the account last, in one
    conditional UPDATE, so the account's row is locked only for that UPDATE
    and the COMMIT: racing requests on one account queue as briefly as they
    can, and two of them can never spend the same money.
    """

    def hold(
        self,
        owner: Any,
        amount: Decimal,
        *,
        timeout: float,
        request_id: str = "",
        reference: str | None = None,
    ) -> PlacedHold | None:
        account_id = account_id_of(owner.pk)
        if account_id is None:
            return None
        now = timezone.now()
        reference = reference or new_reference()
        expires_at = now + timedelta(seconds=timeout)
        try:
            with transaction.atomic():
                hold = Hold.objects.create(
                    account_id=account_id,
                    amount=amount,
                    reference=reference,
                    request_id=request_id[:200],
                    created=now,
                    expires_at=expires_at,
                )
                write_entry(account_id, Kind.HOLD, reference, request_id, held=amount)
                lapsed = expire_due(account_id, now)
                taken = CreditAccount.objects.filter(
                    pk=account_id, balance__gte=money(F("held") + (amount - lapsed))
                ).update(held=money(F("held") + (amount - lapsed)))
                if not taken:
                    raise _Short
        except _Short:
            return None
        return PlacedHold(
            owner.pk, amount, reference, expires_at, request_id, account_id, hold.pk
        )

    def post(self, hold: PlacedHold, amount: Decimal | None = None) -> None:
        charge = hold.amount if amount is None else amount
        if charge > hold.amount:
            raise ValueError(
                f"Cannot post {charge}: more than the hold of {hold.amount}."
            )
        now = timezone.now()
        with transaction.atomic():
            live = Hold.objects.filter(
                pk=hold.hold_id, status=Status.ACTIVE, expires_at__gt=now
            )
            if live.update(status=Status.POSTED, posted_amount=charge, resolved_at=now):
                write_entry(
                    hold.account_id,
                    Kind.POST,
                    hold.reference,
                    hold.request_id,
                    amount=-charge,
                    held=-hold.amount,
                )
                CreditAccount.objects.filter(pk=hold.account_id).update(
                    balance=money(F("balance") - charge),
                    held=money(F("held") - hold.amount),
                )
                return
            self._post_late(hold, charge, now)

    def _post_late(self, hold: PlacedHold, charge: Decimal, now: datetime) -> None:
        """Post a hold that expired: it no longer reserves anything, so the
        charge is taken only if the spendable balance still covers it."""
        lapsed = expire_due(hold.account_id, now)
        status = Hold.objects.filter(pk=hold.hold_id).values_list("status", flat=True)
        if status.first() != Status.EXPIRED:
            raise HoldNotActive(hold.reference)
        Hold.objects.filter(pk=hold.hold_id, status=Status.EXPIRED).update(
            status=Status.POSTED, posted_amount=charge, resolved_at=now
        )
        write_entry(
            hold.account_id,
            Kind.POST,
            hold.reference,
            hold.request_id,
            amount=-charge,
            note="posted after its hold expired",
        )
        taken = CreditAccount.objects.filter(
            pk=hold.account_id, balance__gte=money(F("held") + (charge - lapsed))
        ).update(balance=money(F("balance") - charge), held=money(F("held") - lapsed))
        if not taken:
            raise ek.InsufficientBalance()

    def void(self, hold: PlacedHold) -> None:
        now = timezone.now()
        with transaction.atomic():
            voided = Hold.objects.filter(pk=hold.hold_id, status=Status.ACTIVE).update(
                status=Status.VOIDED, resolved_at=now
            )
            if not voided:
                return  # already posted, voided or marked expired
            write_entry(
                hold.account_id,
                Kind.VOID,
                hold.reference,
                hold.request_id,
                held=-hold.amount,
            )
            CreditAccount.objects.filter(pk=hold.account_id).update(
                held=money(F("held") - hold.amount)
            )

    def void_request(self, request_id: str) -> None:
        live = Hold.objects.filter(request_id=request_id, status=Status.ACTIVE)
        for hold in live.select_related("account"):
            self.void(placed(hold))

    def funds(self, owner: Any) -> Funds:
        account = (
            CreditAccount.objects.filter(owner_id=owner.pk)
            .values("pk", "balance", "held", "currency")
            .first()
        )
        if account is None:
            return Funds(Decimal("0"), Decimal("0"), "USD")
        lapsed = lapsed_amount(account["pk"], timezone.now())
        held = account["held"] - lapsed
        return Funds(account["balance"] - held, held, account["currency"])


def placed(hold: Hold) -> PlacedHold:
    """A stored hold as the backend hands it out."""
    return PlacedHold(
        hold.account.owner_id,
        hold.amount,
        hold.reference,
        hold.expires_at,
        hold.request_id,
        hold.account_id,
        hold.pk,
    )


def money(expression: Any) -> Round:
    """Arithmetic on money, rounded to the stored places: exact on PostgreSQL,
    and on SQLite (which computes decimals as floats) it keeps a balance spent
    to zero at zero rather than at -1e-17, which the checks would refuse."""
    return Round(expression, PLACES)


def account_id_of(owner_id: Any) -> Any:
    return (
        CreditAccount.objects.filter(owner_id=owner_id)
        .values_list("pk", flat=True)
        .first()
    )


def lapsed_amount(account_id: Any, now: datetime) -> Decimal:
    """The holds still counted in ``held`` whose expiry has passed."""
    total = Hold.objects.filter(
        account_id=account_id, status=Status.ACTIVE, expires_at__lte=now
    ).aggregate(total=Sum("amount"))["total"]
    return total or Decimal("0")


def expire_due(account_id: Any, now: datetime) -> Decimal:
    """Mark the account's lapsed holds expired, in the caller's transaction,
    writing their ledger entries; the amount they held. The caller takes it off
    ``held`` in its own UPDATE of the account."""
    due = Hold.objects.filter(
        account_id=account_id, status=Status.ACTIVE, expires_at__lte=now
    )
    total = Decimal("0")
    for pk, amount, reference, request_id in due.values_list(
        "pk", "amount", "reference", "request_id"
    ):
        # Conditional: a racing transaction may expire it first.
        if Hold.objects.filter(pk=pk, status=Status.ACTIVE).update(
            status=Status.EXPIRED, resolved_at=now
        ):
            write_entry(account_id, Kind.EXPIRY, reference, request_id, held=-amount)
            total += amount
    return total


def write_entry(
    account_id: Any,
    kind: str,
    reference: str,
    request_id: str = "",
    *,
    amount: Decimal = Decimal("0"),
    held: Decimal = Decimal("0"),
    note: str = "",
    created_by: Any = None,
) -> None:
    """One ledger entry; unique per account, kind and reference."""
    LedgerEntry.objects.create(
        account_id=account_id,
        kind=kind,
        amount=amount,
        held=held,
        reference=reference,
        request_id=request_id[:200],
        note=note[:255],
        created_by=created_by,
    )


def expire_lapsed_holds(now: datetime | None = None) -> Decimal:
    """Mark every lapsed hold expired, account by account; the sum they held.

    Tidiness only: a lapsed hold already stops counting the moment it lapses.
    """
    now = now or timezone.now()
    accounts = (
        Hold.objects.filter(status=Status.ACTIVE, expires_at__lte=now)
        .values_list("account_id", flat=True)
        .distinct()
    )
    total = Decimal("0")
    for account_id in list(accounts):
        with transaction.atomic():
            lapsed = expire_due(account_id, now)
            CreditAccount.objects.filter(pk=account_id).update(
                held=money(F("held") - lapsed)
            )
            total += lapsed
    return total
