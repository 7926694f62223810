"""Where balances are kept: the backend interface and errorkit's own tables.

``ERRORKIT["BALANCE_BACKEND"]`` names the backend ``require_balance`` uses. A
project with its own billing provides the same four methods: ``hold`` (place a
hold, or None when the spendable balance is short), ``post`` (charge it, in
the caller's transaction), ``void`` (give it back) and ``spendable``.
"""

from __future__ import annotations

import uuid
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, Protocol

from django.db import transaction
from django.db.models import (
    F,
    OuterRef,
    Q,
    QuerySet,
    Sum,
)
from django.db.models.functions import Round
from django.utils import timezone

from .. import exceptions as ek
from ..durability import relax_durability
from . import holds, pg
from .amounts import PLACES, stored_places
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
    settled: Decimal  # what the ledger's amounts sum to


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

    def post(
        self, hold: PlacedHold, amount: Decimal | None = None, *, note: str = ""
    ) -> None:
        """Charge ``amount`` (the hold's by default, never more) in the caller's
        transaction, with ``note`` saying what it paid for (passed only when a
        view gives one). Raises ``InsufficientBalance`` when the hold expired
        and the balance no longer covers it, ``HoldNotActive`` when it was
        voided."""

    def void(self, hold: PlacedHold) -> None:
        """Give the hold back; nothing when it is no longer active."""

    def funds(self, owner: Any) -> Funds:
        """The owner's spendable balance and holds; never fails for lack of one."""

    def void_reference(self, reference: str) -> None:
        """Void the active hold placed with ``reference``, if any."""


def new_reference() -> str:
    return f"hold_{uuid.uuid4().hex}"


class ModelBalanceBackend:
    """errorkit's own tables: CreditAccount, Hold and LedgerEntry.

    Only placing a hold locks the account's row, committed without waiting
    for the disk, so racing requests on one account queue as briefly as they
    can, and a conditional UPDATE makes sure two of them never spend the
    same money. Posting and voiding touch only the hold's own row and the
    ledger (a post commits with the work's success, durably, without the
    account's lock). The account's stored columns catch up ("fold" resolved
    holds in) the next time a hold is placed on it; until then, reads add
    the resolved holds in (``funds``). On PostgreSQL a hold takes one
    statement and a post one (``errorkit.billing.pg``); elsewhere the ORM
    does the same steps.
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
        now = timezone.now()
        reference = reference or new_reference()
        expires_at = now + timedelta(seconds=timeout)
        request_id = request_id[:200]
        connection = transaction.get_connection()
        if connection.vendor == "postgresql":
            # One statement: its own transaction, a round trip in all (a
            # savepoint only inside someone's transaction, to leave it whole).
            nested = connection.in_atomic_block
            with transaction.atomic() if nested else nullcontext():
                ids = pg.hold(owner.pk, amount, reference, request_id, now, expires_at)
        else:
            with transaction.atomic():
                ids = self._hold(
                    owner.pk, amount, reference, request_id, now, expires_at
                )
        if ids is None:
            return None
        account_id, hold_id = ids
        return PlacedHold(
            owner.pk, amount, reference, expires_at, request_id, account_id, hold_id
        )

    @staticmethod
    def _hold(
        owner_id: Any,
        amount: Decimal,
        reference: str,
        request_id: str,
        now: datetime,
        expires_at: datetime,
    ) -> tuple[Any, Any] | None:
        """The portable path; ``pg.hold`` is the same in one statement."""
        account_id = account_id_of(owner_id)
        if account_id is None:
            return None
        # A hold lost in a crash is harmless: its request died with it (a
        # post commits durably, and with it the hold before it). Not waiting
        # for the disk frees the account's row sooner.
        relax_durability()
        fold_into_account(account_id, now)
        taken = CreditAccount.objects.filter(
            pk=account_id, balance__gte=money(F("held") + amount)
        ).update(held=money(F("held") + amount))
        if not taken:
            return None
        hold = Hold.objects.create(
            account_id=account_id,
            amount=amount,
            reference=reference,
            request_id=request_id,
            created=now,
            expires_at=expires_at,
        )
        write_entry(account_id, Kind.HOLD, reference, request_id, held=amount)
        return account_id, hold.pk

    def post(
        self, hold: PlacedHold, amount: Decimal | None = None, *, note: str = ""
    ) -> None:
        charge = hold.amount if amount is None else amount
        if charge > hold.amount:
            raise ValueError(
                f"Cannot post {charge}: more than the hold of {hold.amount}."
            )
        now = timezone.now()
        # Inside the work's own transaction (a success step), PostgreSQL's
        # post is one statement that writes all or nothing: no savepoint,
        # which would cost two more round trips on every charged request.
        on_postgres = transaction.get_connection().vendor == "postgresql"
        with transaction.atomic(savepoint=not on_postgres):
            posted = (
                pg.post(hold.hold_id, charge, now, note)
                if on_postgres
                else self._post(hold, charge, now, note)
            )
            if posted:
                return
        # A late post writes, then may refuse: its own savepoint undoes it.
        with transaction.atomic():
            self._post_late(hold, charge, now, note)

    @staticmethod
    def _post(hold: PlacedHold, charge: Decimal, now: datetime, note: str) -> bool:
        """The portable path; ``pg.post`` is the same in one statement."""
        live = Hold.objects.filter(holds.live(now), pk=hold.hold_id)
        if not live.update(status=Status.POSTED, posted_amount=charge, resolved_at=now):
            return False
        write_entry(
            hold.account_id,
            Kind.POST,
            hold.reference,
            hold.request_id,
            amount=-charge,
            held=-hold.amount,
            note=note,
        )
        return True

    def _post_late(
        self, hold: PlacedHold, charge: Decimal, now: datetime, note: str
    ) -> None:
        """Post a hold that expired: it no longer reserves anything, so the
        charge is taken only if the spendable balance still covers it."""
        spent, released = fold(hold.account_id, now)
        status = Hold.objects.filter(pk=hold.hold_id).values_list("status", flat=True)
        if status.first() != Status.EXPIRED:
            raise HoldNotActive(hold.reference)
        Hold.objects.filter(pk=hold.hold_id, status=Status.EXPIRED).update(
            status=Status.POSTED, posted_amount=charge, resolved_at=now, folded=True
        )
        write_entry(
            hold.account_id,
            Kind.POST,
            hold.reference,
            hold.request_id,
            amount=-charge,
            note=f"{note} (posted after its hold expired)"[:255]
            if note
            else "posted after its hold expired",
        )
        held = money(F("held") - released)
        taken = CreditAccount.objects.filter(
            pk=hold.account_id, balance__gte=money(held + (spent + charge))
        ).update(balance=money(F("balance") - (spent + charge)), held=held)
        if not taken:
            raise ek.InsufficientBalance()

    def void(self, hold: PlacedHold) -> None:
        with transaction.atomic():
            # A void lost in a crash is harmless: the hold lapses by itself.
            relax_durability()
            voided = Hold.objects.filter(pk=hold.hold_id, status=Status.ACTIVE).update(
                status=Status.VOIDED, resolved_at=timezone.now()
            )
            if voided:
                write_entry(
                    hold.account_id,
                    Kind.VOID,
                    hold.reference,
                    hold.request_id,
                    held=-hold.amount,
                )

    def void_reference(self, reference: str) -> None:
        live = Hold.objects.filter(reference=reference, status=Status.ACTIVE)
        for hold in live.select_related("account"):
            self.void(placed(hold))

    def funds(self, owner: Any) -> Funds:
        account = (
            with_unfolded(CreditAccount.objects.filter(owner_id=owner.pk))
            .values("balance", "held", "currency", "spent", "released")
            .first()
        )
        if account is None:
            return Funds(Decimal("0"), Decimal("0"), "USD", Decimal("0"))
        settled = stored_places(account["balance"] - account["spent"])
        held = stored_places(account["held"] - account["released"])
        return Funds(settled - held, held, account["currency"], settled)


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


def _to_fold(account_id: Any, now: datetime) -> QuerySet:
    """The account's holds its stored columns still count wrongly."""
    return Hold.objects.filter(holds.to_fold(now), account_id=account_id)


def with_unfolded(accounts: QuerySet, now: datetime | None = None) -> QuerySet:
    """``accounts`` annotated with what their holds not folded in yet change:
    ``spent`` (charged) and ``released`` (no longer held). One statement, so
    it reads the account and its holds at the same instant."""
    unfolded = _to_fold(OuterRef("pk"), now or timezone.now()).values("account_id")
    posted = Q(status=Status.POSTED)
    return accounts.annotate(
        spent=holds.money_sum(unfolded.annotate(t=Sum("posted_amount", filter=posted))),
        released=holds.money_sum(unfolded.annotate(t=Sum("amount"))),
    )


def fold(account_id: Any, now: datetime) -> tuple[Decimal, Decimal]:
    """Fold resolved and lapsed holds into the account, in the caller's
    transaction: marks them folded (lapsed ones expired, with their ledger
    entries) and returns (charged, no longer held), which the caller takes
    off the account in its own UPDATE of it."""
    spent = released = Decimal("0")
    rows = _to_fold(account_id, now).values_list(
        "pk", "status", "amount", "posted_amount", "reference", "request_id"
    )
    for pk, status, amount, posted_amount, reference, request_id in rows:
        # Conditional: a racing transaction may fold it first.
        if status == Status.ACTIVE:
            done = Hold.objects.filter(pk=pk, status=Status.ACTIVE).update(
                status=Status.EXPIRED, resolved_at=now, folded=True
            )
            if done:
                write_entry(
                    account_id, Kind.EXPIRY, reference, request_id, held=-amount
                )
        else:
            done = Hold.objects.filter(pk=pk, folded=False).update(folded=True)
            if done and status == Status.POSTED:
                spent += posted_amount
        if done:
            released += amount
    return spent, released


def fold_into_account(account_id: Any, now: datetime) -> Decimal:
    """``fold`` and take what it found off the account's stored columns, in
    the caller's transaction; the amount no longer held."""
    spent, released = fold(account_id, now)
    if spent or released:
        CreditAccount.objects.filter(pk=account_id).update(
            balance=money(F("balance") - spent),
            held=money(F("held") - released),
        )
    return released


def write_entry(
    account_id: Any,
    kind: LedgerEntry.Kind,
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


def expire_lapsed_holds(
    now: datetime | None = None, accounts: QuerySet | None = None
) -> Decimal:
    """Mark every lapsed hold expired and fold every resolved one in, account
    by account (of ``accounts`` only, when given); the sum no longer held.

    Tidiness only: a lapsed hold already stops counting the moment it lapses,
    and reads already count resolved holds.
    """
    now = now or timezone.now()
    found = Hold.objects.filter(holds.to_fold(now))
    if accounts is not None:
        found = found.filter(account__in=accounts)
    total = Decimal("0")
    for account_id in list(found.values_list("account_id", flat=True).distinct()):
        with transaction.atomic():
            total += fold_into_account(account_id, now)
    return total
