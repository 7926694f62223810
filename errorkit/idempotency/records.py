"""Claiming a key, storing its answer, releasing it, replaying it.

A claim is a committed insert, so racing requests with one key see each
other. A success is stored in the transaction that records it (see
``errorkit.pipeline``); other final answers (4xx other than 409 and 429) are
stored after; anything else releases the key, so that a retry runs again.
"""

from __future__ import annotations

import json
import logging
from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.utils import timezone

from .. import exceptions as ek
from ..conf import errorkit_settings
from ..durability import on_fresh_connection
from ..formatting import Error
from ..signals import _request_superseded
from . import leases
from .models import IdempotencyRecord

logger = logging.getLogger("errorkit.idempotency")

# Set on the answer by the middleware or the view again: not part of the
# replay. A replay is not counted, so it says nothing of the rate limit.
_NOT_STORED = {"x-request-id", "ratelimit", "ratelimit-policy"}
# The members of errorkit's error body that an Error holds by name.
_ERROR_MEMBERS = {"error", "message", "retryAfter", "fields", "requestId"}


def conflict() -> ek.IdempotencyConflict:
    return ek.IdempotencyConflict(retry_after=errorkit_settings.IDEMPOTENCY_RETRY_AFTER)


def claim(
    scope: str, key: str, fingerprint: str, request_id: str, call_id: str = ""
) -> tuple[IdempotencyRecord, bool]:
    """The record for (scope, key), and whether this request now owns it.

    Raises 422 for a different request under the same key and 409 while the
    owner still runs. The owner holds the key's lease (``leases``) while it
    runs; an unfinished claim whose lease nobody holds (PostgreSQL), or that
    is older than ``IDEMPOTENCY_STALE_AFTER`` (elsewhere), belongs to a
    request that died: it is taken over, by a conditional UPDATE so that only
    one retry takes it, after that request's money is settled.
    """
    leased = leases.take(scope, key) if leases.supported() else None
    try:
        record, owned = _claim(scope, key, fingerprint, request_id, call_id, leased)
    except BaseException:
        if leased:
            leases.drop(scope, key)
        raise
    if leased and not owned:
        leases.drop(scope, key)
    return record, owned


def _claim(
    scope: str,
    key: str,
    fingerprint: str,
    request_id: str,
    call_id: str,
    leased: bool | None,
) -> tuple[IdempotencyRecord, bool]:
    for _attempt in range(5):
        now = timezone.now()
        try:
            with transaction.atomic():
                record = IdempotencyRecord.objects.create(
                    scope=scope,
                    key=key,
                    fingerprint=fingerprint,
                    claimed_at=now,
                    expires_at=now
                    + timedelta(seconds=errorkit_settings.IDEMPOTENCY_TTL),
                    request_id=request_id,
                    call_id=call_id,
                )
            return record, True
        except IntegrityError:
            pass
        found = IdempotencyRecord.objects.filter(scope=scope, key=key).first()
        if found is None:
            continue  # released in between: claim again
        record = found
        if record.expires_at <= now:
            IdempotencyRecord.objects.filter(pk=record.pk, expires_at__lte=now).delete()
            continue
        if record.fingerprint != fingerprint:
            raise ek.IdempotencyKeyReused()
        if record.completed:
            return record, False
        if leased is False:
            raise conflict()  # its owner holds the lease: it still runs
        stale = now - timedelta(seconds=errorkit_settings.IDEMPOTENCY_STALE_AFTER)
        if leased or record.claimed_at <= stale:
            taken = IdempotencyRecord.objects.filter(
                pk=record.pk, claimed_at=record.claimed_at, completed=False
            ).update(claimed_at=now, request_id=request_id, call_id=call_id)
            if taken:
                # The dead call's money is settled by the server's id of that
                # call, never by a request id the caller chose (and may reuse).
                _request_superseded.send(IdempotencyRecord, call_id=record.call_id)
                record.claimed_at, record.request_id = now, request_id
                record.call_id = call_id
                return record, True
        raise conflict()
    raise conflict()


def is_final(status: int) -> bool:
    return 200 <= status < 300 or (400 <= status < 500 and status not in (409, 429))


def store(record: IdempotencyRecord, response: HttpResponse) -> None:
    """Keep the final answer; 409 when a retry took the claim over meanwhile
    (in a success's transaction, that undoes the success)."""
    headers = {k: v for k, v in response.items() if k.lower() not in _NOT_STORED}
    stored = IdempotencyRecord.objects.filter(
        pk=record.pk, claimed_at=record.claimed_at, completed=False
    ).update(
        completed=True,
        status_code=response.status_code,
        headers=headers,
        body=response.content,
    )
    if not stored:
        raise conflict()


def release(record: IdempotencyRecord) -> None:
    """Free the key for a retry, on a fresh connection if the request's one
    broke; with the database gone, the lease lapses with the connection."""
    mine = IdempotencyRecord.objects.filter(
        pk=record.pk, claimed_at=record.claimed_at, completed=False
    )
    on_fresh_connection(
        mine.delete,
        logger,
        "Could not release idempotency key %r (request %s)",
        record.key,
        record.request_id or "-",
    )


def finish(record: IdempotencyRecord) -> None:
    """The request is done with its claim: let go of its lease."""
    if leases.supported():
        leases.drop(record.scope, record.key)


def replay(
    record: IdempotencyRecord, request_id: str = ""
) -> tuple[HttpResponse, Error | None]:
    """The stored answer again, byte for byte, and the errorkit error it was
    (None for a success or a body the view chose). An error body's
    ``requestId`` becomes this request's: it always equals the answer's
    ``X-Request-ID``; ``Original-Request-ID`` names the request that ran."""
    body = bytes(record.body)
    error = _stored_error(record, request_id)
    if error is not None and record.request_id:
        # Only the id changes: the rest stays byte for byte (a request id is
        # plain ASCII, the same in JSON as in the header).
        body = body.replace(
            json.dumps(record.request_id).encode(), json.dumps(request_id).encode()
        )
    response = HttpResponse(body, status=record.status_code)
    for name, value in record.headers.items():
        response[name] = value
    response["Idempotent-Replayed"] = "true"
    if record.request_id:
        response["Original-Request-ID"] = record.request_id
    return response, error


def _stored_error(record: IdempotencyRecord, request_id: str) -> Error | None:
    status = record.status_code
    if status is None or status < 400 or not request_id:
        return None
    content_type = str(record.headers.get("Content-Type", ""))
    if content_type.split(";")[0].strip() != "application/json":
        return None
    try:
        body: Any = json.loads(bytes(record.body))
    except ValueError:
        return None
    if not (
        isinstance(body, dict)
        and isinstance(body.get("error"), str)
        and isinstance(body.get("message"), str)
        and body.get("requestId") == record.request_id
    ):
        return None  # a body the view chose itself: replayed as it was
    retry_after = body.get("retryAfter")
    fields = body.get("fields")
    return Error(
        status=status,
        code=body["error"],
        message=body["message"],
        request_id=request_id,
        retry_after=retry_after if isinstance(retry_after, int) else None,
        fields=fields if isinstance(fields, dict) else None,
        extra={k: v for k, v in body.items() if k not in _ERROR_MEMBERS},
    )
