"""Fast paths of counting, tested equal to the ORM's (errorkit.incidents.counting)
on the same random histories (tests/incidents/test_counting.py).

- ``UpsertRecorder`` (PostgreSQL, SQLite 3.35+): counting an incident and an
  hour is one ``INSERT ... ON CONFLICT ... RETURNING`` each, instead of an
  UPDATE and, for a new incident, an INSERT.
- ``PostgresRecorder``: one event in one statement, its own transaction:
  the count, the hour's count and the findable row together.
"""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Sequence
from contextlib import nullcontext
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone
from typing import Any

from django.db import transaction
from django.utils import timezone

from ..conf import errorkit_settings
from .capture import Failure, Occurrence
from .counting import Counted, Recorder, Written, hour_of
from .models import FailedRequest, Incident, IncidentEvent, IncidentHour

Status = Incident.Status


def can_upsert(connection: Any) -> bool:
    """INSERT ... ON CONFLICT ... RETURNING: PostgreSQL, and SQLite 3.35 or later."""
    if connection.vendor == "postgresql":
        return True
    if connection.vendor == "sqlite":
        return sqlite3.sqlite_version_info >= (3, 35)
    return False


class UpsertRecorder(Recorder):
    """Counts with one upsert per incident and per hour."""

    def count_event(self, occurrence: Occurrence, amount: int = 1) -> Counted:
        """Recorder.count_event in one statement: it counts, reopens a
        resolved incident and claims the sample slot. Racing events each see
        the row after the one before them, so no count is lost and only one
        reopens it."""
        o = occurrence
        now = o.now
        connection = transaction.get_connection()
        sql, params = _count_statement(connection, o, amount)
        stamp = connection.ops.adapt_datetimefield_value(now)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            row = cursor.fetchone()
        return _counted(row, now, stamp, amount)

    def count_hour(
        self, incident: int, hour: datetime, status_class: int, amount: int
    ) -> None:
        """Recorder.count_hour in one upsert."""
        connection = transaction.get_connection()
        table = connection.ops.quote_name(IncidentHour._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (incident_id, hour, status_class, count) "
                "VALUES (%s, %s, %s, %s) ON CONFLICT (incident_id, hour) DO UPDATE "
                f"SET count = {table}.count + EXCLUDED.count",
                [
                    incident,
                    connection.ops.adapt_datetimefield_value(hour),
                    status_class,
                    amount,
                ],
            )


class PostgresRecorder(UpsertRecorder):
    """Writes one item in one statement (the common case: the request's own)."""

    def write(self, items: Sequence[Occurrence | Failure]) -> Written:
        """One item in one round trip: the count, the hour's count and the
        findable row in one statement (a statement is its own transaction:
        all or nothing), which also relaxes its commit's durability. Only an
        event that sampling keeps costs more: its row, and its link from the
        findable row. A sync recording costs the request little more than the
        database's own time for these rows.
        """
        if len(items) != 1:
            return super().write(items)
        item = items[0]
        connection = transaction.get_connection()
        with transaction.atomic() if connection.in_atomic_block else nullcontext():
            if isinstance(item, Failure):
                _insert_failure(connection, item)
                return Written([None], [])
            counted, failed = _count_occurrence(connection, item)
            if counted.sampled:
                with transaction.atomic():
                    event = IncidentEvent.objects.create(
                        incident_id=counted.pk, created=item.now, **item.event.build()
                    )
                    FailedRequest.objects.filter(pk=failed).update(event=event)
        return Written([counted.pk], [counted.pk] if counted.opened else [])


# Evaluated with the statement it is named in: this transaction alone (a
# statement's own, or the caller's) commits without waiting for the disk.
_RELAX = "relax AS (SELECT set_config('synchronous_commit', 'off', true) AS off)"


@functools.cache
def _columns(model: type[Any], *names: str) -> str:
    # Quoted as PostgreSQL quotes (the only vendor these statements run on).
    return ", ".join(f'"{model._meta.get_field(n).column}"' for n in names)


_FAILED_COLUMNS = (
    "incident",
    "request_id",
    "created",
    "status_code",
    "error_code",
    "user",
    "key_prefix",
    "method",
    "path",
    "reason",
)


def _failure_params(connection: Any, failure: Failure) -> list[Any]:
    return [
        connection.ops.adapt_datetimefield_value(failure.now),
        failure.status,
        failure.code,
        failure.user,
        failure.key_prefix,
        failure.method,
        failure.path,
        failure.reason,
    ]


def _insert_failure(connection: Any, failure: Failure) -> None:
    table = connection.ops.quote_name(FailedRequest._meta.db_table)
    sql = (
        f"WITH {_RELAX} INSERT INTO {table} "
        f"({_columns(FailedRequest, *_FAILED_COLUMNS)}) "
        "SELECT NULL, %s, %s, %s, %s, %s, %s, %s, %s, %s FROM relax"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [failure.request_id, *_failure_params(connection, failure)])


def _count_occurrence(connection: Any, o: Occurrence) -> tuple[Counted, int]:
    """count_event, count_hour and the findable row as one statement: the
    incident counted (and its sample slot claimed); the findable row's id."""
    count_sql, count_params = _count_statement(connection, o, amount=1)
    quote = connection.ops.quote_name
    hours, failed = (
        quote(IncidentHour._meta.db_table),
        quote(FailedRequest._meta.db_table),
    )
    stamp = connection.ops.adapt_datetimefield_value(o.now)
    sql = (
        f"WITH {_RELAX}, counted AS ({count_sql}), "
        f"hour AS (INSERT INTO {hours} "
        f"({_columns(IncidentHour, 'incident', 'hour', 'status_class', 'count')}) "
        "SELECT id, %s, %s, 1 FROM counted "
        f"ON CONFLICT ({_columns(IncidentHour, 'incident', 'hour')}) "
        f"DO UPDATE SET count = {hours}.count + EXCLUDED.count), "
        f"failed AS (INSERT INTO {failed} "
        f"({_columns(FailedRequest, *_FAILED_COLUMNS)}) "
        "SELECT id, %s, %s, %s, %s, %s, %s, %s, %s, %s FROM counted RETURNING id) "
        "SELECT counted.id, last_sampled, count, regressed_at, failed.id "
        "FROM counted, failed, relax"
    )
    params = [
        *count_params,
        connection.ops.adapt_datetimefield_value(hour_of(o.now)),
        o.status // 100,
        o.event.request_id[:200],
        *_failure_params(connection, o.failure),
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        *row, failed_id = cursor.fetchone()
    return _counted(row, o.now, stamp, amount=1), failed_id


def _counted(row: Sequence[Any], now: datetime, stamp: Any, amount: int) -> Counted:
    """What the upsert's row (id, last_sampled, count, regressed_at) says."""
    pk, last_sampled, count, regressed_at = row
    # A count that is this statement's amount was inserted by it; a
    # regressed_at that is this event's time was set by it.
    opened = count == amount or _same_instant(regressed_at, now, stamp)
    return Counted(pk, _same_instant(last_sampled, now, stamp), opened, count)


def _count_statement(
    connection: Any, o: Occurrence, amount: int
) -> tuple[str, list[Any]]:
    """count_event's upsert, with its parameters: returns the incident's id,
    last_sampled, count and regressed_at."""
    ops, table = connection.ops, connection.ops.quote_name(Incident._meta.db_table)
    now = o.now
    stamp = ops.adapt_datetimefield_value(now)
    due = ops.adapt_datetimefield_value(
        now - timedelta(seconds=errorkit_settings.INCIDENT_SAMPLE_INTERVAL)
    )
    resolved = f"{table}.status = %s"
    by = ops.quote_name(Incident._meta.get_field("resolved_by").column)
    sql = (
        f"INSERT INTO {table} (fingerprint, title, error_code, status_code, view, "
        "first_seen, last_seen, count, status, regressed, last_sampled) "
        "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) "
        "ON CONFLICT (fingerprint) DO UPDATE SET "
        f"count = {table}.count + EXCLUDED.count, last_seen = EXCLUDED.last_seen, "
        f"status = CASE WHEN {resolved} THEN %s ELSE {table}.status END, "
        f"regressed = CASE WHEN {resolved} THEN %s ELSE {table}.regressed END, "
        f"resolved_at = CASE WHEN {resolved} THEN NULL ELSE {table}.resolved_at END, "
        f"{by} = CASE WHEN {resolved} THEN NULL ELSE {table}.{by} END, "
        f"regressed_at = CASE WHEN {resolved} THEN EXCLUDED.last_seen "
        f"ELSE {table}.regressed_at END, "
        f"last_sampled = CASE WHEN {table}.count < %s OR {table}.last_sampled IS NULL "
        f"OR {table}.last_sampled <= %s THEN EXCLUDED.last_seen "
        f"ELSE {table}.last_sampled END "
        "RETURNING id, last_sampled, count, regressed_at"
    )
    params = [
        o.fingerprint,
        o.title,
        o.code,
        o.status,
        o.view[:255],
        stamp,
        stamp,
        amount,
        Status.OPEN,
        False,
        stamp,
        Status.RESOLVED,
        Status.OPEN,
        Status.RESOLVED,
        True,
        Status.RESOLVED,  # resolved_at
        Status.RESOLVED,  # resolved_by
        Status.RESOLVED,  # regressed_at
        errorkit_settings.INCIDENT_SAMPLE_FIRST,
        due,
    ]
    return sql, params


def _same_instant(value: Any, now: datetime, stamp: Any) -> bool:
    """Whether the stored ``last_sampled`` is this event's ``now``.

    Drivers give it back as they store it: aware (PostgreSQL), naive UTC
    (SQLite's datetime converter) or as the string that was sent.
    """
    if isinstance(value, datetime) and value.tzinfo is None and timezone.is_aware(now):
        return value == timezone.make_naive(now, dt_timezone.utc)
    return value in (now, stamp)
