"""errorkit.dashboard.links through errorkit.error_links: where the dashboard
is installed and routed, a 402 body carries ``links.addFunds`` and a 401
``links.keys`` (absolute, on the request's host or ``DASHBOARD_URL``), in
JSON and in problem details; no other error carries links, and ``error`` and
``message`` stay as they were."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings

from errorkit.keys.api_keys import create_key
from tests.helpers import DASHBOARD_LINKS, post_task
from tests.users import make_user

pytestmark = pytest.mark.django_db

ADD_FUNDS = DASHBOARD_LINKS[402]["addFunds"]
KEYS = DASHBOARD_LINKS[401]["keys"]
PROBLEM = "application/problem+json"
PREFERS = "application/problem+json, application/json;q=0.9"


@pytest.fixture
def broke() -> Client:
    """A caller whose key is good and whose balance is nothing."""
    return Client(HTTP_AUTHORIZATION=f"Bearer {create_key(make_user('broke'))[1]}")


def test_a_402_links_to_add_funds(broke):
    body = post_task(broke).json()
    assert body["links"] == {"addFunds": ADD_FUNDS}
    assert (body["error"], body["message"]) == (
        "insufficient_balance",
        "Insufficient balance. Please add funds to your account.",
    )


@pytest.mark.parametrize(
    "authorization",
    [None, "Bearer sk_nope", "Basic Zm9vOmJhcg==", "Bearer " + "x" * 5000],
    ids=["missing", "malformed", "other-scheme", "huge"],
)
def test_a_401_links_to_the_keys(authorization):
    headers = {"HTTP_AUTHORIZATION": authorization} if authorization else {}
    answer = Client().get("/v1/tasks", **headers)
    assert answer.status_code == 401
    assert answer.json()["links"] == {"keys": KEYS}


def test_the_links_are_in_problem_details_too(broke):
    answer = post_task(broke, HTTP_ACCEPT=PREFERS)
    assert answer["Content-Type"].startswith(PROBLEM)
    assert answer.json()["links"] == {"addFunds": ADD_FUNDS}


@pytest.mark.parametrize(
    "path", ["/v1/no/such/path", "/v1/test/raise/rate_limit_exceeded", "/v1/test/bug/x"]
)
def test_other_errors_carry_no_links(path):
    answer = Client(raise_request_exception=False).get(path)
    assert answer.status_code >= 400
    assert "links" not in answer.json()


@override_settings(ERRORKIT={"DASHBOARD_URL": "https://dash.example.com/portal"})
def test_dashboard_url_is_where_customers_reach_it(broke):
    assert post_task(broke).json()["links"] == {
        "addFunds": "https://dash.example.com/portal/balance/add/"
    }
    assert Client().get("/v1/tasks").json()["links"] == {
        "keys": "https://dash.example.com/portal/keys/"
    }


@override_settings(ROOT_URLCONF="tests.urls_core")
def test_no_link_where_the_project_does_not_route_the_dashboard():
    answer = Client().get("/v1/tasks")
    assert answer.status_code in (401, 404)
    assert "links" not in answer.json()


@override_settings(ALLOWED_HOSTS=["testserver"])
def test_a_host_the_project_does_not_serve_gets_no_link_and_no_500():
    answer = Client(HTTP_HOST="evil.example").get("/v1/tasks")
    assert answer.status_code < 500
    assert "evil.example" not in answer.content.decode()
