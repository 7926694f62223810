"""Prepaid balances: accounts, the holds placed on them, and their ledger.

Money moves in two phases. A hold reserves an amount (``held``) until it is
posted (charged, in the transaction that stores the work's success), voided,
or it expires. ``balance`` is the settled balance; what an account can spend
is ``balance - held``, less nothing for holds past their expiry, which stop
counting the moment they expire, with no process needed to release them.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import django
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from .amounts import MONEY

# Django 5.1 renamed CheckConstraint's ``check`` to ``condition``.
_CHECK_ARG = "condition" if django.VERSION >= (5, 1) else "check"


def _check(condition: Q, name: str) -> models.CheckConstraint:
    arguments: dict[str, Any] = {_CHECK_ARG: condition, "name": name}
    return models.CheckConstraint(**arguments)


class CreditAccount(models.Model):
    """A prepaid balance. The database itself keeps it consistent:
    ``0 <= held <= balance``."""

    owner = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="credit_account",
    )
    # Both as of the last fold: holds resolved since are added in by reads
    # (ModelBalanceBackend.funds) and folded in by the next hold.
    balance = models.DecimalField(_("settled balance"), default=Decimal("0"), **MONEY)
    held = models.DecimalField(_("held"), default=Decimal("0"), **MONEY)
    currency = models.CharField(_("currency"), max_length=3, default="USD")
    updated = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("credit account")
        verbose_name_plural = _("credit accounts")
        constraints = [
            _check(Q(balance__gte=0), "errorkit_balance_not_negative"),
            _check(Q(held__gte=0), "errorkit_held_not_negative"),
            _check(Q(balance__gte=F("held")), "errorkit_held_within_balance"),
        ]

    def __str__(self) -> str:
        # No amount: the stored column is not what the owner can spend (it
        # may still count resolved holds); the admin shows the spendable one.
        return f"{self.owner} ({self.currency})"


class Hold(models.Model):
    """Money reserved for one piece of work, resolved at most once."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("active")
        POSTED = "posted", _("posted")
        VOIDED = "voided", _("voided")
        EXPIRED = "expired", _("expired")

    account = models.ForeignKey(
        CreditAccount, on_delete=models.PROTECT, related_name="holds"
    )
    amount = models.DecimalField(_("amount"), **MONEY)
    posted_amount = models.DecimalField(
        _("posted amount"), null=True, blank=True, **MONEY
    )
    reference = models.CharField(_("reference"), max_length=100, unique=True)
    request_id = models.CharField(_("request id"), max_length=200, blank=True)
    created = models.DateTimeField(_("placed"))
    expires_at = models.DateTimeField(_("expires"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.ACTIVE
    )
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    # Whether the account's stored balance and held count this hold's outcome
    # yet (resolved holds are folded in when the next hold is placed).
    folded = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("hold")
        verbose_name_plural = _("holds")
        ordering = ["-created", "-id"]
        indexes = [
            models.Index(
                fields=["account", "status", "expires_at"], name="errorkit_hold_live"
            ),
            models.Index(fields=["request_id"], name="errorkit_hold_request"),
            models.Index(fields=["account", "folded"], name="errorkit_hold_unfolded"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.amount} ({self.status})"


class LedgerEntry(models.Model):
    """One movement of money, never changed after it is written.

    ``amount`` is the change to the settled balance (a charge is negative) and
    ``held`` the change to the held sum, so an account's entries sum to its
    ``balance`` and ``held``. A reference is unique per account and kind: the
    same hold cannot be placed, posted or voided twice.
    """

    class Kind(models.TextChoices):
        TOP_UP = "top_up", _("top-up")
        HOLD = "hold", _("hold")
        POST = "post", _("post")
        VOID = "void", _("void")
        EXPIRY = "expiry", _("expiry")
        # Kept for the refunds a later release writes: nothing writes it yet,
        # and dropping a choice would need a migration for no gain.
        REFUND = "refund", _("refund")

    account = models.ForeignKey(
        CreditAccount, on_delete=models.PROTECT, related_name="entries"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    amount = models.DecimalField(_("amount"), default=Decimal("0"), **MONEY)
    held = models.DecimalField(_("held change"), default=Decimal("0"), **MONEY)
    reference = models.CharField(_("reference"), max_length=100)
    request_id = models.CharField(_("request id"), max_length=200, blank=True)
    note = models.CharField(_("note"), max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("by"),
    )
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
