"""Topping up an account."""

from __future__ import annotations

import uuid
from typing import Any

from django.db import transaction
from django.db.models import F

from .amounts import to_amount
from .models import CreditAccount, LedgerEntry


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
