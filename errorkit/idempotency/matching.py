"""Whose key it is, and whether a repeat is the same request."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.http import RawPostDataException

from ..callers import user_or_ip


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
