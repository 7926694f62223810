"""What errorkit.billing offers the other apps (errorkit.customers): adding
funds to a user's balance, and the page of a user's ledger."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction

from ..admin_links import admin_url
from ..customers import Balance, Customer, DayUsage, LedgerLine
from ..users import username_field
from .amounts import to_amount
from .funds import add_funds, funds_of
from .models import CreditAccount, LedgerEntry
from .statements import statement_of, usage_of

# The currency of an account made by its first top-up (the model's default).
NEW_ACCOUNT_CURRENCY = str(CreditAccount._meta.get_field("currency").default)


class LedgerFunds:
    """errorkit.customers' ``Funds``: a top-up written to the ledger."""

    def parse(self, text: str) -> Any:
        return to_amount(text)

    def balance_of(self, user: Any) -> Balance | None:
        if not CreditAccount.objects.filter(owner=user).exists():
            return None
        funds = funds_of(user)
        return Balance(funds.balance, funds.held, funds.settled, funds.currency)

    def statement(
        self, user: Any, *, offset: int, limit: int
    ) -> tuple[list[LedgerLine], bool]:
        return statement_of(user, offset=offset, limit=limit)

    def add(self, user: Any, amount: Any, *, note: str) -> tuple[Any, str]:
        add_funds(user, amount, note=note)
        # What the owner can spend now, not the stored (unfolded) column.
        funds = funds_of(user)
        return funds.balance, funds.currency

    def usage(self, user: Any, *, since: datetime) -> list[DayUsage]:
        return usage_of(user, since=since)

    def currency_of(self, user: Any) -> str:
        account = CreditAccount.objects.filter(owner=user).first()
        return account.currency if account else NEW_ACCOUNT_CURRENCY

    def add_once(
        self,
        user: Any,
        amount: Any,
        *,
        reference: str,
        currency: str,
        note: str,
        by: Any = None,
    ) -> bool:
        kept_in = self.currency_of(user)
        if currency.upper() != kept_in:
            raise ValueError(f"The balance is kept in {kept_in}, not {currency}.")
        written = LedgerEntry.objects.filter(
            account__owner=user, kind=LedgerEntry.Kind.TOP_UP, reference=reference
        )
        if written.exists():
            return False
        try:
            # A savepoint: a racing call that wrote the same reference first
            # makes this one's insert fail, and only this part rolls back.
            with transaction.atomic():
                add_funds(user, amount, reference, note=note, by=by)
        except IntegrityError:
            if written.exists():
                return False
            raise
        return True


def account_page(customer: Customer) -> str | None:
    """The admin's page of a user's credit account."""
    if not customer.user:
        return None
    account = (
        CreditAccount.objects.filter(**{f"owner__{username_field()}": customer.user})
        .values_list("pk", flat=True)
        .first()
    )
    if account is None:
        return None
    return admin_url("errorkit_billing_creditaccount_change", account)


def ledger_page(customer: Customer) -> str | None:
    """The admin's ledger of a user."""
    if not customer.user:
        return None
    return admin_url(
        "errorkit_billing_ledgerentry_changelist", query={"q": customer.user}
    )
