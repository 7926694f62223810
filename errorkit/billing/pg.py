"""PostgreSQL's fast path for ModelBalanceBackend: a hold in one statement,
a post in one.

Data-modifying CTEs do in one round trip what the portable ORM path does in
several; the semantics are the same, step for step (the tests run both).
Under READ COMMITTED each UPDATE waits for a racing one's row lock and then
re-checks its WHERE on the row as committed, so a hold folded, or an account
debited, by a racing transaction is never counted twice.
"""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal
from typing import Any
from weakref import WeakKeyDictionary

from django.db import connection

from ..conf import errorkit_settings
from .models import CreditAccount, Hold, LedgerEntry

ACCOUNT = CreditAccount._meta.db_table
HOLD = Hold._meta.db_table
LEDGER = LedgerEntry._meta.db_table
ENTRY = "account_id, kind, amount, held, reference, request_id, note, created"

# Fold the account's resolved and lapsed holds into it (see backends.fold)
# and reserve the amount if the spendable balance then covers it, recording
# the hold: one statement, so one round trip and its own transaction (or the
# caller's). The account's row is locked (``locked``) before its one UPDATE
# decides; under READ COMMITTED the lock waits for a racing hold and then
# reads the row as that one committed it, and the folding UPDATE skips the
# holds a racing fold took first: nothing is counted twice, and two holds
# never spend the same money. The commit does not wait for the disk (see the
# hold's comment in backends): a hold lost in a crash is harmless.
HOLD_SQL = f"""
WITH relaxed AS (
    SELECT set_config('synchronous_commit', 'off', true)
), acct AS (
    SELECT id FROM {ACCOUNT}, relaxed WHERE owner_id = %(owner)s
), folding AS (
    UPDATE {HOLD} h SET folded = true,
        resolved_at = CASE WHEN h.status = 'active' THEN %(now)s
                      ELSE h.resolved_at END,
        status = CASE WHEN h.status = 'active' THEN 'expired' ELSE h.status END
    WHERE h.account_id = (SELECT id FROM acct) AND NOT h.folded
      AND (h.status IN ('posted', 'voided')
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
), locked AS (
    SELECT a.id, a.balance - sums.spent >= a.held - sums.released + %(amount)s
               AS covered,
           sums.folded > 0 AS folds
    FROM {ACCOUNT} a, sums
    WHERE a.id = (SELECT id FROM acct)
    FOR UPDATE OF a
), taken AS (
    UPDATE {ACCOUNT} a
    SET balance = a.balance - sums.spent,
        held = a.held - sums.released
               + CASE WHEN locked.covered THEN %(amount)s ELSE 0 END
    FROM sums, locked
    WHERE a.id = locked.id AND (locked.covered OR locked.folds)
    RETURNING a.id, locked.covered
), placed AS (
    INSERT INTO {HOLD} (account_id, amount, reference, request_id, created,
                        expires_at, status, folded)
    SELECT id, %(amount)s, %(reference)s, %(request_id)s, %(now)s,
           %(expires_at)s, 'active', false
    FROM taken WHERE covered
    RETURNING id, account_id
), entry AS (
    INSERT INTO {LEDGER} ({ENTRY})
    SELECT account_id, 'hold', 0, %(amount)s, %(reference)s, %(request_id)s, '',
           %(now)s
    FROM placed
)
SELECT (SELECT id FROM acct), (SELECT id FROM placed)
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
    SELECT account_id, 'post', -%(charge)s, -amount, reference, request_id,
           %(note)s, %(now)s
    FROM posted
)
SELECT COUNT(*) FROM posted
"""


PLACEHOLDER = re.compile(r"%\((\w+)\)s")


class Statement:
    """One of this module's statements, planned once per database session.

    Planning the hold's eight-part statement costs PostgreSQL more than
    running it (about 0.7 ms against 0.3 ms here), and Django's psycopg
    cursors never prepare. So on a connection's first use the statement is
    PREPAREd under its name, and every use EXECUTEs it with the values: the
    same SQL, through Django's cursor (its error wrapping, logging and
    execute wrappers), planned once. ``BILLING_PREPARED_STATEMENTS = False``
    sends the plain statement every time instead.
    """

    def __init__(self, name: str, sql: str) -> None:
        self.name = name
        self.sql = sql
        # Each named value once, in order of first use: $1, $2, ...
        self.names = tuple(dict.fromkeys(PLACEHOLDER.findall(sql)))
        positional = PLACEHOLDER.sub(lambda m: f"${self.names.index(m[1]) + 1}", sql)
        # PostgreSQL infers each value's type from where it is used (the
        # owner's column may be an integer or a UUID, as the user model says).
        self.prepare_sql = f"PREPARE {name} AS {positional}"
        self.execute_sql = f"EXECUTE {name} ({', '.join(['%s'] * len(self.names))})"
        # The driver's connections this is prepared on. Keyed by the
        # connection object itself: a reconnect is a new object, on which
        # it is prepared again; a closed one is forgotten with it.
        self.prepared_on: WeakKeyDictionary[Any, bool] = WeakKeyDictionary()

    def execute(self, cursor: Any, values: dict[str, Any]) -> None:
        if not errorkit_settings.BILLING_PREPARED_STATEMENTS:
            cursor.execute(self.sql, values)
            return
        session = connection.connection
        if session not in self.prepared_on:
            cursor.execute(self.prepare_sql)
            self.prepared_on[session] = True
        cursor.execute(self.execute_sql, [values[name] for name in self.names])


HOLD_STATEMENT = Statement("errorkit_billing_hold", HOLD_SQL)
POST_STATEMENT = Statement("errorkit_billing_post", POST_SQL)


def hold(
    owner_id: Any,
    amount: Decimal,
    reference: str,
    request_id: str,
    now: datetime,
    expires_at: datetime,
) -> tuple[Any, Any] | None:
    """(account id, hold id) of the hold placed, None if not spendable."""
    with connection.cursor() as cursor:
        HOLD_STATEMENT.execute(
            cursor,
            {
                "owner": owner_id,
                "amount": amount,
                "reference": reference,
                "request_id": request_id,
                "now": now,
                "expires_at": expires_at,
            },
        )
        account_id, hold_id = cursor.fetchone()
    return None if hold_id is None else (account_id, hold_id)


def post(hold_id: Any, charge: Decimal, now: datetime, note: str = "") -> bool:
    """Whether the hold was active and unexpired, and is now posted."""
    with connection.cursor() as cursor:
        POST_STATEMENT.execute(
            cursor, {"hold": hold_id, "charge": charge, "now": now, "note": note}
        )
        return bool(cursor.fetchone()[0])
