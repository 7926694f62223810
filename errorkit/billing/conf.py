"""errorkit.billing's keys of the ``ERRORKIT`` settings dict, with their defaults."""

from typing import Any

DEFAULTS: dict[str, Any] = {
    # The backend that holds, posts and voids money (a project's own billing).
    "BALANCE_BACKEND": "errorkit.billing.backends.ModelBalanceBackend",
    # Seconds after which the hold of a request that never finished (a killed
    # process, a cut connection) stops counting, with nothing left to run.
    # Longer than the slowest job: a job finishing later is charged only if
    # the balance still covers it.
    "BALANCE_HOLD_TIMEOUT": 300,
    # On PostgreSQL, the hold and the post are prepared once per connection
    # (PREPARE, then EXECUTE by name), so the server plans them once instead
    # of on every request. False behind a pooler that does not keep a
    # session's prepared statements (PgBouncer in transaction mode before
    # 1.21, or with max_prepared_statements = 0).
    "BILLING_PREPARED_STATEMENTS": True,
}
IMPORT_STRINGS: frozenset[str] = frozenset({"BALANCE_BACKEND"})
