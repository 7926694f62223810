"""DRF authentication by API key: ``Authorization: Bearer sk_...``.

    REST_FRAMEWORK = {
        "DEFAULT_AUTHENTICATION_CLASSES": [
            "errorkit.keys.authentication.APIKeyAuthentication",
        ],
        "DEFAULT_PERMISSION_CLASSES": [
            "rest_framework.permissions.IsAuthenticated",
            "errorkit.keys.permissions.ReadOnlyKeyPermission",
        ],
    }

A missing key lets DRF answer 401 (this class names the ``Bearer`` challenge);
a malformed, unknown or revoked one is 401 ``invalid_api_key`` at once.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed

from ..state import state_of
from .api_keys import KEY_FORMAT, PREFIX_LENGTH, find_key, touch
from .models import APIKey

MALFORMED_HEADER = _(
    "Malformed Authorization header. Send 'Authorization: Bearer sk_...'."
)
MALFORMED_KEY = _(
    "Malformed API key: a key is sk_ followed by 32 to 200 ASCII letters, "
    "digits, - and _. Check it in your dashboard."
)
# The request state's slot for the prefix of a refused key (see refuse()).
PRESENTED = "presented_key"
UNKNOWN_KEY = _(
    "Invalid API key: it is unknown or revoked. Check it in your dashboard."
)


class APIKeyAuthentication(BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request: Any) -> tuple[Any, APIKey] | None:
        header = get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            refuse(request, "malformed")
            raise AuthenticationFailed(MALFORMED_HEADER)
        try:
            secret = header[1].decode("ascii")
        except UnicodeDecodeError:
            refuse(request, "malformed")
            raise AuthenticationFailed(MALFORMED_KEY) from None
        key = find_key(secret)
        if key is None or not key.owner.is_active:
            reason, prefix = why_refused(secret)
            refuse(request, reason, prefix)
            # The message says what the row says: a key of the wrong shape
            # is told so, not called unknown.
            malformed = reason == "malformed"
            raise AuthenticationFailed(MALFORMED_KEY if malformed else UNKNOWN_KEY)
        touch(key)
        return key.owner, key

    def authenticate_header(self, request: Any) -> str:
        return self.keyword


def why_refused(secret: str) -> tuple[str, str]:
    """Why a presented key was refused, and the prefix of the key it names
    when there is one (a revoked key, a typo after a real prefix): so that
    support sees whose it was. The secret itself is never kept."""
    if not KEY_FORMAT.fullmatch(secret):
        return "malformed", ""
    known = (
        APIKey.objects.select_related("owner")
        .filter(prefix=secret[:PREFIX_LENGTH])
        .order_by("revoked_at")  # an active key first (NULLs sort first)
        .first()
    )
    if known is None:
        return "unknown", ""
    if known.revoked_at is not None:
        return "revoked", known.prefix
    if not known.owner.is_active:
        return "inactive", known.prefix
    return "unknown", known.prefix


def refuse(request: Any, reason: str, prefix: str = "") -> None:
    """Say on the request why it was refused, and which key it presented."""
    state = state_of(request)
    state.refusal = reason
    if prefix:
        state.keep(PRESENTED, prefix)
