"""A hold's reference, made from the server's id of the call that placed it."""

from __future__ import annotations


def reference_of(call_id: str) -> str:
    """The reference of the hold a call places (errorkit.pipeline's
    ``call_id``): a superseded call's hold is found by it, never by the
    caller's X-Request-ID, which a caller may reuse on concurrent calls."""
    return f"hold_{call_id}"
