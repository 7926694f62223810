"""errorkit.billing fills errorkit.customers: funds added to a balance (what
create_api_key --balance uses) and the page of a user's ledger."""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import urlencode

import pytest

from errorkit import customers
from errorkit.billing.models import LedgerEntry
from errorkit.customers import Customer, page_url
from tests.helpers import assert_ledger_adds_up
from tests.users import make_user

pytestmark = pytest.mark.django_db


def test_funds_are_parsed_and_added_to_the_ledger():
    funds = customers.hooks.funds
    assert funds is not None
    user = make_user("dora")
    amount = funds.parse("2.50")
    assert funds.add(user, amount, note="welcome") == (Decimal("2.50"), "USD")
    entry = LedgerEntry.objects.get(account__owner=user)
    assert (entry.amount, entry.note) == (Decimal("2.50"), "welcome")
    assert_ledger_adds_up(user)
    for bad in ("-1", "abc", "1e400", "0"):
        with pytest.raises(ValueError):
            funds.parse(bad)


def test_the_page_of_a_users_ledger():
    q = urlencode({"q": "dora"})
    url = page_url("ledger", Customer(user="dora"))
    assert url.endswith(f"/errorkit_billing/ledgerentry/?{q}")
    assert page_url("ledger", Customer(key_prefix="sk_abc")) is None
