"""Upgrading errorkit.incidents keeps what it had: 0002 rebuilds the hourly
counts per incident from the failed requests and links the kept events."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

APP = "errorkit_incidents"


@pytest.mark.django_db(transaction=True)
def test_0002_rebuilds_hourly_counts_and_links_events():
    executor = MigrationExecutor(connection)
    executor.migrate([(APP, "0001_initial")])
    old = executor.loader.project_state([(APP, "0001_initial")]).apps
    now = timezone.now().replace(minute=30, second=0, microsecond=0)
    incident = old.get_model(APP, "Incident").objects.create(
        fingerprint="f",
        title="t",
        error_code="internal_error",
        status_code=500,
        first_seen=now,
        last_seen=now,
        count=3,
    )
    failed = old.get_model(APP, "FailedRequest")
    for n, at in enumerate([now, now, now - timedelta(hours=2)]):
        failed.objects.create(
            incident=incident, request_id=f"r-{n}", created=at, status_code=500
        )
    old.get_model(APP, "IncidentEvent").objects.create(
        incident=incident, created=now, request_id="r-0", status_code=500
    )
    old.get_model(APP, "IncidentHour").objects.create(hour=now, status_class=5, count=3)

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes(APP))
    from errorkit.incidents.models import FailedRequest, IncidentHour

    hours = sorted(
        IncidentHour.objects.values_list("incident_id", "status_class", "count")
    )
    assert hours == [(incident.pk, 5, 1), (incident.pk, 5, 2)]
    linked = dict(FailedRequest.objects.values_list("request_id", "event__request_id"))
    assert linked == {"r-0": "r-0", "r-1": None, "r-2": None}
