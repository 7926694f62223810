"""The background writer: the request only queues; counts stay exact after a flush."""

from __future__ import annotations

import logging

import pytest
from django.conf import settings
from django.db.models import Count
from django.test import override_settings

from errorkit.incidents.models import Incident, IncidentEvent
from errorkit.incidents.writer import writer
from tests.helpers import assert_error

# The writer's thread has a connection of its own: only committed data is shared.
TABLE = "errorkit_incidents_incident"

pytestmark = pytest.mark.django_db(transaction=True)

BACKGROUND = {**settings.ERRORKIT, "INCIDENT_RECORDING": "background"}


@override_settings(ERRORKIT=BACKGROUND)
def test_events_are_written_after_the_answer_with_exact_counts(client):
    for n in range(25):
        client.get(f"/v1/test/bug/{'first' if n % 2 else 'second'}")
    client.get("/v1/test/bug/other-bug", HTTP_X_REQUEST_ID="bg-1")
    assert writer.flush(timeout=30)
    counts = dict(Incident.objects.values_list("title", "count"))
    assert counts == {
        "KeyError in lookup_price": 25,
        "ZeroDivisionError in BuggyView.get": 1,
    }
    assert IncidentEvent.objects.filter(request_id="bg-1").exists()


@override_settings(ERRORKIT=BACKGROUND)
def test_a_failing_write_is_logged_and_the_caller_is_not_affected(client, caplog):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE {TABLE} RENAME TO {TABLE}_away")
    try:
        with caplog.at_level(logging.ERROR, logger="errorkit.incidents"):
            assert_error(client.get("/v1/test/bug/first"), 500, "internal_error")
            assert writer.flush(timeout=30)
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"ALTER TABLE {TABLE}_away RENAME TO {TABLE}")
    assert any(r.name == "errorkit.incidents" for r in caplog.records)
    client.get("/v1/test/bug/first")  # the writer goes on after a failure
    assert writer.flush(timeout=30)
    assert Incident.objects.get().count == 1


def test_one_event_that_cannot_be_stored_does_not_take_its_batch(client, caplog):
    from django.test import RequestFactory

    from errorkit.incidents.capture import capture
    from errorkit.incidents.writer import BackgroundWriter

    class Answer:
        status_code = 500

    good = [capture(RequestFactory().get(f"/v1/x/{n}"), Answer()) for n in range(2)]
    bad = capture(RequestFactory().get("/v1/x/bad"), Answer())
    bad.now = None  # cannot be counted
    own = BackgroundWriter()
    with caplog.at_level(logging.ERROR, logger="errorkit.incidents"):
        own._write([good[0], bad, good[1]])
    assert Incident.objects.get().count == 2
    assert own.dropped == 1
    assert any("Dropped 1 incident events" in r.getMessage() for r in caplog.records)


@override_settings(ERRORKIT=BACKGROUND)
def test_callers_errors_and_crashes_share_the_writers_batches(client):
    from errorkit.incidents.models import FailedRequest

    for n in range(30):
        if n % 3:
            client.get("/v1/tasks", HTTP_AUTHORIZATION="Bearer wrong")
        else:
            client.get("/v1/test/bug/first")
    assert writer.flush(timeout=30)
    by_status = dict(
        FailedRequest.objects.values_list("status_code").annotate(n=Count("pk"))
    )
    assert by_status == {401: 20, 500: 10}
    assert (
        FailedRequest.objects.filter(status_code=401, incident__isnull=True).count()
        == 20
    )
    assert Incident.objects.get().count == 10


def test_past_its_bound_the_queue_drops_counts_and_logs_and_writes_the_rest(caplog):
    """A slow database: the writer's thread is held inside its first write
    while requests keep failing. The queue holds ``max_queued`` events, the
    rest are dropped, counted and logged, never kept in memory; once the
    database answers, what was queued is written."""
    import threading

    from django.test import RequestFactory

    from errorkit.incidents.capture import capture
    from errorkit.incidents.writer import BackgroundWriter

    class Answer:
        status_code = 500

    entered, release = threading.Event(), threading.Event()

    class SlowDatabase(BackgroundWriter):
        max_queued = 5
        batch_size = 1
        linger = 0.0

        def _write(self, batch):
            entered.set()
            release.wait(timeout=30)
            super()._write(batch)

    own = SlowDatabase()
    events = [capture(RequestFactory().get("/v1/x/1"), Answer()) for _ in range(20)]
    own.submit(events[0])
    assert entered.wait(timeout=30)  # the first is being written, slowly
    with caplog.at_level(logging.ERROR, logger="errorkit.incidents"):
        for event in events[1:]:
            own.submit(event)
    assert own.queue.qsize() == 5
    assert own.dropped == 14
    dropped = [r for r in caplog.records if "the queue is full" in r.getMessage()]
    assert len(dropped) == 14
    release.set()
    assert own.flush(timeout=30)
    assert Incident.objects.get().count == 6
