"""A customer's usage: spend and paid calls per day for 30 days (a chart
drawn on the server, its figures as a table too), and the rate limits the
API counts per caller. Spend comes from errorkit.billing through
errorkit.customers' ``Funds``; the limits from the project's URLconf."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from .. import customers
from ..limits.policies import PER_CALLER, Policy, routed_policies
from .pages import customer, customer_page, unavailable

DAYS = 30
# The chart's drawing box: a bar per day, their height in its units.
CHART_HEIGHT = 100


@dataclass(frozen=True)
class Day:
    day: date
    calls: int
    spend: Any
    height: int  # of its bar, in CHART_HEIGHT units
    x: int  # where its bar starts, in bar widths

    @property
    def y(self) -> int:
        return CHART_HEIGHT - self.height


def days_of(usage: list[customers.DayUsage], today: date) -> list[Day]:
    """The last DAYS days to ``today``, oldest first, days without calls
    included (as zero)."""
    by_day = {u.day: u for u in usage}
    first = today - timedelta(days=DAYS - 1)
    spends = [u.spend for u in usage] or [Decimal(0)]
    top = max(spends) or Decimal(1)
    days = []
    for n in range(DAYS):
        day = first + timedelta(days=n)
        used = by_day.get(day)
        spend = used.spend if used else Decimal(0)
        height = round(CHART_HEIGHT * spend / top) if spend else 0
        days.append(
            Day(
                day, used.calls if used else 0, spend, max(height, 1 if spend else 0), n
            )
        )
    return days


def caller_policies() -> list[Policy]:
    """The limits counted per API key or user: the ones a customer meets."""
    return [p for p in routed_policies() if p.key in PER_CALLER]


@customer_page
@require_http_methods(["GET", "HEAD"])
def usage(request: HttpRequest) -> HttpResponse:
    funds = customers.funds()
    if funds is None:
        return unavailable(request, "errorkit.billing")
    today = timezone.localdate()
    since = timezone.make_aware(
        datetime.combine(today - timedelta(days=DAYS - 1), time.min)
    )
    days = days_of(funds.usage(customer(request), since=since), today)
    return render(
        request,
        "errorkit_dashboard/usage.html",
        {
            "days": days,
            "total_spend": sum((d.spend for d in days), Decimal(0)),
            "total_calls": sum(d.calls for d in days),
            "busiest": max(days, key=lambda d: d.spend),
            "currency": funds.currency_of(customer(request)),
            "chart_height": CHART_HEIGHT,
            "chart_width": DAYS,
            "policies": caller_policies(),
        },
    )
