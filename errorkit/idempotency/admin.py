"""The admin of idempotency keys: read-only, for support to see what a key
holds (in progress, or the answer a retry will replay)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from ..admin_search import SearchMixin
from .models import IdempotencyRecord


@admin.register(IdempotencyRecord)
class IdempotencyRecordAdmin(SearchMixin):
    list_display = ["key", "scope", "state", "status_code", "claimed_at", "expires_at"]
    list_filter = ["completed", "status_code"]
    # Exact matches: a key, the request that ran it, or a scope ("user:42").
    search_fields = ["=key", "=request_id", "=scope"]
    search_help_text = _("An exact Idempotency-Key, request id or scope (user:ID).")
    ordering = ["-claimed_at"]
    # The stored body is bytes: shown by the replay, not here.
    exclude = ["body"]
    readonly_fields = [
        "scope",
        "key",
        "fingerprint",
        "claimed_at",
        "expires_at",
        "completed",
        "request_id",
        "call_id",
        "status_code",
        "headers",
    ]

    @admin.display(description=_("state"))
    def state(self, record: IdempotencyRecord) -> str:
        return str(_("answer stored") if record.completed else _("in progress"))

    # A key changes only through its requests: editing or deleting a stored
    # answer here would let a retry run (and be charged) again.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
