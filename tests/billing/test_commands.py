"""errorkit.billing: the add_funds command."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.management import CommandError

from errorkit.billing.models import CreditAccount
from tests.helpers import run_command

pytestmark = pytest.mark.django_db


def test_add_funds(api_user):
    assert "10.50" in run_command("add_funds", "alice", "0.50")
    assert CreditAccount.objects.get(owner=api_user).balance == Decimal("10.50")


def test_add_funds_to_an_unknown_user_is_a_clear_error():
    with pytest.raises(CommandError, match="No user 'nobody'"):
        run_command("add_funds", "nobody", "5")


@pytest.mark.parametrize("amount", ["x", "-1", "0"])
def test_add_funds_rejects_bad_amounts(api_user, amount):
    with pytest.raises(CommandError, match="AMOUNT"):
        run_command("add_funds", "alice", amount)
