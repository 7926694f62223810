"""Every way of counting incidents writes what the reference writes.

``errorkit.incidents.counting.Recorder`` (the ORM alone) is the reference; the
fast paths of ``errorkit.incidents.upserts`` (one upsert per incident and hour
on PostgreSQL and SQLite, one statement per event on PostgreSQL) must leave
the same incidents (counts, status, regressions, sampled slots), the same
hours, the same findable rows linked to the same kept events, and report the
same ids and openings, on the same random histories: batches of occurrences
and lean failures of a few fingerprints, incidents resolved and ignored
between them, events close enough to share a sample interval and far enough
to need a new one.

These run on the default database here (SQLite: the ORM and the upsert) and,
through tests/incidents/test_counting_postgres.py, on PostgreSQL (all three).
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import override_settings

from errorkit.incidents.capture import Failure, Occurrence, RawEvent
from errorkit.incidents.counting import Recorder
from errorkit.incidents.models import (
    FailedRequest,
    Incident,
    IncidentEvent,
    IncidentHour,
)
from errorkit.incidents.storage import recorder_for
from errorkit.incidents.upserts import PostgresRecorder, UpsertRecorder, can_upsert
from tests.users import make_user

pytestmark = pytest.mark.django_db

FINGERPRINTS = ["a" * 64, "b" * 64, "c" * 64, "d" * 64]
START = datetime(2026, 3, 1, 9, 40, tzinfo=timezone.utc)


def recorders() -> list[Recorder]:
    """Every recorder this database can run: the reference first."""
    found: list[Recorder] = [Recorder()]
    if can_upsert(connection):
        found.append(UpsertRecorder())
    if connection.vendor == "postgresql":
        found.append(PostgresRecorder())
    return found


def occurrence(fingerprint: str, n: int, now: datetime, status: int) -> Occurrence:
    request_id = f"req-{n}"
    return Occurrence(
        fingerprint=fingerprint,
        title=f"Bug {fingerprint[0]}",
        code="internal_error" if status == 500 else "service_unavailable",
        status=status,
        view="shop.views.order",
        now=now,
        event=RawEvent(
            request_id=request_id,
            status_code=status,
            method="POST",
            path="/v1/orders",
            query="",
            meta={},
            body=b"",
            form=None,
            user=f"user{n % 3}",
            key_prefix=f"sk_{n % 2}",
            stack=None,
        ),
    )


def history(seed: int, steps: int = 30) -> list[tuple[str, Any]]:
    """A random history: ("write", items) and ("status", (fingerprint, status))."""
    rng = random.Random(seed)
    now, n, out = START, 0, []
    for _ in range(steps):
        if rng.random() < 0.2:
            status = rng.choice([Incident.Status.RESOLVED, Incident.Status.IGNORED])
            out.append(("status", (rng.choice(FINGERPRINTS), status)))
            continue
        items: list[Occurrence | Failure] = []
        for _ in range(rng.choice([1, 1, 1, 2, 3, 5])):
            # From one second to an hour and a half later: the same hour or
            # not, within the sample interval, past it or exactly at its end.
            now += timedelta(seconds=rng.choice([1, 7, 200, 400, 600, 700, 5400]))
            n += 1
            if rng.random() < 0.25:
                code = rng.choice(["invalid_api_key", "insufficient_balance"])
                items.append(
                    Failure(f"req-{n}", 401, code, f"user{n % 3}", f"sk_{n % 2}", now)
                )
            else:
                fingerprint = rng.choice(FINGERPRINTS[: rng.randint(1, 4)])
                items.append(occurrence(fingerprint, n, now, rng.choice([500, 503])))
        out.append(("write", items))
    return out


def replay(recorder: Recorder, steps: list[tuple[str, Any]]) -> dict[str, Any]:
    """Run a history through one recorder on empty tables; what it left."""
    staff = get_user_model().objects.first() or make_user("staff")
    for model in (FailedRequest, IncidentEvent, IncidentHour, Incident):
        model.objects.all().delete()
    reported = []
    for kind, step in steps:
        if kind == "status":
            fingerprint, status = step
            resolved = status == Incident.Status.RESOLVED
            Incident.objects.filter(fingerprint=fingerprint).update(
                status=status,
                resolved_at=START if resolved else None,
                resolved_by=staff if resolved else None,
            )
            continue
        written = recorder.write(step)
        fingerprint_of = dict(Incident.objects.values_list("pk", "fingerprint"))
        reported.append(
            (
                [fingerprint_of.get(pk) for pk in written.ids],
                sorted(fingerprint_of[pk] for pk in written.opened),
            )
        )
    return {"reported": reported, **tables()}


def tables() -> dict[str, Any]:
    incidents = {
        i.fingerprint: (
            i.count,
            i.status,
            i.regressed,
            i.regressed_at,
            i.first_seen,
            i.last_seen,
            i.last_sampled,
            i.title,
            i.status_code,
            # A regression clears who resolved it and when.
            i.resolved_at,
            i.resolved_by_id,
        )
        for i in Incident.objects.all()
    }
    hours = sorted(
        IncidentHour.objects.values_list(
            "incident__fingerprint", "hour", "status_class", "count"
        )
    )
    rows = sorted(
        FailedRequest.objects.values_list(
            "request_id",
            "incident__fingerprint",
            "event__request_id",
            "created",
            "status_code",
            "error_code",
            "user",
            "key_prefix",
        ),
        key=lambda row: row[0],
    )
    events = sorted(IncidentEvent.objects.values_list("request_id", flat=True))
    return {"incidents": incidents, "hours": hours, "rows": rows, "events": events}


@pytest.mark.parametrize("seed", range(12))
@override_settings(
    ERRORKIT={"INCIDENT_SAMPLE_FIRST": 3, "INCIDENT_SAMPLE_INTERVAL": 600}
)
def test_every_recorder_writes_what_the_reference_writes(seed):
    steps = history(seed)
    paths = recorders()
    reference = replay(paths[0], steps)
    # The history is not trivial: events kept and skipped, a regression.
    assert 0 < len(reference["events"]) < len(reference["rows"])
    for other in paths[1:]:
        assert replay(other, steps) == reference, type(other).__name__


def test_the_fast_paths_run_where_the_database_allows():
    # Without this, the equality test above could compare the ORM to itself.
    assert type(recorder_for(connection)) is type(recorders()[-1])
    assert len(recorders()) == {"postgresql": 3, "sqlite": 2}.get(connection.vendor, 1)


@override_settings(
    ERRORKIT={"INCIDENT_SAMPLE_FIRST": 3, "INCIDENT_SAMPLE_INTERVAL": 600}
)
def test_the_histories_reopen_resolved_incidents_and_keep_ignored_ones():
    seen = {"regressed": False, "ignored": False, "still resolved": False}
    for seed in range(12):
        incidents = replay(Recorder(), history(seed))["incidents"].values()
        seen["regressed"] |= any(i[2] for i in incidents)
        seen["ignored"] |= any(i[1] == Incident.Status.IGNORED for i in incidents)
        seen["still resolved"] |= any(i[9] is not None for i in incidents)
        # Resolved fields stay only on incidents still resolved.
        assert all(i[1] == Incident.Status.RESOLVED for i in incidents if i[9])
    assert seen == {"regressed": True, "ignored": True, "still resolved": True}
