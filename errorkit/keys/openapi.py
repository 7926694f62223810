"""``APIKeyAuthentication`` in the OpenAPI schema: an HTTP bearer scheme.

drf-spectacular finds extensions by their import; ``errorkit.keys``'s
``ready()`` imports this module when drf_spectacular is installed.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object


class APIKeyScheme(OpenApiAuthenticationExtension):
    """``Authorization: Bearer sk_...``."""

    target_class = "errorkit.keys.authentication.APIKeyAuthentication"
    name = "apiKey"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return build_bearer_security_scheme_object("Authorization", "Bearer")
