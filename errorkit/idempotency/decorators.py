"""``errorkit.idempotent``: safe retries with ``Idempotency-Key`` (IETF httpapi
draft, Stripe's semantics).

    class Jobs(APIView):
        @errorkit.idempotent            # outermost: a replay is not counted or charged
        @errorkit.ratelimit(rate="60/m")
        @errorkit.require_balance(cost=price)
        def post(self, request): ...

On unsafe methods a key of 1-255 printable ASCII characters is claimed, per
caller, by a committed insert. A repeat of the same request replays the stored
status, body and headers with ``Idempotent-Replayed: true`` and
``Original-Request-ID``; the same key for a different request is 422; a repeat
while the first still runs is 409 with ``Retry-After``. A success is stored in
the transaction that records it (``errorkit.outcomes``), other final answers
(4xx other than 409 and 429) after it, kept for ``IDEMPOTENCY_TTL``; after a
5xx or 429 the key is released, so that the retry the errors page recommends
runs again (and, with require_balance, costs nothing for the failed try). The
claim's lease (``leases``) lapses with the request, so a dead request's key is
taken over at once on PostgreSQL.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any

from django.http import HttpResponse
from django.utils.translation import gettext as _
from rest_framework.permissions import SAFE_METHODS

from .. import exceptions as ek
from ..declarations import HeaderParameter, declarations_of, declare
from ..installed import require_app
from ..outcomes import is_success, run_to_outcome, run_view
from ..state import state_of
from ..view_requests import find_request, require_autocommit, require_sync_view

require_app("errorkit.idempotency", "errorkit.idempotent")

from .matching import fingerprint_of, scope_of  # noqa: E402  (after the check)
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


def run_to_answer(
    view: Callable[..., Any], request: Any, args: Any, kwargs: Any, record: Any
) -> HttpResponse:
    """Run the view owning ``record``: a success is stored in its outcome's
    transaction, another final answer after it, anything else frees the key."""
    steps = state_of(request).success_steps
    keep = functools.partial(store, record)

    try:
        if declarations_of(view).outcome:  # require_balance runs the outcome
            steps.append(keep)
            response = run_view(view, request, args, kwargs)
        else:
            response = run_to_outcome(view, request, args, kwargs, first=keep)
    except BaseException:
        release(record)
        raise
    finally:
        pending = keep in steps
        if pending:
            steps.remove(keep)
    if is_success(response.status_code) and not pending:
        return response  # stored with the success
    if is_final(response.status_code):
        store(record, response)
    else:
        release(record)
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
        record, owned = claim(
            scope_of(request),
            key,
            fingerprint_of(request),
            state_of(request).request_id or "",
        )
        if not owned:
            return replay(record)
        try:
            return run_to_answer(view, request, args, kwargs, record)
        finally:
            finish(record)

    declare(
        wrapper,
        view,
        ek.InvalidRequest,
        ek.IdempotencyConflict,
        ek.IdempotencyKeyReused,
        headers=(IDEMPOTENCY_KEY,),
    )
    return wrapper
