"""demo_project: each row of docs/demo-api.md this far, over the test client."""

from __future__ import annotations

from decimal import Decimal

import pytest

from demo_project.jobs.models import Job
from tests.demo.helpers import assert_error, balance_of, post_job

pytestmark = pytest.mark.django_db


def test_models_list(api):
    response = api.get("/v1/models")
    assert response.status_code == 200
    data = response.json()["data"]
    assert [(m["id"], m["price"]) for m in data] == [
        ("demo-echo", "0.01"),
        ("demo-crash", "0.01"),
        ("demo-flaky", "0.01"),
        ("demo-overloaded", "0.01"),
    ]


def test_one_model(api):
    response = api.get("/v1/models/demo-echo")
    assert response.status_code == 200
    assert response.json()["id"] == "demo-echo"


def test_unknown_model_is_model_not_found(api):
    assert_error(api.get("/v1/models/gpt-99"), 404, "model_not_found")


def test_echo_job_succeeds_and_can_be_read_back(api):
    response = post_job(api, {"model": "demo-echo", "input": {"items": [1, 2]}})
    assert response.status_code == 201
    job = response.json()
    assert job["model"] == "demo-echo"
    assert job["status"] == "succeeded"
    assert job["output"] == {"items": [1, 2]}
    assert job["cost"] == "0.01"
    read = api.get(f"/v1/jobs/{job['id']}")
    assert read.status_code == 200 and read.json()["id"] == job["id"]


def test_job_with_an_unknown_model_is_404(api):
    assert_error(post_job(api, {"model": "nope", "input": 1}), 404, "model_not_found")
    assert Job.objects.count() == 0


def test_missing_fields_are_400_with_fields(api):
    assert_error(
        post_job(api, {}),
        400,
        "invalid_request",
        "model: This field is required. (and 1 more error, listed in 'fields')",
        fields={
            "model": ["This field is required."],
            "input": ["This field is required."],
        },
    )


def test_malformed_json_is_400(api):
    assert_error(post_job(api, "{oops"), 400, "invalid_request")


def test_non_json_body_is_415(api):
    response = api.post("/v1/jobs", "model=demo-echo", content_type="text/plain")
    assert_error(response, 415, "unsupported_media_type")


def test_crash_is_a_generic_500(api):
    response = post_job(api, {"model": "demo-crash", "input": 1})
    assert_error(
        response,
        500,
        "internal_error",
        "Something went wrong on our side. Please try again later.",
    )
    assert "deadbeef" not in response.content.decode()
    assert Job.objects.count() == 0


def test_flaky_is_502(api):
    assert_error(post_job(api, {"model": "demo-flaky", "input": 1}), 502, "bad_gateway")


def test_overloaded_is_503_with_retry_after_30(api):
    response = post_job(api, {"model": "demo-overloaded", "input": 1})
    assert_error(response, 503, "service_unavailable", retryAfter=30)
    assert response["Retry-After"] == "30"


def test_unknown_job_is_job_not_found(api):
    assert_error(api.get("/v1/jobs/job_nope"), 404, "job_not_found")


def test_unknown_paths_are_not_found(api):
    assert_error(api.get("/v1/nothing/here"), 404, "not_found")


def test_wrong_method_is_405_with_allow(api):
    response = api.put("/v1/jobs")
    assert_error(response, 405, "method_not_allowed")
    assert response["Allow"] == "POST, OPTIONS"


def test_body_over_the_limit_is_413(api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 64
    response = post_job(api, {"model": "demo-echo", "input": "x" * 100})
    assert_error(response, 413, "payload_too_large")


def test_balance_shows_what_can_be_spent_and_what_is_held(api, api_user):
    assert api.get("/v1/balance").json() == {
        "balance": "10.00",
        "held": "0.00",
        "currency": "USD",
    }
    assert post_job(api).status_code == 201
    assert api.get("/v1/balance").json()["balance"] == "9.99"


@pytest.mark.parametrize("model", [" demo-echo", "demo-echo\n"])
def test_a_job_is_charged_the_price_of_the_model_it_ran(api, api_user, model):
    response = post_job(api, {"model": model, "input": 1})
    assert response.status_code == 201 and response.json()["model"] == "demo-echo"
    assert balance_of(api_user) == Decimal("9.99")


@pytest.mark.parametrize("model", [["x"], {}, None, True])
def test_a_model_of_another_json_type_is_400_and_free(api, api_user, model):
    response = post_job(api, {"model": model, "input": 1})
    assert response.status_code == 400 and "model" in response.json()["fields"]
    assert balance_of(api_user) == Decimal("10.00")


def test_failed_jobs_cost_nothing_and_leave_nothing_held(api, api_user):
    for model in ("demo-crash", "demo-flaky", "demo-overloaded"):
        assert post_job(api, {"model": model, "input": 1}).status_code >= 500
    assert api.get("/v1/balance").json()["held"] == "0.00"
    assert balance_of(api_user) == Decimal("10.00")


def test_a_replay_has_its_own_request_id_and_names_the_original(api, api_user):
    first = post_job(api, key="demo-1", HTTP_X_REQUEST_ID="first-1")
    again = post_job(api, key="demo-1", HTTP_X_REQUEST_ID="again-1")
    assert again["X-Request-ID"] == "again-1"
    assert again["Original-Request-ID"] == first["X-Request-ID"] == "first-1"
    assert again.content == first.content


HOSTILE_JOBS = [
    b'{"model": "demo-echo", "input": ' + b"[" * 100_000,
    b'{"model": "demo-echo", "input": ' + b"[" * 5_000 + b"]" * 5_000 + b"}",
    b'{"model": "demo-echo", "input": "a\\u0000b"}',
    b'{"model": "demo-echo", "input": "\\ud800"}',
    b'{"model": "demo-echo", "input": "\xff\xfe"}',
    b'{"model": "demo-echo", "input": ' + b"9" * 5_000 + b"}",
    b'{"model": "demo-echo", "input": 1e999}',
    b'{"model": ["x"], "input": 1}',
    b'{"model": {}, "input": 1}',
    b"[" * 100_000,
]


@pytest.mark.parametrize("body", HOSTILE_JOBS, ids=range(len(HOSTILE_JOBS)))
def test_hostile_jobs_are_400_and_free(api, api_user, body):
    response = api.post("/v1/jobs", body, content_type="application/json")
    assert response.status_code == 400, response.content[:300]
    message = response.json()["message"]
    assert "Expecting" not in message and "codec" not in message
    assert balance_of(api_user) == Decimal("10.00")


def test_a_host_the_api_does_not_serve_is_403(api):
    assert_error(api.get("/v1/models", HTTP_HOST="evil.example"), 403, "forbidden")
