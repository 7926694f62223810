"""Amounts of money as given by people and programs, checked once.

Every entry point (commands, the admin, the Python API, a view's price) goes
through ``to_amount``, so an amount the ledger cannot store exactly is refused
with one sentence before anything is written.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any, TypedDict

from django.utils.translation import gettext as _


class Columns(TypedDict):
    max_digits: int
    decimal_places: int


# The columns every amount is stored in: 10 digits before the point, 4 after.
MONEY: Columns = {"max_digits": 14, "decimal_places": 4}
PLACES = MONEY["decimal_places"]
LARGEST = Decimal(10) ** (MONEY["max_digits"] - PLACES) - Decimal(1).scaleb(-PLACES)


STEP = Decimal(1).scaleb(-PLACES)


def _shown(value: Any) -> str:
    text = str(value).strip()
    return repr(text if len(text) <= 40 else text[:40] + "...")


def to_amount(value: Any, *, allow_zero: bool = False) -> Decimal:
    """A positive Decimal the ledger can store exactly, or ValueError saying why."""
    if isinstance(value, (bool, float)):
        # A float is already inexact (0.1 is not 0.1): ask for a string.
        raise ValueError(
            _("%(value)r is not an amount: write it as a string, like '9.99'.")
            % {"value": value}
        )
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        amount = Decimal("NaN")
    if not amount.is_finite():
        raise ValueError(
            _("%(value)s is not an amount: write it like 10 or 9.99.")
            % {"value": _shown(value)}
        )
    if amount < 0 or (amount == 0 and not allow_zero):
        raise ValueError(
            _("%(value)s is not a positive amount.") % {"value": _shown(value)}
        )
    if amount > LARGEST:
        raise ValueError(
            _("%(value)s is too large: the largest is %(largest)s.")
            % {"value": _shown(value), "largest": LARGEST}
        )
    if amount != amount.quantize(STEP):
        raise ValueError(
            _("%(value)s has more than %(places)d decimal places.")
            % {"value": _shown(value), "places": PLACES}
        )
    return amount.quantize(STEP)


def stored_places(value: Any) -> Decimal:
    """A sum read back from the database, at the ledger's places: SQLite
    computes decimals as floats (9.55 comes back as 9.54999999999999), and a
    reader should never see that."""
    return Decimal(str(value)).quantize(STEP)
