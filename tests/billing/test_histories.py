"""Random histories of holds (placed, posted, voided, lapsed, posted late,
tidied by expire_holds) against a model of the rules in a few lines of
Python (errorkit.billing.holds says them in words): after every step the
reads equal the model, and at the end the ledger sums to the stored columns.

These run on the default database here (the ORM's path) and, through
tests/billing/test_postgres_path.py, on PostgreSQL (errorkit.billing.pg's
one-statement path): both equal the same model on the same seeded histories,
so they equal each other.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from decimal import Decimal

import pytest

from errorkit import InsufficientBalance
from errorkit.billing.backends import (
    HoldNotActive,
    ModelBalanceBackend,
    PlacedHold,
    expire_lapsed_holds,
)
from errorkit.billing.funds import add_funds, funds_of
from tests.helpers import assert_ledger_adds_up, lapse
from tests.users import make_user

pytestmark = pytest.mark.django_db

backend = ModelBalanceBackend()
CENT = Decimal("0.01")


@dataclass
class Model:
    """The rules: a live hold reserves its amount; a post charges what it
    says and frees the hold; a void or a lapse frees it; a lapsed hold posted
    late is charged only if what is spendable without it covers the charge."""

    settled: Decimal
    live: dict[str, Decimal] = field(default_factory=dict)
    lapsed: dict[str, Decimal] = field(default_factory=dict)

    @property
    def held(self) -> Decimal:
        return sum(self.live.values(), Decimal("0"))

    @property
    def spendable(self) -> Decimal:
        return self.settled - self.held


def amount(rng: random.Random, top: int) -> Decimal:
    return Decimal(rng.randint(1, top)) * CENT


def run_history(seed: int, user, steps: int = 40) -> None:
    rng = random.Random(seed)
    model = Model(settled=Decimal("10.00"))
    placed: dict[str, PlacedHold] = {}
    for step in range(steps):
        op = rng.choice(["hold", "hold", "post", "void", "lapse", "late", "tidy"])
        where = f"seed {seed}, step {step}: {op}"
        if op == "hold":
            wanted = amount(rng, 400)
            hold = backend.hold(user, wanted, timeout=600)
            if wanted <= model.spendable:
                assert hold is not None, where
                placed[hold.reference] = hold
                model.live[hold.reference] = wanted
            else:
                assert hold is None, where
        elif op in ("post", "void", "lapse") and model.live:
            reference = rng.choice(sorted(model.live))
            hold = placed[reference]
            if op == "post":
                charge = amount(rng, int(hold.amount / CENT))
                backend.post(hold, charge)
                model.settled -= charge
                del model.live[reference]
            elif op == "void":
                backend.void(hold)
                del model.live[reference]
            else:
                lapse(hold)
                model.lapsed[reference] = model.live.pop(reference)
        elif op == "late" and model.lapsed:
            reference = rng.choice(sorted(model.lapsed))
            hold = placed[reference]
            charge = amount(rng, int(hold.amount / CENT))
            del model.lapsed[reference]
            if charge <= model.spendable:
                backend.post(hold, charge)
                model.settled -= charge
            else:
                with pytest.raises(InsufficientBalance):
                    backend.post(hold, charge)
                # Refused, it stays expired: a second try is not a post.
                with pytest.raises((HoldNotActive, InsufficientBalance)):
                    backend.post(hold, charge)
        elif op == "tidy":
            expire_lapsed_holds()
            model.lapsed.clear()  # expired now: never posted any more
        funds = funds_of(user)
        assert (funds.balance, funds.held, funds.settled) == (
            model.spendable,
            model.held,
            model.settled,
        ), where
    assert_ledger_adds_up(user)


@pytest.mark.parametrize("seed", range(12))
def test_reads_follow_the_rules_on_a_random_history(seed):
    user = make_user(f"history{seed}")
    add_funds(user, "10.00")
    run_history(seed, user)
