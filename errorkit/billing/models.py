"""Prepaid balances: credit accounts and their append-only ledger."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import django
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

MONEY = {"max_digits": 14, "decimal_places": 4}

# Django 5.1 renamed CheckConstraint's ``check`` to ``condition``.
_CHECK_ARG = "condition" if django.VERSION >= (5, 1) else "check"


class CreditAccount(models.Model):
    """A prepaid balance. The database itself keeps it at or above zero."""

    owner = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="credit_account",
    )
    balance = models.DecimalField(_("balance"), default=Decimal("0"), **MONEY)
    currency = models.CharField(_("currency"), max_length=3, default="USD")
    updated = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("credit account")
        verbose_name_plural = _("credit accounts")
        constraints = [
            models.CheckConstraint(
                **{_CHECK_ARG: Q(balance__gte=0)}, name="errorkit_balance_not_negative"
            )
        ]

    def __str__(self) -> str:
        return f"{self.owner}: {self.balance} {self.currency}"


class LedgerEntry(models.Model):
    """One movement of money, never changed after it is written.

    ``amount`` is signed (a charge is negative), so the entries of an account
    sum to its balance. A reference is unique per account and kind: the same
    charge cannot be taken, nor refunded, twice.
    """

    class Kind(models.TextChoices):
        TOP_UP = "top_up", _("top-up")
        CHARGE = "charge", _("charge")
        REFUND = "refund", _("refund")

    account = models.ForeignKey(
        CreditAccount, on_delete=models.PROTECT, related_name="entries"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    amount = models.DecimalField(_("amount"), **MONEY)
    reference = models.CharField(_("reference"), max_length=100)
    created = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        ordering = ["-created", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "kind", "reference"],
                name="errorkit_ledger_unique_ref",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount} ({self.reference})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise ValueError("Ledger entries are append-only: write a new entry.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ValueError("Ledger entries are append-only and cannot be deleted.")
