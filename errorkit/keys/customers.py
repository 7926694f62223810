"""What errorkit.keys tells the other apps about customers (errorkit.customers):
which key authenticated a request, who owns a key, and the page of a user's
keys."""

from __future__ import annotations

from typing import Any

from ..admin_links import admin_url
from ..customers import Customer, KeyShape
from ..state import state_of
from ..users import username_field
from .api_keys import KEY_PREFIX, PREFIX_LENGTH
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
