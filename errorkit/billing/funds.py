"""Topping up an account: the one way money enters the ledger."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import F

from ..conf import errorkit_settings
from .amounts import LARGEST, to_amount
from .backends import Funds, money, write_entry
from .models import CreditAccount, LedgerEntry
from .staff_log import log_top_up


def add_funds(
    owner: Any,
    amount: Any,
    reference: str | None = None,
    *,
    note: str = "",
    by: Any = None,
) -> CreditAccount:
    """Top up ``owner``'s account (created if needed); returns it, refreshed.

    ``amount`` is checked by ``to_amount`` and so is the balance it makes: a
    top-up that would not fit the ledger's columns is refused with a
    ValueError and nothing is written. ``by`` is the staff member who did it:
    the entry names them and the admin's history shows the top-up as theirs.
    """
    amount = to_amount(amount)
    with transaction.atomic():
        account, _ = CreditAccount.objects.get_or_create(owner=owner)
        write_entry(
            account.pk,
            LedgerEntry.Kind.TOP_UP,
            reference or f"top_up_{uuid.uuid4().hex}",
            amount=amount,
            note=note,
            created_by=by,
        )
        added = CreditAccount.objects.filter(
            pk=account.pk, balance__lte=LARGEST - amount
        ).update(balance=money(F("balance") + amount))
        if not added:
            raise ValueError(
                f"Adding {amount} would take the balance of {owner} past the "
                f"largest one the ledger holds, {LARGEST}."
            )
        account.refresh_from_db()
        if by is not None:
            log_top_up(by, account, top_up_message(amount, note))
    return account


def top_up_message(amount: Decimal, note: str) -> str:
    return f"Added {amount} {'(' + note + ')' if note else ''}".strip()


def funds_of(owner: Any) -> Funds:
    """``owner``'s spendable balance and what is held, from the configured
    backend: never fails, whatever the account holds (or if it has none)."""
    return errorkit_settings.BALANCE_BACKEND().funds(owner)
