"""errorkit.keys: the create_api_key command."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.management import CommandError

from errorkit.billing.models import CreditAccount
from errorkit.keys.api_keys import find_key
from tests.helpers import run_command

pytestmark = pytest.mark.django_db


def test_create_api_key_prints_the_key_alone_on_the_last_line(django_user_model):
    output = run_command("create_api_key", "carol", "--balance", "5")
    secret = output.strip().splitlines()[-1]
    key = find_key(secret)
    assert key is not None and key.owner.username == "carol" and not key.read_only
    assert CreditAccount.objects.get(owner=key.owner).balance == Decimal("5")


def test_create_api_key_read_only_for_an_existing_user(django_user_model):
    django_user_model.objects.create(username="dave")
    secret = (
        run_command("create_api_key", "dave", "--read-only").strip().splitlines()[-1]
    )
    assert find_key(secret).read_only


@pytest.mark.parametrize("amount", ["ten", "-5", "0", "1.23456"])
def test_create_api_key_rejects_bad_amounts_without_creating_anything(
    amount, django_user_model
):
    with pytest.raises(CommandError, match="--balance"):
        run_command("create_api_key", "erin", "--balance", amount)
    assert not django_user_model.objects.filter(username="erin").exists()
