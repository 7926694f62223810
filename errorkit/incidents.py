"""Recording server errors as incidents, never in the caller's way.

The middleware calls ``record_response`` once the answer is made: after the
view's transaction (``ATOMIC_REQUESTS``) has ended, so an incident survives the
request's rollback. Any failure to record is logged on ``errorkit.incidents``;
the caller still gets its JSON 500. Counting is one atomic UPDATE, which also
reopens a resolved incident (``regressed``), so racing events lose no count
and reopen it once. Events are sampled; counts stay exact.
"""

from __future__ import annotations

import json
import logging
import sys
import traceback
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
        record(request, response)
    except Exception:
        logger.exception(
            "Could not record an incident for %s %s (request %s)",
            request.method,
            request.path,
            getattr(request, "request_id", "-"),
        )


def record(request: HttpRequest, response: HttpResponseBase) -> int:
    """Record one server error; the incident's id.

    All its writes share one short transaction, committed without waiting for
    the disk on PostgreSQL (``synchronous_commit = off``, for this transaction
    only): a crash may lose the last moments of counts, never corrupt them,
    and the error path is not slowed by a flush per statement.
    """
    exc: BaseException | None = getattr(request, "_errorkit_exception", None)
    error = getattr(response, "errorkit_error", None)
    status = response.status_code
    code = (
        error.code
        if error is not None
        else ("internal_error" if status == 500 else f"http_{status}")
    )
    view = view_name(request)
    fingerprint = _fingerprint(request, response, exc, code, view)
    now = timezone.now()
    with transaction.atomic():
        _relax_durability()
        incident, sampled = count_event(
            fingerprint, _title(exc, code, view), code, status, view, now
        )
        count_hour(now, status // 100)
        if sampled:
            IncidentEvent.objects.create(
                incident_id=incident, created=now, **event_data(request, status, exc)
            )
    return incident


def _relax_durability() -> None:
    connection = transaction.get_connection()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit = off")


def _fingerprint(request: Any, response: Any, exc: Any, code: str, view: str) -> str:
    hook = errorkit_settings.INCIDENT_FINGERPRINT
    custom = hook(request, response, exc) if hook is not None else None
    if custom:
        return digest("hook", str(custom))
    if exc is not None:
        return exception_fingerprint(exc, view)
    return error_fingerprint(code, response.status_code, view)


def _title(exc: BaseException | None, code: str, view: str) -> str:
    where = view.rsplit(".", 1)[-1] if view else "?"
    if exc is None:
        return f"{code} in {where}"[:255]
    frames = project_frames(exc.__traceback__)
    function = frames[-1][1] if frames else where
    return f"{type(exc).__name__} in {function}"[:255]


def count_event(
    fingerprint: str, title: str, code: str, status: int, view: str, now: datetime
) -> tuple[int, bool]:
    """Count one event, creating the incident; (its id, whether to keep the event).

    One statement counts, reopens a resolved incident (a regression) and claims
    the sample slot: the first INCIDENT_SAMPLE_FIRST events, then one per
    INCIDENT_SAMPLE_INTERVAL. Racing events each see the row after the one
    before them, so no count is lost and only one reopens it.
    """
    connection = transaction.get_connection()
    if not _can_upsert(connection):
        return count_event_orm(fingerprint, title, code, status, view, now)
    ops, table = connection.ops, connection.ops.quote_name(Incident._meta.db_table)
    stamp = ops.adapt_datetimefield_value(now)
    due = ops.adapt_datetimefield_value(
        now - timedelta(seconds=errorkit_settings.INCIDENT_SAMPLE_INTERVAL)
    )
    resolved = f"{table}.status = %s"
    sql = (
        f"INSERT INTO {table} (fingerprint, title, error_code, status_code, view, "
        "first_seen, last_seen, count, status, regressed, last_sampled) "
        "VALUES (%s, %s, %s, %s, %s, %s, %s, 1, %s, %s, %s) "
        "ON CONFLICT (fingerprint) DO UPDATE SET "
        f"count = {table}.count + 1, last_seen = EXCLUDED.last_seen, "
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
        fingerprint,
        title,
        code,
        status,
        view[:255],
        stamp,
        stamp,
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


def count_event_orm(
    fingerprint: str, title: str, code: str, status: int, view: str, now: datetime
) -> tuple[int, bool]:
    """count_event for databases without INSERT ... ON CONFLICT ... RETURNING."""
    reopen = Q(status=Status.RESOLVED)
    due = now - timedelta(seconds=errorkit_settings.INCIDENT_SAMPLE_INTERVAL)
    sample = (
        Q(count__lt=errorkit_settings.INCIDENT_SAMPLE_FIRST)
        | Q(last_sampled__isnull=True)
        | Q(last_sampled__lte=due)
    )
    updated = Incident.objects.filter(fingerprint=fingerprint).update(
        count=F("count") + 1,
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
                    fingerprint=fingerprint,
                    title=title,
                    error_code=code,
                    status_code=status,
                    view=view[:255],
                    first_seen=now,
                    last_seen=now,
                    count=1,
                    last_sampled=now,
                )
            return incident.pk, True
        except IntegrityError:  # a racing event created it first
            return count_event_orm(fingerprint, title, code, status, view, now)
    pk, last_sampled = (
        Incident.objects.filter(fingerprint=fingerprint)
        .values_list("pk", "last_sampled")
        .get()
    )
    return pk, last_sampled == now


def count_hour(now: datetime, status_class: int) -> None:
    hour = now.replace(minute=0, second=0, microsecond=0)
    connection = transaction.get_connection()
    if _can_upsert(connection):
        table = connection.ops.quote_name(IncidentHour._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (hour, status_class, count) VALUES (%s, %s, 1) "
                "ON CONFLICT (hour, status_class) DO UPDATE SET "
                f"count = {table}.count + 1",
                [connection.ops.adapt_datetimefield_value(hour), status_class],
            )
        return
    rows = IncidentHour.objects.filter(hour=hour, status_class=status_class)
    if rows.update(count=F("count") + 1):
        return
    try:
        with transaction.atomic():
            IncidentHour.objects.create(hour=hour, status_class=status_class, count=1)
    except IntegrityError:
        rows.update(count=F("count") + 1)


def _body(request: HttpRequest) -> str:
    try:
        raw = request.body
    except RawPostDataException:
        return ""
    limit = errorkit_settings.INCIDENT_BODY_LIMIT
    text = raw[: limit * 4].decode("utf-8", "replace")
    try:
        text = json.dumps(scrub(json.loads(text)))
    except ValueError:
        if request.content_type == "application/x-www-form-urlencoded":
            text = urlencode(scrub(dict(request.POST.lists())), doseq=True)
    return scrub_text(text)[:limit]


def event_data(
    request: HttpRequest, status: int, exc: BaseException | None
) -> dict[str, Any]:
    user = getattr(request, "user", None)
    key = getattr(request, "auth", None)
    return {
        "request_id": getattr(request, "request_id", "")[:200],
        "status_code": status,
        "method": request.method or "",
        "path": scrub_text(request.path)[:2048],
        "query": urlencode(scrub(dict(request.GET.lists())), doseq=True),
        "headers": scrub(dict(request.headers)),
        "body": _body(request),
        "user": str(user)[:255] if user is not None and user.is_authenticated else "",
        "key_prefix": getattr(key, "prefix", "")[:16],
        "traceback": scrub_text("".join(traceback.format_exception(exc)))
        if exc
        else "",
    }
