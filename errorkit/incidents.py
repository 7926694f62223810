"""Recording server errors as incidents, never in the caller's way.

The middleware calls ``record_response`` once the answer is made: after the
view's transaction (``ATOMIC_REQUESTS``) has ended, so an incident survives the
request's rollback. Any failure to record is logged on ``errorkit.incidents``;
the caller still gets its JSON 500. Counting is one atomic UPDATE, which also
reopens a resolved incident (``regressed``), so racing events lose no count
and reopen it once. Events are sampled; counts stay exact.
"""

from __future__ import annotations

import atexit
import json
import logging
import os
import queue
import sys
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone
from typing import Any
from urllib.parse import urlencode

from django.db import IntegrityError, transaction
from django.db.models import Case, F, Q, Value, When
from django.http import HttpRequest, HttpResponseBase, RawPostDataException
from django.utils import timezone

from .conf import errorkit_settings
from .fingerprints import (
    digest,
    error_fingerprint,
    exception_fingerprint,
    project_frames,
    view_name,
)
from .models import Incident, IncidentEvent, IncidentHour
from .scrubbing import scrub, scrub_text
from .stacks import CapturedException, capture_exception

logger = logging.getLogger("errorkit.incidents")

Status = Incident.Status


def remember_exception(
    sender: Any, request: HttpRequest | None = None, **kwargs: Any
) -> None:
    """got_request_exception receiver: keep the bug for the incident's traceback."""
    exc = sys.exc_info()[1]
    if request is not None and exc is not None:
        request._errorkit_exception = exc  # type: ignore[attr-defined]


def keep_body(request: HttpRequest) -> None:
    """Read a small non-file body now, so that it can go with an incident.

    DRF's parsers read the stream itself, after which Django cannot give the
    body again; read first, it is cached and DRF parses the copy.
    """
    if (
        not errorkit_settings.INCIDENTS_ENABLED
        or request.content_type == "multipart/form-data"
    ):
        return
    length = request.META.get("CONTENT_LENGTH") or "0"
    if length.isdigit() and 0 < int(length) <= max(
        errorkit_settings.INCIDENT_BODY_LIMIT * 4, 65536
    ):
        request.body  # noqa: B018  (cached on the request)


def should_record(status: int) -> bool:
    return errorkit_settings.INCIDENTS_ENABLED and (
        status >= 500 or status in errorkit_settings.INCIDENT_4XX_CODES
    )


def record_response(request: HttpRequest, response: HttpResponseBase) -> None:
    if not should_record(response.status_code):
        return
    try:
        if errorkit_settings.INCIDENT_RECORDING == "background":
            writer.submit(capture(request, response))
        else:
            record(request, response)
    except Exception:
        logger.exception(
            "Could not record an incident for %s %s (request %s)",
            request.method,
            request.path,
            getattr(request, "request_id", "-"),
        )


@dataclass
class Occurrence:
    """One server error, captured (and scrubbed) in the request that had it."""

    fingerprint: str
    title: str
    code: str
    status: int
    view: str
    now: datetime
    event: RawEvent


def capture(request: HttpRequest, response: HttpResponseBase) -> Occurrence:
    exc: BaseException | None = getattr(request, "_errorkit_exception", None)
    error = getattr(response, "errorkit_error", None)
    status = response.status_code
    code = (
        error.code
        if error is not None
        else ("internal_error" if status == 500 else f"http_{status}")
    )
    view = view_name(request)
    # The stack is walked once: the fingerprint, the title and the event's
    # traceback all come from this capture.
    stack = capture_exception(exc) if exc is not None else None
    frames = project_frames(stack.frames) if stack is not None else []
    return Occurrence(
        fingerprint=_fingerprint(request, response, exc, code, view, frames),
        title=_title(exc, code, view, frames),
        code=code,
        status=status,
        view=view,
        now=timezone.now(),
        event=raw_event(request, status, stack),
    )


def record(request: HttpRequest, response: HttpResponseBase) -> int:
    """Record one server error now; the incident's id."""
    return write([capture(request, response)])[0]


def write(occurrences: list[Occurrence]) -> list[int]:
    """Write occurrences in one short transaction; their incidents' ids.

    Occurrences of one fingerprint are counted by one statement. The commit
    does not wait for the disk on PostgreSQL (``synchronous_commit = off``, for
    this transaction only): a crash may lose the last moments of counts,
    never corrupt them.
    """
    groups: dict[str, list[Occurrence]] = {}
    for occurrence in occurrences:
        groups.setdefault(occurrence.fingerprint, []).append(occurrence)
    hours: dict[tuple[datetime, int], int] = {}
    for occurrence in occurrences:
        hour = occurrence.now.replace(minute=0, second=0, microsecond=0)
        key = (hour, occurrence.status // 100)
        hours[key] = hours.get(key, 0) + 1
    ids: dict[str, int] = {}
    with transaction.atomic():
        _relax_durability()
        for fingerprint, group in groups.items():
            last = group[-1]
            incident, sampled = count_event(last, amount=len(group))
            ids[fingerprint] = incident
            if sampled:
                IncidentEvent.objects.create(
                    incident_id=incident, created=last.now, **last.event.build()
                )
        for (hour, status_class), amount in hours.items():
            count_hour(hour, status_class, amount)
    return [ids[o.fingerprint] for o in occurrences]


class BackgroundWriter:
    """Writes occurrences from a thread of this process, in batches.

    The request only queues what it captured. Counts stay exact as long as the
    process ends normally (an ``atexit`` flush writes what is queued); a
    killed process loses what it had not written yet.
    """

    batch_size = 500

    def __init__(self) -> None:
        self.queue: queue.Queue[Occurrence] = queue.Queue()
        self.thread: threading.Thread | None = None
        self.pid: int | None = None
        self.lock = threading.Lock()

    def submit(self, occurrence: Occurrence) -> None:
        self._ensure_running()
        self.queue.put(occurrence)

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until everything queued is written; False if time ran out."""
        deadline = time.monotonic() + timeout
        while self.queue.unfinished_tasks:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.01)
        return True

    def _running_here(self) -> bool:
        # A forked worker inherits no thread: each process needs its own.
        return (
            self.thread is not None
            and self.thread.is_alive()
            and self.pid == os.getpid()
        )

    def _ensure_running(self) -> None:
        if self._running_here():
            return
        with self.lock:
            if not self._running_here():
                self.queue = queue.Queue()
                self.pid = os.getpid()
                self.thread = threading.Thread(
                    target=self._run, name="errorkit-incidents", daemon=True
                )
                self.thread.start()

    def _run(self) -> None:
        from django.db import connection

        while True:
            batch = [self.queue.get()]
            while len(batch) < self.batch_size:
                try:
                    batch.append(self.queue.get_nowait())
                except queue.Empty:
                    break
            try:
                write(batch)
            except Exception:
                logger.exception("Could not record %d incident events", len(batch))
            finally:
                connection.close_if_unusable_or_obsolete()
                for _ in batch:
                    self.queue.task_done()


writer = BackgroundWriter()
atexit.register(writer.flush, 5.0)


def _relax_durability() -> None:
    connection = transaction.get_connection()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit = off")


def _fingerprint(
    request: Any,
    response: Any,
    exc: Any,
    code: str,
    view: str,
    frames: list[tuple[str, str]],
) -> str:
    hook = errorkit_settings.INCIDENT_FINGERPRINT
    custom = hook(request, response, exc) if hook is not None else None
    if custom:
        return digest("hook", str(custom))
    if exc is not None:
        return exception_fingerprint(exc, view, frames)
    return error_fingerprint(code, response.status_code, view)


def _title(
    exc: BaseException | None, code: str, view: str, frames: list[tuple[str, str]]
) -> str:
    where = view.rsplit(".", 1)[-1] if view else "?"
    if exc is None:
        return f"{code} in {where}"[:255]
    function = frames[-1][1] if frames else where
    return f"{type(exc).__name__} in {function}"[:255]


def count_event(occurrence: Occurrence, amount: int = 1) -> tuple[int, bool]:
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
    ops, table = connection.ops, connection.ops.quote_name(Incident._meta.db_table)
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
        "RETURNING id, last_sampled"
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
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        pk, last_sampled = cursor.fetchone()
    return pk, _same_instant(last_sampled, now, stamp)


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
        import sqlite3

        return sqlite3.sqlite_version_info >= (3, 35)
    return False


def count_event_orm(occurrence: Occurrence, amount: int = 1) -> tuple[int, bool]:
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
            return incident.pk, True
        except IntegrityError:  # a racing event created it first
            return count_event_orm(occurrence, amount)
    pk, last_sampled = (
        Incident.objects.filter(fingerprint=o.fingerprint)
        .values_list("pk", "last_sampled")
        .get()
    )
    return pk, last_sampled == now


def count_hour(now: datetime, status_class: int, amount: int = 1) -> None:
    hour = now.replace(minute=0, second=0, microsecond=0)
    connection = transaction.get_connection()
    if _can_upsert(connection):
        table = connection.ops.quote_name(IncidentHour._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (hour, status_class, count) VALUES (%s, %s, %s) "
                "ON CONFLICT (hour, status_class) DO UPDATE SET "
                f"count = {table}.count + EXCLUDED.count",
                [connection.ops.adapt_datetimefield_value(hour), status_class, amount],
            )
        return
    rows = IncidentHour.objects.filter(hour=hour, status_class=status_class)
    if rows.update(count=F("count") + amount):
        return
    try:
        with transaction.atomic():
            IncidentHour.objects.create(
                hour=hour, status_class=status_class, count=amount
            )
    except IntegrityError:
        rows.update(count=F("count") + amount)


@dataclass
class RawEvent:
    """What an event is made of, taken from the request as it is (cheap).

    Scrubbing and formatting the traceback cost more than the rest of the
    error path; they are done by ``build`` only for the events that sampling
    keeps, possibly in the writer's thread.
    """

    request_id: str
    status_code: int
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    form: dict[str, list[str]] | None
    user: str
    key_prefix: str
    stack: CapturedException | None

    def build(self) -> dict[str, Any]:
        return {
            "request_id": self.request_id,
            "status_code": self.status_code,
            "method": self.method,
            "path": scrub_text(self.path)[:2048],
            "query": urlencode(scrub(self.query), doseq=True),
            "headers": scrub(self.headers),
            "body": self._body(),
            "user": self.user,
            "key_prefix": self.key_prefix,
            "traceback": scrub_text("".join(self.stack.format())) if self.stack else "",
        }

    def _body(self) -> str:
        limit = errorkit_settings.INCIDENT_BODY_LIMIT
        text = self.body[: limit * 4].decode("utf-8", "replace")
        try:
            text = json.dumps(scrub(json.loads(text)))
        except ValueError:
            if self.form is not None:
                text = urlencode(scrub(self.form), doseq=True)
        return scrub_text(text)[:limit]


def raw_event(
    request: HttpRequest, status: int, stack: CapturedException | None
) -> RawEvent:
    try:
        body = request.body
    except RawPostDataException:  # a stream no one kept: nothing to show
        body = b""
    form = (
        dict(request.POST.lists())
        if request.content_type == "application/x-www-form-urlencoded"
        else None
    )
    user = getattr(request, "user", None)
    return RawEvent(
        request_id=getattr(request, "request_id", "")[:200],
        status_code=status,
        method=request.method or "",
        path=request.path,
        query=dict(request.GET.lists()),
        headers=dict(request.headers),
        body=body,
        form=form,
        user=str(user)[:255] if user is not None and user.is_authenticated else "",
        key_prefix=getattr(getattr(request, "auth", None), "prefix", "")[:16],
        stack=stack,
    )
