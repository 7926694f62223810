"""errorkit.idempotency: the prune_idempotency_keys command."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from errorkit.idempotency.models import IdempotencyRecord
from tests.helpers import run_command

pytestmark = pytest.mark.django_db


def test_prune_idempotency_keys_deletes_only_expired_ones():
    now = timezone.now()
    for n, expires in enumerate([now - timedelta(hours=1), now + timedelta(hours=1)]):
        IdempotencyRecord.objects.create(
            scope="s", key=f"k{n}", fingerprint="f", claimed_at=now, expires_at=expires
        )
    assert "Deleted 1" in run_command("prune_idempotency_keys", "--batch-size", "1")
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["k1"]
