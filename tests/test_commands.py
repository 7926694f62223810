"""errorkit's commands: create_api_key, add_funds, prune_idempotency_keys."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from errorkit.api_keys import find_key
from errorkit.models import CreditAccount, IdempotencyRecord

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_create_api_key_prints_the_key_alone_on_the_last_line(django_user_model):
    output = run("create_api_key", "carol", "--balance", "5")
    secret = output.strip().splitlines()[-1]
    key = find_key(secret)
    assert key is not None and key.owner.username == "carol" and not key.read_only
    assert CreditAccount.objects.get(owner=key.owner).balance == Decimal("5")


def test_create_api_key_read_only_for_an_existing_user(django_user_model):
    django_user_model.objects.create(username="dave")
    secret = run("create_api_key", "dave", "--read-only").strip().splitlines()[-1]
    assert find_key(secret).read_only


@pytest.mark.parametrize("amount", ["ten", "-5", "0", "1.23456"])
def test_create_api_key_rejects_bad_amounts_without_creating_anything(
    amount, django_user_model
):
    with pytest.raises(CommandError, match="--balance"):
        run("create_api_key", "erin", "--balance", amount)
    assert not django_user_model.objects.filter(username="erin").exists()


def test_add_funds(api_user):
    assert "10.50" in run("add_funds", "alice", "0.50")
    assert CreditAccount.objects.get(owner=api_user).balance == Decimal("10.50")


def test_add_funds_to_an_unknown_user_is_a_clear_error():
    with pytest.raises(CommandError, match="No user 'nobody'"):
        run("add_funds", "nobody", "5")


@pytest.mark.parametrize("amount", ["x", "-1", "0"])
def test_add_funds_rejects_bad_amounts(api_user, amount):
    with pytest.raises(CommandError, match="AMOUNT"):
        run("add_funds", "alice", amount)


def test_prune_idempotency_keys_deletes_only_expired_ones():
    now = timezone.now()
    for n, expires in enumerate([now - timedelta(hours=1), now + timedelta(hours=1)]):
        IdempotencyRecord.objects.create(
            scope="s", key=f"k{n}", fingerprint="f", claimed_at=now, expires_at=expires
        )
    assert "Deleted 1" in run("prune_idempotency_keys", "--batch-size", "1")
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["k1"]
