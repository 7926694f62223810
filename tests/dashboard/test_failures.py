"""errorkit.dashboard.failures: a customer's own failed requests of the last
30 days, recorded by errorkit.incidents from real calls: by status, with
what to do about each, found by the id they quote (any case, a prefix); a
page per request with what they sent and got back and nothing of the
server's internals; nobody else's."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client, override_settings
from django.utils import timezone

from errorkit.billing.funds import add_funds
from errorkit.incidents.models import FailedRequest
from errorkit.keys.api_keys import create_key, revoke
from errorkit.keys.models import APIKey
from tests.helpers import post_task
from tests.users import make_user

pytestmark = pytest.mark.django_db

LIST = "/dashboard/failures/"
CRASH = {"kind": "crash", "payload": 1}


def keyed(key: str) -> Client:
    return Client(raise_request_exception=False, HTTP_AUTHORIZATION=f"Bearer {key}")


def crash(key: str, request_id: str) -> None:
    """A paid task that crashes (500) on the test app."""
    answer = post_task(keyed(key), CRASH, HTTP_X_REQUEST_ID=request_id)
    assert answer.status_code == 500


@pytest.fixture
def failed(api_user, api_key):
    """alice's crash (500), a call with her revoked key (401) and, once her
    balance is spent, a 402; bob's own crash."""
    crash(api_key, "req-alice-crash")
    old, secret = create_key(api_user, name="old")
    revoke(old)
    answer = keyed(secret).get("/v1/tasks", HTTP_X_REQUEST_ID="req-alice-revoked")
    assert answer.status_code == 401
    bob = make_user("bob")
    add_funds(bob, "5.00")
    crash(create_key(bob)[1], "req-bob-crash")
    return make_user("broke-alice")


def test_the_list_shows_her_failures_with_what_to_do_and_not_bobs(customer, failed):
    html = customer.get(LIST).content.decode()
    assert "req-alice-crash" in html and "req-alice-revoked" in html
    assert "req-bob-crash" not in html
    assert "The API key was revoked." in html
    assert "contact support and quote request ID req-alice-crash" in html
    assert "POST /v1/tasks" in html
    # By status: one 401, one 500.
    assert "401: 1" in html and "500: 1" in html


def test_a_status_filter_shows_only_that_status(customer, failed):
    html = customer.get(LIST, {"status": "401"}).content.decode()
    assert "req-alice-revoked" in html and "req-alice-crash" not in html


@pytest.mark.parametrize(
    "quoted",
    ["req-alice-crash", "REQ-ALICE-CRASH", " 'req-alice-crash' ", "req-alice-cr"],
)
def test_the_id_is_found_as_a_ticket_quotes_it(customer, failed, quoted):
    html = customer.get(LIST, {"q": quoted}).content.decode()
    assert "req-alice-crash" in html and "req-alice-revoked" not in html


def test_a_search_never_finds_another_customers_request(customer, failed):
    html = customer.get(LIST, {"q": "req-bob-crash"}).content.decode()
    assert "None of your failed requests has this id." in html


def test_a_page_shows_what_she_sent_and_got_and_nothing_internal(customer, failed):
    answer = customer.get(f"{LIST}req-alice-crash/")
    html = answer.content.decode()
    assert answer.status_code == 200
    assert "Quote this id to support" in html and "req-alice-crash" in html
    assert "POST /v1/tasks" in html and "500" in html
    assert "internal_error" in html
    for internal in (
        "Traceback",
        "0xdeadbeef",
        "TaskCrashed",
        "testapp",
        "HTTP_",
        "Authorization",
        "Bearer",
    ):
        assert internal not in html


def test_the_401_page_links_to_the_keys(customer, failed):
    html = customer.get(f"{LIST}req-alice-revoked/").content.decode()
    assert 'href="/dashboard/keys/"' in html


def test_a_402_page_links_to_add_funds(failed):
    broke = failed
    key = create_key(broke)[1]
    client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert post_task(client, HTTP_X_REQUEST_ID="req-broke-402").status_code == 402
    page = Client()
    page.force_login(broke)
    html = page.get(f"{LIST}req-broke-402/").content.decode()
    assert "add funds and retry" in html
    assert 'href="/dashboard/balance/add/"' in html


def test_a_page_is_found_by_its_id_in_upper_case_too(customer, failed):
    assert customer.get(f"{LIST}REQ-ALICE-CRASH/").status_code == 200


@override_settings(ERRORKIT={"DASHBOARD_KEY_CREATE_RATE": "1/h"})
def test_the_dashboards_own_refusals_are_not_failed_api_requests(customer):
    # A page's 429 (too many keys made) and 403 (a form without its CSRF
    # token) are the site's, not calls to the API.
    for _ in range(2):
        customer.post("/dashboard/keys/new/", {"name": "k"})
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(make_user("csrf-less"))
    assert strict.post("/dashboard/keys/new/", {"name": "k"}).status_code == 403
    assert not FailedRequest.objects.filter(path__startswith="/dashboard/").exists()


def test_another_customers_request_is_a_404(customer, failed):
    assert customer.get(f"{LIST}req-bob-crash/").status_code == 404
    assert customer.get(f"{LIST}no-such-request/").status_code == 404


def test_failures_older_than_30_days_are_not_listed(customer, failed):
    FailedRequest.objects.filter(request_id="req-alice-crash").update(
        created=timezone.now() - timedelta(days=31)
    )
    assert "req-alice-crash" not in customer.get(LIST).content.decode()


@pytest.mark.parametrize(
    "query",
    [
        {"status": "abc"},
        {"status": "4011"},
        {"status": "²²²"},
        {"page": "0"},
        {"page": "x"},
        {"page": "2"},
    ],
)
def test_a_bad_filter_or_page_is_a_404_not_a_500(customer, failed, query):
    assert customer.get(LIST, query).status_code == 404


@pytest.mark.parametrize(
    "term", ["\x00", "x" * 5000, "%", "_", "'; DROP TABLE x; --", "\u202e", "é" * 300]
)
def test_any_search_text_is_answered(customer, failed, term):
    answer = customer.get(LIST, {"q": term})
    assert answer.status_code == 200


def test_the_key_prefix_finds_rows_recorded_before_the_owner_was_named(
    customer, api_user, failed
):
    key = APIKey.objects.filter(owner=api_user).first()
    FailedRequest.objects.create(
        request_id="req-by-prefix",
        created=timezone.now(),
        status_code=429,
        error_code="rate_limit_exceeded",
        key_prefix=key.prefix,
        method="POST",
        path="/v1/tasks",
    )
    html = customer.get(LIST).content.decode()
    assert "req-by-prefix" in html and "Retry-After" in html


def test_a_whole_key_pasted_in_the_search_is_never_shown_back(customer, api_key):
    html = customer.get(LIST, {"q": api_key}).content.decode()
    assert api_key not in html
    assert api_key[:11] in html  # searched as its public prefix, as the admin does
