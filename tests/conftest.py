import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from tests.browsers import CHROMIUM

DEMO_TESTS = Path(__file__).parent / "demo"


def pytest_ignore_collect(collection_path: Path, config) -> bool | None:
    """The demo's tests run under its settings only, the library's never do."""
    demo_run = os.environ.get("DJANGO_SETTINGS_MODULE") == "tests.demo.settings"
    inside_demo = collection_path == DEMO_TESTS or DEMO_TESTS in collection_path.parents
    if collection_path.is_dir() and DEMO_TESTS.is_relative_to(collection_path):
        return None  # a folder above the demo's: look inside
    return None if inside_demo == demo_run else True


@pytest.fixture
def browser() -> Iterator[Any]:
    """Debian's chromium, driven by Playwright (tests.browsers marks the
    tests that need it)."""
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


@pytest.fixture
def client() -> Client:
    # Answers, not exceptions: the test sees what an HTTP caller would see.
    return Client(raise_request_exception=False)


@pytest.fixture
def csrf_client() -> Client:
    return Client(enforce_csrf_checks=True, raise_request_exception=False)


@pytest.fixture
def exception_signals():
    """The requests Django's ``got_request_exception`` was sent for."""
    from django.core.signals import got_request_exception

    received = []

    def receiver(sender, request, **kwargs):
        received.append(request)

    got_request_exception.connect(receiver)
    yield received
    got_request_exception.disconnect(receiver)


@pytest.fixture(autouse=True)
def _fresh_rate_limit_cache():
    """Every test starts with no rate-limit counts."""
    from django.core.cache import caches

    caches["ratelimit"].clear()
    yield


class FakeClock:
    def __init__(self, now: float) -> None:
        self.now = now

    def time(self) -> float:
        return self.now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def fake_clock(monkeypatch):
    """A controlled clock for django-ratelimit's windows (and so errorkit's waits)."""
    import types

    import django_ratelimit.core

    clock = FakeClock(1_000_000.0)
    monkeypatch.setattr(
        django_ratelimit.core, "time", types.SimpleNamespace(time=clock)
    )
    return clock


@pytest.fixture
def api_user(db):
    """A caller, alice (whatever the user model), with a 10.00 USD balance."""
    from errorkit.billing.funds import add_funds
    from tests.users import make_user

    user = make_user("alice")
    add_funds(user, "10.00")
    return user


@pytest.fixture
def api_key(api_user) -> str:
    from errorkit.keys.api_keys import create_key

    return create_key(api_user, name="test")[1]


@pytest.fixture
def api(api_key) -> Client:
    """A client that sends alice's key with every request."""
    return Client(raise_request_exception=False, HTTP_AUTHORIZATION=f"Bearer {api_key}")


@pytest.fixture
def staff(admin_user) -> Client:
    """A client signed in to the admin as a superuser."""
    client = Client()
    client.force_login(admin_user)
    return client
