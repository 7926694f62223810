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
from django.utils import timezone

from .alerts import alert_opened
from .capture import Failure, Occurrence
from .counting import Recorder
from .models import Incident, StatusChange
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
        note_regressions(written.opened)
        alert_opened(written.opened, items[-1].now)
    return written.ids


def note_regressions(opened: list[int]) -> None:
    """Put each resolved incident that happened again (and so reopened) in its
    history, as errorkit's own change (no staff member). A new incident is
    opened too, but was never resolved: it has no ``regressed`` flag."""
    reopened = Incident.objects.filter(
        pk__in=opened, regressed=True, regressed_at__isnull=False
    ).values_list("pk", "regressed_at")
    StatusChange.objects.bulk_create(
        StatusChange(
            incident_id=pk,
            at=at or timezone.now(),  # never None here: filtered above
            before=Incident.Status.RESOLVED,
            after=Incident.Status.OPEN,
        )
        for pk, at in reopened
    )
