"""errorkit.formatting: field paths, messages and the body's shape."""

from __future__ import annotations

import pytest
from rest_framework import exceptions as drf

from errorkit.formatting import Error, flatten_errors, format_error, validation_message
from tests.helpers import assert_error

ORDER = {
    "model": "m",
    "input": {
        "items": [
            {"qty": 1},
            {"name": "ok", "qty": 2},
            {"name": "bad", "qty": 1},
            {"name": "x", "qty": 0},
        ],
        "tags": [1, "two", 3],
    },
}


@pytest.mark.django_db
def test_nested_and_list_paths_are_dotted_with_index_zero_kept(client):
    response = client.post("/v1/test/orders", ORDER, content_type="application/json")
    body = assert_error(
        response,
        400,
        "invalid_request",
        "input.items.0.name: This field is required."
        " (and 3 more errors, listed in 'fields')",
        fields={
            "input.items.0.name": ["This field is required."],
            "input.items.2": ["This item is not sold."],
            "input.items.3.qty": ["Ensure this value is greater than or equal to 1."],
            "input.tags.1": ["A valid integer is required."],
        },
    )
    assert "input.items.1" not in body["fields"], "valid items are not listed"


@pytest.mark.django_db
def test_top_level_non_field_errors_keep_their_key(client):
    data = {"model": "conflict", "input": {"items": [], "tags": []}}
    response = client.post("/v1/test/orders", data, content_type="application/json")
    assert_error(
        response,
        400,
        "invalid_request",
        "Model conflicts with input.",
        fields={"non_field_errors": ["Model conflicts with input."]},
    )


@pytest.mark.django_db
def test_malformed_json_is_400_with_a_message_naming_the_problem(client):
    response = client.post(
        "/v1/test/orders", '{"model": ', content_type="application/json"
    )
    body = assert_error(response, 400, "invalid_request")
    assert body["message"] == "The body is not valid JSON (line 1, column 11)."


@pytest.mark.django_db
def test_fifty_nested_errors_are_all_reported(client):
    data = {"items": [{"name": "n"} for _ in range(50)]}
    response = client.post("/v1/test/many", data, content_type="application/json")
    fields = response.json()["fields"]
    assert list(fields) == [f"items.{i}.qty" for i in range(50)]


def test_flatten_handles_depth_beyond_the_recursion_limit():
    detail: object = ["deep"]
    for _ in range(5000):
        detail = {"a": detail}
    flat = flatten_errors(detail)
    assert list(flat.values()) == [["deep"]]
    assert list(flat)[0].count("a") == 5000


def test_flatten_django_and_drf_shapes():
    assert flatten_errors({"__all__": ["Dates overlap."]}) == {
        "non_field_errors": ["Dates overlap."]
    }
    assert flatten_errors({"tags": {0: ["Bad."]}}) == {"tags.0": ["Bad."]}
    assert flatten_errors(["One.", "Two."]) == {"non_field_errors": ["One.", "Two."]}
    assert flatten_errors(drf.ValidationError({"a": [{"b": ["x"]}]}).detail) == {
        "a.0.b": ["x"]
    }
    assert flatten_errors({"a": {"non_field_errors": ["n"]}}) == {"a": ["n"]}


def test_validation_message_counts_every_message():
    assert validation_message({"a": ["x"]}) == "a: x"
    assert validation_message({"a": ["x", "y"]}) == (
        "a: x (and 1 more error, listed in 'fields')"
    )
    assert validation_message({}) == (
        "The request is invalid. Check the body and parameters."
    )


def test_format_error_orders_fields_and_never_lets_extra_replace_them():
    error = Error(
        status=429,
        code="rate_limit_exceeded",
        message="Slow down.",
        request_id="r1",
        retry_after=3,
        extra={"error": "overwritten?", "plan": "free"},
    )
    assert format_error(error) == {
        "error": "rate_limit_exceeded",
        "message": "Slow down.",
        "retryAfter": 3,
        "plan": "free",
        "requestId": "r1",
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    "kind,fields,message",
    [
        (
            "django_validation_dict",
            {
                "end": ["End must be after start."],
                "non_field_errors": ["Dates overlap."],
            },
            "end: End must be after start. (and 1 more error, listed in 'fields')",
        ),
        ("django_validation_list", {"non_field_errors": ["Bad value."]}, "Bad value."),
        (
            "drf_validation_list",
            {"non_field_errors": ["Bad combination."]},
            "Bad combination.",
        ),
    ],
)
def test_validation_errors_raised_in_views(client, kind, fields, message):
    response = client.get(f"/v1/test/raise/{kind}")
    assert_error(response, 400, "invalid_request", message, fields=fields)
