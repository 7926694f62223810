"""errorkit.incidents.storage on PostgreSQL, served by gunicorn: one event is
one statement (the count, the hour's count and the findable row), and what it
writes is exact: counts, hours, rows, and each sampled event linked from its
own request's row."""

from __future__ import annotations

import psycopg
import pytest
import requests

from tests.served import fresh_postgres, gunicorn, served, setup_caller
from tests.services import requires_postgres

pytestmark = [requires_postgres, served]

BUGS = {"first": 25, "other-bug": 7}  # more than INCIDENT_SAMPLE_FIRST (20)


@pytest.fixture
def database():
    with fresh_postgres() as url:
        yield url


def one(db: psycopg.Connection, sql: str) -> object:
    row = db.execute(sql).fetchone()
    assert row is not None
    return row[0]


@pytest.mark.parametrize("mode", ["sync", "background"])
def test_every_event_is_counted_hourly_findable_and_sampled_events_linked(
    database, mode
):
    setup_caller(database, "alice", "1.00")
    env = {"TEST_INCIDENT_RECORDING": mode, "TEST_PERSISTENT_CONNECTIONS": "1"}
    ids = []
    with gunicorn(database, workers=2, **env) as base:
        for kind, times in BUGS.items():
            for n in range(times):
                answer = requests.get(
                    f"{base}/v1/test/bug/{kind}",
                    headers={"X-Request-ID": f"pg-{kind}-{n}"},
                    timeout=30,
                )
                assert answer.status_code == 500
                ids.append(f"pg-{kind}-{n}")
        for n in range(3):
            answer = requests.get(
                f"{base}/v1/tasks",
                headers={"Authorization": "Bearer ek_nope", "X-Request-ID": f"k{n}"},
                timeout=30,
            )
            assert answer.status_code == 401
    # Leaving gunicorn ends its workers, whose writers flush at exit.
    with psycopg.connect(database) as db:
        counts = db.execute(
            "SELECT count FROM errorkit_incidents_incident ORDER BY count"
        ).fetchall()
        assert [c for (c,) in counts] == sorted(BUGS.values())
        assert one(db, "SELECT sum(count) FROM errorkit_incidents_incidenthour") == (
            sum(BUGS.values())
        )
        found = db.execute(
            "SELECT request_id FROM errorkit_incidents_failedrequest "
            "WHERE incident_id IS NOT NULL"
        ).fetchall()
        assert sorted(r for (r,) in found) == sorted(ids)
        assert (
            one(
                db,
                "SELECT count(*) FROM errorkit_incidents_failedrequest "
                "WHERE incident_id IS NULL AND status_code = 401",
            )
            == 3
        )
        # The first 20 of each incident are kept, each linked from the row of
        # the request it came from.
        events = one(db, "SELECT count(*) FROM errorkit_incidents_incidentevent")
        assert events == sum(min(20, n) for n in BUGS.values())
        linked = one(
            db,
            "SELECT count(*) FROM errorkit_incidents_failedrequest f "
            "JOIN errorkit_incidents_incidentevent e ON e.id = f.event_id "
            "WHERE e.request_id = f.request_id",
        )
        assert linked == events
