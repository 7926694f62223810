"""A read-only API key may call safe methods (GET, HEAD, OPTIONS) only."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import SAFE_METHODS, BasePermission

from ..state import state_of
from .models import APIKey


class ReadOnlyKeyPermission(BasePermission):
    message = _("This API key is read-only: it may only make GET requests.")
    code = "forbidden"

    def may_refuse(self, method: str) -> bool:
        """For the OpenAPI schema: a 403 is possible only on unsafe methods."""
        return method not in SAFE_METHODS

    def has_permission(self, request: Any, view: Any) -> bool:
        key = request.auth
        if isinstance(key, APIKey) and key.read_only:
            if request.method in SAFE_METHODS:
                return True
            state_of(request).refusal = "read_only"
            return False
        return True
