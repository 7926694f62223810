"""How billing hooks into core: errorkit.billing's signal receivers."""

from __future__ import annotations

from typing import Any

from ..conf import errorkit_settings


def void_superseded_holds(sender: Any, request_id: str, **kwargs: Any) -> None:
    """``request_superseded``: a retry took over a dead request's idempotency
    key; that request's holds are voided before the retry places its own, so
    the rerun is charged at most once in all, and the dead one never."""
    if request_id:
        errorkit_settings.BALANCE_BACKEND().void_request(request_id)
