"""errorkit.billing.amounts.to_amount and add_funds: every amount is checked
once, against what the ledger can store, and a bad one writes nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest

from errorkit.billing.amounts import LARGEST, to_amount
from errorkit.billing.funds import add_funds, funds_of
from errorkit.billing.models import LedgerEntry


@pytest.mark.parametrize(
    "value, message",
    [
        ("abc", "is not an amount"),
        ("", "is not an amount"),
        ("NaN", "is not an amount"),
        ("Infinity", "is not an amount"),
        ("-1", "is not a positive amount"),
        ("0", "is not a positive amount"),
        ("1.00001", "more than 4 decimal places"),
        ("1e-9", "more than 4 decimal places"),
        ("10000000000", "too large"),
        ("1" * 5000, "too large"),
        (0.1, "write it as a string"),
        (True, "write it as a string"),
    ],
)
def test_bad_amounts_say_what_is_wrong_in_one_line(value, message):
    with pytest.raises(ValueError, match=message) as raised:
        to_amount(value)
    assert "\n" not in str(raised.value) and len(str(raised.value)) < 160


@pytest.mark.parametrize(
    "value, amount",
    [("9.99", "9.99"), (5, "5"), (" 2 ", "2"), ("9.990000", "9.99"), ("1e3", "1000")],
)
def test_good_amounts_are_exact(value, amount):
    assert to_amount(value) == Decimal(amount)


def test_the_largest_amount_fits_and_zero_only_when_allowed():
    assert to_amount(str(LARGEST)) == LARGEST
    assert to_amount("0", allow_zero=True) == 0


@pytest.mark.django_db
def test_add_funds_refuses_what_the_balance_cannot_hold(api_user):
    with pytest.raises(ValueError, match="past the largest"):
        add_funds(api_user, LARGEST)
    with pytest.raises(ValueError, match="too large"):
        add_funds(api_user, "10000000000")
    assert funds_of(api_user).balance == Decimal("10.00")
    assert LedgerEntry.objects.count() == 1
