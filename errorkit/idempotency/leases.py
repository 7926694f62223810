"""A claim's lease, held by the request that runs it and lapsing with it.

On PostgreSQL the lease is a session advisory lock on the request's own
connection: the server lets go of it the moment that connection ends, when
the process is killed or the connection cut, so a retry can take a dead
request's key over at once instead of waiting ``IDEMPOTENCY_STALE_AFTER``.
Other databases have no such lock: their claims are taken over when stale.
"""

from __future__ import annotations

import hashlib

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections


def _lock_id(scope: str, key: str) -> int:
    digest = hashlib.sha256(f"{scope}\0{key}".encode("utf-8", "replace")).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def supported(using: str = DEFAULT_DB_ALIAS) -> bool:
    return connections[using].vendor == "postgresql"


def take(scope: str, key: str, using: str = DEFAULT_DB_ALIAS) -> bool:
    """Hold the key's lease now; False when another live request holds it."""
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [_lock_id(scope, key)])
        return bool(cursor.fetchone()[0])


def drop(scope: str, key: str, using: str = DEFAULT_DB_ALIAS) -> None:
    """Let go of the lease; a broken connection has let go of it already."""
    try:
        with connections[using].cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [_lock_id(scope, key)])
    except DatabaseError:
        pass
