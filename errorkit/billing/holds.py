"""A hold's life, as one set of rules.

A hold is **live** while it is active and its ``expires_at`` is still ahead:
it reserves its amount, and only a live hold may be posted on the fast path
(an active one, live or lapsed, may be voided: voiding a lapsed hold frees
nothing more). Once ``expires_at`` has passed an active hold is **lapsed**: it
reserves nothing any more (reads already leave it out), and the next fold
marks it expired. A posted or voided hold not yet folded into its account's
stored columns still changes what the account can spend. Every query of
errorkit.billing and its admin takes these from here; the PostgreSQL
statements (``billing/pg.py``) say the same in SQL, and the billing tests
prove both paths give the same balances on the same histories.

The sum of a set of amounts, 0 for none, is here too (``money_sum``), for
the reads and the ledger's running balance alike.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.db.models import DecimalField, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from .amounts import MONEY
from .models import Hold

Status = Hold.Status
LAPSED = "lapsed"


def live(now: datetime) -> Q:
    """Active and not past ``expires_at``: reserves its amount."""
    return Q(status=Status.ACTIVE, expires_at__gt=now)


def lapsed(now: datetime) -> Q:
    """Active but past ``expires_at``: reserves nothing, expired when folded."""
    return Q(status=Status.ACTIVE, expires_at__lte=now)


def to_fold(now: datetime) -> Q:
    """What the account's stored balance and held still count wrongly:
    resolved (posted or voided) but not folded in, or lapsed."""
    # An active hold is never folded (folding ends it), so every such hold is
    # unfolded: saying so first lets the database read the account's few
    # unfolded holds from the (account, folded) index instead of every hold
    # the account ever had, a cost that grew with its history.
    return Q(folded=False) & (
        Q(status__in=(Status.POSTED, Status.VOIDED)) | lapsed(now)
    )


def state_at(hold: Hold, now: datetime) -> str:
    """The hold's status as the rules read it at ``now``: "lapsed" for an
    active hold past its expiry, else its stored status."""
    if hold.status == Status.ACTIVE and hold.expires_at <= now:
        return LAPSED
    return str(hold.status)


def money_sum(aggregate: QuerySet) -> Coalesce:
    """A subquery's one summed column (annotated ``t``), 0 when it has none."""
    return Coalesce(
        Subquery(aggregate.values("t")),
        Value(Decimal("0")),
        output_field=DecimalField(**MONEY),
    )
