"""Amounts of money as given by people and programs, checked once."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any


def to_amount(value: Any) -> Decimal:
    """A positive Decimal from a Decimal, int or string, or ValueError saying why."""
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError(
            f"{value!r} is not an amount: write it like 10 or 9.99."
        ) from None
    if not amount.is_finite() or amount <= 0:
        raise ValueError(f"{value!r} is not a positive amount.")
    if amount.as_tuple().exponent < -4:
        raise ValueError(f"{value!r} has more than 4 decimal places.")
    return amount
