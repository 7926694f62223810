"""prune_incidents --days N: delete incident data older than N days, in batches.

Never one giant DELETE: events go by primary key, a batch at a time, then the
incidents not seen since the cutoff, then the chart's old hourly counts.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Model, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from errorkit.incidents.models import (
    FailedRequest,
    Incident,
    IncidentEvent,
    IncidentHour,
)


def delete_in_batches(queryset: QuerySet[Model], batch_size: int) -> int:
    deleted = 0
    while True:
        batch = list(queryset.values_list("pk", flat=True)[:batch_size])
        if not batch:
            return deleted
        queryset.model._default_manager.filter(pk__in=batch).delete()
        deleted += len(batch)


class Command(BaseCommand):
    help = "Delete incident events, incidents and chart counts older than N days."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, required=True)
        parser.add_argument("--batch-size", type=int, default=1000)

    def handle(self, *args: Any, days: int, batch_size: int, **options: Any) -> None:
        if days < 0:
            raise CommandError(_("--days must be 0 or more."))
        if batch_size < 1:
            raise CommandError(_("--batch-size must be at least 1."))
        cutoff = timezone.now() - timedelta(days=days)
        events = delete_in_batches(
            IncidentEvent.objects.filter(created__lt=cutoff).order_by("pk"), batch_size
        )
        failed = delete_in_batches(
            FailedRequest.objects.filter(created__lt=cutoff).order_by("pk"), batch_size
        )
        incidents = delete_in_batches(
            Incident.objects.filter(last_seen__lt=cutoff).order_by("pk"), batch_size
        )
        hours = delete_in_batches(
            IncidentHour.objects.filter(hour__lt=cutoff).order_by("pk"), batch_size
        )
        self.stdout.write(
            _(
                "Deleted %(events)d events, %(failed)d failed requests, "
                "%(incidents)d incidents and %(hours)d hourly counts older than "
                "%(days)d days."
            )
            % {
                "events": events,
                "failed": failed,
                "incidents": incidents,
                "hours": hours,
                "days": days,
            }
        )
