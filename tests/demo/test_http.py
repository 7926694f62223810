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


@pytest.mark.parametrize(
    "method, path, headers, status",
    [
        ("post", "/v1/schema", {}, 405),
        ("get", "/v1/schema", {"HTTP_ACCEPT": "text/html"}, 406),
        ("get", "/v1/models", {"HTTP_ACCEPT": "text/html"}, 406),
    ],
)
def test_errors_are_application_json_whatever_the_view_renders(
    client, api_key, method, path, headers, status
):
    response = getattr(client, method)(
        path, HTTP_AUTHORIZATION=f"Bearer {api_key}", **headers
    )
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    assert response.json()["requestId"] == response["X-Request-ID"]


@pytest.mark.parametrize("path", ["/v1/schema?format=xml", "/v1/models?format=xml"])
def test_unknown_query_parameters_are_ignored(client, api_key, path):
    response = client.get(path, HTTP_AUTHORIZATION=f"Bearer {api_key}")
    assert response.status_code == 200


def test_a_nul_in_a_job_id_is_job_not_found(client, api_key):
    response = client.get("/v1/jobs/%00", HTTP_AUTHORIZATION=f"Bearer {api_key}")
    assert response.status_code == 404
    assert response.json()["error"] == "job_not_found"


def test_the_admin_is_styled_with_debug_off(client, settings):
    settings.DEBUG = False
    page = client.get("/admin/login/")
    css = [part.split('"')[0] for part in page.content.decode().split('href="')[1:]]
    stylesheet = next(link for link in css if link.endswith("base.css"))
    response = client.get(stylesheet)
    assert response.status_code == 200
    assert b"body" in b"".join(response.streaming_content)
