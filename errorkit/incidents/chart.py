"""The admin's chart of incident events: per hour over a day, or per day over a
month, by status class, drawn as SVG on the server (no script, no CDN)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Sum
from django.db.models.functions import TruncDay
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from .models import IncidentHour

COLORS = {5: "#ba2121", 4: "#e0a800"}
WIDTH, HEIGHT, PAD = 720, 140, 24


def series(
    span: str = "day", now: datetime | None = None
) -> list[tuple[datetime, dict[int, int]]]:
    """[(bucket start, {status class: count})], oldest first, empty buckets included."""
    now = now or timezone.now()
    if span == "month":
        step, buckets = timedelta(days=1), 30
        end = now.replace(hour=0, minute=0, second=0, microsecond=0)
        rows = (
            IncidentHour.objects.filter(hour__gte=end - step * (buckets - 1))
            .annotate(bucket=TruncDay("hour"))
            .values("bucket", "status_class")
            .annotate(total=Sum("count"))
        )
    else:
        step, buckets = timedelta(hours=1), 24
        end = now.replace(minute=0, second=0, microsecond=0)
        rows = (
            IncidentHour.objects.filter(hour__gte=end - step * (buckets - 1))
            .values("hour", "status_class")
            .annotate(total=Sum("count"))
        )
    starts = [end - step * (buckets - 1 - i) for i in range(buckets)]
    counts: dict[datetime, dict[int, int]] = {start: {} for start in starts}
    for row in rows:
        bucket = row.get("bucket") or row.get("hour")
        if bucket in counts:
            counts[bucket][row["status_class"]] = row["total"]
    return [(start, counts[start]) for start in starts]


def render_svg(data: list[tuple[datetime, dict[int, int]]], label: str) -> SafeString:
    peak = max((sum(c.values()) for _, c in data), default=0) or 1
    slot = (WIDTH - 2 * PAD) / max(len(data), 1)
    bars = []
    for i, (start, classes) in enumerate(data):
        base = HEIGHT - PAD
        for status_class in (5, 4):
            value = classes.get(status_class, 0)
            if not value:
                continue
            height = (HEIGHT - 2 * PAD) * value / peak
            base -= height
            bars.append(
                (
                    f"{PAD + i * slot + 1:.1f}",
                    f"{base:.1f}",
                    f"{max(slot - 2, 1):.1f}",
                    f"{height:.1f}",
                    COLORS[status_class],
                    f"{start:%Y-%m-%d %H:00}: {value} × {status_class}xx",
                )
            )
    rects = format_html_join(
        "",
        '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{}</title></rect>',
        bars,
    )
    total = sum(sum(c.values()) for _, c in data)
    return format_html(
        '<figure class="errorkit-chart" style="margin:0 0 1em">'
        # Scales to the changelist's column, which is narrower than the chart.
        '<svg role="img" aria-label="{}" style="width:100%;max-width:{}px;height:auto" '
        'viewBox="0 0 {} {}" xmlns="http://www.w3.org/2000/svg">'
        '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#999"/>{}'
        '<text x="{}" y="14" font-size="12" fill="#666">{} (peak {}, total {})</text>'
        "</svg>"
        '<figcaption style="font-size:11px;color:#666">'
        '<span style="color:{}">■</span> 5xx &nbsp; <span style="color:{}">■</span> 4xx'
        "</figcaption></figure>",
        label,
        WIDTH,
        WIDTH,
        HEIGHT,
        PAD,
        HEIGHT - PAD,
        WIDTH - PAD,
        HEIGHT - PAD,
        rects,
        PAD,
        label,
        peak if total else 0,
        total,
        COLORS[5],
        COLORS[4],
    )


def chart(span: str = "day") -> SafeString:
    label = (
        "Events per day, last 30 days"
        if span == "month"
        else "Events per hour, last 24 hours"
    )
    return render_svg(series(span), label)
