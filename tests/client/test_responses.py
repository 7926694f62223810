"""errorkit.client.Response: what a successful call returns, whatever the
body is made of, and what the answer said about itself."""

from __future__ import annotations

import httpx
import pytest

from .fakes import Server, error, make


def answer(response: httpx.Response, path: str = "/v1/tasks"):
    return make(Server(response)).get(path)


def test_a_json_body_is_parsed():
    response = answer(httpx.Response(200, json={"id": "t_1", "n": [1, 2]}))
    assert response.status_code == 200
    assert response.data == {"id": "t_1", "n": [1, 2]} == response.json()
    assert response.headers["Content-Type"] == "application/json"
    assert response.http.request.url.path == "/v1/tasks"


@pytest.mark.parametrize(
    "body",
    [
        httpx.Response(204),
        httpx.Response(200, content=b""),
        httpx.Response(
            200, text="<html>ok</html>", headers={"Content-Type": "text/html"}
        ),
        httpx.Response(200, content=b"\xff\xfe"),
    ],
    ids=["204", "empty", "html", "not-utf8"],
)
def test_an_empty_or_non_json_body_has_no_data(body):
    assert answer(body).data is None


def test_json_raises_value_error_on_a_body_that_is_not_json():
    response = answer(httpx.Response(200, text="<html>ok</html>"))
    assert response.text == "<html>ok</html>"
    with pytest.raises(ValueError):
        response.json()


def test_json_null_and_lists_are_data_too():
    assert answer(httpx.Response(200, json=[1])).data == [1]
    assert answer(httpx.Response(200, content=b"null")).data is None


def test_info_says_the_request_id_and_whether_it_was_a_replay():
    response = answer(
        httpx.Response(
            201,
            json={"id": "t_1"},
            headers={
                "X-Request-ID": "second-2",
                "Idempotent-Replayed": "true",
                "Original-Request-ID": "first-1",
            },
        )
    )
    info = response.info
    assert (info.status, info.request_id, info.replayed) == (201, "second-2", True)
    assert info.original_request_id == "first-1" and info.attempts == 1
    assert "second-2" in repr(response) and "/v1/tasks" in repr(response)


def test_info_of_a_first_answer_says_no_replay():
    info = answer(httpx.Response(200, json={})).info
    assert (info.request_id, info.replayed, info.original_request_id) == ("", False, "")


def test_info_counts_the_attempts_the_call_took():
    server = Server(error(503, "service_unavailable", 0), httpx.Response(200, json={}))
    assert make(server).get("/v1/tasks").info.attempts == 2


def test_a_redirect_or_other_status_below_400_is_a_response():
    response = answer(httpx.Response(304))
    assert response.status_code == 304 and response.data is None
