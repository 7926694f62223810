"""errorkit's tables: API keys, credit accounts with their ledger, idempotency keys."""

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


class APIKey(models.Model):
    """An API key. Only a SHA-256 of the secret is kept; the secret is shown once.

    Keys are ``sk_`` plus 43 random URL-safe characters (256 bits), so a fast
    hash is as safe as a slow one and costs nothing per request.
    """

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_keys"
    )
    name = models.CharField(_("name"), max_length=100, blank=True)
    prefix = models.CharField(_("prefix"), max_length=16, db_index=True, editable=False)
    hashed_key = models.CharField(max_length=64, unique=True, editable=False)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    last_used = models.DateTimeField(
        _("last used"), null=True, blank=True, editable=False
    )
    revoked_at = models.DateTimeField(
        _("revoked"), null=True, blank=True, editable=False
    )
    read_only = models.BooleanField(_("read-only"), default=False)

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name or self.owner})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


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


class IdempotencyRecord(models.Model):
    """An Idempotency-Key claimed by a caller: in progress, then its stored answer."""

    scope = models.CharField(max_length=100)
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)
    claimed_at = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)
    completed = models.BooleanField(default=False)
    request_id = models.CharField(max_length=200, blank=True)
    status_code = models.PositiveSmallIntegerField(null=True)
    headers = models.JSONField(default=dict)
    body = models.BinaryField(default=b"")

    class Meta:
        verbose_name = _("idempotency key")
        constraints = [
            models.UniqueConstraint(
                fields=["scope", "key"], name="errorkit_idempotency_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.key}"


class Incident(models.Model):
    """Server errors that share a fingerprint: one bug, however often it happens."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        RESOLVED = "resolved", _("resolved")
        IGNORED = "ignored", _("ignored")

    fingerprint = models.CharField(_("fingerprint"), max_length=64, unique=True)
    title = models.CharField(_("title"), max_length=255, db_index=True)
    error_code = models.CharField(_("error code"), max_length=64, db_index=True)
    status_code = models.PositiveSmallIntegerField(_("status code"), db_index=True)
    view = models.CharField(_("view"), max_length=255, blank=True)
    first_seen = models.DateTimeField(_("first seen"))
    last_seen = models.DateTimeField(_("last seen"), db_index=True)
    count = models.BigIntegerField(_("count"), default=0)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=Status.choices,
        default=Status.OPEN,
        db_index=True,
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("resolved by"),
    )
    regressed = models.BooleanField(_("regressed"), default=False)
    regressed_at = models.DateTimeField(_("regressed at"), null=True, blank=True)
    # When the last event was kept: sampling keeps at most one per interval.
    last_sampled = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        ordering = ["-last_seen"]

    def __str__(self) -> str:
        return self.title


class IncidentEvent(models.Model):
    """One recorded occurrence, scrubbed of secrets before it is stored."""

    incident = models.ForeignKey(
        Incident, on_delete=models.CASCADE, related_name="events"
    )
    created = models.DateTimeField(_("time"), db_index=True)
    request_id = models.CharField(_("request id"), max_length=200, db_index=True)
    status_code = models.PositiveSmallIntegerField(_("status code"))
    method = models.CharField(_("method"), max_length=16)
    path = models.CharField(_("path"), max_length=2048, db_index=True)
    query = models.TextField(_("query"), blank=True)
    headers = models.JSONField(_("headers"), default=dict)
    body = models.TextField(_("body"), blank=True)
    user = models.CharField(_("user"), max_length=255, blank=True)
    key_prefix = models.CharField(_("API key prefix"), max_length=16, blank=True)
    traceback = models.TextField(_("traceback"), blank=True)

    class Meta:
        verbose_name = _("incident event")
        verbose_name_plural = _("incident events")
        ordering = ["-created"]
        indexes = [
            models.Index(fields=["incident", "-created"], name="errorkit_event_recent")
        ]

    def __str__(self) -> str:
        return f"{self.request_id} {self.method} {self.path}"


class IncidentHour(models.Model):
    """Exact counts per hour and status class, for the admin's chart (events are
    sampled, so they cannot be counted for it)."""

    hour = models.DateTimeField()
    status_class = models.PositiveSmallIntegerField()  # 4 or 5
    count = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["hour", "status_class"], name="errorkit_hour"
            )
        ]

    def __str__(self) -> str:
        return f"{self.hour:%Y-%m-%d %H}:00 {self.status_class}xx: {self.count}"
