"""The ledger as a person reads it: the money moves (charges, top-ups,
refunds), newest first, each with the settled balance after it. The admin's
ledger and the customers' dashboard (through errorkit.customers' ``Funds``)
both read it here."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Count, OuterRef, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from ..customers import DayUsage, LedgerLine
from .amounts import stored_places
from .holds import money_sum
from .models import LedgerEntry

# What a person reads as their money's history: charges (posts), top-ups
# and refunds. Holds and voids move nothing (they reserve and release, and
# are most of the rows: 111 entries for 3 charges).
MONEY_KINDS = (
    LedgerEntry.Kind.POST,
    LedgerEntry.Kind.TOP_UP,
    LedgerEntry.Kind.REFUND,
)
# The words a customer reads for each kind.
LINE_KINDS = {
    LedgerEntry.Kind.POST: "charge",
    LedgerEntry.Kind.TOP_UP: "top_up",
    LedgerEntry.Kind.REFUND: "refund",
}


def with_balance_after(entries: QuerySet[LedgerEntry]) -> QuerySet[LedgerEntry]:
    """``entries`` annotated ``running``: their account's settled balance
    right after each (the sum of its entries up to it)."""
    before = LedgerEntry.objects.filter(
        account=OuterRef("account"), pk__lte=OuterRef("pk")
    ).values("account")
    return entries.annotate(running=money_sum(before.annotate(t=Sum("amount"))))


def statement_of(
    user: Any, *, offset: int, limit: int
) -> tuple[list[LedgerLine], bool]:
    """``limit`` of ``user``'s money moves from ``offset``, newest first, and
    whether older ones follow."""
    entries = with_balance_after(
        LedgerEntry.objects.filter(account__owner=user, kind__in=MONEY_KINDS)
    ).order_by("-created", "-id")[offset : offset + limit + 1]
    lines = [
        LedgerLine(
            created=entry.created,
            kind=LINE_KINDS[LedgerEntry.Kind(entry.kind)],
            amount=stored_places(entry.amount),
            balance_after=stored_places(entry.running),  # type: ignore[attr-defined]
            request_id=entry.request_id,
            label=entry.note,
        )
        for entry in entries
    ]
    return lines[:limit], len(lines) > limit


def usage_of(user: Any, *, since: datetime) -> list[DayUsage]:
    """``user``'s charges (posts) per day in the current time zone, oldest
    first."""
    days = (
        LedgerEntry.objects.filter(
            account__owner=user, kind=LedgerEntry.Kind.POST, created__gte=since
        )
        .annotate(day=TruncDate("created", tzinfo=timezone.get_current_timezone()))
        .values("day")
        .annotate(calls=Count("id"), total=Sum("amount"))
        .order_by("day")
    )
    return [
        DayUsage(day=row["day"], calls=row["calls"], spend=stored_places(-row["total"]))
        for row in days
    ]
