"""Writes that must not depend on the disk or on one connection: commits that
need not wait for the disk, and clean-ups retried on a fresh connection."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction


def relax_durability(using: str = DEFAULT_DB_ALIAS) -> None:
    """Let the current transaction commit without waiting for its WAL to reach
    the disk (PostgreSQL's ``synchronous_commit = off``, for it alone).

    For writes whose loss in a crash is harmless, so that the rows they lock
    are released sooner: a crash may lose the last moments of them, never
    corrupt them, and a later durable commit makes them durable too.
    """
    connection = transaction.get_connection(using)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit = off")


def on_fresh_connection(
    action: Callable[[], object],
    logger: logging.Logger,
    failure: str,
    *args: object,
    using: str = DEFAULT_DB_ALIAS,
) -> bool:
    """Run ``action``; if the request's connection broke, once more on a fresh
    one. Whether it was done: if not, ``failure % args`` is logged (warning)."""
    for attempt in (1, 2):
        try:
            action()
            return True
        except DatabaseError:
            connections[using].close()
            if attempt == 2:
                logger.warning(failure, *args, exc_info=True)
    return False
