"""demo_project over real HTTP: a threaded server and a real client."""

from __future__ import annotations

import pytest
from requests import Session

pytestmark = pytest.mark.django_db(transaction=True)


def test_rows_over_http(live_server, api_key):
    url = live_server.url
    requests = Session()
    requests.headers["Authorization"] = f"Bearer {api_key}"
    ok = requests.get(
        f"{url}/v1/models", timeout=10, headers={"X-Request-ID": "live-1"}
    )
    assert ok.status_code == 200 and ok.headers["X-Request-ID"] == "live-1"

    missing = requests.get(f"{url}/v1/missing", timeout=10)
    assert missing.status_code == 404
    assert missing.headers["Content-Type"] == "application/json"
    assert missing.json()["requestId"] == missing.headers["X-Request-ID"]

    crash = requests.post(
        f"{url}/v1/jobs", json={"model": "demo-crash", "input": 1}, timeout=10
    )
    assert crash.status_code == 500 and crash.json()["error"] == "internal_error"

    busy = requests.post(
        f"{url}/v1/jobs", json={"model": "demo-overloaded", "input": 1}, timeout=10
    )
    assert busy.status_code == 503
    assert busy.headers["Retry-After"] == "30" and busy.json()["retryAfter"] == 30

    job = requests.post(
        f"{url}/v1/jobs", json={"model": "demo-echo", "input": [0]}, timeout=10
    )
    assert job.status_code == 201 and job.json()["output"] == [0]
