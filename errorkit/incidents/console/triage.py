"""What support reads on the admin's pages: a failed request laid out, and a
customer's failures. Plain data for the templates, built with a fixed number
of queries however many rows there are.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone

from ...admin_links import admin_url
from ...customers import Customer, balance_of, key_owner, page_url, pages_of
from ...users import find_user
from ..fingerprints import is_project_frame
from ..models import FailedRequest

# A traceback's frame line, as Python's traceback module writes it.
FRAME_LINE = re.compile(r'^  File "(?P<file>[^"]*)", line \d+, in ')
# Customer pages count this far back.
CUSTOMER_DAYS = 30
CUSTOMER_RECENT = 50


@dataclass(frozen=True)
class TracebackPart:
    text: str
    kind: str  # "project" (the project's own frame), "library", or "" (the rest)


def traceback_parts(text: str) -> list[TracebackPart]:
    """A stored traceback split into frames, each marked as the project's own
    or a library's, so that the page can set the project's apart."""
    parts: list[TracebackPart] = []
    kind, lines = "", list[str]()
    for line in text.splitlines(keepends=True):
        match = FRAME_LINE.match(line)
        if match or (kind and not line.startswith("    ")):
            if lines:
                parts.append(TracebackPart("".join(lines), kind))
            lines = []
            kind = (
                ("project" if is_project_frame(match["file"]) else "library")
                if match
                else ""
            )
        lines.append(line)
    if lines:
        parts.append(TracebackPart("".join(lines), kind))
    return parts


def pretty_body(body: str) -> str:
    """A JSON body indented for reading (after the notes errorkit put before
    it); anything else as it was kept."""
    lines = body.split("\n")
    notes = []
    while lines and lines[0].startswith("[errorkit:"):
        notes.append(lines.pop(0))
    try:
        shown = json.dumps(json.loads("\n".join(lines)), indent=2, ensure_ascii=False)
        shown.encode()  # a lone surrogate stays escaped, or the page could not render
    except (ValueError, RecursionError):
        return body
    return "\n".join([*notes, shown])


def neighbours(row: FailedRequest) -> dict[str, FailedRequest | None]:
    """The incident's kept events just newer and just older than this
    request: the page's navigation (a request whose own event was not kept
    lands between two that were)."""
    if row.incident_id is None:
        return {"newer": None, "older": None}
    kept = FailedRequest.objects.filter(
        incident_id=row.incident_id, event__isnull=False
    ).exclude(pk=row.pk)
    same_time_newer = Q(created=row.created, pk__gt=row.pk)
    same_time_older = Q(created=row.created, pk__lt=row.pk)
    return {
        "newer": kept.filter(Q(created__gt=row.created) | same_time_newer)
        .order_by("created", "pk")
        .first(),
        "older": kept.filter(Q(created__lt=row.created) | same_time_older)
        .order_by("-created", "-pk")
        .first(),
    }


def failures_of(customer: Customer) -> QuerySet[FailedRequest]:
    """A customer's failed requests: by API key prefix, or by user."""
    if customer.key_prefix:
        return FailedRequest.objects.filter(key_prefix=customer.key_prefix)
    return FailedRequest.objects.filter(user=customer.user)


def customer_page(customer: Customer) -> dict[str, Any]:
    """A customer's recent failures: by status and code, the incidents they
    met, the newest requests, and links to their keys and ledger."""
    since = timezone.now() - timedelta(days=CUSTOMER_DAYS)
    recent = failures_of(customer).filter(created__gte=since)
    by_code = list(
        recent.values("status_code", "error_code")
        .annotate(count=Count("pk"), last=Max("created"))
        .order_by("-count", "status_code")
    )
    by_status: dict[int, int] = {401: 0, 402: 0, 429: 0}
    for row in by_code:
        by_status[row["status_code"]] = (
            by_status.get(row["status_code"], 0) + row["count"]
        )
    incidents = list(
        recent.filter(incident__isnull=False)
        .values("incident", "incident__title", "incident__status")
        .annotate(count=Count("pk"), last=Max("created"))
        .order_by("-last")[:20]
    )
    owner = customer.user or key_owner(customer.key_prefix)
    # Other apps' pages of the same person, through errorkit.customers:
    # whichever of them is installed.
    person = Customer(user=owner)
    user = find_user(owner) if owner else None
    return {
        "customer": customer,
        "owner": owner,
        "days": CUSTOMER_DAYS,
        "by_status": sorted(by_status.items()),
        "by_code": by_code,
        "incidents": incidents,
        "requests": list(
            failures_of(customer).select_related("incident")[:CUSTOMER_RECENT]
        ),
        # What they can spend, hold and have settled: the balance a 402
        # ticket is about, never the stored (unfolded) column.
        "balance": balance_of(user),
        "pages": pages_of(person, besides="failures") if owner else [],
        "ledger_url": owner and page_url("ledger", person),
        "keys_url": owner and page_url("keys", person),
        "user_url": customer.key_prefix and owner and failures_page(person),
    }


def failures_page(customer: Customer) -> str | None:
    """The console's page of a customer's failures (errorkit.customers'
    ``"failures"`` page): by API key prefix, or by user."""
    query = (
        {"key": customer.key_prefix} if customer.key_prefix else {"user": customer.user}
    )
    if not any(query.values()):
        return None
    return admin_url("errorkit_incidents_failedrequest_customer", query=query)
