"""``errorkit.idempotent``: safe retries with ``Idempotency-Key`` (IETF httpapi
draft, Stripe's semantics).

    class Jobs(APIView):
        @errorkit.idempotent            # outermost: a replay is not counted or charged
        @errorkit.ratelimit(rate="60/m")
        @errorkit.require_balance(cost=price)
        def post(self, request): ...

On unsafe methods a key of 1-255 printable ASCII characters is claimed, per
caller, by a committed insert. A repeat of the same request replays the stored
status, body and headers with ``Idempotent-Replayed: true``; the same key for a
different request is 422; a repeat while the first still runs is 409 with
``Retry-After``. Final answers (2xx, 4xx other than 409 and 429) are kept for
``IDEMPOTENCY_TTL``; after a 5xx or 429 the key is released, so that the retry
the errors page recommends runs again (and, with require_balance, costs nothing
for the failed try).
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpResponse, RawPostDataException
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.permissions import SAFE_METHODS
from rest_framework.request import Request

from . import exceptions as ek
from .conf import errorkit_settings
from .declared_errors import declare
from .limit_keys import user_or_ip
from .models import IdempotencyRecord
from .view_requests import (
    find_request,
    http_request_of,
    require_autocommit,
    require_sync_view,
)

HEADER = "HTTP_IDEMPOTENCY_KEY"
_KEY = re.compile(r"[\x20-\x7e]{1,255}")
# Set on the answer by the middleware or the view again: not part of the replay.
_NOT_STORED = {"x-request-id"}


def scope_of(request: Any) -> str:
    """Whose keys these are: the caller's account, else its address."""
    return user_or_ip(request)


def canonical_body(request: Any) -> bytes:
    try:
        raw = request.body
    except RawPostDataException:  # already parsed by DRF: use what it read
        return json.dumps(request.data, sort_keys=True, default=str).encode()
    try:
        return json.dumps(
            json.loads(raw), sort_keys=True, separators=(",", ":")
        ).encode()
    except ValueError:
        return raw


def fingerprint_of(request: Any) -> str:
    digest = hashlib.sha256()
    for part in (request.method.encode(), request.get_full_path().encode()):
        digest.update(part + b"\0")
    digest.update(canonical_body(request))
    return digest.hexdigest()


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
    http_request = http_request_of(request)
    if record.request_id:
        http_request.request_id = record.request_id
    return response


def _run(
    view: Callable[..., Any], request: Any, args: Any, kwargs: Any
) -> HttpResponse:
    """The view's finished answer: errors turned into responses, and rendered."""
    if not isinstance(request, Request):
        return view(*args, **kwargs)
    drf_view = request.parser_context["view"]
    try:
        response = view(*args, **kwargs)
    except Exception as exc:
        response = drf_view.handle_exception(exc)
    response = drf_view.finalize_response(request, response, *args[2:], **kwargs)
    if hasattr(response, "render"):
        response.render()
    return response


def idempotent(view: Callable[..., Any]) -> Callable[..., Any]:
    require_sync_view(view, "errorkit.idempotent")

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        request = find_request(args, "errorkit.idempotent")
        key = request.META.get(HEADER)
        if request.method in SAFE_METHODS or key is None:
            return view(*args, **kwargs)
        if _KEY.fullmatch(key) is None:
            raise ek.InvalidRequest(
                _("Idempotency-Key must be 1-255 printable ASCII characters.")
            )
        require_autocommit("errorkit.idempotent")
        http_request = http_request_of(request)
        record, owned = claim(
            scope_of(request),
            key,
            fingerprint_of(request),
            getattr(http_request, "request_id", ""),
        )
        if not owned:
            return replay(record, request)
        try:
            response = _run(view, request, args, kwargs)
        except BaseException:
            release(record)
            raise
        if is_final(response.status_code):
            store(record, response)
        else:
            release(record)
        return response

    declare(
        wrapper,
        view,
        ek.InvalidRequest,
        ek.IdempotencyConflict,
        ek.IdempotencyKeyReused,
    )
    wrapper._errorkit_idempotent = True  # type: ignore[attr-defined]
    return wrapper
