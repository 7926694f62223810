"""Claiming a key, storing its answer, releasing it, replaying it.

A claim is a committed insert, so racing requests with one key see each
other; final answers (2xx, 4xx other than 409 and 429) are stored, anything
else releases the key so that a retry runs again.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.utils import timezone

from .. import exceptions as ek
from ..conf import errorkit_settings
from ..state import state_of
from .models import IdempotencyRecord

# Set on the answer by the middleware or the view again: not part of the replay.
_NOT_STORED = {"x-request-id"}


def claim(
    scope: str, key: str, fingerprint: str, request_id: str
) -> tuple[IdempotencyRecord, bool]:
    """The record for (scope, key), and whether this request now owns it.

    Raises 422 for a different request under the same key and 409 while the
    owner still runs; a claim older than ``IDEMPOTENCY_STALE_AFTER`` is taken
    over (its owner died), by a conditional UPDATE so that only one takes it.
    """
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
                )
            return record, True
        except IntegrityError:
            pass
        record = IdempotencyRecord.objects.filter(scope=scope, key=key).first()
        if record is None:
            continue  # released in between: claim again
        if record.expires_at <= now:
            IdempotencyRecord.objects.filter(pk=record.pk, expires_at__lte=now).delete()
            continue
        if record.fingerprint != fingerprint:
            raise ek.IdempotencyKeyReused()
        if record.completed:
            return record, False
        stale = now - timedelta(seconds=errorkit_settings.IDEMPOTENCY_STALE_AFTER)
        if record.claimed_at <= stale:
            taken = IdempotencyRecord.objects.filter(
                pk=record.pk, claimed_at=record.claimed_at, completed=False
            ).update(claimed_at=now, request_id=request_id)
            if taken:
                record.claimed_at = now
                return record, True
        raise ek.IdempotencyConflict(
            retry_after=errorkit_settings.IDEMPOTENCY_RETRY_AFTER
        )
    raise ek.IdempotencyConflict(retry_after=errorkit_settings.IDEMPOTENCY_RETRY_AFTER)


def is_final(status: int) -> bool:
    return 200 <= status < 300 or (400 <= status < 500 and status not in (409, 429))


def store(record: IdempotencyRecord, response: HttpResponse) -> None:
    headers = {k: v for k, v in response.items() if k.lower() not in _NOT_STORED}
    IdempotencyRecord.objects.filter(pk=record.pk, claimed_at=record.claimed_at).update(
        completed=True,
        status_code=response.status_code,
        headers=headers,
        body=response.content,
    )


def release(record: IdempotencyRecord) -> None:
    IdempotencyRecord.objects.filter(
        pk=record.pk, claimed_at=record.claimed_at, completed=False
    ).delete()


def replay(record: IdempotencyRecord, request: Any) -> HttpResponse:
    response = HttpResponse(bytes(record.body), status=record.status_code)
    for name, value in record.headers.items():
        response[name] = value
    response["Idempotent-Replayed"] = "true"
    # The replay is the first answer: its request id is the first request's.
    if record.request_id:
        state_of(request).request_id = record.request_id
    return response
