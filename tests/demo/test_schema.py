"""errorkit.openapi: each operation documents the errors it can answer."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import override_settings
from drf_spectacular.validation import validate_schema


def statuses(operation: dict) -> set[str]:
    return set(operation["responses"])


def example_codes(response: dict) -> set[str]:
    return set(response["content"]["application/json"]["examples"])


# The demo's GET /v1/schema, against docs/demo-api.md's table of endpoints.

DEMO_URLS = "demo_project.urls"  # without the test suite's own views


@pytest.fixture(scope="module")
def demo_schema(django_db_blocker) -> dict:
    from django.test import Client

    with django_db_blocker.unblock(), override_settings(ROOT_URLCONF=DEMO_URLS):
        response = Client().get("/v1/schema", HTTP_AUTHORIZATION="Bearer sk_not_a_key")
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("application/vnd.oai.openapi+json")
    return response.json()


def test_the_demo_schema_is_a_valid_openapi_3_document(demo_schema):
    assert demo_schema["openapi"].startswith("3.")
    validate_schema(demo_schema)
    assert set(demo_schema["paths"]) == {
        "/v1/models",
        "/v1/models/{model_id}",
        "/v1/jobs",
        "/v1/jobs/{job_id}",
        "/v1/balance",
    }


@pytest.mark.parametrize(
    "route,method,expected",
    [
        ("/v1/models", "get", {"200", "401", "500"}),
        ("/v1/models/{model_id}", "get", {"200", "401", "404", "500"}),
        (
            "/v1/jobs",
            "post",
            {"201", "400", "401", "402", "403", "404", "409", "413", "415", "422"}
            | {"429", "500", "502", "503"},
        ),
        ("/v1/jobs/{job_id}", "get", {"200", "401", "404", "500"}),
        ("/v1/balance", "get", {"200", "401", "500"}),
    ],
)
def test_each_demo_operation_documents_the_errors_of_the_contract(
    demo_schema, route, method, expected
):
    # On every operation: 403 (a Host the demo does not serve), 405 (a method
    # the path does not serve) and 406 (an Accept header that excludes JSON).
    assert statuses(demo_schema["paths"][route][method]) == expected | {
        "403",
        "405",
        "406",
    }


def test_the_schema_suits_a_client_generator(demo_schema):
    operations = [o for ops in demo_schema["paths"].values() for o in ops.values()]
    assert all(o["summary"] and o["description"] for o in operations)
    schemas = demo_schema["components"]["schemas"]
    # No component or tag named like a generated package's own modules.
    assert "Model" not in schemas and "CatalogModel" in schemas
    assert not {t for o in operations for t in o["tags"]} & {"models", "api", "types"}
    for name, field in (
        ("Job", "cost"),
        ("CatalogModel", "price"),
        ("Balance", "held"),
    ):
        assert schemas[name]["properties"][field]["pattern"].startswith("^\\d")
    assert "oneOf" in schemas["Job"]["properties"]["input"]


def test_error_responses_carry_the_error_body_codes_and_headers(demo_schema):
    jobs = demo_schema["paths"]["/v1/jobs"]["post"]["responses"]
    error = demo_schema["components"]["schemas"]["Error"]
    assert set(error["required"]) == {"error", "message", "requestId"}
    assert {"retryAfter", "fields"} <= set(error["properties"])
    for status, response in jobs.items():
        if status.startswith(("4", "5")):
            content = response["content"]["application/json"]
            assert content["schema"] == {"$ref": "#/components/schemas/Error"}
            assert "X-Request-ID" in response["headers"]
    assert example_codes(jobs["404"]) == {"model_not_found"}
    assert example_codes(jobs["402"]) == {"insufficient_balance"}
    too_many = jobs["429"]
    assert {"Retry-After", "RateLimit", "RateLimit-Policy"} <= set(too_many["headers"])
    body = too_many["content"]["application/json"]["examples"]["rate_limit_exceeded"]
    assert body["value"]["retryAfter"] >= 1
    assert "Retry-After" in jobs["503"]["headers"]
    assert "Retry-After" in jobs["409"]["headers"]
    assert "WWW-Authenticate" in jobs["401"]["headers"]
    assert (
        "fields"
        in jobs["400"]["content"]["application/json"]["examples"]["invalid_request"][
            "value"
        ]
    )
    assert {"RateLimit", "RateLimit-Policy"} <= set(jobs["201"]["headers"])
    job = demo_schema["paths"]["/v1/jobs/{job_id}"]["get"]["responses"]
    assert example_codes(job["404"]) == {"not_found", "job_not_found"}


def test_jobs_document_the_idempotency_key_and_the_bearer_scheme(demo_schema):
    operation = demo_schema["paths"]["/v1/jobs"]["post"]
    (parameter,) = operation["parameters"]
    assert (parameter["name"], parameter["in"]) == ("Idempotency-Key", "header")
    assert operation["security"] == [{"apiKey": []}]
    assert demo_schema["components"]["securitySchemes"]["apiKey"] == {
        "type": "http",
        "scheme": "bearer",
    }


@override_settings(ROOT_URLCONF=DEMO_URLS)
def test_the_demo_schema_generates_without_a_warning(tmp_path):
    # drf-spectacular's own check: every view, serializer and auth class resolved.
    call_command(
        "spectacular",
        "--validate",
        "--fail-on-warn",
        "--file",
        str(tmp_path / "schema.yml"),
    )
    assert "errorkit demo API" in (tmp_path / "schema.yml").read_text()
