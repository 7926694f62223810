"""Commits that need not wait for the disk."""

from __future__ import annotations

from django.db import DEFAULT_DB_ALIAS, transaction


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
