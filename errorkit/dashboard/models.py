"""A customer's request to add funds, from the "Add funds" button until the
money is in their balance (or is not): the record that makes a top-up
happen once however often a payment provider reports it."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class TopUp(models.Model):
    class Status(models.TextChoices):
        # Waiting: for the payment (Stripe) or for staff (manual).
        PENDING = "pending", _("pending")
        CREDITED = "credited", _("credited")
        DECLINED = "declined", _("declined")
        # Paid in another amount or currency than asked: nothing credited.
        REFUSED = "refused", _("refused")
        # The payment provider could not be reached: nothing was charged.
        FAILED = "failed", _("failed")

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("customer"),
    )
    # What the top-up backend calls itself ("stripe", "manual", "demo").
    method = models.CharField(_("method"), max_length=20)
    amount = models.DecimalField(
        _("amount"), max_digits=14, decimal_places=4, default=Decimal("0")
    )
    currency = models.CharField(_("currency"), max_length=3)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    # The payment provider's id (a Stripe Checkout Session's), once made.
    external_id = models.CharField(_("payment id"), max_length=255, blank=True)
    created = models.DateTimeField(_("asked"), auto_now_add=True)
    decided = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("decided by"),
    )
    reason = models.CharField(_("reason"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("top-up")
        verbose_name_plural = _("top-ups")
        ordering = ["-created", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["method", "external_id"],
                condition=~Q(external_id=""),
                name="errorkit_topup_unique_payment",
            )
        ]
        indexes = [
            models.Index(fields=["owner", "status"], name="errorkit_topup_owner")
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.amount} {self.currency} ({self.status})"

    @property
    def shown_amount(self) -> str:
        """The amount as a person wrote it: in cents when it has no finer
        part ("5.50"), else to its last digit ("5.005")."""
        amount = Decimal(self.amount)
        cents = amount.quantize(Decimal("0.01"))
        return str(cents if cents == amount else amount.normalize())

    @property
    def reference(self) -> str:
        """The ledger's reference of its credit: one per top-up, so the
        ledger itself refuses to credit it twice."""
        return f"topup_{self.pk}"
