"""errorkit.incidents: grouping, exact counts, regressions, scrubbing, sampling,
recording outside the request's transaction and never in the caller's way."""

from __future__ import annotations

import json
import logging
from datetime import timedelta

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from errorkit.incidents.models import Incident, IncidentEvent, IncidentHour
from tests.helpers import assert_error
from tests.testapp.models import Task
from tests.users import login_name, make_user

TABLE = "errorkit_incidents_incident"

pytestmark = pytest.mark.django_db


def test_the_same_bug_from_two_paths_in_one_function_is_one_incident(client):
    client.get("/v1/test/bug/first")
    client.get("/v1/test/bug/second")
    (incident,) = Incident.objects.all()
    assert incident.count == 2
    assert incident.title == "KeyError in lookup_price"
    assert incident.error_code == "internal_error" and incident.status_code == 500
    assert incident.view == "tests.views.BuggyView"


def test_each_api_view_function_is_its_own_view(client):
    """DRF's @api_view names every function's class "WrappedAPIView": the
    incident names the function, and the same error in two functions is two
    incidents."""
    client.get("/v1/test/raise-fn/bad_gateway")
    client.get("/v1/test/raise-fn-2/bad_gateway")
    client.get("/v1/test/raise-fn-2/bad_gateway")
    views = dict(Incident.objects.values_list("view", "count"))
    assert views == {
        "tests.views.raise_function_view": 1,
        "tests.views.raise_another_function_view": 2,
    }


def test_two_bugs_are_two_incidents(client):
    client.get("/v1/test/bug/first")
    client.get("/v1/test/bug/other-bug")
    titles = sorted(Incident.objects.values_list("title", flat=True))
    assert titles == ["KeyError in lookup_price", "ZeroDivisionError in BuggyView.get"]


def test_deliberate_errors_group_by_code_and_view(api):
    for model in ("flaky", "flaky", "busy"):
        api.post(
            "/v1/tasks", {"kind": model, "payload": 1}, content_type="application/json"
        )
    incidents = {i.error_code: i.count for i in Incident.objects.all()}
    assert incidents == {"bad_gateway": 2, "service_unavailable": 1}


def test_an_exception_can_carry_its_own_fingerprint(client):
    client.get("/v1/test/fingerprinted/1")
    client.get("/v1/test/fingerprinted/2")
    assert Incident.objects.get().count == 2


def by_path(request, response, exc):
    return request.path


@override_settings(
    ERRORKIT={"INCIDENT_FINGERPRINT": "tests.incidents.test_recording.by_path"}
)
def test_a_project_can_supply_its_own_fingerprint(client):
    client.get("/v1/test/bug/first")
    client.get("/v1/test/bug/second")
    assert Incident.objects.count() == 2


def test_4xx_are_not_recorded_unless_listed(client):
    client.get("/v1/nothing")
    assert not Incident.objects.exists()
    with override_settings(ERRORKIT={"INCIDENT_4XX_CODES": [404]}):
        client.get("/v1/nothing")
    assert Incident.objects.get().status_code == 404


def test_the_request_id_a_caller_quotes_finds_the_event(client):
    response = client.get("/v1/test/bug/first", HTTP_X_REQUEST_ID="quoted-123")
    assert response.json()["requestId"] == "quoted-123"
    event = IncidentEvent.objects.get(request_id="quoted-123")
    assert event.incident.title == "KeyError in lookup_price"
    assert event.method == "GET" and event.path == "/v1/test/bug/first"
    assert "lookup_price" in event.traceback and "KeyError" in event.traceback


def test_a_resolved_incident_that_happens_again_reopens_as_a_regression(client):
    client.get("/v1/test/bug/first")
    Incident.objects.update(status="resolved")
    client.get("/v1/test/bug/first")
    incident = Incident.objects.get()
    assert incident.status == "open" and incident.regressed
    assert incident.regressed_at is not None and incident.count == 2


def test_an_ignored_incident_stays_ignored_and_counted(client):
    client.get("/v1/test/bug/first")
    Incident.objects.update(status="ignored")
    client.get("/v1/test/bug/first")
    incident = Incident.objects.get()
    assert (
        incident.status == "ignored" and not incident.regressed and incident.count == 2
    )


SECRET = "sk_live_1234567890abcdef"


def test_secrets_are_scrubbed_from_headers_query_and_body(api):
    body = {
        "kind": "crash",
        "payload": {
            "Password": "hunter2",
            "nested": [{"client_secret": "s1", "api_key": "k1", "card_number": "4242"}],
            "note": f"my key is {SECRET}",
            "deep": {
                "x": {
                    "SessionId": "abc",
                    "csrfmiddlewaretoken": "t",
                    "Auth_Token": "t2",
                }
            },
        },
    }
    api.post(
        f"/v1/tasks?access_token=qq&page=2&ref={SECRET}",
        body,
        content_type="application/json",
        HTTP_COOKIE="sessionid=abc; csrftoken=def",
        HTTP_X_API_KEY=SECRET,
    )
    event = IncidentEvent.objects.get()
    stored = json.dumps(
        [event.headers, event.query, event.body, event.traceback, event.path]
    )
    for secret in ("hunter2", "s1", "k1", "4242", SECRET, "abc", "def", "qq", "t2"):
        assert secret not in stored, secret
    assert event.headers["Authorization"] == "[Filtered]"
    assert event.headers["Cookie"] == "[Filtered]"
    assert event.headers["X-Api-Key"] == "[Filtered]"
    assert "page=2" in event.query
    stored_body = json.loads(event.body)
    assert stored_body["payload"]["Password"] == "[Filtered]"
    assert stored_body["payload"]["nested"][0]["card_number"] == "[Filtered]"
    assert stored_body["payload"]["note"] == "my key is [Filtered]"
    assert event.user == login_name("alice") and event.key_prefix.startswith("sk_")


@override_settings(ERRORKIT={"SCRUB_KEYS": ["ssn"]})
def test_the_scrub_list_is_extendable(client):
    client.post(
        "/v1/test/bug/first", {"user_ssn": "123-45"}, content_type="application/json"
    )
    client.get("/v1/test/bug/first?SSN=999")
    stored = json.dumps([e.body + e.query for e in IncidentEvent.objects.all()])
    assert "123-45" not in stored and "999" not in stored


@override_settings(
    ERRORKIT={"INCIDENT_SAMPLE_FIRST": 2, "INCIDENT_SAMPLE_INTERVAL": 3600}
)
def test_events_are_sampled_while_the_count_stays_exact(client):
    for _ in range(7):
        client.get("/v1/test/bug/first")
    incident = Incident.objects.get()
    assert incident.count == 7
    assert incident.events.count() == 2  # the first two; the interval is not over
    Incident.objects.update(last_sampled=incident.last_sampled - timedelta(hours=1))
    client.get("/v1/test/bug/first")  # an interval later: one more is kept
    client.get("/v1/test/bug/first")
    assert incident.events.count() == 3
    assert Incident.objects.get().count == 9
    assert IncidentHour.objects.get().count == 9


def test_an_incident_survives_atomic_requests_rolling_back(client):
    connection.settings_dict["ATOMIC_REQUESTS"] = True
    try:
        response = client.post("/v1/test/write-then-fail/boom")
    finally:
        connection.settings_dict["ATOMIC_REQUESTS"] = False
    assert response.status_code == 500
    assert Task.objects.count() == 0  # the request's write is rolled back
    assert Incident.objects.get().count == 1  # the incident is not


def test_when_recording_fails_the_caller_still_gets_its_json_500(client, caplog):
    with connection.cursor() as cursor:  # the table is gone: every write fails
        cursor.execute(f"ALTER TABLE {TABLE} RENAME TO {TABLE}_away")
    with caplog.at_level(logging.ERROR, logger="errorkit.incidents"):
        response = client.get("/v1/test/bug/first", HTTP_X_REQUEST_ID="lost-1")
    assert_error(response, 500, "internal_error")
    (record,) = [r for r in caplog.records if r.name == "errorkit.incidents"]
    assert "lost-1" in record.getMessage() and record.exc_info is not None


def test_recording_an_event_takes_a_bounded_number_of_queries(client):
    client.get("/v1/test/bug/first")  # the incident and the hour exist
    with CaptureQueriesContext(connection) as queries:
        client.get("/v1/test/bug/first")
    recording = [q for q in queries if "errorkit_incident" in q["sql"]]
    assert len(recording) <= 5, [q["sql"][:80] for q in recording]
    with CaptureQueriesContext(connection) as queries:
        client.get("/v1/test/bug/other-bug")  # a new incident and event
    recording = [q for q in queries if "errorkit_incident" in q["sql"]]
    assert len(recording) <= 7, [q["sql"][:80] for q in recording]


@pytest.fixture
def without_upsert(monkeypatch):
    """As on a database without INSERT ... ON CONFLICT ... RETURNING (MySQL)."""
    import errorkit.incidents.storage
    from errorkit.incidents.counting import Recorder

    monkeypatch.setattr(
        errorkit.incidents.storage, "recorder_for", lambda connection: Recorder()
    )


@override_settings(
    ERRORKIT={"INCIDENT_SAMPLE_FIRST": 2, "INCIDENT_SAMPLE_INTERVAL": 3600}
)
def test_the_portable_path_counts_groups_samples_and_reopens(client, without_upsert):
    for _ in range(4):
        client.get("/v1/test/bug/first")
    client.get("/v1/test/bug/other-bug")
    incident = Incident.objects.get(title="KeyError in lookup_price")
    assert incident.count == 4 and incident.events.count() == 2
    Incident.objects.update(status="resolved")
    client.get("/v1/test/bug/first")
    incident.refresh_from_db()
    assert incident.status == "open" and incident.regressed and incident.count == 5
    assert sum(IncidentHour.objects.values_list("count", flat=True)) == 6


@pytest.mark.django_db(transaction=True)
def test_a_bug_in_an_async_view_is_recorded_too():
    from asgiref.sync import async_to_sync
    from django.test import AsyncClient

    client = AsyncClient(raise_request_exception=False)
    response = async_to_sync(client.get)(
        "/v1/plain/async-raise/boom", headers={"X-Request-ID": "async-bug"}
    )
    assert response.status_code == 500
    event = IncidentEvent.objects.get(request_id="async-bug")
    assert event.incident.title == "Boom in plain_async_raise"


def test_a_database_outage_is_one_incident_whatever_the_view(client):
    for path in ("/v1/test/raise/db_down", "/v1/plain/raise/db_down"):
        assert client.get(path).status_code == 503
    (incident,) = Incident.objects.all()
    assert (incident.count, incident.error_code) == (2, "service_unavailable")


def test_what_cannot_be_read_from_the_request_is_noted_not_lost():
    from django.test import RequestFactory

    from errorkit.incidents.capture import capture

    class Broken:
        def read(self, *args):
            raise OSError("the client went away")

        def seekable(self):  # asked by Django 6.1 before reading
            return False

        def close(self):
            pass

    class Answer:
        status_code = 500

    request = RequestFactory().post("/v1/x", "{}", content_type="application/json")
    request._stream = Broken()
    event = capture(request, Answer()).event.build()
    assert (
        "[errorkit: the body could not be read: UnreadablePostError]" in event["body"]
    )


def test_a_hostile_body_is_kept_as_text(client):
    from django.test import RequestFactory

    from errorkit.incidents.capture import raw_event

    deep = "[" * 20_000 + "]" * 20_000
    request = RequestFactory().post("/v1/x", deep, content_type="application/json")
    built = raw_event(request, 500, None).build()
    assert built["body"].startswith("[[[[")


@override_settings(
    ERRORKIT={"INCIDENT_SAMPLE_FIRST": 2, "INCIDENT_SAMPLE_INTERVAL": 3600}
)
def test_every_failed_request_is_findable_by_its_id_not_only_sampled_ones(
    client, staff
):
    from errorkit.incidents.models import FailedRequest

    ids = [f"find-me-{n}" for n in range(10)]
    for request_id in ids:
        client.get("/v1/test/bug/first", HTTP_X_REQUEST_ID=request_id)
    assert IncidentEvent.objects.count() == 2  # sampled
    assert sorted(FailedRequest.objects.values_list("request_id", flat=True)) == ids
    incident = Incident.objects.get()
    for request_id in ids:
        page = staff.get("/admin/errorkit_incidents/incident/", {"q": request_id})
        assert f"/{incident.pk}/change/" in page.content.decode()
    page = staff.get("/admin/errorkit_incidents/incident/", {"q": "never-failed"})
    assert f"/{incident.pk}/change/" not in page.content.decode()


def test_callers_errors_are_kept_lean_findable_and_never_incidents(client, api_user):
    from errorkit.incidents.models import FailedRequest
    from errorkit.keys.api_keys import create_key
    from tests.helpers import post_task

    client.get("/v1/tasks", HTTP_AUTHORIZATION="Bearer wrong", HTTP_X_REQUEST_ID="r401")
    broke = make_user("broke")
    key, secret = create_key(broke, name="broke")
    poor = type(client)(HTTP_AUTHORIZATION=f"Bearer {secret}")
    post_task(poor, HTTP_X_REQUEST_ID="r402")
    client.get("/v1/nothing", HTTP_X_REQUEST_ID="r404")  # not listed: not kept
    rows = {r.request_id: r for r in FailedRequest.objects.all()}
    assert set(rows) == {"r401", "r402"}
    assert (rows["r401"].status_code, rows["r401"].error_code) == (
        401,
        "invalid_api_key",
    )
    assert rows["r402"].error_code == "insufficient_balance"
    assert (rows["r402"].user, rows["r402"].key_prefix) == (
        login_name("broke"),
        key.prefix,
    )
    assert all(r.incident_id is None and r.event_id is None for r in rows.values())
    assert not Incident.objects.exists() and not IncidentHour.objects.exists()


@override_settings(ERRORKIT={"FINDABLE_4XX_CODES": []})
def test_no_4xx_is_kept_when_none_is_listed(client):
    from errorkit.incidents.models import FailedRequest

    client.get("/v1/tasks", HTTP_AUTHORIZATION="Bearer wrong")
    assert not FailedRequest.objects.exists()


@override_settings(
    ERRORKIT={"INCIDENT_SAMPLE_FIRST": 2, "INCIDENT_SAMPLE_INTERVAL": 3600}
)
def test_a_kept_event_is_linked_from_its_request_and_hours_count_per_incident(
    client,
):
    from errorkit.incidents.models import FailedRequest

    for n in range(3):
        client.get("/v1/test/bug/first", HTTP_X_REQUEST_ID=f"k-{n}")
    client.get("/v1/test/bug/other-bug")
    linked = dict(FailedRequest.objects.values_list("request_id", "event__request_id"))
    assert linked["k-0"] == "k-0" and linked["k-1"] == "k-1" and linked["k-2"] is None
    per_incident = dict(IncidentHour.objects.values_list("incident__title", "count"))
    assert per_incident == {
        "KeyError in lookup_price": 3,
        "ZeroDivisionError in BuggyView.get": 1,
    }
