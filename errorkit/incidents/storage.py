"""Storing occurrences: which recorder writes them, and the alert they raise.

``errorkit.incidents.counting`` is the reference (the ORM alone);
``errorkit.incidents.upserts`` the fast paths a database allows. Both count
exactly: racing events lose no count and reopen a resolved incident once.
Events are sampled; counts stay exact.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction

from .alerts import alert_opened
from .capture import Failure, Occurrence
from .counting import Recorder
from .upserts import PostgresRecorder, UpsertRecorder, can_upsert


def recorder_for(connection: Any) -> Recorder:
    """The fastest recorder the database allows."""
    if connection.vendor == "postgresql":
        return PostgresRecorder()
    return UpsertRecorder() if can_upsert(connection) else Recorder()


def write(items: Sequence[Occurrence | Failure]) -> list[int | None]:
    """Write occurrences and lean failures; the incident's id of each (None
    for a failure, which has none). Alerts on incidents opened or reopened."""
    written = recorder_for(transaction.get_connection()).write(items)
    if written.opened:
        alert_opened(written.opened, items[-1].now)
    return written.ids
