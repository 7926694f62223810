"""A customer's whole way through the demo's dashboard in a real browser
(Playwright, Debian's chromium), against the demo served for real: signs in
with the project's login, creates a key and sees its secret once, calls
POST /v1/jobs with it over HTTP and finds the charge with its request id
and the job it paid for,
spends the balance down to a 402 whose body links to "Add funds", follows
the link, adds funds with the demo's backend, sees the new balance, finds
the 402 by its request id and opens its page, revokes the key, and the
next call is 401."""

from __future__ import annotations

import pytest
import requests

from errorkit.billing.funds import add_funds
from tests.browsers import needs_chromium, serious_violations
from tests.users import make_user

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    needs_chromium,
]

PASSWORD = "journey-pass-6f1d"
JOB = {"model": "demo-echo", "input": {"text": "hello"}}


def test_a_customer_from_a_new_key_to_a_402_to_funds_to_a_401(live_server, browser):
    user = make_user("journey", password=PASSWORD)
    add_funds(user, "0.03")  # three demo-echo jobs
    base = live_server.url
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()

    # Signs in with the project's own login page.
    page.goto(f"{base}/dashboard/")
    assert "/accounts/login/" in page.url
    page.fill("input[name=username]", "journey")
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit], input[type=submit]")
    assert page.url.startswith(f"{base}/dashboard/")

    # Creates a key: its secret once, not again on a reload.
    page.goto(f"{base}/dashboard/keys/")
    page.fill("#id_name", "journey key")
    with page.expect_navigation():
        page.click("button[type=submit]")
    secret = page.input_value("#new-secret")
    assert secret.startswith("sk_") and secret not in page.url
    page.reload()
    assert secret not in page.content()

    # Calls the API with it over HTTP; the charge shows with its request id.
    api = requests.Session()
    api.headers["Authorization"] = f"Bearer {secret}"
    job = api.post(f"{base}/v1/jobs", json=JOB, timeout=30)
    assert job.status_code == 201, job.text
    page.goto(f"{base}/dashboard/balance/")
    assert job.headers["X-Request-ID"] in page.content()
    assert f"job {job.json()['id']}" in page.content()  # the view's label

    # Spends the balance down to a 402 that links to "Add funds".
    statuses = [api.post(f"{base}/v1/jobs", json=JOB, timeout=30) for _ in range(3)]
    assert [s.status_code for s in statuses] == [201, 201, 402]
    refused = statuses[-1]
    add_funds_url = refused.json()["links"]["addFunds"]
    assert add_funds_url == f"{base}/dashboard/balance/add/"

    # Follows it and adds funds with the demo's backend, which says it is one.
    page.goto(add_funds_url)
    assert "This is a demo" in page.content()
    page.fill("#id_amount", "10")
    with page.expect_navigation():
        page.click("button[type=submit]")
    assert page.url == f"{base}/dashboard/balance/"
    assert "10.0000 USD" in page.content()
    assert api.post(f"{base}/v1/jobs", json=JOB, timeout=30).status_code == 201

    # Finds the 402 by its request id, and its page.
    request_id = refused.headers["X-Request-ID"]
    page.goto(f"{base}/dashboard/failures/")
    page.fill("#failure-search", request_id.upper())
    with page.expect_navigation():
        page.click("form[role=search] button[type=submit]")
    with page.expect_navigation():
        page.click(f"a[href$='/failures/{request_id}/']")
    text = page.content()
    assert "Quote this id to support" in text and request_id in text
    assert "insufficient_balance" in text and "add funds and retry" in text
    assert serious_violations(page) == []

    # Revokes the key; the next call is 401 and links to the keys.
    page.goto(f"{base}/dashboard/keys/")
    page.click("a[href$='/revoke/']")
    with page.expect_navigation():
        page.click("button.danger")
    gone = api.post(f"{base}/v1/jobs", json=JOB, timeout=30)
    assert gone.status_code == 401
    assert gone.json()["links"] == {"keys": f"{base}/dashboard/keys/"}
