"""Counting occurrences: the reference, in the ORM alone.

``Recorder`` writes a batch of occurrences and lean failures: each
fingerprint's events are counted at once (which also reopens a resolved
incident and claims the sample slot), every item gets its findable row and
every incident its hour's count. Its ``count_event`` and ``count_hour`` are
the plain ORM versions, right on every database Django supports, and the
reference the fast paths of ``errorkit.incidents.upserts`` are tested equal
to (tests/incidents/test_counting.py, on random histories). Racing events
lose no count: an UPDATE ... SET count = count + n, or an insert that a race
turns into that update.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Case, F, Q, Value, When

from ..conf import errorkit_settings
from ..durability import relax_durability
from .capture import Failure, Occurrence
from .models import FailedRequest, Incident, IncidentEvent, IncidentHour

Status = Incident.Status


@dataclass(frozen=True)
class Counted:
    """What counting one fingerprint's events did to its incident."""

    pk: int
    sampled: bool  # keep this event
    opened: bool  # the incident is new, or a resolved one regressed
    count: int = 1  # the incident's count, these events included

    def kept(self, group: Sequence[Occurrence]) -> Sequence[Occurrence]:
        """Which of a batch's events of one incident to keep: while the
        incident has fewer than INCIDENT_SAMPLE_FIRST, as many of its first
        as it lacks; later, the last one, when a sample is due."""
        if not self.sampled:
            return []
        first = errorkit_settings.INCIDENT_SAMPLE_FIRST
        before = self.count - len(group)
        if before < first:
            return group[: max(1, first - before)]
        return group[-1:]


@dataclass(frozen=True)
class Written:
    """What a write did: each item's incident (None for a lean failure), and
    the incidents it opened or reopened (to alert on)."""

    ids: list[int | None]
    opened: list[int]


class Recorder:
    """Writes occurrences and failures; counts with the ORM (the reference)."""

    def write(self, items: Sequence[Occurrence | Failure]) -> Written:
        """Write in one short transaction: each fingerprint's occurrences
        counted at once, every item's findable row in one bulk insert, the
        hours' counts. The commit does not wait for the disk on PostgreSQL
        (``synchronous_commit = off``, for this transaction only): a crash
        may lose the last moments of counts, never corrupt them."""
        groups: dict[str, list[Occurrence]] = {}
        for item in items:
            if isinstance(item, Occurrence):
                groups.setdefault(item.fingerprint, []).append(item)
        ids: dict[str, int] = {}
        kept: dict[int, int] = {}  # id(occurrence) -> its sampled event's pk
        opened: list[int] = []
        hours: dict[tuple[int, datetime], tuple[int, int]] = {}
        with transaction.atomic():
            relax_durability()
            for fingerprint, group in groups.items():
                counted = self.count_event(group[-1], amount=len(group))
                ids[fingerprint] = counted.pk
                if counted.opened:
                    opened.append(counted.pk)
                for o in counted.kept(group):
                    kept[id(o)] = IncidentEvent.objects.create(
                        incident_id=counted.pk, created=o.now, **o.event.build()
                    ).pk
                for o in group:
                    key = (counted.pk, hour_of(o.now))
                    hours[key] = (o.status // 100, hours.get(key, (0, 0))[1] + 1)
            FailedRequest.objects.bulk_create(_row(item, ids, kept) for item in items)
            for (incident, hour), (status_class, amount) in hours.items():
                self.count_hour(incident, hour, status_class, amount)
        return Written(
            [ids[i.fingerprint] if isinstance(i, Occurrence) else None for i in items],
            opened,
        )

    def count_event(self, occurrence: Occurrence, amount: int = 1) -> Counted:
        """Count ``amount`` events of one fingerprint, creating the incident.

        One UPDATE counts, reopens a resolved incident (a regression) and claims
        the sample slot: the first INCIDENT_SAMPLE_FIRST events, then one per
        INCIDENT_SAMPLE_INTERVAL. An incident a racing event created first is
        counted by the retried UPDATE.
        """
        o, now = occurrence, occurrence.now
        reopen = Q(status=Status.RESOLVED)
        due = now - timedelta(seconds=errorkit_settings.INCIDENT_SAMPLE_INTERVAL)
        sample = (
            Q(count__lt=errorkit_settings.INCIDENT_SAMPLE_FIRST)
            | Q(last_sampled__isnull=True)
            | Q(last_sampled__lte=due)
        )
        updated = Incident.objects.filter(fingerprint=o.fingerprint).update(
            count=F("count") + amount,
            last_seen=now,
            status=Case(When(reopen, then=Value(Status.OPEN)), default=F("status")),
            regressed=Case(When(reopen, then=Value(True)), default=F("regressed")),
            regressed_at=Case(When(reopen, then=Value(now)), default=F("regressed_at")),
            # A reopened incident is no longer resolved by anyone.
            resolved_at=Case(When(reopen, then=None), default=F("resolved_at")),
            resolved_by=Case(When(reopen, then=None), default=F("resolved_by")),
            last_sampled=Case(When(sample, then=Value(now)), default=F("last_sampled")),
        )
        if not updated:
            try:
                with transaction.atomic():
                    incident = Incident.objects.create(
                        fingerprint=o.fingerprint,
                        title=o.title,
                        error_code=o.code,
                        status_code=o.status,
                        view=o.view[:255],
                        first_seen=now,
                        last_seen=now,
                        count=amount,
                        last_sampled=now,
                    )
                return Counted(incident.pk, True, True, amount)
            except IntegrityError:  # a racing event created it first
                return self.count_event(occurrence, amount)
        pk, last_sampled, regressed_at, count = (
            Incident.objects.filter(fingerprint=o.fingerprint)
            .values_list("pk", "last_sampled", "regressed_at", "count")
            .get()
        )
        return Counted(pk, last_sampled == now, regressed_at == now, count)

    def count_hour(
        self, incident: int, hour: datetime, status_class: int, amount: int
    ) -> None:
        """Add to an incident's count for one hour; a racing writer's insert
        turns this one into an update."""
        rows = IncidentHour.objects.filter(incident_id=incident, hour=hour)
        if rows.update(count=F("count") + amount):
            return
        try:
            with transaction.atomic():
                IncidentHour.objects.create(
                    incident_id=incident,
                    hour=hour,
                    status_class=status_class,
                    count=amount,
                )
        except IntegrityError:
            rows.update(count=F("count") + amount)


def _row(
    item: Occurrence | Failure, ids: dict[str, int], kept: dict[int, int]
) -> FailedRequest:
    """The findable row of one item, linked to its incident and kept event."""
    if isinstance(item, Occurrence):
        failure, incident = item.failure, ids[item.fingerprint]
    else:
        failure, incident = item, None
    return FailedRequest(
        incident_id=incident,
        event_id=kept.get(id(item)),
        request_id=failure.request_id,
        created=failure.now,
        status_code=failure.status,
        error_code=failure.code,
        user=failure.user,
        key_prefix=failure.key_prefix,
        method=failure.method,
        path=failure.path,
        reason=failure.reason,
    )


def hour_of(now: datetime) -> datetime:
    return now.replace(minute=0, second=0, microsecond=0)
