"""``errorkit.idempotent``: safe retries with ``Idempotency-Key`` (IETF httpapi
draft, Stripe's semantics).

    class Jobs(APIView):
        @errorkit.idempotent            # in any order: a replay is never counted
        @errorkit.ratelimit(rate="60/m")  # or charged (errorkit.pipeline)
        @errorkit.require_balance(cost=price)
        def post(self, request): ...

Every answer of such a view says ``Idempotency-Supported: true``. On unsafe
methods a key of 1-255 printable ASCII characters is claimed, per
caller, by a committed insert. A repeat of the same request replays the stored
status, body and headers with ``Idempotent-Replayed: true`` and
``Original-Request-ID``; the same key for a different request is 422; a repeat
while the first still runs is 409 with ``Retry-After``. A success is stored in
the transaction that records it (``errorkit.pipeline``), other final answers
(4xx other than 409 and 429) after it, kept for ``IDEMPOTENCY_TTL``; after a
5xx or 429 the key is released, so that the retry the errors page recommends
runs again (and, with require_balance, costs nothing for the failed try). The
claim's lease (``leases``) lapses with the request, so a dead request's key is
taken over at once on PostgreSQL.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from django.http import HttpResponse
from django.utils.translation import gettext as _
from rest_framework.permissions import SAFE_METHODS

from .. import exceptions as ek
from ..declarations import HeaderParameter, ResponseHeader
from ..installed import require_app
from ..pipeline import NOTHING, Call, Phase, Stage, Step, add_phase
from ..state import state_of
from ..view_requests import require_autocommit, require_sync_view

require_app("errorkit.idempotency", "errorkit.idempotent")

from .matching import fingerprint_of, scope_of  # noqa: E402  (after the check)
from .models import IdempotencyRecord  # noqa: E402
from .records import (  # noqa: E402
    claim,
    finish,
    is_final,
    release,
    replay,
    store,
)

HEADER = "HTTP_IDEMPOTENCY_KEY"
_KEY = re.compile(r"[\x20-\x7e]{1,255}")


IDEMPOTENCY_KEY = HeaderParameter(
    "Idempotency-Key",
    "1-255 printable ASCII characters. A retry with the same key and body "
    "replays the first answer (Idempotent-Replayed: true) and is not charged "
    "again; the same key with another body is 422.",
    pattern=f"^{_KEY.pattern}$",
    max_length=255,
)

# Said on every answer of an idempotent view, errors and crashes included, so
# that a client knows a retry of an unsafe call with the same key is safe
# there (errorkit.client remembers it per method and path).
IDEMPOTENCY_SUPPORTED = ResponseHeader(
    "Idempotency-Supported",
    "true",
    "This operation honours Idempotency-Key: a retry with the same key after "
    "a lost answer, a 500 or a 502 is never run twice.",
)


@dataclass(frozen=True, eq=False)
class ClaimPhase(Phase):
    """Claim the call's Idempotency-Key before anything else runs."""

    stage: ClassVar[Stage] = Stage.CLAIM
    name: ClassVar[str] = "errorkit.idempotent"
    records_success: ClassVar[bool] = True
    answer_headers: ClassVar[tuple[ResponseHeader, ...]] = (IDEMPOTENCY_SUPPORTED,)

    def begin(self, call: Call) -> Step | HttpResponse:
        request = call.request
        key = request.META.get(HEADER)
        if request.method in SAFE_METHODS or key is None:
            return NOTHING
        if _KEY.fullmatch(key) is None:
            raise ek.InvalidRequest(
                _("Idempotency-Key must be 1-255 printable ASCII characters.")
            )
        require_autocommit(self.name)
        record, owned = claim(
            scope_of(request),
            key,
            fingerprint_of(request),
            state_of(request).request_id or "",
            call.call_id,
        )
        if not owned:
            state = state_of(request)
            response, error = replay(record, state.request_id or "")
            # What the replay answers is this error (its findable row's code).
            state.error = error or state.error
            return response
        return ClaimedKey(record)


@dataclass(eq=False)
class ClaimedKey(Step):
    """A claimed key: a success stored in its transaction, another final
    answer after it, anything else frees the key for a retry."""

    record: IdempotencyRecord
    stored: bool = False

    def commit(self, response: HttpResponse) -> None:
        store(self.record, response)
        self.stored = True

    def settle(self, response: HttpResponse) -> HttpResponse:
        try:
            if not self.stored:
                if is_final(response.status_code):
                    store(self.record, response)
                else:
                    release(self.record)
        finally:
            finish(self.record)
        return response

    def abandon(self) -> None:
        try:
            release(self.record)
        finally:
            finish(self.record)


def idempotent(view: Callable[..., Any]) -> Callable[..., Any]:
    require_sync_view(view, ClaimPhase.name)
    return add_phase(
        view,
        ClaimPhase(),
        ek.InvalidRequest,
        ek.IdempotencyConflict,
        ek.IdempotencyKeyReused,
        headers=(IDEMPOTENCY_KEY,),
        autocommit=True,
    )
