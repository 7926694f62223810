"""errorkit.idempotency's keys of the ``ERRORKIT`` settings dict, with defaults."""

from typing import Any

DEFAULTS: dict[str, Any] = {
    # Keys are kept this long (seconds); a claim older than the stale timeout
    # is taken over; a 409 tells the caller to retry after this.
    "IDEMPOTENCY_TTL": 24 * 60 * 60,
    "IDEMPOTENCY_STALE_AFTER": 60,
    "IDEMPOTENCY_RETRY_AFTER": 1,
}
IMPORT_STRINGS: frozenset[str] = frozenset()
