"""prune_idempotency_keys: delete expired idempotency keys, in batches."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from errorkit.idempotency.models import IdempotencyRecord


class Command(BaseCommand):
    help = "Delete idempotency keys past their expiry (24 h by default)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=1000)

    def handle(self, *args: Any, batch_size: int, **options: Any) -> None:
        now, deleted = timezone.now(), 0
        while True:
            batch = list(
                IdempotencyRecord.objects.filter(expires_at__lte=now).values_list(
                    "pk", flat=True
                )[:batch_size]
            )
            if not batch:
                break
            deleted += IdempotencyRecord.objects.filter(pk__in=batch).delete()[0]
        self.stdout.write(
            _("Deleted %(count)d expired idempotency keys.") % {"count": deleted}
        )
