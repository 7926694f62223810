"""A person in the admin: log in, find an incident by the request id a caller
quoted, open it, resolve it, and a screenshot of the list with its chart.

Playwright drives Debian's chromium (``make browser`` installs it). Without it
the test skips, saying so; under ERRORKIT_REQUIRE_SERVICES=1 (CI) it fails.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from errorkit.incidents.models import Incident
from tests.services import REQUIRE_SERVICES

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not os.path.exists(CHROMIUM) and not REQUIRE_SERVICES,
        reason="Debian's chromium is not installed (make browser)",
    ),
]


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the test's own
    # ORM calls happen around it, never concurrently.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


def test_support_finds_an_incident_by_request_id_and_resolves_it(
    live_server, browser, django_user_model, client
):
    django_user_model.objects.create_superuser("support", "s@example.com", "pw-123")
    client.get("/v1/test/bug/first", HTTP_X_REQUEST_ID="caller-quoted-7")
    client.get("/v1/test/bug/other-bug", HTTP_X_REQUEST_ID="someone-else")
    client.get("/v1/test/bug/second")

    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(
        f"{live_server.url}/admin/login/?next=/admin/errorkit_incidents/incident/"
    )
    page.fill("#id_username", "support")
    page.fill("#id_password", "pw-123")
    page.click("input[type=submit]")
    page.wait_for_selector("svg[role=img]")

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "incident-list.png"), full_page=True)
    assert "Events per hour" in page.inner_text("figure.errorkit-chart")

    page.fill("#searchbar", "caller-quoted-7")
    with page.expect_navigation():
        page.press("#searchbar", "Enter")
    rows = page.locator("#result_list tbody tr")
    assert rows.count() == 1
    assert "KeyError in lookup_price" in rows.first.inner_text()

    rows.first.locator("th a").click()
    page.wait_for_selector("text=Traceback")
    assert "caller-quoted-7" in page.content()
    page.screenshot(path=str(ARTIFACTS / "incident-page.png"), full_page=True)

    with page.expect_navigation():
        page.go_back()
    page.check("#result_list tbody tr input.action-select")
    page.select_option("select[name=action]", "resolve")
    page.click("button[name=index]")
    page.wait_for_selector("text=is now resolved")

    incident = Incident.objects.get(title="KeyError in lookup_price")
    assert incident.status == "resolved" and incident.resolved_by.username == "support"
    assert incident.count == 2


def test_a_pasted_key_never_reaches_a_url(live_server, browser, django_user_model):
    from errorkit.keys.api_keys import create_key

    django_user_model.objects.create_superuser("support", "s@example.com", "pw-123")
    owner = django_user_model.objects.create(username="customer")
    key, secret = create_key(owner, name="findme")
    page = browser.new_page()
    page.goto(f"{live_server.url}/admin/login/?next=/admin/errorkit_keys/apikey/")
    page.fill("#id_username", "support")
    page.fill("#id_password", "pw-123")
    page.click("input[type=submit]")
    page.wait_for_selector("#changelist-search")
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    page.fill("#searchbar", secret)
    page.press("#searchbar", "Enter")
    page.wait_for_selector("text=findme")
    assert requested and not any(secret in url for url in requested)
    assert any(f"q={key.prefix}" in url for url in requested)
