"""A customer on the dashboard in a real browser (Playwright, Debian's
chromium): creates a key and sees its secret once, renames and revokes it
through the pages; every page (keys, rename, revoke, balance, add funds,
usage, failed requests and one of them) passes axe-core in light and dark mode and
fits 400 and 1280 px."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from errorkit.dashboard.models import TopUp
from errorkit.incidents.models import FailedRequest
from errorkit.keys.models import APIKey
from tests.browsers import assert_fits, needs_chromium, serious_violations

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    needs_chromium,
]


def signed_in(browser, live_server, user, width: int = 1280, dark: bool = False):
    """A page of the customer's own session (the project's login is theirs
    to choose; this signs in as it would)."""
    client = Client()
    client.force_login(user)
    context = browser.new_context(
        viewport={"width": width, "height": 900},
        color_scheme="dark" if dark else "light",
    )
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    return context.new_page()


def test_a_customer_makes_renames_and_revokes_a_key(live_server, browser, api_user):
    page = signed_in(browser, live_server, api_user)
    keys = f"{live_server.url}/dashboard/keys/"
    page.goto(keys)
    page.fill("#id_name", "laptop")
    with page.expect_navigation():
        page.click("button[type=submit]")
    assert page.url == keys  # the secret is not in the URL
    secret = page.input_value("#new-secret")
    assert secret.startswith("sk_")
    key = APIKey.objects.get(owner=api_user, name="laptop")
    assert secret.startswith(key.prefix)
    page.reload()
    assert page.locator("#new-secret").count() == 0
    assert secret not in page.content()

    page.click(f"a[href$='/keys/{key.pk}/rename/']")
    page.fill("#id_name", "old laptop")
    with page.expect_navigation():
        page.click("button[type=submit]")
    assert "is renamed" in page.content()
    page.click(f"a[href$='/keys/{key.pk}/revoke/']")
    with page.expect_navigation():
        page.click("button.danger")
    assert "is revoked" in page.content()
    key.refresh_from_db()
    assert key.name == "old laptop" and not key.is_active


def test_the_pages_pass_axe_and_fit_400_and_1280_px(live_server, browser, api_user):
    from decimal import Decimal

    from errorkit.billing.backends import ModelBalanceBackend
    from errorkit.keys.api_keys import create_key

    key, _ = create_key(api_user, name="a key with a rather long name for 400 px")
    backend = ModelBalanceBackend()
    hold = backend.hold(
        api_user, Decimal("1"), timeout=60, request_id="req_5f0c2d9e8b7a4c1d9e3f2a1b"
    )
    backend.post(hold, Decimal("0.25"))
    TopUp.objects.create(
        owner=api_user, method="manual", amount=Decimal("250"), currency="USD"
    )
    FailedRequest.objects.create(
        request_id="req_5f0c2d9e8b7a4c1d9e3f2a1b9c8d7e6f",
        created=timezone.now(),
        status_code=401,
        error_code="invalid_api_key",
        reason="revoked",
        user=api_user.get_username(),
        method="POST",
        path="/v1/jobs/with/a/rather/long/path/for/a/narrow/screen",
    )
    found = {}
    for dark in (False, True):
        for width in (400, 1280):
            page = signed_in(browser, live_server, api_user, width=width, dark=dark)
            page.goto(f"{live_server.url}/dashboard/keys/")
            # The list as it is right after a key is made: the secret shown.
            page.fill("#id_name", "new")
            with page.expect_navigation():
                page.click("button[type=submit]")
            assert page.locator("#new-secret").count() == 1
            pages = {
                "keys (new secret)": None,
                "rename": f"/dashboard/keys/{key.pk}/rename/",
                "revoke": f"/dashboard/keys/{key.pk}/revoke/",
                "keys": "/dashboard/keys/",
                "balance": "/dashboard/balance/",
                "add funds": "/dashboard/balance/add/",
                "usage": "/dashboard/usage/",
                "failures": "/dashboard/failures/",
                "failure": "/dashboard/failures/req_5f0c2d9e8b7a4c1d9e3f2a1b9c8d7e6f/",
            }
            for name, path in pages.items():
                if path:
                    page.goto(f"{live_server.url}{path}")
                assert_fits(page, width)
                serious = serious_violations(page)
                if serious:
                    found[f"{name} {width}px{' dark' if dark else ''}"] = serious
            # The form as it is after a wrong amount: its errors shown.
            page.goto(f"{live_server.url}/dashboard/balance/add/")
            page.fill("#id_amount", "a lot")
            with page.expect_navigation():
                page.click("button[type=submit]")
            assert page.locator("#amount-errors").count() == 1
            assert_fits(page, width)
            serious = serious_violations(page)
            if serious:
                found[f"add funds (error) {width}px{' dark' if dark else ''}"] = serious
            page.context.close()
    assert found == {}
