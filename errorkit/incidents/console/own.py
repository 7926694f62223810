"""A customer's own failed requests, for the customers' dashboard
(errorkit.customers' ``CustomerFailures``): the rows of their user or of
their API keys, by status and request id, and never a traceback, a header
or anyone else's."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Count, Q, QuerySet

from ... import customers
from ...customers import FailureInfo
from ..models import FailedRequest
from .request_ids import exact_request_id, request_id_matches


def _theirs(user: Any) -> QuerySet[FailedRequest]:
    """Rows recorded with the user's name, or with one of their keys (a
    revoked key's 401 names its owner too, but a row from before may not)."""
    mine = Q(user=user.get_username())
    keys = customers.customer_keys()
    prefixes = [key.prefix for key in keys.keys_of(user)] if keys else []
    if prefixes:
        mine |= Q(key_prefix__in=prefixes)
    return FailedRequest.objects.filter(mine)


def _info(row: FailedRequest) -> FailureInfo:
    return FailureInfo(
        request_id=row.request_id,
        created=row.created,
        status=row.status_code,
        code=row.error_code,
        reason=row.reason,
        method=row.method,
        path=row.path,
    )


class OwnFailures:
    def failures_of(
        self,
        user: Any,
        *,
        since: datetime,
        status: int | None,
        request_id: str,
        offset: int,
        limit: int,
    ) -> tuple[list[FailureInfo], bool]:
        rows = _theirs(user).filter(created__gte=since)
        if status is not None:
            rows = rows.filter(status_code=status)
        if request_id:
            rows = rows.filter(request_id_matches(request_id))
        found = list(rows.order_by("-created", "-id")[offset : offset + limit + 1])
        return [_info(row) for row in found[:limit]], len(found) > limit

    def statuses_of(self, user: Any, *, since: datetime) -> dict[int, int]:
        counted = (
            _theirs(user)
            .filter(created__gte=since)
            .values("status_code")
            .annotate(n=Count("id"))
            .order_by("status_code")
        )
        return {row["status_code"]: row["n"] for row in counted}

    def failure_of(self, user: Any, request_id: str) -> FailureInfo | None:
        row = (
            _theirs(user)
            .filter(exact_request_id(request_id))
            .order_by("-created", "-id")
            .first()
        )
        return _info(row) if row else None
