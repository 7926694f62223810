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
    """Record one server error; the incident's id."""
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
    incident, count, last_sampled = count_event(
        fingerprint, _title(exc, code, view), code, status, view, now
    )
    count_hour(now, status // 100)
    if claim_sample(incident, count, last_sampled, now):
        IncidentEvent.objects.create(
            incident_id=incident, created=now, **event_data(request, status, exc)
        )
    return incident


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
) -> tuple[int, int, datetime | None]:
    """Count one event (creating the incident); (id, count, last sampled)."""
    reopen = Q(status=Status.RESOLVED)
    updated = Incident.objects.filter(fingerprint=fingerprint).update(
        count=F("count") + 1,
        last_seen=now,
        status=Case(When(reopen, then=Value(Status.OPEN)), default=F("status")),
        regressed=Case(When(reopen, then=Value(True)), default=F("regressed")),
        regressed_at=Case(When(reopen, then=Value(now)), default=F("regressed_at")),
    )
    if not updated:
        try:
            with transaction.atomic():
                Incident.objects.create(
                    fingerprint=fingerprint,
                    title=title,
                    error_code=code,
                    status_code=status,
                    view=view[:255],
                    first_seen=now,
                    last_seen=now,
                    count=1,
                )
        except IntegrityError:  # a racing event created it first
            return count_event(fingerprint, title, code, status, view, now)
    return (
        Incident.objects.filter(fingerprint=fingerprint)
        .values_list("pk", "count", "last_sampled")
        .get()
    )


def count_hour(now: datetime, status_class: int) -> None:
    hour = now.replace(minute=0, second=0, microsecond=0)
    rows = IncidentHour.objects.filter(hour=hour, status_class=status_class)
    if rows.update(count=F("count") + 1):
        return
    try:
        with transaction.atomic():
            IncidentHour.objects.create(hour=hour, status_class=status_class, count=1)
    except IntegrityError:
        rows.update(count=F("count") + 1)


def claim_sample(
    incident: int, count: int, last_sampled: datetime | None, now: datetime
) -> bool:
    """Keep the first INCIDENT_SAMPLE_FIRST events, then one per interval."""
    rows = Incident.objects.filter(pk=incident)
    if count > errorkit_settings.INCIDENT_SAMPLE_FIRST:
        due = now - timedelta(seconds=errorkit_settings.INCIDENT_SAMPLE_INTERVAL)
        rows = rows.filter(Q(last_sampled__isnull=True) | Q(last_sampled__lte=due))
    return bool(rows.update(last_sampled=now))


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
