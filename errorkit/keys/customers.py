"""What errorkit.keys tells the other apps about customers (errorkit.customers):
which key authenticated a request, who owns a key, the page of a user's
keys, and a customer's own keys for self-service."""

from __future__ import annotations

from typing import Any

from ..admin_links import admin_url
from ..customers import Customer, KeyInfo, KeyShape
from ..state import state_of
from ..users import username_field
from .api_keys import KEY_PREFIX, PREFIX_LENGTH, create_key, revoke
from .authentication import PRESENTED
from .models import APIKey


class APIKeyDirectory:
    """errorkit.customers' ``KeyDirectory`` for errorkit.keys' own keys."""

    shape: KeyShape | None = KeyShape(
        KEY_PREFIX, PREFIX_LENGTH, min_length=PREFIX_LENGTH + 12
    )

    def prefix_of(self, request: Any) -> str:
        # DRF sets ``auth`` on the Django request as well as on its own.
        auth = getattr(request, "auth", None)
        if isinstance(auth, APIKey):
            return auth.prefix
        # A refused key that names a real one (revoked, say): whose it was.
        return str(state_of(request).kept(PRESENTED, ""))

    def owner_of(self, prefix: str) -> str:
        owners = APIKey.objects.filter(prefix=prefix).values_list(
            f"owner__{username_field()}", flat=True
        )
        return str(owners.first() or "")


def keys_page(customer: Customer) -> str | None:
    """The admin's list of a user's keys."""
    if not customer.user:
        return None
    return admin_url("errorkit_keys_apikey_changelist", query={"q": customer.user})


MAX_KEY_ID = 2**63 - 1


def info(key: APIKey) -> KeyInfo:
    return KeyInfo(
        id=str(key.pk),
        prefix=key.prefix,
        name=key.name,
        created=key.created,
        last_used=key.last_used,
        revoked=key.revoked_at,
        read_only=key.read_only,
    )


class OwnKeys:
    """errorkit.customers' ``CustomerKeys``: a customer's own keys, each
    looked up through its owner, so that another's key is never found."""

    name_max_length = APIKey._meta.get_field("name").max_length or 100

    def _key(self, user: Any, key_id: str) -> APIKey | None:
        text = str(key_id)
        # A whole number a BigAutoField can hold: a larger one overflows the
        # database's integer before Django 5.0 (a 500), and names no key.
        if not (text.isascii() and text.isdigit()) or int(text) > MAX_KEY_ID:
            return None
        return APIKey.objects.filter(owner=user, pk=int(text)).first()

    def keys_of(self, user: Any) -> list[KeyInfo]:
        return [info(key) for key in APIKey.objects.filter(owner=user)]

    def key_of(self, user: Any, key_id: str) -> KeyInfo | None:
        key = self._key(user, key_id)
        return info(key) if key else None

    def create(self, user: Any, *, name: str, read_only: bool) -> tuple[KeyInfo, str]:
        key, secret = create_key(user, name=name, read_only=read_only)
        return info(key), secret

    def rename(self, user: Any, key_id: str, name: str) -> KeyInfo | None:
        key = self._key(user, key_id)
        if key is None:
            return None
        key.name = name
        key.save(update_fields=["name"])
        return info(key)

    def revoke(self, user: Any, key_id: str) -> KeyInfo | None:
        key = self._key(user, key_id)
        if key is None:
            return None
        revoke(key)
        key.refresh_from_db()
        return info(key)
