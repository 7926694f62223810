"""Idempotency keys: claimed by a request, then its stored answer."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class IdempotencyRecord(models.Model):
    """An Idempotency-Key claimed by a caller: in progress, then its stored answer."""

    scope = models.CharField(max_length=100)
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)
    claimed_at = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)
    completed = models.BooleanField(default=False)
    request_id = models.CharField(max_length=200, blank=True)
    # The server's id of the call that holds the claim (errorkit.pipeline):
    # what a takeover settles the dead call's money by.
    call_id = models.CharField(max_length=32, blank=True)
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
