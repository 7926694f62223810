"""Creating, finding and revoking API keys (``sk_`` + 43 URL-safe characters)."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import timedelta
from typing import Any

from django.utils import timezone

from ..conf import errorkit_settings
from .models import APIKey

KEY_PREFIX = "sk_"
PREFIX_LENGTH = len(KEY_PREFIX) + 8  # shown in the admin: "sk_AbCd1234"
# What a well-formed key looks like: anything else is rejected before a query.
KEY_FORMAT = re.compile(r"sk_[A-Za-z0-9_-]{32,200}")


def hash_key(secret: str) -> str:
    return hashlib.sha256(secret.encode("ascii")).hexdigest()


def create_key(
    owner: Any, name: str = "", read_only: bool = False
) -> tuple[APIKey, str]:
    """A new key for ``owner``, and its secret: the only time the secret exists."""
    secret = KEY_PREFIX + secrets.token_urlsafe(32)
    key = APIKey.objects.create(
        owner=owner,
        name=name,
        prefix=secret[:PREFIX_LENGTH],
        hashed_key=hash_key(secret),
        read_only=read_only,
    )
    return key, secret


def find_key(secret: str) -> APIKey | None:
    """The active key whose secret this is, compared in constant time."""
    if KEY_FORMAT.fullmatch(secret) is None:
        return None
    digest = hash_key(secret)
    candidates = APIKey.objects.select_related("owner").filter(
        prefix=secret[:PREFIX_LENGTH], revoked_at__isnull=True
    )
    found = None
    for candidate in candidates:
        if hmac.compare_digest(candidate.hashed_key, digest):
            found = candidate
    return found


def touch(key: APIKey) -> None:
    """Record use, writing at most once per ``API_KEY_LAST_USED_INTERVAL``."""
    now = timezone.now()
    interval = timedelta(seconds=errorkit_settings.API_KEY_LAST_USED_INTERVAL)
    if key.last_used is not None and now - key.last_used < interval:
        return
    # Conditional, so that racing requests write it once.
    APIKey.objects.filter(pk=key.pk).exclude(last_used__gte=now - interval).update(
        last_used=now
    )
    key.last_used = now


def revoke(key: APIKey) -> None:
    APIKey.objects.filter(pk=key.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
