"""Counting and storing occurrences: one upsert per incident, exact counts.

Counting is one atomic statement (``INSERT ... ON CONFLICT ... RETURNING`` on
PostgreSQL and SQLite; the ORM elsewhere), which also reopens a resolved
incident (``regressed``) and claims the sample slot, so racing events lose no
count and reopen it once. Events are sampled; counts stay exact.
"""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Case, F, Q, Value, When
from django.http import HttpRequest, HttpResponseBase
from django.utils import timezone

from ..conf import errorkit_settings
from ..durability import relax_durability
from .alerts import alert_opened
from .capture import Failure, Occurrence, capture
from .models import FailedRequest, Incident, IncidentEvent, IncidentHour

Status = Incident.Status


def record(request: HttpRequest, response: HttpResponseBase) -> int:
    """Record one server error now; the incident's id."""
    incident = write([capture(request, response)])[0]
    assert incident is not None  # an occurrence always has its incident
    return incident


def write(items: Sequence[Occurrence | Failure]) -> list[int | None]:
    """Write occurrences and lean failures in one short transaction; the
    incident's id of each (None for a failure, which has none).

    Occurrences of one fingerprint are counted by one statement; every item
    gets its findable row, in one bulk insert. The commit does not wait for
    the disk on PostgreSQL (``synchronous_commit = off``, for this
    transaction only): a crash may lose the last moments of counts, never
    corrupt them.
    """
    if len(items) == 1 and transaction.get_connection().vendor == "postgresql":
        return [write_one(items[0])]
    groups: dict[str, list[Occurrence]] = {}
    for item in items:
        if isinstance(item, Occurrence):
            groups.setdefault(item.fingerprint, []).append(item)
    ids: dict[str, int] = {}
    kept: dict[int, int] = {}  # id(occurrence) -> its sampled event's pk
    opened: list[int] = []
    hours: dict[tuple[int, datetime], tuple[int, int]] = {}
    with transaction.atomic():
        # A crash may lose the last moments of counts, never corrupt them.
        relax_durability()
        for fingerprint, group in groups.items():
            last = group[-1]
            counted = count_event(last, amount=len(group))
            ids[fingerprint] = counted.pk
            if counted.opened:
                opened.append(counted.pk)
            for o in counted.kept(group):
                kept[id(o)] = IncidentEvent.objects.create(
                    incident_id=counted.pk, created=o.now, **o.event.build()
                ).pk
            for o in group:
                key = (counted.pk, _hour_of(o.now))
                hours[key] = (o.status // 100, hours.get(key, (0, 0))[1] + 1)
        FailedRequest.objects.bulk_create(_row(item, ids, kept) for item in items)
        for (incident, hour), (status_class, amount) in hours.items():
            count_hour(incident, hour, status_class, amount)
    if opened:
        alert_opened(opened, items[-1].now)
    return [
        ids[item.fingerprint] if isinstance(item, Occurrence) else None
        for item in items
    ]


def write_one(item: Occurrence | Failure) -> int | None:
    """``write([item])`` on PostgreSQL in one round trip: the count, the
    hour's count and the findable row in one statement (a statement is its
    own transaction: all or nothing), which also relaxes its commit's
    durability. Only an event that sampling keeps costs more: its row, and
    its link from the findable row. A sync recording costs the request
    little more than the database's own time for these rows.
    """
    connection = transaction.get_connection()
    with transaction.atomic() if connection.in_atomic_block else nullcontext():
        if isinstance(item, Failure):
            _insert_failure(connection, item)
            return None
        counted, failed = _count_occurrence(connection, item)
        if counted.sampled:
            with transaction.atomic():
                event = IncidentEvent.objects.create(
                    incident_id=counted.pk, created=item.now, **item.event.build()
                )
                FailedRequest.objects.filter(pk=failed).update(event=event)
    if counted.opened:
        alert_opened([counted.pk], item.now)
    return counted.pk


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
)


def _failure_params(connection: Any, failure: Failure) -> list[Any]:
    return [
        connection.ops.adapt_datetimefield_value(failure.now),
        failure.status,
        failure.code,
        failure.user,
        failure.key_prefix,
    ]


def _insert_failure(connection: Any, failure: Failure) -> None:
    table = connection.ops.quote_name(FailedRequest._meta.db_table)
    sql = (
        f"WITH {_RELAX} INSERT INTO {table} "
        f"({_columns(FailedRequest, *_FAILED_COLUMNS)}) "
        "SELECT NULL, %s, %s, %s, %s, %s, %s FROM relax"
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
        "SELECT id, %s, %s, %s, %s, %s, %s FROM counted RETURNING id) "
        "SELECT counted.id, last_sampled, count, regressed_at, failed.id "
        "FROM counted, failed, relax"
    )
    params = [
        *count_params,
        connection.ops.adapt_datetimefield_value(_hour_of(o.now)),
        o.status // 100,
        o.event.request_id[:200],
        *_failure_params(connection, o.failure),
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        *row, failed_id = cursor.fetchone()
    return _counted(row, o.now, stamp, amount=1), failed_id


def _row(
    item: Occurrence | Failure, ids: dict[str, int], kept: dict[int, int]
) -> FailedRequest:
    """The findable row of one item, linked to its incident and kept event."""
    if isinstance(item, Occurrence):
        failure, incident = item.failure, ids[item.fingerprint]
    else:
        failure, incident = item, None
    return FailedRequest(
        incident_id=incident,
        event_id=kept.get(id(item)),
        request_id=failure.request_id,
        created=failure.now,
        status_code=failure.status,
        error_code=failure.code,
        user=failure.user,
        key_prefix=failure.key_prefix,
    )


def _hour_of(now: datetime) -> datetime:
    return now.replace(minute=0, second=0, microsecond=0)


@dataclass(frozen=True)
class Counted:
    """What counting one fingerprint's events did to its incident."""

    pk: int
    sampled: bool  # keep this event
    opened: bool  # the incident is new, or a resolved one regressed
    count: int = 1  # the incident's count, these events included

    def kept(self, group: Sequence[Occurrence]) -> Sequence[Occurrence]:
        """Which of a batch's events of one incident to keep: while the
        incident has fewer than INCIDENT_SAMPLE_FIRST, as many of its first
        as it lacks; later, the last one, when a sample is due."""
        if not self.sampled:
            return []
        first = errorkit_settings.INCIDENT_SAMPLE_FIRST
        before = self.count - len(group)
        if before < first:
            return group[: max(1, first - before)]
        return group[-1:]


def count_event(occurrence: Occurrence, amount: int = 1) -> Counted:
    """Count one event, creating the incident; (its id, whether to keep the event).

    One statement counts, reopens a resolved incident (a regression) and claims
    the sample slot: the first INCIDENT_SAMPLE_FIRST events, then one per
    INCIDENT_SAMPLE_INTERVAL. Racing events each see the row after the one
    before them, so no count is lost and only one reopens it.
    """
    o = occurrence
    now = o.now
    connection = transaction.get_connection()
    if not _can_upsert(connection):
        return count_event_orm(occurrence, amount)
    sql, params = _count_statement(connection, o, amount)
    stamp = connection.ops.adapt_datetimefield_value(now)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return _counted(row, now, stamp, amount)


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
    sql = (
        f"INSERT INTO {table} (fingerprint, title, error_code, status_code, view, "
        "first_seen, last_seen, count, status, regressed, last_sampled) "
        "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) "
        "ON CONFLICT (fingerprint) DO UPDATE SET "
        f"count = {table}.count + EXCLUDED.count, last_seen = EXCLUDED.last_seen, "
        f"status = CASE WHEN {resolved} THEN %s ELSE {table}.status END, "
        f"regressed = CASE WHEN {resolved} THEN %s ELSE {table}.regressed END, "
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
        Status.RESOLVED,
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


def _can_upsert(connection: Any) -> bool:
    # INSERT ... ON CONFLICT ... RETURNING: PostgreSQL, and SQLite 3.35 or later.
    if connection.vendor == "postgresql":
        return True
    if connection.vendor == "sqlite":
        return sqlite3.sqlite_version_info >= (3, 35)
    return False


def count_event_orm(occurrence: Occurrence, amount: int = 1) -> Counted:
    """count_event for databases without INSERT ... ON CONFLICT ... RETURNING."""
    o, now = occurrence, occurrence.now
    reopen = Q(status=Status.RESOLVED)
    due = now - timedelta(seconds=errorkit_settings.INCIDENT_SAMPLE_INTERVAL)
    sample = (
        Q(count__lt=errorkit_settings.INCIDENT_SAMPLE_FIRST)
        | Q(last_sampled__isnull=True)
        | Q(last_sampled__lte=due)
    )
    updated = Incident.objects.filter(fingerprint=o.fingerprint).update(
        count=F("count") + amount,
        last_seen=now,
        status=Case(When(reopen, then=Value(Status.OPEN)), default=F("status")),
        regressed=Case(When(reopen, then=Value(True)), default=F("regressed")),
        regressed_at=Case(When(reopen, then=Value(now)), default=F("regressed_at")),
        last_sampled=Case(When(sample, then=Value(now)), default=F("last_sampled")),
    )
    if not updated:
        try:
            with transaction.atomic():
                incident = Incident.objects.create(
                    fingerprint=o.fingerprint,
                    title=o.title,
                    error_code=o.code,
                    status_code=o.status,
                    view=o.view[:255],
                    first_seen=now,
                    last_seen=now,
                    count=amount,
                    last_sampled=now,
                )
            return Counted(incident.pk, True, True, amount)
        except IntegrityError:  # a racing event created it first
            return count_event_orm(occurrence, amount)
    pk, last_sampled, regressed_at, count = (
        Incident.objects.filter(fingerprint=o.fingerprint)
        .values_list("pk", "last_sampled", "regressed_at", "count")
        .get()
    )
    return Counted(pk, last_sampled == now, regressed_at == now, count)


def count_hour(incident: int, hour: datetime, status_class: int, amount: int) -> None:
    """Add to an incident's count for one hour: one upsert where the database
    has it, so racing writers lose no count."""
    connection = transaction.get_connection()
    if _can_upsert(connection):
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
        return
    rows = IncidentHour.objects.filter(incident_id=incident, hour=hour)
    if rows.update(count=F("count") + amount):
        return
    try:
        with transaction.atomic():
            IncidentHour.objects.create(
                incident_id=incident, hour=hour, status_class=status_class, count=amount
            )
    except IntegrityError:
        rows.update(count=F("count") + amount)
