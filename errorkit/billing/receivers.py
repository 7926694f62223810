"""How billing hooks into core: errorkit.billing's signal receivers."""

from __future__ import annotations

from typing import Any

from ..conf import errorkit_settings
from .references import reference_of


def void_superseded_holds(sender: Any, call_id: str, **kwargs: Any) -> None:
    """``_request_superseded``: a retry took over a dead call's idempotency
    key; that call's hold is voided before the retry places its own, so the
    rerun is charged at most once in all, and the dead one never."""
    if call_id:
        errorkit_settings.BALANCE_BACKEND().void_reference(reference_of(call_id))
