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

from .api_keys import find_key, touch
from .models import APIKey

MALFORMED_HEADER = _(
    "Malformed Authorization header. Send 'Authorization: Bearer sk_...'."
)
MALFORMED_KEY = _(
    "Malformed API key: keys contain only ASCII letters, digits, - and _."
)
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
            raise AuthenticationFailed(MALFORMED_HEADER)
        try:
            secret = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise AuthenticationFailed(MALFORMED_KEY) from None
        key = find_key(secret)
        if key is None or not key.owner.is_active:
            raise AuthenticationFailed(UNKNOWN_KEY)
        touch(key)
        return key.owner, key

    def authenticate_header(self, request: Any) -> str:
        return self.keyword
