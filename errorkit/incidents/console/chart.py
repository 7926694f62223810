"""The admin's charts of failed requests: per hour over a day, or per day over
a month, by status class, drawn as SVG on the server (no script, no CDN).

A chart counts the incidents it is given (the list's, filtered and searched as
the list is, or one incident's), from the exact hourly counts. It has labelled
axes and a scale, colours taken from the admin's own theme variables (light and
dark), and its numbers as a table a keyboard and a screen reader can reach.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import QuerySet, Sum
from django.db.models.functions import TruncDay
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from ..models import Incident, IncidentHour

# The chart stretches to its column; heights and text stay in pixels, so its
# labels keep their size at 400 px wide as at 1280 (a viewBox would shrink them).
HEIGHT, TOP, BOTTOM = 170, 16, 22


@dataclass(frozen=True)
class Bucket:
    start: datetime
    label: str  # the time, as the axis and the table show it
    counts: dict[int, int]  # status class (5, 4) -> requests

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def series(
    span: str,
    incidents: QuerySet[Incident] | None = None,
    now: datetime | None = None,
) -> list[Bucket]:
    """The buckets of a span ("day": 24 hours; "month": 30 days), oldest
    first, empty ones included, counting ``incidents`` (all when None)."""
    now = timezone.localtime(now or timezone.now())
    hours = IncidentHour.objects.all()
    if incidents is not None:
        hours = hours.filter(incident__in=incidents.order_by().values("pk"))
    rows: Any
    if span == "month":
        step, count = timedelta(days=1), 30
        end = now.replace(hour=0, minute=0, second=0, microsecond=0)
        rows = (
            hours.filter(hour__gte=end - step * (count - 1))
            .annotate(bucket=TruncDay("hour"))
            .values_list("bucket", "status_class")
            .annotate(total=Sum("count"))
        )
        label = "M j"
    else:
        step, count = timedelta(hours=1), 24
        end = now.replace(minute=0, second=0, microsecond=0)
        rows = (
            hours.filter(hour__gte=end - step * (count - 1))
            .values_list("hour", "status_class")
            .annotate(total=Sum("count"))
        )
        label = "H:i"
    starts = [end - step * (count - 1 - i) for i in range(count)]
    counts: dict[datetime, dict[int, int]] = {start: {} for start in starts}
    for bucket, status_class, total in rows:
        if bucket in counts:
            counts[bucket][status_class] = total
    return [
        Bucket(start, date_format(timezone.localtime(start), label), counts[start])
        for start in starts
    ]


def scale(peak: int) -> int:
    """The axis' top: the peak rounded up to 1, 2 or 5 times a power of ten."""
    magnitude = 1
    while True:
        for factor in (1, 2, 5):
            if factor * magnitude >= peak:
                return factor * magnitude
        magnitude *= 10


def render(buckets: list[Bucket], caption: str, name: str) -> SafeString:
    """The chart as a figure: SVG bars with axes, a legend with totals, and a
    table of every number (the text alternative)."""
    top = scale(max((b.total for b in buckets), default=0))
    plot_h = HEIGHT - TOP - BOTTOM
    slot = 100 / max(len(buckets), 1)  # percent of the width
    bars = []
    for i, bucket in enumerate(buckets):
        base = float(TOP + plot_h)
        for status_class in (5, 4):
            value = bucket.counts.get(status_class, 0)
            if value:
                height = plot_h * value / top
                base -= height
                bars.append(
                    {
                        "x": f"{(i + 0.12) * slot:.2f}%",
                        "y": f"{base:.1f}",
                        "w": f"{slot * 0.76:.2f}%",
                        "h": f"{height:.1f}",
                        "cls": f"s{status_class}",
                        "title": f"{bucket.label}: {value} × {status_class}xx",
                    }
                )
    every = 6 if len(buckets) == 24 else 7
    ticks_x = [
        {"x": f"{(i + 0.5) * slot:.2f}%", "label": b.label, "anchor": "middle"}
        for i, b in enumerate(buckets)
        if (len(buckets) - 1 - i) % every == 0
    ]
    if ticks_x:  # the newest label ends at the edge, rather than past it
        ticks_x[-1].update(x="100%", anchor="end")
    ticks_y = [
        {"y": f"{TOP + plot_h - plot_h * v / top:.1f}", "label": v}
        for v in sorted({top // 2, top} - {0})  # the x axis is the zero
    ]
    totals = {c: sum(b.counts.get(c, 0) for b in buckets) for c in (5, 4)}
    peak = max(buckets, key=lambda b: b.total) if buckets else None
    summary = gettext(
        "%(total)d failed requests (%(s5)d 5xx, %(s4)d 4xx); peak %(peak)d at %(at)s."
    ) % {
        "total": totals[5] + totals[4],
        "s5": totals[5],
        "s4": totals[4],
        "peak": peak.total if peak else 0,
        "at": peak.label if peak and peak.total else "-",
    }
    return render_to_string(
        "admin/errorkit_incidents/chart.html",
        {
            "name": name,
            "caption": caption,
            "summary": summary,
            "buckets": buckets,
            "bars": bars,
            "ticks_x": ticks_x,
            "ticks_y": ticks_y,
            "height": HEIGHT,
            "top": TOP,
            "bottom": TOP + plot_h,
            "label_y": HEIGHT - 6,
        },
    )


def chart(
    span: str = "day",
    incidents: QuerySet[Incident] | None = None,
    name: str = "errorkit-chart",
) -> SafeString:
    caption = (
        gettext("Failed requests per day, last 30 days")
        if span == "month"
        else gettext("Failed requests per hour, last 24 hours")
    )
    return render(series(span, incidents), caption, name)
