"""PostgreSQL's fast path for ModelBalanceBackend: a hold in two statements,
a post in one.

Data-modifying CTEs do in one round trip what the portable ORM path does in
several; the semantics are the same, step for step (the tests run both).
Under READ COMMITTED each UPDATE waits for a racing one's row lock and then
re-checks its WHERE on the row as committed, so a hold folded, or an account
debited, by a racing transaction is never counted twice.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import connection

from .models import CreditAccount, Hold, LedgerEntry

ACCOUNT = CreditAccount._meta.db_table
HOLD = Hold._meta.db_table
LEDGER = LedgerEntry._meta.db_table
ENTRY = "account_id, kind, amount, held, reference, request_id, note, created"

# Fold the account's resolved and lapsed holds into it (see backends.fold),
# without waiting for the disk at commit (see the hold's comment there).
FOLD_SQL = f"""
WITH relaxed AS (
    SELECT set_config('synchronous_commit', 'off', true)
), acct AS (
    SELECT id FROM {ACCOUNT}, relaxed WHERE owner_id = %(owner)s
), folding AS (
    UPDATE {HOLD} h SET folded = true,
        resolved_at = CASE WHEN h.status = 'active' THEN %(now)s
                      ELSE h.resolved_at END,
        status = CASE WHEN h.status = 'active' THEN 'expired' ELSE h.status END
    WHERE h.account_id = (SELECT id FROM acct)
      AND ((NOT h.folded AND h.status IN ('posted', 'voided'))
           OR (h.status = 'active' AND h.expires_at <= %(now)s))
    RETURNING h.account_id, h.status, h.amount, h.posted_amount, h.reference,
              h.request_id
), expiries AS (
    INSERT INTO {LEDGER} ({ENTRY})
    SELECT account_id, 'expiry', 0, -amount, reference, request_id, '', %(now)s
    FROM folding WHERE status = 'expired'
), sums AS (
    SELECT COALESCE(SUM(posted_amount) FILTER (WHERE status = 'posted'), 0)
               AS spent,
           COALESCE(SUM(amount), 0) AS released,
           COUNT(*) AS folded
    FROM folding
), applied AS (
    UPDATE {ACCOUNT} a
    SET balance = a.balance - sums.spent, held = a.held - sums.released
    FROM sums
    WHERE a.id = (SELECT id FROM acct) AND sums.folded > 0
)
SELECT id FROM acct
"""

# Reserve the amount if the spendable balance covers it, and record the hold.
HOLD_SQL = f"""
WITH taken AS (
    UPDATE {ACCOUNT} SET held = held + %(amount)s
    WHERE id = %(account)s AND balance >= held + %(amount)s
    RETURNING id
), placed AS (
    INSERT INTO {HOLD} (account_id, amount, reference, request_id, created,
                        expires_at, status, folded)
    SELECT id, %(amount)s, %(reference)s, %(request_id)s, %(now)s,
           %(expires_at)s, 'active', false
    FROM taken
    RETURNING id, account_id
), entry AS (
    INSERT INTO {LEDGER} ({ENTRY})
    SELECT account_id, 'hold', 0, %(amount)s, %(reference)s, %(request_id)s, '',
           %(now)s
    FROM placed
)
SELECT id FROM placed
"""

# Post an active, unexpired hold: only the hold's row and the ledger.
POST_SQL = f"""
WITH posted AS (
    UPDATE {HOLD} SET status = 'posted', posted_amount = %(charge)s,
                      resolved_at = %(now)s
    WHERE id = %(hold)s AND status = 'active' AND expires_at > %(now)s
    RETURNING account_id, amount, reference, request_id
), entry AS (
    INSERT INTO {LEDGER} ({ENTRY})
    SELECT account_id, 'post', -%(charge)s, -amount, reference, request_id, '',
           %(now)s
    FROM posted
)
SELECT COUNT(*) FROM posted
"""


def hold(
    owner_id: Any,
    amount: Decimal,
    reference: str,
    request_id: str,
    now: datetime,
    expires_at: datetime,
) -> tuple[Any, Any] | None:
    """(account id, hold id) of the hold placed, None if not spendable.
    Run inside a transaction."""
    with connection.cursor() as cursor:
        cursor.execute(FOLD_SQL, {"owner": owner_id, "now": now})
        row = cursor.fetchone()
        if row is None:
            return None
        account_id = row[0]
        cursor.execute(
            HOLD_SQL,
            {
                "account": account_id,
                "amount": amount,
                "reference": reference,
                "request_id": request_id,
                "now": now,
                "expires_at": expires_at,
            },
        )
        placed = cursor.fetchone()
    return None if placed is None else (account_id, placed[0])


def post(hold_id: Any, charge: Decimal, now: datetime) -> bool:
    """Whether the hold was active and unexpired, and is now posted."""
    with connection.cursor() as cursor:
        cursor.execute(POST_SQL, {"hold": hold_id, "charge": charge, "now": now})
        return bool(cursor.fetchone()[0])
