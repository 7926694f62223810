import pytest
from django.test import Client


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
